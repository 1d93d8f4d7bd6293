"""Figures: the number a question asks for, found by the words around it, with its clause."""

from __future__ import annotations

import networkx as nx

from .evidence import dedupe, edge_evidence
from .model import Answer, Parsed

MIN_SCORE = 0.3


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _strip(text: str, words: list[str]) -> str:
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, "")
    return text


def figure(graph: nx.MultiDiGraph, parsed: Parsed, question_words: list[str]) -> Answer | None:
    """The best-matching figure and its neighbours in the same clause; None when nothing fits."""
    wanted = _bigrams(_strip(parsed.folded, question_words))
    if not wanted:
        return None
    scored = []
    for node, a in graph.nodes(data=True):
        if a.get("type") == "Figure":
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
        figures.append({k: a.get(k) for k in ("name", "value", "unit", "measure", "year", "context", "doc")})
        evidence += [edge_evidence(graph, u, d) for u, _, d in graph.in_edges(node, data=True)]
    values = "、".join(f"{f['name']}（{f['year']}年）" if f["year"] else f["name"] for f in figures)
    answer = f"{top['measure']}：{values}。原文：“{top['context']}”"
    return Answer(parsed.question, parsed.intent, answer, figures=figures, evidence=dedupe(evidence))
