"""What the web app reads: the built graph, its lookups and the search engine, reloaded after a rebuild.

One ``Data`` snapshot is shared by every request thread. It is replaced as a whole when
``graph.json`` changes on disk, so a request never sees half of an old build and half of a new one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx

from graph import query
from graph.home import graph_path
from graph.lookup import ENTITY_TYPES, EntityIndex
from graph.store import load_graph

log = logging.getLogger(__name__)

# Node types that have an entity page (tasks and paragraphs have their own pages).
PAGE_TYPES = (*ENTITY_TYPES, "Figure")


@dataclass
class Data:
    graph: nx.MultiDiGraph
    path: Path
    stamp: tuple[float, int]
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @cached_property
    def index(self) -> EntityIndex:
        return EntityIndex(self.graph, PAGE_TYPES[:-1])

    @cached_property
    def asker(self):
        from search.qa.engine import Asker

        return Asker(self.graph, search=self.search_fn)

    @cached_property
    def graph_asker(self):
        """Answers from the graph only: the home page shows ranked passages itself."""
        from search.qa.engine import Asker

        return Asker(self.graph)

    @cached_property
    def documents(self) -> list[dict]:
        return [
            {"doc": a["doc"], "title": a["title"], "node": n}
            for n, a in sorted(self.graph.nodes(data=True), key=lambda x: x[0])
            if a.get("type") == "Document"
        ]

    @cached_property
    def stats(self) -> dict:
        return query.stats(self.graph)

    def entities(self, type_: str) -> list[dict]:
        nodes = query.nodes_of(self.graph, type_)
        return sorted(
            ({"node": n, "name": self.graph.nodes[n]["name"]} for n in nodes),
            key=lambda e: e["name"],
        )

    # -- search: optional, the engine may be missing or not built ---------------------------------
    @cached_property
    def searcher(self):
        with self._lock:
            return _load_searcher(self.path.parent)

    @property
    def search_fn(self) -> Callable[[str, int], list[dict]] | None:
        engine = self.searcher
        if engine is None:
            return None
        return lambda q, k: engine.search(q, k)


def _load_searcher(home: Path):
    """The hybrid search engine over the index built beside the graph, or None when unavailable."""
    try:
        from search import open_searcher  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        return open_searcher(home)
    except Exception as exc:  # a missing or stale index must not take the pages down
        log.warning("search index unavailable: %s", exc)
        return None


_current: Data | None = None
_lock = threading.Lock()


def _stamp(path: Path) -> tuple[float, int]:
    st = path.stat()
    return (st.st_mtime, st.st_size)


def current() -> Data:
    """The snapshot for the graph on disk now; raises ``GraphMissing`` when nothing is built."""
    global _current
    path = graph_path()
    try:
        stamp = _stamp(path)
    except FileNotFoundError:
        stamp = None
    data = _current
    if data is not None and data.path == path and data.stamp == stamp:
        return data
    with _lock:
        data = _current
        if data is not None and data.path == path and data.stamp == stamp:
            return data
        graph = load_graph(path)  # raises GraphMissing with a message for the user
        _current = Data(graph, path, stamp or _stamp(path))
        return _current


def reset() -> None:
    """Forget the cached snapshot (tests switch homes)."""
    global _current
    with _lock:
        _current = None
