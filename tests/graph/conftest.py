"""The citing corpus (``citing_corpus``) built into a graph, once per test module."""

from __future__ import annotations

import networkx as nx
import pytest

from tests.graph.citing_corpus import build_citing_graph


@pytest.fixture(scope="module")
def citing_graph(tmp_path_factory) -> nx.MultiDiGraph:
    return build_citing_graph(tmp_path_factory.mktemp("citing"))
