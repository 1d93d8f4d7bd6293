"""One build: ingest -> resolve -> graph -> search index, saved so a failure keeps the last good pair.

The search index is built into a staging folder first; the graph is written (atomically) only
once the index is complete, and the index folder is swapped in right after. Any failure before
that point leaves the previous graph and index untouched.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterable

import networkx as nx

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


def _graph(paths: list[str], warn: Callable[[str], None], progress: bool) -> nx.MultiDiGraph:
    """Ingest and build; the documents are released when this returns."""
    lexicon = load_lexicon()
    docs = ingest(paths, lexicon, warn=warn, progress=_progress(progress))
    return build_graph(docs, resolve(docs, lexicon))


def build_all(
    paths: list[str],
    warn: Callable[[str], None],
    progress: bool = True,
    search_index: bool = True,
    model: str | None = None,
) -> dict:
    graph = _graph(paths, warn, progress)
    build_id = uuid.uuid4().hex
    graph.graph["build_id"] = build_id
    path = graph_path()
    summary: dict = {"path": str(path), "stats": query.stats(graph)}
    if not search_index:
        save_graph(graph, path)
        return summary
    from search.index import build_index, discard, index_path, index_source, staging_folder, swap_in

    target = index_path()
    staged = staging_folder(target)
    staged_graph = path.with_name(f".{path.name}.{build_id}.staged")
    try:
        source = index_source(graph)
        # The graph goes to disk (not yet in place) and out of memory before the costly encoding.
        save_graph(graph, staged_graph)
        del graph
        stats = build_index(source, staged, build_id, model=model, progress=None if progress else False)
        os.replace(staged_graph, path)
        swap_in(staged, target)
    except BaseException:
        discard(staged)
        staged_graph.unlink(missing_ok=True)
        raise
    summary["index"] = {"path": str(target), "units": stats.units, "pieces": stats.pieces, "bytes": stats.bytes}
    return summary
