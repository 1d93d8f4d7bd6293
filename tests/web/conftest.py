"""A home built from the citing corpus (two versions of a law and documents citing them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import build_into
from tests.graph.citing_corpus import write_corpus


@pytest.fixture
def citing_home(tmp_path, monkeypatch) -> Iterator[Path]:
    """This test's ``POLICYKG_HOME``: the citing corpus built without a search index."""
    from web.state import reset

    home = tmp_path / "home"
    build_into(home, [write_corpus(tmp_path / "corpus")], search_index=False)
    monkeypatch.setenv("POLICYKG_HOME", str(home))
    reset()
    yield home
    reset()
