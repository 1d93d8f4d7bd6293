"""One build: ingest -> resolve -> graph, saved atomically so a failure keeps the last good build."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable

from graph import query
from graph.build import build_graph
from graph.home import graph_path
from graph.store import save_graph
from ingest.lexicon import load_lexicon
from ingest.pipeline import ingest
from ingest.resolve import resolve


def _progress(enabled: bool) -> Callable[[Iterable], Iterable]:
    if not enabled or not sys.stderr.isatty():
        return lambda it: it
    from tqdm import tqdm

    return lambda it: tqdm(it, desc="ingest", unit="doc", file=sys.stderr, leave=False)


def build_all(paths: list[str], warn: Callable[[str], None], progress: bool = True) -> dict:
    lexicon = load_lexicon()
    docs = ingest(paths, lexicon, warn=warn, progress=_progress(progress))
    graph = build_graph(docs, resolve(docs, lexicon))
    path = graph_path()
    save_graph(graph, path)
    return {"path": str(path), "stats": query.stats(graph)}
