"""The one loader of built data, for the command line and the web app: the current version's graph,
its lookups and its search engine.

``current()`` returns one ``Data`` snapshot per built version (``graph.home``), shared by every
request thread. It is keyed by the version id the home's pointer names, and replaced as a whole
when a build publishes another version, so a request never sees half of one build and half of the
next. Everything derived from the graph (entity index, question answering, path view, search
engine, and the RDF store of the version) hangs off the snapshot, loaded on first use and never
twice. Search rankings are cached once per process, keyed by the index's build id (a new version
never sees an older one's), and filtered result lists and search pages per snapshot. Tests pass a search engine in
with ``install(searcher)``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

import networkx as nx

from graph import query
from graph.home import Version, require_version
from graph.lookup import EntityIndex
from graph.paths import entity_view
from graph.schema import ENTITY_TYPES, NodeType
from graph.store import load_graph
from search.cache import RANKINGS_KEPT, LRUCache

if TYPE_CHECKING:
    from graph.triplestore import TripleStore
    from search.engine import Ranking, SearchResponse, SearchResult
    from search.qa.engine import Asker, Search
    from web.records import Filters

log = logging.getLogger(__name__)
FILTERED_CACHED = 256  # filtered result lists kept per version
PAGES_CACHED = 256  # search pages kept per version (a page holds up to 50 results)

# The ranked queries of every version's search engine, keyed by the index's build id: a new version
# asks with its own id, so nothing ranked over an older index is served again.
_rankings: LRUCache = LRUCache(RANKINGS_KEPT)


class SearchEngine(Protocol):
    """What the web needs of a search engine: ``search.engine.Searcher`` or a stand-in."""

    def search(self, raw: str, k: int = 10) -> SearchResponse: ...

    def rank(self, raw: str, mode: str = "hybrid", limit: int = ...) -> Ranking: ...

    def nodes(self, ranking: Ranking) -> list[str]: ...

    def results(self, ranking: Ranking, ranks: Iterable[int]) -> list[SearchResult]: ...


@dataclass(frozen=True)
class _Installed:
    searcher: SearchEngine | None


@dataclass
class Data:
    version: Version
    graph: nx.MultiDiGraph
    installed: _Installed | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _filtered: LRUCache = field(default_factory=lambda: LRUCache(FILTERED_CACHED), repr=False)
    pages: LRUCache = field(default_factory=lambda: LRUCache(PAGES_CACHED), repr=False)  # web.routes.params

    @cached_property
    def index(self) -> EntityIndex:
        return EntityIndex(self.graph, ENTITY_TYPES)

    @cached_property
    def entity_view(self) -> nx.Graph:
        """The graph without structure, for shortest connections between entities."""
        return entity_view(self.graph)

    @cached_property
    def asker(self) -> Asker:
        from search.qa.engine import Asker

        return Asker(self.graph, search=self.search_fn)

    @cached_property
    def graph_asker(self) -> Asker:
        """Answers from the graph only: the home page shows ranked passages itself."""
        from search.qa.engine import Asker

        return Asker(self.graph)

    @cached_property
    def documents(self) -> list[dict]:
        return [
            {"doc": a["doc"], "title": a["title"], "node": n}
            for n, a in sorted(self.graph.nodes(data=True), key=lambda x: x[0])
            if a.get("type") == NodeType.DOCUMENT
        ]

    @cached_property
    def stats(self):
        return query.stats(self.graph)

    def entities(self, type_: str) -> list[dict]:
        nodes = query.nodes_of(self.graph, type_)
        return sorted(
            ({"node": n, "name": self.graph.nodes[n]["name"]} for n in nodes),
            key=lambda e: e["name"],
        )

    # -- search: optional, the index may be missing or unreadable ------------------------------------
    @cached_property
    def searcher(self) -> SearchEngine | None:
        if self.installed is not None:
            return self.installed.searcher
        with self._lock:
            return _open_searcher(self.version)

    def filtered(self, q: str, f: Filters, ranking: Ranking) -> list[int]:
        """The positions in ``ranking`` (the searcher's ranking of ``q``) of the units that pass ``f``."""
        if not f.params():
            return list(range(len(ranking)))
        engine = self.searcher
        assert engine is not None, "a ranking comes from this version's search engine"

        def pick() -> list[int]:
            from web.views import matches

            return [i for i, node in enumerate(engine.nodes(ranking)) if matches(self.graph, node, f)]

        return self._filtered.get_or_make((q, ranking.mode, len(ranking), tuple(sorted(f.params().items()))), pick)

    @property
    def search_fn(self) -> Search | None:
        """``search(query, k)`` -> ranked results, for question answering; None without a search engine."""
        engine = self.searcher
        if engine is None:
            return None
        from search.engine import MAX_K

        return lambda q, k: engine.search(q, max(1, min(k, MAX_K))).results

    # -- the version's RDF store: SPARQL and the RDF downloads -------------------------------------------
    @cached_property
    def rdf_store(self) -> TripleStore:
        """The version's Oxigraph store, read-only; ``GraphMissing`` when the version has none."""
        from graph.triplestore import open_store, store_folder

        return open_store(store_folder(self.version.path))


def _open_searcher(version: Version) -> SearchEngine | None:
    """The hybrid search engine over the version's index, or None when it has none or it is unreadable."""
    from search.engine import Searcher
    from search.vectors import one_thread_per_query

    one_thread_per_query()  # this process answers queries (the web app, or one command)
    try:
        return Searcher.open(version.index_path, rankings=_rankings)
    except Exception as exc:  # a missing or stale index must not take the pages down
        log.warning("search index unavailable: %s", exc)
        return None


_current: Data | None = None
_installed: _Installed | None = None
_lock = threading.Lock()  # held while a snapshot loads: one load at a time
_loading_lock = threading.Lock()
_loading: dict[str, threading.Thread] = {}  # version id -> the thread loading it in the background
_stale_while_loading = False


def serve_stale_while_loading(enabled: bool = True) -> None:
    """For a long-running server: when a build publishes a new version, keep answering from the
    snapshot being served while the new one loads in a background thread (graph, search index),
    rather than holding every request until it has loaded. Off by default (one-shot commands and
    tests see a new version on the next call)."""
    global _stale_while_loading
    _stale_while_loading = enabled


def current(wait: bool = False) -> Data:
    """The snapshot of the version being served; ``GraphMissing`` when nothing is built.

    With ``serve_stale_while_loading``, a newer version is loaded in the background and the previous
    snapshot is returned meanwhile, unless ``wait`` (a request that has just published it)."""
    version = require_version()
    data = _current
    if data is not None and data.version == version:
        return data
    if data is not None and _stale_while_loading and not wait:
        _load_in_background(version)
        return data
    return _load(version)


def _load(version: Version) -> Data:
    global _current
    with _lock:
        data = _current
        if data is not None and data.version == version:
            return data
        data = Data(version, load_graph(version.graph_path), _installed)
        if require_version() == version:  # not replaced by a later build while it loaded
            _current = data
        return data


def _load_in_background(version: Version) -> None:
    with _loading_lock:
        if version.id in _loading:
            return
        thread = threading.Thread(target=_load_and_open, args=(version,), name=f"load-{version.id}", daemon=True)
        _loading[version.id] = thread
    thread.start()


def _load_and_open(version: Version) -> None:
    """Load ``version`` with its search engine ready, then serve it; a failure leaves the previous
    snapshot served (and is tried again on a later request)."""
    try:
        data = _load(version)
        engine = data.searcher
        warm = getattr(engine, "warm", None)
        if warm is not None:
            warm()
    except Exception:  # noqa: BLE001 - the old snapshot stays served; the log says why
        log.exception("cannot load version %s", version.id)
    finally:
        with _loading_lock:
            _loading.pop(version.id, None)


def loading() -> list[threading.Thread]:
    """The background loads under way (for a server shutting down, and tests)."""
    with _loading_lock:
        return list(_loading.values())


def install(searcher: SearchEngine | None) -> None:
    """Use ``searcher`` (None: no search) instead of the version's index, until ``reset()``."""
    global _current, _installed
    with _lock:
        _installed = _Installed(searcher)
        _current = None


def reset() -> None:
    """Forget the loaded snapshot and any installed searcher (tests switch homes)."""
    global _current, _installed
    with _lock:
        _current = None
        _installed = None
