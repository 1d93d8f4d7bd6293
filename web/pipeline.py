"""One build: ingest -> resolve -> graph -> search index, written as a new version and switched in whole.

The build holds the home's lock (one build at a time), writes the graph and the index into a
staged version folder and publishes it only once both are complete (``graph.home``). Any failure
before that point discards the staged folder and leaves the previous version served.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import networkx as nx

from graph import query
from graph.build import build_graph
from graph.home import build_lock, discard, publish, stage_version
from graph.rdf import base_iri
from graph.store import save_graph
from graph.triplestore import store_folder, write_store
from ingest.lexicon import load_lexicon
from ingest.pipeline import ingest
from ingest.resolve import resolve

if TYPE_CHECKING:
    from search.index import IndexSource


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


def _index_source(graph: nx.MultiDiGraph) -> IndexSource:
    from search.index import index_source  # search (and numpy) load only for builds that index

    return index_source(graph)


def build_all(
    paths: list[str],
    warn: Callable[[str], None],
    progress: bool = True,
    search_index: bool = True,
    model: str | None = None,
) -> dict:
    """Build ``paths`` into a new version and serve it; returns the graph's stats and where things went."""
    with build_lock():
        graph = _graph(paths, warn, progress)
        summary: dict = {"stats": query.stats(graph)}
        staged = stage_version()
        try:
            graph.graph["build_id"] = staged.id
            source = _index_source(graph) if search_index else None
            # The graph goes to disk and out of memory before the costly encoding.
            save_graph(graph, staged.graph_path)
            store = write_store(graph, store_folder(staged.path), base_iri())
            summary["rdf"] = {"triples": store.triples, "bytes": store.bytes}
            del graph
            if source is not None:
                from search.index import build_index

                stats = build_index(
                    source, staged.index_path, staged.id, model=model, progress=None if progress else False
                )
                summary["index"] = {"units": stats.units, "pieces": stats.pieces, "bytes": stats.bytes}
            version = publish(staged)
        except BaseException:
            discard(staged)
            raise
    summary["version"] = version.id
    summary["path"] = str(version.graph_path)
    summary["rdf"]["path"] = str(store_folder(version.path))
    if "index" in summary:
        summary["index"]["path"] = str(version.index_path)
    return summary
