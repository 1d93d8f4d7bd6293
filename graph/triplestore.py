"""The graph's RDF in an on-disk Oxigraph store, written by a build and read by SPARQL and exports.

``write_store(graph, folder)`` streams the graph's triples (:func:`graph.rdf.triples`, the same
ones :func:`graph.rdf.to_rdf` collects) into Oxigraph's bulk loader for a new store in ``folder``
and writes ``manifest.json`` last, so a folder without one is never taken for a store.
``update_store`` makes the store of a changed graph from its previous one by difference: a linked
copy, less and plus the triples of the documents that changed. ``open_store(folder)`` gives a
:class:`TripleStore`: read-only, with a pool of query workers started on first use, and dumps in
the RDF formats. No copy of the triples is kept in the memory of the process that reads it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import networkx as nx
import rdflib
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Store
from rdflib import URIRef

from .bulk import long_lived
from .namespaces import PREFIXES, XSD_STRING
from .rdf import DEFAULT_BASE, documents_of, edge_document, scoped_triples
from .sparql_examples import Example, build_examples
from .sparql_pool import PoolLimits, QueryPool
from .sparql_results import GRAPH_FORMATS, write_triples
from .store import GraphMissing

FOLDER = "rdf"  # the store's folder in a built version
FORMAT = "policykg-rdf"
VERSION = 1
DATA = "oxigraph"  # the store's own folder inside ``folder``
MANIFEST = "manifest.json"
REBUILD = "run `policykg build`"
REWRITE_SHARE = 0.25  # of the documents (and the shared entities) changed, above which a store is written whole


@dataclass(frozen=True)
class StoreInfo:
    format: str
    version: int
    base: str
    triples: int
    build_id: str | None
    seconds: float  # converting and loading
    bytes: int  # on disk


def store_folder(version: Path) -> Path:
    """Where a built version keeps its RDF store."""
    return version / FOLDER


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _term(term: URIRef | rdflib.Literal) -> NamedNode | Literal:
    if isinstance(term, URIRef):
        return NamedNode(str(term))
    if term.language:
        return Literal(str(term), language=term.language)
    return Literal(str(term), datatype=NamedNode(str(term.datatype or XSD_STRING)))


def _quads(
    graph: nx.MultiDiGraph, base: str, docs: Container[object] | None = None, shared: Container[str] | None = None
) -> Iterator[Quad]:
    for s, p, o in scoped_triples(graph, base, docs, shared):
        yield Quad(NamedNode(str(s)), NamedNode(str(p)), _term(o), DefaultGraph())


def _finish(store: Store, count: int, folder: Path, graph: nx.MultiDiGraph, base: str, started: float) -> StoreInfo:
    """Write the manifest of the store of ``graph``, which holds ``count`` triples."""
    store.flush()
    del store
    seconds = round(time.perf_counter() - started, 3)
    info = StoreInfo(FORMAT, VERSION, base, count, graph.graph.get("build_id"), seconds, _size(folder))
    (folder / MANIFEST).write_text(json.dumps(asdict(info), ensure_ascii=False), encoding="utf-8")
    return info


def _empty(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty")


def write_store(
    graph: nx.MultiDiGraph,
    folder: Path,
    base: str = DEFAULT_BASE,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
) -> StoreInfo:
    """Write the graph's RDF into a new store in ``folder`` (new or empty), streaming: no copy of all
    the triples is held in memory on the way."""
    started = time.perf_counter()
    _empty(folder)
    store = Store(str(folder / DATA))
    store.bulk_extend(progress(_quads(graph, base)))
    store.optimize()
    return _finish(store, len(store), folder, graph, base, started)


def _changed_edges(graph: nx.MultiDiGraph, source: str, out: dict, other: dict) -> Iterator[object]:
    """The scopes of the edges out of ``source`` (``out``: target -> key -> attributes) that ``other``
    (the same, in the other graph) does not hold alike."""
    for target, keyed in out.items():
        held = other.get(target, {})
        if any(held.get(key) != attrs for key, attrs in keyed.items()):
            yield edge_document(graph, source, target)


def changed_scopes(old: nx.MultiDiGraph, new: nx.MultiDiGraph) -> set[object]:
    """The documents (None: the shared entities) one of whose nodes or edges differs between the graphs."""
    return _differences(old, new)[0]


def _differences(old: nx.MultiDiGraph, new: nx.MultiDiGraph) -> tuple[set[object], set[str]]:
    """The changed scopes (``changed_scopes``), and the shared entities whose attributes or outgoing
    edges differ: the only ones whose triples of the shared scope can differ.

    Each node's attributes and all its outgoing edges are compared at once (equal dictionaries, the
    usual case, are told apart without visiting every edge); only a node whose edges differ has them
    compared one by one, in each graph, each difference counting for the document of that graph."""
    scopes: set[object] = set()
    shared: set[str] = set()
    old_nodes, new_nodes = dict(old.nodes(data=True)), dict(new.nodes(data=True))
    old_out, new_out = dict(old.adjacency()), dict(new.adjacency())
    for node in {**old_nodes, **new_nodes}:  # in graph order: a walk through memory, not a jump per node
        before, after = old_nodes.get(node), new_nodes.get(node)
        if before != after:
            scopes.update(attrs.get("doc") for attrs in (before, after) if attrs is not None)
        out_before, out_after = old_out.get(node, {}), new_out.get(node, {})
        if out_before != out_after:
            scopes.update(_changed_edges(old, node, out_before, out_after))
            scopes.update(_changed_edges(new, node, out_after, out_before))
        if (before != after or out_before != out_after) and not (before or after or {}).get("doc"):
            shared.add(node)
    return scopes, shared


def scope_quads(
    graph: nx.MultiDiGraph, base: str, scopes: set[object] | None = None, shared: set[str] | None = None
) -> set[Quad]:
    """The quads of the documents in ``scopes`` and of the ``shared`` entities (``scoped_triples``;
    all of them when ``scopes`` is None)."""
    with long_lived():
        return set(_quads(graph, base, scopes, shared))


def update_store(
    previous: Path, old: nx.MultiDiGraph, new: nx.MultiDiGraph, folder: Path, base: str = DEFAULT_BASE
) -> StoreInfo:
    """The store of ``new`` in ``folder`` (new or empty), made from the store of ``old`` in
    ``previous`` (left as it was) by the difference of the documents whose nodes or edges changed
    (``change_store``)."""
    with long_lived():  # two whole graphs are alive: a collection would walk them for nothing
        scopes, shared = _differences(old, new)
    # Of the shared entities, only those that changed: their triples name them as subject.
    return change_store(previous, scope_quads(old, base, scopes, shared), new, scopes, shared, folder, base)


def change_store(
    previous: Path,
    before: set[Quad],
    new: nx.MultiDiGraph,
    scopes: set[object],
    shared: set[str],
    folder: Path,
    base: str = DEFAULT_BASE,
) -> StoreInfo:
    """The store of ``new`` in ``folder`` (new or empty): a linked copy of the store in ``previous``
    (left as it was), less ``before`` — the triples the previous graph had in ``scopes`` and of the
    ``shared`` entities — and plus those ``new`` has there. Equal to ``write_store(new, folder,
    base)``, which it is when more than ``REWRITE_SHARE`` of the documents changed (a new version of
    the program that writes some attribute of every document, say): then the difference would cost
    more."""
    started = time.perf_counter()
    info = open_store(previous).info
    if info.base != base:
        raise ValueError(f"{previous}: its IRIs are under {info.base}, not {base}")
    documents = new.graph.get("documents") or documents_of(new)  # the corpus order, when the graph keeps it
    if len(scopes) > REWRITE_SHARE * (len(documents) + 1):
        return write_store(new, folder, base)
    _empty(folder)
    Store.read_only(str(previous / DATA)).backup(str(folder / DATA))
    store = Store(str(folder / DATA))
    after = scope_quads(new, base, scopes, shared)
    # Counting what was there and what was not keeps the count exact without counting the store.
    removed = [quad for quad in before - after if quad in store]
    for quad in removed:
        store.remove(quad)
    added = [quad for quad in after - before if quad not in store]
    store.extend(added)
    return _finish(store, info.triples - len(removed) + len(added), folder, new, base, started)


class TripleStore:
    """A built store, opened read-only; SPARQL runs in worker processes of its ``pool``."""

    def __init__(self, folder: Path, info: StoreInfo, limits: PoolLimits | None = None):
        self.folder = folder
        self.info = info
        self._limits = limits

    @property
    def data(self) -> Path:
        return self.folder / DATA

    @cached_property
    def pool(self) -> QueryPool:
        return QueryPool(self.data, self._limits)

    @cached_property
    def _store(self) -> Store:
        return Store.read_only(str(self.data))

    @cached_property
    def examples(self) -> list[Example]:
        """The editor's example queries, filled in from this graph (computed once)."""
        return build_examples(self.pool)

    def dump(self, media_type: str) -> bytes:
        """Every triple in an RDF format (Turtle, N-Triples, JSON-LD) with the usual prefixes."""
        fmt = GRAPH_FORMATS[media_type]
        if fmt == RdfFormat.JSON_LD:
            return write_triples((q.triple for q in self._store.quads_for_pattern(None, None, None)), media_type)
        return self._store.dump(format=fmt, from_graph=DefaultGraph(), prefixes=PREFIXES) or b""

    def close(self) -> None:
        if "pool" in self.__dict__:
            self.pool.close()


def open_store(folder: Path, limits: PoolLimits | None = None) -> TripleStore:
    """The store a build wrote into ``folder``; raises :class:`GraphMissing` when there is none."""
    manifest = folder / MANIFEST
    if not manifest.exists():
        raise GraphMissing(f"尚未建立 RDF 存储 (no RDF store at {folder}; {REBUILD} first)")
    try:
        info = StoreInfo(**json.loads(manifest.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise GraphMissing(f"RDF 存储已损坏 (RDF store is unreadable: {exc}; {REBUILD})") from None
    if info.format != FORMAT or info.version != VERSION or not (folder / DATA).is_dir():
        raise GraphMissing(f"RDF 存储格式不符 (RDF store has an unknown format; {REBUILD})")
    return TripleStore(folder, info, limits)
