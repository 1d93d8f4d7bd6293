"""Search fixtures: the bundled plan's index (built with the graph by ``built_home``), loaded once."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def searcher(built_home):
    from search.engine import Searcher

    s = Searcher.open(built_home / "index")
    s.warm()
    return s
