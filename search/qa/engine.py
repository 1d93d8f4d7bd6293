"""Answer a question: parse it, route it to its answer builder, fall back to search."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx

from graph.lookup import EntityIndex

from . import answers
from .basis import policy_basis
from .figures import figure
from .model import Answer, Evidence, Parsed
from .paths import relation
from .understand import SLOT_TYPES, parse, vocabulary

SearchFn = Callable[[str, int], list[dict]]


class Asker:
    def __init__(self, graph: nx.MultiDiGraph, search: SearchFn | None = None, k: int = 5):
        self.graph, self.search, self.k = graph, search, k
        self.vocab = vocabulary()
        self.indexes = {types: EntityIndex(graph, types) for types in set(SLOT_TYPES.values())}

    def ask(self, question: str) -> Answer:
        parsed = parse(question, self.indexes, self.vocab)
        if parsed.intent in ("figure", "search", "policy_basis"):
            answer = self._route(parsed)
        else:
            answer = answers.unresolved(self.graph, parsed) or self._route(parsed)
        return answer or self._search(parsed)

    def _route(self, parsed: Parsed) -> Answer | None:
        g = self.graph
        routes = {
            "department_tasks": lambda: answers.department_tasks(g, parsed),
            "entity_departments": lambda: answers.entity_departments(g, parsed),
            "shared_tasks": lambda: answers.shared_tasks(g, parsed),
            "multi_department_tasks": lambda: answers.multi_department_tasks(g, parsed),
            "what_is": lambda: answers.what_is(g, parsed),
            "relation": lambda: relation(g, parsed),
            "policy_basis": lambda: policy_basis(g, parsed, self.vocab["document_words"]),
            "figure": lambda: figure(g, parsed, self.vocab["question_words"]),
        }
        route = routes.get(parsed.intent)
        return route() if route else None

    def _search(self, parsed: Parsed) -> Answer:
        if self.search is None:
            return Answer(
                parsed.question,
                "search",
                "没有在图谱中找到直接答案，且搜索索引不可用（请运行 policykg build）。",
                status="not_found",
            )
        results = self.search(parsed.question, self.k)
        if not results:
            return Answer(parsed.question, "search", "没有找到相关内容。", status="not_found")
        top = results[0]
        where = f"任务 {top['id']}" if top.get("kind") == "task" else f"段落 {top['id']}"
        answer = f"图谱中没有直接答案；以下是搜索到的最相关原文，首条出自{where}（{top['title']}）。"
        evidence = [_result_evidence(r) for r in results]
        return Answer(
            parsed.question,
            "search",
            answer,
            status="search",
            results=results,
            tasks=[
                {k: r[k] for k in ("doc", "id", "label", "title") if k in r} for r in results if r.get("kind") == "task"
            ],
            evidence=evidence,
        )


def _result_evidence(result: dict) -> Evidence:
    return Evidence(
        result["doc"],
        result["id"] if result.get("kind") == "task" else None,
        result["text"],
        result.get("source", {}),
        result.get("node", ""),
    )
