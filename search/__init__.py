"""Search: hybrid retrieval over search units, and question answering over the graph.

``search.index`` builds and loads the on-disk index (BM25 over jieba tokens, faiss vectors from
m3e-small, the units' records); ``search.engine.Searcher`` answers queries. Importing this
package is cheap: torch and sentence-transformers load only when a dense signal is needed.
"""

from __future__ import annotations

from pathlib import Path


class _ResultList:
    """The web layer's view of the engine: ``search(q, k)`` returns the result records."""

    def __init__(self, searcher):
        self.searcher = searcher

    def search(self, query: str, k: int = 10) -> list[dict]:
        from .engine import MAX_K

        response = self.searcher.search(query, k=max(1, min(k, MAX_K)))
        return response.to_dict()["results"]


def open_searcher(home: Path | str):
    """The hybrid searcher over the index in ``home/index``; raises ``IndexMissing`` when there is none."""
    from .engine import Searcher

    return _ResultList(Searcher.open(Path(home) / "index"))
