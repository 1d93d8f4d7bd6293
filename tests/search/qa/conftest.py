"""Question-answering fixtures: the short plan's graph (built in a fraction of a second) for the
readers and operations, and an asker over the bundled plan's graph (no search index)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def mini_graph(tmp_path_factory):
    from graph.build import build_graph
    from ingest.lexicon import load_lexicon
    from ingest.pipeline import ingest
    from ingest.resolve import resolve
    from tests.conftest import MINI_PLAN

    path = tmp_path_factory.mktemp("mini") / "mini.txt"
    path.write_text(MINI_PLAN, encoding="utf-8")
    lexicon = load_lexicon()
    docs = ingest([path], lexicon)
    return build_graph(docs, resolve(docs, lexicon))


@pytest.fixture(scope="module")
def asker(plan_graph):
    from search.qa.engine import Asker

    return Asker(plan_graph)


@pytest.fixture(scope="module")
def reader(plan_graph):
    from search.qa.cues import load_cues
    from search.qa.reading import Reader

    return Reader(plan_graph, load_cues())
