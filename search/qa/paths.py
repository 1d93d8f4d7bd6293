"""How two entities are connected: the shortest paths through tasks and relations, explained."""

from __future__ import annotations

import networkx as nx

from graph.paths import MAX_PATHS, shortest_paths

from .evidence import VERBS, dedupe, edge_evidence, entity_obj, name
from .model import Answer, Evidence, Parsed


def _hop(graph: nx.MultiDiGraph, u: str, v: str) -> tuple[dict, Evidence | None]:
    for a, b in ((u, v), (v, u)):
        data = graph.get_edge_data(a, b)
        if data:
            d = next(iter(data.values()))
            verb = VERBS.get(d["type"], d["type"])
            if d["type"] == "responsible_for" and d.get("role") == "lead":
                verb = "牵头负责"
            step = {"from": _describe(graph, a), "relation": d["type"], "verb": verb, "to": _describe(graph, b)}
            unit = a if graph.nodes[a]["type"] in ("Task", "Paragraph") else b
            return step, edge_evidence(graph, unit, d)
    raise KeyError((u, v))


def _describe(graph: nx.MultiDiGraph, node: str) -> str:
    a = graph.nodes[node]
    if a["type"] in ("Task", "Paragraph"):
        return f"任务{a['id']}（{a['title']}）" if a["type"] == "Task" else f"段落{a['id']}"
    return a["name"]


def relation(graph: nx.MultiDiGraph, parsed: Parsed) -> Answer:
    a, b = parsed.slots["a"].nodes[0], parsed.slots["b"].nodes[0]
    pair = f"{name(graph, a)}与{name(graph, b)}"
    paths = shortest_paths(graph, a, b, MAX_PATHS)
    if not paths:
        return Answer(
            parsed.question,
            "relation",
            f"图谱中没有找到{pair}之间的联系。",
            status="not_found",
            entities=[entity_obj(graph, a), entity_obj(graph, b)],
        )
    steps, evidence, text = explain(graph, paths)
    return Answer(
        parsed.question,
        "relation",
        text,
        paths=steps,
        evidence=evidence,
        entities=[entity_obj(graph, a), entity_obj(graph, b)],
    )


def explain(graph: nx.MultiDiGraph, paths: list[list[str]]) -> tuple[list[list[dict]], list[Evidence], str]:
    """The hops of each path, the sentences they rest on, and one Chinese sentence describing them."""
    a, b = paths[0][0], paths[0][-1]
    steps, evidence, sentences = [], [], []
    for path in paths:
        hops = [_hop(graph, u, v) for u, v in zip(path, path[1:], strict=False)]
        steps.append([h for h, _ in hops])
        evidence += [e for _, e in hops]
        sentences.append("，".join(f"{h['from']}{h['verb']}{h['to']}" for h, _ in hops))
    middle = [_describe(graph, n) for n in paths[0][1:-1]]
    via = f"通过{'、'.join(middle)}相连" if middle else "直接相连"
    text = f"{name(graph, a)}与{name(graph, b)}{via}（{len(paths)} 条最短路径）：" + "；".join(sentences) + "。"
    return steps, dedupe(evidence), text
