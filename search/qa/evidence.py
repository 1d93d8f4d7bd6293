"""Small graph readers shared by the answer builders: task objects and evidence sentences."""

from __future__ import annotations

import networkx as nx

from .model import Evidence

# Edge types that say how two nodes of the graph are connected, as Chinese verbs.
VERBS = {
    "responsible_for": "负责",
    "mentions": "提到",
    "based_on": "依据",
    "implements": "落实",
    "amends": "修订",
    "issued_by": "由…发布",
    "same_as": "即",
}


def name(graph: nx.MultiDiGraph, node: str) -> str:
    return graph.nodes[node]["name"]


def entity_obj(graph: nx.MultiDiGraph, node: str) -> dict:
    a = graph.nodes[node]
    return {"node": node, "name": a["name"], "type": a["type"], "aliases": a.get("aliases", [])}


def task_obj(graph: nx.MultiDiGraph, node: str) -> dict:
    a = graph.nodes[node]
    return {"doc": a["doc"], "id": a["id"], "label": a["label"], "title": a["title"]}


def unit_task_id(graph: nx.MultiDiGraph, node: str) -> str | None:
    a = graph.nodes[node]
    return a["id"] if a.get("type") == "Task" else None


def edge_evidence(graph: nx.MultiDiGraph, unit: str, data: dict) -> Evidence | None:
    """The sentence an edge was read from, cited by its span in the original file."""
    if not data.get("sentence"):
        return None
    a = graph.nodes[unit]
    return Evidence(a["doc"], unit_task_id(graph, unit), data["sentence"], data["sentence_source"], unit)


def dedupe(evidence: list[Evidence | None]) -> list[Evidence]:
    seen, out = set(), []
    for e in evidence:
        if e is not None and (e.doc, e.source["start"]) not in seen:
            seen.add((e.doc, e.source["start"]))
            out.append(e)
    return out


def task_order(graph: nx.MultiDiGraph, node: str) -> tuple:
    a = graph.nodes[node]
    return (a.get("doc", ""), a.get("order", 0))


def responsibilities(graph: nx.MultiDiGraph, dept: str, lead_only: bool = False) -> list[tuple[str, dict]]:
    """(task, edge data) for a department's tasks in document order."""
    edges = [
        (task, d)
        for _, task, d in graph.out_edges(dept, data=True)
        if d["type"] == "responsible_for" and (not lead_only or d["role"] == "lead")
    ]
    return sorted(edges, key=lambda e: task_order(graph, e[0]))


def mentioning_units(graph: nx.MultiDiGraph, entity: str) -> list[tuple[str, dict]]:
    """(unit, edge data) for every unit that mentions or cites ``entity``, in document order."""
    edges = [
        (unit, d)
        for unit, _, d in graph.in_edges(entity, data=True)
        if d["type"] in ("mentions", "based_on", "implements", "amends")
    ]
    return sorted(edges, key=lambda e: (task_order(graph, e[0]), e[1].get("sentence_source", {}).get("start", 0)))


def labels(tasks: list[dict]) -> str:
    return "；".join(f"{t['id']} {t['label']}{t['title']}" for t in tasks)
