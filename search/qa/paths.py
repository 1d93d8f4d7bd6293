"""How two entities are connected: the shortest paths through tasks and relations, explained."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from graph.paths import MAX_PATHS, shortest_paths
from graph.schema import LEAD_VERB, LEAF_UNIT_TYPES, RELATION_VERBS, EdgeType, NodeType, Role

from .cues import Cues, load_cues
from .evidence import dedupe, edge_evidence, name
from .model import Evidence


@dataclass
class Connection:
    text: str
    paths: list[list[dict[str, str]]]
    evidence: list[Evidence]


def _describe(graph: nx.MultiDiGraph, node: str, cues: Cues) -> str:
    a = graph.nodes[node]
    if a["type"] == NodeType.TASK:
        return cues.phrase("path_task", id=a["id"], title=a["title"])
    if a["type"] in LEAF_UNIT_TYPES:
        return cues.phrase("path_paragraph", id=a["id"])
    return a["name"]


def _hop(graph: nx.MultiDiGraph, u: str, v: str, cues: Cues) -> tuple[dict[str, str], Evidence | None]:
    for a, b in ((u, v), (v, u)):
        data = graph.get_edge_data(a, b)
        if data:
            d = next(iter(data.values()))
            verb = RELATION_VERBS.get(d["type"], d["type"])
            if d["type"] == EdgeType.RESPONSIBLE_FOR and d.get("role") == Role.LEAD:
                verb = LEAD_VERB
            step = {
                "from": _describe(graph, a, cues),
                "relation": d["type"],
                "verb": verb,
                "to": _describe(graph, b, cues),
            }
            unit = a if graph.nodes[a]["type"] in LEAF_UNIT_TYPES else b
            return step, edge_evidence(graph, unit, d)
    raise KeyError((u, v))


def relation(graph: nx.MultiDiGraph, a: str, b: str, cues: Cues | None = None) -> Connection:
    """The shortest connections between two entities, or none."""
    cues = cues or load_cues()
    paths = shortest_paths(graph, a, b, MAX_PATHS)
    if not paths:
        return Connection(cues.phrase("path_none", a=name(graph, a), b=name(graph, b)), [], [])
    steps, evidence, text = explain(graph, paths, cues)
    return Connection(text, steps, evidence)


def explain(
    graph: nx.MultiDiGraph, paths: list[list[str]], cues: Cues | None = None
) -> tuple[list[list[dict[str, str]]], list[Evidence], str]:
    """The hops of each path, the sentences they rest on, and one sentence describing them."""
    cues = cues or load_cues()
    a, b = paths[0][0], paths[0][-1]
    steps, evidence, sentences = [], [], []
    for path in paths:
        hops = [_hop(graph, u, v, cues) for u, v in zip(path, path[1:], strict=False)]
        steps.append([h for h, _ in hops])
        evidence += [e for _, e in hops]
        sentences.append(
            cues.phrase("path_step_sep").join(
                cues.phrase("path_step", source=h["from"], verb=h["verb"], target=h["to"]) for h, _ in hops
            )
        )
    middle = [_describe(graph, n, cues) for n in paths[0][1:-1]]
    sep = cues.phrase("list_sep")
    via = cues.phrase("path_via", middle=sep.join(middle)) if middle else cues.phrase("path_direct")
    steps_text = cues.phrase("task_sep").join(sentences)
    text = cues.phrase("path", a=name(graph, a), b=name(graph, b), via=via, n=len(paths), steps=steps_text)
    return steps, dedupe(evidence), text
