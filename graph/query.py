"""Read-only questions the graph answers directly: tasks, an entity's links, counts."""

from __future__ import annotations

from collections import Counter

import networkx as nx


def nodes_of(graph: nx.MultiDiGraph, type_: str, doc: str | None = None) -> list[str]:
    found = [n for n, a in graph.nodes(data=True) if a.get("type") == type_ and (doc is None or a.get("doc") == doc)]
    return sorted(found, key=lambda n: (graph.nodes[n].get("doc", ""), graph.nodes[n].get("order", 0), n))


def departments_of(graph: nx.MultiDiGraph, task: str) -> list[tuple[str, str]]:
    """(department node, role) in the order the responsibility line gives them."""
    edges = [
        (d["order"], u, d["role"]) for u, _, d in graph.in_edges(task, data=True) if d["type"] == "responsible_for"
    ]
    return [(u, role) for _, u, role in sorted(edges)]


def linked(graph: nx.MultiDiGraph, node: str, type_: str) -> list[str]:
    """Entities of ``type_`` a unit mentions or relates to, in order of first mention."""
    seen: dict[str, int] = {}
    for _, target, d in graph.out_edges(node, data=True):
        if graph.nodes[target].get("type") == type_ and d["type"] != "part_of":
            start = d.get("span", d.get("sentence_source", {})).get("start", 0)
            seen[target] = min(seen.get(target, start), start)
    return sorted(seen, key=seen.get)


def task_record(graph: nx.MultiDiGraph, task: str) -> dict:
    attrs = graph.nodes[task]
    depts = departments_of(graph, task)
    names = lambda type_: [graph.nodes[n]["name"] for n in linked(graph, task, type_)]  # noqa: E731
    return {
        "doc": attrs["doc"],
        "id": attrs["id"],
        "node": task,
        "label": attrs["label"],
        "title": attrs["title"],
        "text": attrs["text"],
        "departments": [graph.nodes[d]["name"] for d, _ in depts],
        "lead": next((graph.nodes[d]["name"] for d, role in depts if role == "lead"), None),
        "programmes": names("Programme"),
        "organisations": names("Organisation"),
        "policies": names("Policy"),
        "places": names("Place"),
        "source": attrs["source"],
    }


def tasks(graph: nx.MultiDiGraph, doc: str | None = None) -> list[dict]:
    return [task_record(graph, t) for t in nodes_of(graph, "Task", doc)]


def unit_of(graph: nx.MultiDiGraph, node: str) -> dict:
    a = graph.nodes[node]
    return {"doc": a["doc"], "id": a["id"], "node": node, "label": a["label"], "title": a["title"], "type": a["type"]}


def mentions_of(graph: nx.MultiDiGraph, entity: str) -> list[dict]:
    """Every unit that mentions or relates to ``entity``, with the sentence that says so."""
    out = []
    for unit, _, d in graph.in_edges(entity, data=True):
        if d["type"] in ("mentions", "based_on", "implements", "amends") and graph.nodes[unit]["type"] != "Document":
            out.append(
                {
                    **unit_of(graph, unit),
                    "relation": d["type"],
                    "sentence": d.get("sentence", ""),
                    "sentence_source": d.get("sentence_source"),
                }
            )
        elif graph.nodes[unit]["type"] == "Document":
            out.append(
                {
                    "doc": graph.nodes[unit]["doc"],
                    "id": None,
                    "node": unit,
                    "label": "",
                    "type": "Document",
                    "title": graph.nodes[unit]["title"],
                    "relation": d["type"],
                    "sentence": d.get("sentence", ""),
                    "sentence_source": d.get("sentence_source"),
                }
            )
    return sorted(out, key=lambda m: (m["doc"], (m["sentence_source"] or {}).get("start", 0)))


def departments_behind(graph: nx.MultiDiGraph, entity: str) -> list[dict]:
    """Departments responsible for the tasks that mention ``entity`` (the trace staff ask for)."""
    found: dict[str, dict] = {}
    for m in mentions_of(graph, entity):
        if m["type"] != "Task":
            continue
        for dept, role in departments_of(graph, m["node"]):
            entry = found.setdefault(dept, {"name": graph.nodes[dept]["name"], "node": dept, "tasks": []})
            if m["node"] not in [t["node"] for t in entry["tasks"]]:
                entry["tasks"].append({**unit_of(graph, m["node"]), "role": role})
    return list(found.values())


def entity_record(graph: nx.MultiDiGraph, node: str) -> dict:
    attrs = graph.nodes[node]
    record = {"node": node, **{k: v for k, v in attrs.items() if k not in ("sentences",)}}
    if attrs["type"] == "Department":
        record["tasks"] = [
            {**unit_of(graph, t), "role": d["role"]}
            for _, t, d in sorted(graph.out_edges(node, data=True), key=lambda e: graph.nodes[e[1]].get("order", 0))
            if d["type"] == "responsible_for"
        ]
    else:
        record["mentions"] = mentions_of(graph, node)
        record["departments"] = departments_behind(graph, node)
    return record


def stats(graph: nx.MultiDiGraph) -> dict:
    types = Counter(a.get("type") for _, a in graph.nodes(data=True))
    edges = Counter(d.get("type") for _, _, d in graph.edges(data=True))
    return {
        "documents": types.pop("Document", 0),
        "tasks": types.get("Task", 0),
        "nodes": dict(sorted(types.items())),
        "edges": dict(sorted(edges.items())),
        "node_count": graph.number_of_nodes(),
        "edge_count": graph.number_of_edges(),
        "built": graph.graph.get("built"),
    }
