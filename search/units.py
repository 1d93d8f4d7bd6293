"""Search units from the graph: every task (title + body) and every paragraph outside the tasks.

A unit keeps its whole repaired text, its sentences as offsets into that text, the titles of the
parts it sits in (context such as 基本原则 for the principles paragraphs) and the graph nodes it is
linked to. Pieces are the sentence groups the dense model reads: short sentences merge with their
neighbours, long ones split at a clause or hard boundary, all as offsets into the unit's text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum

import networkx as nx

from graph.schema import MENTIONED_TYPES, REFERENCE_EDGES, EdgeType, NodeType

from .config import SearchConfig


class UnitKind(StrEnum):
    """What a search result is: a task, or a passage of text outside the tasks."""

    TASK = "task"
    PASSAGE = "passage"


# The node types searched, and the kind of result each becomes.
SEARCHED_TYPES: dict[NodeType, UnitKind] = {NodeType.TASK: UnitKind.TASK, NodeType.PARAGRAPH: UnitKind.PASSAGE}
_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")
_CLAUSE_END = re.compile(r"[，、：,:）)]")


@dataclass
class LinkedEntity:
    """An entity a unit mentions."""

    node: str
    name: str
    type: NodeType


@dataclass
class SearchUnit:
    node: str
    doc: str
    id: str
    kind: UnitKind
    title: str
    context: list[str]  # titles of the enclosing parts, outermost first
    doc_title: str
    text: str
    sentences: list[tuple[int, int]]
    departments: list[str] = field(default_factory=list)
    entities: list[LinkedEntity] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # entity and department nodes, for the graph signal

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> SearchUnit:
        data = dict(data)
        data["kind"] = UnitKind(data["kind"])
        data["sentences"] = [tuple(s) for s in data["sentences"]]
        data["entities"] = [LinkedEntity(e["node"], e["name"], NodeType(e["type"])) for e in data["entities"]]
        return cls(**data)

    def lexical_text(self, with_context: bool) -> str:
        """What BM25 indexes: the document title and enclosing titles, then the unit's text."""
        if not with_context:
            return self.text
        return " ".join([self.doc_title, *self.context, self.text])

    def heading(self) -> str:
        """The enclosing titles, read by the dense model as part of the unit's vector."""
        return " ".join(self.context)


def split_sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.end()].strip():
            spans.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into pieces of at most ``max_chars``, preferring clause boundaries."""
    out = []
    while end - start > max_chars:
        cut = start + max_chars
        clauses = [m.end() for m in _CLAUSE_END.finditer(text, start + max_chars // 2, cut)]
        cut = clauses[-1] if clauses else cut
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


def pieces_of(text: str, sentences: list[tuple[int, int]], min_chars: int, max_chars: int) -> list[tuple[int, int]]:
    """Sentence groups of ``min_chars``..``max_chars`` characters, as offsets into ``text``."""
    pieces: list[tuple[int, int]] = []
    start = end = -1  # the piece being grown (none yet)
    for s, e in sentences or split_sentences(text):
        if start >= 0 and end - start < min_chars and e - start <= max_chars:
            end = e  # a short piece takes the next sentence
            continue
        if start >= 0:
            pieces.append((start, end))
        if e - s <= max_chars:
            start, end = s, e
        else:
            *done, (start, end) = _split_long(text, s, e, max_chars)
            pieces += done
    if start >= 0:
        pieces.append((start, end))
    if len(pieces) > 1 and pieces[-1][1] - pieces[-1][0] < min_chars // 2:
        last = pieces.pop()  # a short tail joins the piece before
        pieces[-1] = (pieces[-1][0], last[1])
    # a piece is kept when it holds more than white space (most begin with a character that is not)
    return [(s, e) for s, e in pieces if s < e and (not text[s].isspace() or text[s:e].strip())] or [(0, len(text))]


def _ancestors(attrs: dict, parts: dict[tuple[str, str], tuple[str, str | None]]) -> list[str]:
    """The titles of the parts enclosing a unit, outermost first (``parts``: (doc, id) -> (title, parent))."""
    titles, doc, parent = [], attrs["doc"], attrs.get("parent")
    while parent:
        part = parts.get((doc, parent))
        if part is None:
            break
        title, parent = part
        if title:
            titles.append(title)
    return titles[::-1]


@dataclass
class _Adjacency:
    """The graph's dictionaries (node -> attributes, node -> neighbour -> key -> edge attributes), read
    directly: a unit is made once per unit of the corpus, and networkx's views over them (a view per
    lookup, generators per iteration) cost more than the work."""

    nodes: dict
    succ: dict
    pred: dict
    mentioned: dict[str, tuple[str, NodeType]]  # entity a unit can mention -> its name and type

    @classmethod
    def of(cls, graph: nx.MultiDiGraph) -> _Adjacency:
        nodes = dict(graph.nodes(data=True))
        mentioned = {
            node: (attrs["name"], NodeType(attrs["type"]))
            for node, attrs in nodes.items()
            if attrs.get("type") in MENTIONED_TYPES
        }
        pred = graph.reverse(copy=False).adjacency()
        return cls(nodes, dict(graph.adjacency()), dict(pred), mentioned)


def _unit(adj: _Adjacency, node: str, parts: dict, doc_titles: dict) -> SearchUnit:
    nodes = adj.nodes
    attrs = nodes[node]
    kind = SEARCHED_TYPES[attrs["type"]]
    context = _ancestors(attrs, parts)
    entities: list[LinkedEntity] = []
    links: list[str] = []
    for target, keyed in adj.succ[node].items():
        entity = adj.mentioned.get(target)
        if entity is not None and target not in links and any(d["type"] in REFERENCE_EDGES for d in keyed.values()):
            links.append(target)
            entities.append(LinkedEntity(target, *entity))
    depts = [
        (d.get("order", 0), source)
        for source, keyed in adj.pred[node].items()
        for d in keyed.values()
        if d["type"] == EdgeType.RESPONSIBLE_FOR
    ]
    depts.sort()
    departments = []
    for _, dept in depts:
        if dept not in links:
            links.append(dept)
            departments.append(nodes[dept]["name"])
    if kind == UnitKind.TASK:
        title = attrs["title"]
    else:  # a paragraph is named by the part it sits in, or by its own first words at the top level
        title = context[-1] if context else attrs["title"]
    return SearchUnit(
        node=node,
        doc=attrs["doc"],
        id=attrs["id"],
        kind=kind,
        title=title,
        context=context,
        doc_title=doc_titles.get(attrs["doc"], ""),
        text=attrs["text"],
        sentences=[(int(s[0]), int(s[1])) for s in attrs.get("sentences", [])],
        departments=departments,
        entities=entities,
        links=links,
    )


def units_from_graph(graph: nx.MultiDiGraph, documents: set[str] | None = None) -> list[SearchUnit]:
    """Tasks and paragraphs in document order (of every document, or of ``documents``); units with no
    text are left out."""
    parts: dict[tuple[str, str], tuple[str, str | None]] = {}
    doc_titles, chosen = {}, []
    adj = _Adjacency.of(graph)
    for node, attrs in adj.nodes.items():
        kind = attrs.get("type")
        if kind == NodeType.DOCUMENT:
            doc_titles[attrs["doc"]] = attrs.get("title", "")
        elif "id" in attrs and "doc" in attrs:
            parts[(attrs["doc"], attrs["id"])] = (attrs.get("title") or "", attrs.get("parent"))
            wanted = documents is None or attrs["doc"] in documents
            if kind in SEARCHED_TYPES and wanted and attrs.get("text", "").strip():
                chosen.append((attrs["doc"], attrs.get("order", 0), node))
    chosen.sort(key=lambda c: (c[0], c[1]))
    return [_unit(adj, node, parts, doc_titles) for _, _, node in chosen]


def unit_pieces(unit: SearchUnit, config: SearchConfig) -> list[tuple[int, int]]:
    return pieces_of(unit.text, unit.sentences, config.piece_min_chars, config.piece_max_chars)
