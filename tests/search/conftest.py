"""Search fixtures: the bundled plan's index (built with its graph by ``search_home``), loaded once,
and the same index with its vectors moved into Milvus (milvus-lite). ``searcher`` runs each test
that uses it over both vector stores."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import served


@pytest.fixture(scope="session")
def search_index_path(search_home):
    return served(search_home).index_path


@pytest.fixture(scope="session")
def milvus_index_path(search_index_path, tmp_path_factory):
    """A copy of the index whose vectors live in a milvus-lite folder instead of faiss files."""
    from search.vectorstore.milvus import store_in_milvus

    folder = tmp_path_factory.mktemp("milvus") / "index"
    shutil.copytree(search_index_path, folder)
    store_in_milvus(folder, json.loads((folder / "manifest.json").read_text())["build_id"])
    return folder


@pytest.fixture(scope="session", params=["faiss", "milvus"])
def searcher(request):
    from search.engine import Searcher

    folder = request.getfixturevalue("search_index_path" if request.param == "faiss" else "milvus_index_path")
    s = Searcher.open(folder)
    s.warm()
    return s
