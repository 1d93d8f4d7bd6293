"""Answer a question: read it, compose the graph's answer, else fall back to ranked search."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import networkx as nx

from graph.schema import NodeType
from search.engine import SearchResult
from search.errors import EncoderMissing, IndexMissing, QueryError

from .compose import Composer, intent
from .cues import Cues, load_cues
from .evidence import task_ref
from .model import Answer, AnswerType, Evidence, Status, TaskRef
from .reading import Question, Reader

Search = Callable[[str, int], Sequence[SearchResult]]


class Asker:
    """Questions over one graph; ``search`` (question, k) -> ranked results, when an index is built."""

    def __init__(self, graph: nx.MultiDiGraph, search: Search | None = None, k: int = 5, cues: Cues | None = None):
        self.graph, self.search, self.k = graph, search, k
        self.cues = cues or load_cues()
        self.reader = Reader(graph, self.cues)
        self.composer = Composer(graph, self.reader, self.cues)

    def ask(self, question: str) -> Answer:
        q = self.reader.read(question)  # raises QuestionError for empty or over-long questions
        return self.composer.answer(q) or self._search(q)

    def _search(self, q: Question) -> Answer:
        phrase = self.cues.phrase
        q.reading.answer = AnswerType.SEARCH
        q.reading.operation = "search(question)"
        q.reading.summary = self.reader.summary(q.reading)

        def answer(text: str, status: Status, **fields) -> Answer:
            return Answer(q.text, intent(q.reading), text, status=status, reading=q.reading, **fields)

        if self.search is None:
            return answer(phrase("no_graph_answer"), Status.NOT_FOUND)
        try:
            results = list(self.search(q.text, self.k))
        except QueryError:
            results = []
        except (IndexMissing, EncoderMissing):
            return answer(phrase("no_graph_answer"), Status.NOT_FOUND)
        if not results:
            return answer(phrase("no_results"), Status.NOT_FOUND)
        top = results[0]
        where = phrase("search_task" if self._is_task(top) else "search_paragraph", id=top.id)
        return answer(
            phrase("search", where=where, title=top.title),
            Status.SEARCH,
            results=results,
            tasks=[self._task(r) for r in results if self._is_task(r)],
            evidence=[self._evidence(r) for r in results],
        )

    def _is_task(self, result: SearchResult) -> bool:
        return self.graph.nodes.get(result.node, {}).get("type") == NodeType.TASK

    def _task(self, result: SearchResult) -> TaskRef:
        return task_ref(self.graph, result.node)

    def _evidence(self, result: SearchResult) -> Evidence:
        a = self.graph.nodes.get(result.node, {})
        source = dict(a.get("source", {}))
        return Evidence(result.doc, result.id if self._is_task(result) else None, result.text, source, result.node)
