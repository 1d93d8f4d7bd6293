"""A document's summary decides the corpus-wide steps as the document itself does."""

from __future__ import annotations

import pickle

from ingest.citations import resolve_citations
from ingest.lexicon import load_lexicon
from ingest.pipeline import ingest
from ingest.resolve import resolve
from ingest.summary import summaries, summarise
from tests.graph.citing_corpus import write_corpus


def test_entities_and_citations_from_summaries_equal_those_from_documents(tmp_path):
    lexicon = load_lexicon()
    docs = ingest([str(write_corpus(tmp_path / "corpus"))], lexicon)
    summarised = summaries(docs, lexicon)
    from_docs, from_summaries = resolve(docs, lexicon), resolve(summarised, lexicon)
    assert from_docs.entities == from_summaries.entities and from_docs.by_surface == from_summaries.by_surface
    assert resolve_citations(docs, lexicon) == resolve_citations(summarised, lexicon)
    assert any(link.target for link in resolve_citations(summarised, lexicon))


def test_a_summary_holds_names_once_and_survives_pickling(tmp_path):
    lexicon = load_lexicon()
    (plan,) = [d for d in ingest([str(write_corpus(tmp_path / "corpus"))], lexicon) if d.id == "plan"]
    summary = summarise(plan, lexicon)
    assert len(set(summary.names)) == len(summary.names)
    assert ("Department", "普及部") in summary.names and all(t != "Figure" for t, _ in summary.names)
    assert {c.title for c in summary.citations} >= {"示范工作实施方案", "未收录条例"}
    assert pickle.loads(pickle.dumps(summary)) == summary
    assert summaries([summary], lexicon) == [summary]
