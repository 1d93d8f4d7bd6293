"""The citing corpus (``citing_corpus``) ingested and built into a graph, once per test module."""

from __future__ import annotations

import networkx as nx
import pytest

from tests.graph.citing_corpus import write_corpus


@pytest.fixture(scope="module")
def citing_graph(tmp_path_factory) -> nx.MultiDiGraph:
    from graph.build import build_graph
    from ingest.lexicon import load_lexicon
    from ingest.pipeline import ingest
    from ingest.resolve import resolve

    lexicon = load_lexicon()
    docs = ingest([str(write_corpus(tmp_path_factory.mktemp("citing")))], lexicon)
    return build_graph(docs, resolve(docs, lexicon), lexicon)
