"""Records of graph nodes for answers, and the sentences that justify them."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from graph.lookup import fold
from graph.schema import EdgeType, NodeType, document_node_id

from .model import DocumentRef, EntityRef, Evidence, TaskRef


def name(graph: nx.MultiDiGraph, node: str) -> str:
    return graph.nodes[node]["name"]


def order_key(graph: nx.MultiDiGraph, node: str) -> tuple[str, int, str]:
    a = graph.nodes[node]
    return (a.get("doc", ""), a.get("order", 0), node)


def responsible(graph: nx.MultiDiGraph, task: str) -> list[tuple[str, dict]]:
    """(department, responsibility edge) of a task, in the order its responsibility line names them."""
    edges = [(u, d) for u, _, d in graph.in_edges(task, data=True) if d["type"] == EdgeType.RESPONSIBLE_FOR]
    return sorted(edges, key=lambda e: e[1]["order"])


def task_ref(graph: nx.MultiDiGraph, node: str) -> TaskRef:
    a = graph.nodes[node]
    departments = [name(graph, d) for d, _ in responsible(graph, node)]
    return TaskRef(a["doc"], a["id"], a["label"], a["title"], departments)


def entity_ref(graph: nx.MultiDiGraph, node: str) -> EntityRef:
    a = graph.nodes[node]
    return EntityRef(node, a["name"], a["type"], list(a.get("aliases", [])))


def document_ref(graph: nx.MultiDiGraph, node: str) -> DocumentRef:
    a = graph.nodes[node]
    return DocumentRef(a["doc"], a["title"])


def document_node(graph: nx.MultiDiGraph, node: str) -> str:
    """The document node a unit belongs to."""
    a = graph.nodes[node]
    return node if a["type"] == NodeType.DOCUMENT else document_node_id(a["doc"])


def unit_task_id(graph: nx.MultiDiGraph, node: str) -> str | None:
    a = graph.nodes[node]
    return a["id"] if a.get("type") == NodeType.TASK else None


def edge_evidence(graph: nx.MultiDiGraph, unit: str, data: dict) -> Evidence | None:
    """The sentence an edge was read from, cited by its span in the original file."""
    if not data.get("sentence"):
        return None
    a = graph.nodes[unit]
    return Evidence(a["doc"], unit_task_id(graph, unit), data["sentence"], dict(data["sentence_source"]), unit)


def sentences_with(graph: nx.MultiDiGraph, unit: str, term: str) -> list[Evidence]:
    """The sentences of a unit whose (folded) text holds ``term``."""
    a = graph.nodes[unit]
    out = []
    for start, end, src_start, src_end in a.get("sentences", []):
        text = a["text"][start:end]
        if term in fold(text):
            source = {"start": src_start, "end": src_end}
            out.append(Evidence(a["doc"], unit_task_id(graph, unit), text.strip(), source, unit))
    return out


def first_sentence(graph: nx.MultiDiGraph, unit: str) -> list[Evidence]:
    """The opening sentence of a unit (a task's number and title)."""
    a = graph.nodes[unit]
    return [
        Evidence(a["doc"], unit_task_id(graph, unit), a["text"][start:end].strip(), {"start": s, "end": e}, unit)
        for start, end, s, e in a.get("sentences", [])[:1]
    ]


def dedupe(evidence: Iterable[Evidence | None]) -> list[Evidence]:
    seen, out = set(), []
    for e in evidence:
        if e is not None and (e.doc, e.source["start"]) not in seen:
            seen.add((e.doc, e.source["start"]))
            out.append(e)
    return out


def labels(tasks: list[TaskRef], sep: str) -> str:
    return sep.join(f"{t.id} {t.label}{t.title}" for t in tasks)
