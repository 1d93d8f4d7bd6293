"""The small graph operations answers are composed of.

Each returns ``Hits``: the nodes found, in document order, each with the sentences that justify it,
so that combining operations (intersection, union) also combines their evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import networkx as nx

from graph.schema import REFERENCE_EDGES, EdgeType, NodeType

from .evidence import edge_evidence, first_sentence, order_key, responsible, sentences_with
from .mentions import Texts
from .model import Evidence

Hits = dict[str, list[Evidence]]
_Found = dict[str, list[Evidence | None]]  # before the edges without a sentence are dropped
_CITING = (*REFERENCE_EDGES, EdgeType.CITES)  # the edges by which a unit or document cites another


def ordered(graph: nx.MultiDiGraph, hits: Hits) -> Hits:
    return {n: hits[n] for n in sorted(hits, key=lambda n: order_key(graph, n))}


def in_scope(graph: nx.MultiDiGraph, documents: list[str] | None = None) -> Callable[[str], bool]:
    """Whether a node is a task (of the given document nodes): a test, for filtering other hits by
    the scope without listing every task in it."""
    docs = {graph.nodes[d]["doc"] for d in documents} if documents else None

    def holds(node: str) -> bool:
        a = graph.nodes[node]
        return a.get("type") == NodeType.TASK and (docs is None or a.get("doc") in docs)

    return holds


def tasks_in(graph: nx.MultiDiGraph, documents: list[str] | None = None) -> Hits:
    """Every task (of the given document nodes), with its opening sentence."""
    holds = in_scope(graph, documents)
    return ordered(graph, {n: first_sentence(graph, n) for n in graph.nodes if holds(n)})


def tasks_of(graph: nx.MultiDiGraph, department: str, role: str | None = None) -> Hits:
    """A department's tasks (with ``role`` only), each with its responsibility line."""
    found: _Found = {}
    for _, task, d in graph.out_edges(department, data=True):
        if d["type"] == EdgeType.RESPONSIBLE_FOR and (role is None or d["role"] == role):
            found.setdefault(task, []).append(edge_evidence(graph, task, d))
    return ordered(graph, _clean(found))


def units_mentioning(graph: nx.MultiDiGraph, entity: str, types: Iterable[str] = (NodeType.TASK,)) -> Hits:
    """Units of ``types`` that mention or cite ``entity``, with the sentences that do."""
    wanted = set(types)
    found: _Found = {}
    for unit, _, d in graph.in_edges(entity, data=True):
        if d["type"] in REFERENCE_EDGES and graph.nodes[unit].get("type") in wanted:
            found.setdefault(unit, []).append(edge_evidence(graph, unit, d))
    return ordered(graph, _clean(found))


def versions_of(graph: nx.MultiDiGraph, document: str) -> list[str]:
    """The document nodes of ``document``'s title: its versions, itself included."""
    title = graph.nodes[document]["title"]
    return [n for n, a in graph.nodes(data=True) if a.get("type") == NodeType.DOCUMENT and a["title"] == title]


def citations_of(graph: nx.MultiDiGraph, citing_document: str, documents: list[str]) -> list[dict]:
    """What ``citing_document`` records of its citations that landed on one of ``documents``:
    ``{title, doc, relation, reason}`` each."""
    ids = {graph.nodes[d]["doc"] for d in documents}
    return [c for c in graph.nodes[citing_document].get("citations", []) if c.get("doc") in ids]


def citing(graph: nx.MultiDiGraph, document: str) -> Hits:
    """Units and documents that cite ``document`` or another version of it (the same title) — by a
    relation to it or by naming a policy that is it (``same_as``) — with the sentences that do."""
    versions = versions_of(graph, document)
    docs = {graph.nodes[v]["doc"] for v in versions}
    policies = {p for v in versions for p, _, d in graph.in_edges(v, data=True) if d["type"] == EdgeType.SAME_AS}
    found: _Found = {}
    for target in (*versions, *sorted(policies)):
        for unit, _, d in graph.in_edges(target, data=True):
            if d["type"] in _CITING and graph.nodes[unit].get("doc") not in docs:
                found.setdefault(unit, []).append(edge_evidence(graph, unit, d))
    return ordered(graph, _clean(found))


def units_containing(graph: nx.MultiDiGraph, texts: Texts, term: str, types: Iterable[str] = (NodeType.TASK,)) -> Hits:
    """Units of ``types`` whose text holds ``term``, with the sentences that hold it."""
    wanted = set(types)
    units = [texts.units[i] for i in texts.containing(term)]
    return {n: sentences_with(graph, n, term) for n, type_, _ in units if type_ in wanted}


def with_several_departments(graph: nx.MultiDiGraph, hits: Hits) -> Hits:
    """The tasks more than one department is responsible for, with their responsibility lines."""
    out: _Found = {}
    for task, evidence in hits.items():
        owners = responsible(graph, task)
        if len(owners) > 1:
            out[task] = [*evidence, edge_evidence(graph, task, owners[0][1])]
    return _clean(out)


def departments_of(graph: nx.MultiDiGraph, tasks: Iterable[str], role: str | None = None) -> Hits:
    """The departments responsible for ``tasks`` (with ``role`` only), first named first."""
    found: _Found = {}
    for task in tasks:
        for dept, d in responsible(graph, task):
            if role is None or d["role"] == role:
                found.setdefault(dept, []).append(edge_evidence(graph, task, d))
    return _clean(found)


def intersect(graph: nx.MultiDiGraph, groups: list[Hits]) -> Hits:
    if not groups:
        return {}
    keep = set(groups[0]).intersection(*groups[1:])
    return ordered(graph, {n: [e for g in groups for e in g[n]] for n in keep})


def unite(graph: nx.MultiDiGraph, groups: list[Hits]) -> Hits:
    out: Hits = {}
    for g in groups:
        for n, evidence in g.items():
            out.setdefault(n, []).extend(evidence)
    return ordered(graph, out)


def _clean(hits: _Found) -> Hits:
    return {n: [e for e in evidence if e is not None] for n, evidence in hits.items()}
