"""The policy basis of a document or of one task: the 《》 it rests on, implements or amends."""

from __future__ import annotations

import difflib
import re

import networkx as nx

from .evidence import dedupe, edge_evidence, task_obj
from .model import Answer, Evidence, Parsed

RELATIONS = {"based_on": "依据", "implements": "落实", "amends": "修改完善"}


def find_task(graph: nx.MultiDiGraph, text: str) -> str | None:
    """A task named by its id (4.5.1), its label (（五）1) or its title (or most of it)."""
    tasks = [(n, a) for n, a in graph.nodes(data=True) if a.get("type") == "Task"]
    number = re.search(r"\d+(?:\.\d+)+", text)
    label = re.search(r"[（(][一二三四五六七八九十]+[）)]\d+", text)
    for node, a in tasks:
        if (number and a["id"] == number.group()) or (
            label and a["label"] == label.group().replace("(", "（").replace(")", "）")
        ):
            return node
    if len(text) < 4:
        return None
    scored = [(difflib.SequenceMatcher(None, text, a["title"]).ratio(), node) for node, a in tasks]
    scored += [(1.0, node) for node, a in tasks if a["title"] in text or text in a["title"]]
    # Or the words of the question found in a task's text (修改完善科学技术普及条例 -> 4.5.1).
    wanted = _bigrams(text)
    scored += [(len(wanted & _bigrams(a["text"])) / len(wanted), node) for node, a in tasks]
    best = max(scored, default=(0, None))
    return best[1] if best[0] >= 0.6 else None


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _named_documents(graph: nx.MultiDiGraph, text: str) -> list[str]:
    """Documents whose title holds the text, or that the text holds."""
    return [
        n
        for n, a in graph.nodes(data=True)
        if a.get("type") == "Document" and text and a["title"] and (text in a["title"] or a["title"] in text)
    ]


def _documents(graph: nx.MultiDiGraph, text: str) -> list[str]:
    return _named_documents(graph, text) or [n for n, a in graph.nodes(data=True) if a.get("type") == "Document"]


def _cited(graph: nx.MultiDiGraph, source: str, kinds: tuple[str, ...]) -> list[tuple[str, dict]]:
    return [(p, d) for _, p, d in graph.out_edges(source, data=True) if d["type"] in kinds]


def _policy(graph: nx.MultiDiGraph, node: str, d: dict) -> dict:
    a = graph.nodes[node]
    return {"title": a["name"], "issuer": a.get("issuer", ""), "relation": d["type"], "trigger": d.get("trigger")}


def _describe(policies: list[dict]) -> str:
    parts = []
    for rel, verb in RELATIONS.items():
        titles = [f"{p['issuer']}《{p['title']}》" for p in policies if p["relation"] == rel]
        if titles:
            parts.append(f"{verb}{'、'.join(dict.fromkeys(titles))}")
    return "；".join(parts)


def policy_basis(graph: nx.MultiDiGraph, parsed: Parsed, document_words: list[str]) -> Answer:
    slot = parsed.slots.get("task")
    text = slot.text if slot else ""
    task = None if not text or text in document_words else find_task(graph, text)
    if task:
        edges = _cited(graph, task, tuple(RELATIONS))
        policies = [_policy(graph, p, d) for p, d in edges]
        t = task_obj(graph, task)
        head = f"任务 {t['id']} {t['label']}{t['title']}"
        evidence = [edge_evidence(graph, task, d) for _, d in edges]
        if policies:
            answer = f"{head}：{_describe(policies)}。"
        else:
            doc = f"doc:{t['doc']}"
            edges = _cited(graph, doc, ("based_on",))
            policies = [_policy(graph, p, d) for p, d in edges]
            evidence = [_doc_evidence(graph, doc, d) for _, d in edges]
            answer = f"{head}没有直接引用上位文件；它所属的文件{_describe(policies) or '也没有写明依据'}。"
        return Answer(parsed.question, parsed.intent, answer, tasks=[t], policies=policies, evidence=dedupe(evidence))
    if text and text not in document_words and not _named_documents(graph, text):
        return Answer(parsed.question, parsed.intent, f"没有找到与「{text}」对应的任务或文件。", status="not_found")
    policies, evidence, heads = [], [], []
    for doc in _documents(graph, text):
        edges = _cited(graph, doc, ("based_on",)) or _cited(graph, doc, ("implements",))
        if edges:
            heads.append(f"《{graph.nodes[doc]['title']}》{_describe([_policy(graph, p, d) for p, d in edges])}")
            policies += [_policy(graph, p, d) for p, d in edges]
            evidence += [_doc_evidence(graph, doc, d) for _, d in edges]
    answer = "；".join(heads) + "。" if heads else "文中没有写明所依据的上位文件。"
    return Answer(
        parsed.question,
        parsed.intent,
        answer,
        policies=policies,
        evidence=dedupe(evidence),
        status="ok" if heads else "not_found",
    )


def _doc_evidence(graph: nx.MultiDiGraph, doc: str, d: dict) -> Evidence:
    return Evidence(graph.nodes[doc]["doc"], None, d["sentence"], d["sentence_source"], doc)
