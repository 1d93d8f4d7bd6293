"""Search fixtures: the bundled plan's index (built with its graph by ``search_home``), loaded once."""

from __future__ import annotations

import pytest

from tests.conftest import served


@pytest.fixture(scope="session")
def search_index_path(search_home):
    return served(search_home).index_path


@pytest.fixture(scope="session")
def searcher(search_index_path):
    from search.engine import Searcher

    s = Searcher.open(search_index_path)
    s.warm()
    return s
