"""Figures: the number a question asks for, found by the words around it, with its clause."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from graph.schema import NodeType

from .cues import Cues
from .evidence import dedupe, edge_evidence
from .model import Evidence, FigureRef

MIN_SCORE = 0.3  # share of the question's character pairs a figure's words must hold


@dataclass
class Figures:
    text: str
    figures: list[FigureRef]
    evidence: list[Evidence]


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def figure(graph: nx.MultiDiGraph, content: str, cues: Cues) -> Figures | None:
    """The figure whose measure and clause best match ``content`` (the question without its
    interrogatives), with the other figures of the same clause; None when nothing fits."""
    wanted = _bigrams(content)
    if not wanted:
        return None
    scored = []
    for node, a in graph.nodes(data=True):
        if a.get("type") == NodeType.FIGURE:
            overlap = len(wanted & _bigrams(a["measure"] + a["context"])) / len(wanted)
            scored.append((overlap, len(a["context"]), node))
    if not scored:
        return None
    score, _, best = max(scored, key=lambda s: (s[0], -s[1]))
    if score < MIN_SCORE:
        return None
    top = graph.nodes[best]
    same = [
        n for _, _, n in scored if graph.nodes[n]["doc"] == top["doc"] and graph.nodes[n]["context"] == top["context"]
    ]
    figures, evidence = [], []
    for node in sorted(same, key=lambda n: int(n.rsplit("/", 1)[1])):
        a = graph.nodes[node]
        figures.append(
            FigureRef(a["name"], a.get("value"), a.get("unit", ""), a["measure"], a.get("year"), a["context"], a["doc"])
        )
        evidence += [edge_evidence(graph, u, d) for u, _, d in graph.in_edges(node, data=True)]
    values = cues.phrase("list_sep").join(
        cues.phrase("figure_year", name=f.name, year=f.year) if f.year else f.name for f in figures
    )
    text = cues.phrase("figure", measure=top["measure"], values=values, context=top["context"])
    return Figures(text, figures, dedupe(evidence))
