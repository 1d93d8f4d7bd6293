"""Read-only questions the graph answers directly: tasks, an entity's links, counts."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from .records import (
    AnyEntityRecord,
    CorpusDocument,
    DepartmentRecord,
    DepartmentTrace,
    DocumentCitation,
    DocumentJoin,
    DocumentLink,
    DocumentRecord,
    EntityRecord,
    FigureRecord,
    Mention,
    OutlineEntry,
    PolicyRecord,
    RoleTask,
    Source,
    Stats,
    TaskRecord,
    UnitRef,
    from_attrs,
)
from .schema import REFERENCE_EDGES, UNIT_TYPES, EdgeType, NodeType, Role, document_node_id

# Units an outline shows: the numbered structure and its tasks (plain paragraphs are text, not outline).
OUTLINE_TYPES: tuple[NodeType, ...] = tuple(t for t in UNIT_TYPES if t != NodeType.PARAGRAPH)


class UnknownDocument(ValueError):
    """A document id the graph does not hold; the message names the ones it does."""


def require_document(graph: nx.MultiDiGraph, doc: str) -> None:
    """Raise ``UnknownDocument`` unless ``doc`` is a built document."""
    if document_node_id(doc) not in graph:
        known = "、".join(sorted(a["doc"] for _, a in graph.nodes(data=True) if a.get("type") == NodeType.DOCUMENT))
        raise UnknownDocument(f"未知文档 unknown document '{doc}' (known: {known})")


def nodes_of(graph: nx.MultiDiGraph, type_: str, doc: str | None = None) -> list[str]:
    """Nodes of ``type_`` (of one document when ``doc`` is given) in document order."""
    found = [n for n, a in graph.nodes(data=True) if a.get("type") == type_ and (doc is None or a.get("doc") == doc)]
    return sorted(found, key=lambda n: (graph.nodes[n].get("doc", ""), graph.nodes[n].get("order", 0), n))


def departments_of(graph: nx.MultiDiGraph, task: str) -> list[tuple[str, Role]]:
    """(department node, role) in the order the responsibility line gives them."""
    edges = [
        (d["order"], u, Role(d["role"]))
        for u, _, d in graph.in_edges(task, data=True)
        if d["type"] == EdgeType.RESPONSIBLE_FOR
    ]
    return [(u, role) for _, u, role in sorted(edges)]


def lead_of(graph: nx.MultiDiGraph, task: str) -> str | None:
    """The name of the task's lead department."""
    return next((graph.nodes[d]["name"] for d, role in departments_of(graph, task) if role == Role.LEAD), None)


def linked(graph: nx.MultiDiGraph, node: str, type_: str) -> list[str]:
    """Entities of ``type_`` a unit mentions or relates to, in order of first mention."""
    seen: dict[str, int] = {}
    for _, target, d in graph.out_edges(node, data=True):
        if graph.nodes[target].get("type") == type_ and d["type"] in REFERENCE_EDGES:
            start = d.get("span", d.get("sentence_source", {})).get("start", 0)
            seen[target] = min(seen.get(target, start), start)
    return sorted(seen, key=lambda n: seen[n])


def names(graph: nx.MultiDiGraph, nodes: list[str]) -> list[str]:
    return [graph.nodes[n]["name"] for n in nodes]


def source(value: dict | None) -> Source | None:
    return Source(value["start"], value["end"]) if value else None


def task_record(graph: nx.MultiDiGraph, task: str) -> TaskRecord:
    a = graph.nodes[task]
    return TaskRecord(
        doc=a["doc"],
        id=a["id"],
        node=task,
        label=a["label"],
        title=a["title"],
        text=a["text"],
        departments=names(graph, [d for d, _ in departments_of(graph, task)]),
        lead=lead_of(graph, task),
        programmes=names(graph, linked(graph, task, NodeType.PROGRAMME)),
        organisations=names(graph, linked(graph, task, NodeType.ORGANISATION)),
        policies=names(graph, linked(graph, task, NodeType.POLICY)),
        places=names(graph, linked(graph, task, NodeType.PLACE)),
        source=Source(**a["source"]),
    )


def tasks(graph: nx.MultiDiGraph, doc: str | None = None) -> list[TaskRecord]:
    return [task_record(graph, t) for t in nodes_of(graph, NodeType.TASK, doc)]


def unit_ref(graph: nx.MultiDiGraph, node: str) -> UnitRef:
    a = graph.nodes[node]
    return UnitRef(a["doc"], a["id"], node, a["label"], a["title"], NodeType(a["type"]))


def role_task(graph: nx.MultiDiGraph, node: str, role: Role) -> RoleTask:
    a = graph.nodes[node]
    return RoleTask(a["doc"], a["id"], node, a["label"], a["title"], NodeType(a["type"]), role)


def mentions_of(graph: nx.MultiDiGraph, entity: str) -> list[Mention]:
    """Every unit (or document) that mentions or cites ``entity``, with the sentence that says so."""
    out = []
    for unit, _, d in graph.in_edges(entity, data=True):
        if d["type"] not in REFERENCE_EDGES:
            continue
        a = graph.nodes[unit]
        whole = a["type"] == NodeType.DOCUMENT
        out.append(
            Mention(
                doc=a["doc"],
                id=None if whole else a["id"],
                node=unit,
                label="" if whole else a["label"],
                title=a["title"],
                type=NodeType(a["type"]),
                relation=EdgeType(d["type"]),
                sentence=d.get("sentence", ""),
                sentence_source=source(d.get("sentence_source")),
            )
        )
    return sorted(out, key=lambda m: (m.doc, m.sentence_source.start if m.sentence_source else 0))


def departments_behind(graph: nx.MultiDiGraph, entity: str) -> list[DepartmentTrace]:
    """Departments responsible for the tasks that mention ``entity`` (the trace staff ask for)."""
    found: dict[str, DepartmentTrace] = {}
    for m in mentions_of(graph, entity):
        if m.type != NodeType.TASK:
            continue
        for dept, role in departments_of(graph, m.node):
            entry = found.setdefault(dept, DepartmentTrace(graph.nodes[dept]["name"], dept, []))
            if all(t.node != m.node for t in entry.tasks):
                entry.tasks.append(role_task(graph, m.node, role))
    return list(found.values())


def department_tasks(graph: nx.MultiDiGraph, dept: str) -> list[RoleTask]:
    """The tasks a department is responsible for, in document order, with its role on each."""
    edges = [(t, d) for _, t, d in graph.out_edges(dept, data=True) if d["type"] == EdgeType.RESPONSIBLE_FOR]
    edges.sort(key=lambda e: (graph.nodes[e[0]].get("doc", ""), graph.nodes[e[0]].get("order", 0)))
    return [role_task(graph, t, Role(d["role"])) for t, d in edges]


def policy_documents(graph: nx.MultiDiGraph, policy: str) -> list[DocumentLink]:
    """The ingested documents a policy is (``same_as``), with the reason each version was chosen."""
    out = []
    for _, node, d in graph.out_edges(policy, data=True):
        if d["type"] == EdgeType.SAME_AS:
            a = graph.nodes[node]
            out.append(DocumentLink(a["doc"], node, a["title"], a["date"], d.get("reason", "")))
    return sorted(out, key=lambda link: (link.date, link.doc))


def entity_record(graph: nx.MultiDiGraph, node: str) -> AnyEntityRecord:
    """What the graph says about an entity, a figure or a document: for a department its tasks, for
    anything else where it is mentioned and the departments behind those tasks."""
    attrs = graph.nodes[node]
    type_ = NodeType(attrs["type"])
    if type_ == NodeType.DEPARTMENT:
        return from_attrs(DepartmentRecord, attrs, node=node, type=type_, tasks=department_tasks(graph, node))
    trace: dict[str, Any] = {
        "node": node,
        "type": type_,
        "mentions": mentions_of(graph, node),
        "departments": departments_behind(graph, node),
    }
    if type_ == NodeType.POLICY:
        return from_attrs(PolicyRecord, attrs, **trace, documents=policy_documents(graph, node))
    if type_ == NodeType.FIGURE:
        return from_attrs(FigureRecord, attrs, **trace)
    if type_ == NodeType.DOCUMENT:
        return from_attrs(DocumentRecord, attrs, **trace)
    return from_attrs(EntityRecord, attrs, **trace)


def documents(graph: nx.MultiDiGraph) -> list[CorpusDocument]:
    """Every ingested document with its task count and citations, ordered by id."""
    counts = Counter(a.get("doc") for _, a in graph.nodes(data=True) if a.get("type") == NodeType.TASK)
    out = []
    for node in nodes_of(graph, NodeType.DOCUMENT):
        a = graph.nodes[node]
        citations = [
            DocumentCitation(c["title"], c["doc"], EdgeType(c["relation"]), c["reason"]) for c in a.get("citations", [])
        ]
        out.append(
            CorpusDocument(
                id=a["doc"],
                title=a["title"],
                issuer=a["issuer"],
                number=a["number"],
                date=a["date"],
                path=a["path"],
                sha256=a.get("sha256", ""),
                tasks=counts[a["doc"]],
                citations=citations,
            )
        )
    return out


def units_of(graph: nx.MultiDiGraph, doc: str) -> list[str]:
    """Every unit node of ``doc`` (tasks, paragraphs and the structure holding them) in document order."""
    found = [n for n, a in graph.nodes(data=True) if a.get("doc") == doc and a.get("type") in UNIT_TYPES]
    return sorted(found, key=lambda n: (graph.nodes[n].get("order", 0), n))


def outline(graph: nx.MultiDiGraph, doc: str) -> list[OutlineEntry]:
    """The parts, sections, items and tasks of ``doc`` as a tree in document order; a unit whose
    parent is not in the outline (a paragraph) hangs under the nearest ancestor that is."""
    units = {graph.nodes[n]["id"]: n for n in units_of(graph, doc)}
    entries = {
        n: OutlineEntry(**vars(unit_ref(graph, n)), children=[])
        for n in units.values()
        if graph.nodes[n]["type"] in OUTLINE_TYPES
    }
    roots: list[OutlineEntry] = []
    for n in sorted(entries, key=lambda n: graph.nodes[n].get("order", 0)):
        parent = graph.nodes[n].get("parent")
        while parent in units and units[parent] not in entries:
            parent = graph.nodes[units[parent]].get("parent")
        (entries[units[parent]].children if parent in units else roots).append(entries[n])
    return roots


def document_joins(graph: nx.MultiDiGraph, doc: str, incoming: bool = False) -> list[DocumentJoin]:
    """The ingested documents ``doc`` cites (or, ``incoming``, that cite it), one entry per citing
    sentence, with the relation and the reason that version was chosen."""
    node = document_node_id(doc)
    edges = graph.in_edges(node, data=True) if incoming else graph.out_edges(node, data=True)
    out = []
    for u, v, d in edges:
        other = u if incoming else v
        a = graph.nodes[other]
        if a.get("type") != NodeType.DOCUMENT or d["type"] == EdgeType.SAME_AS:
            continue
        out.append(
            DocumentJoin(
                doc=a["doc"],
                node=other,
                title=a["title"],
                date=a["date"],
                reason=d.get("reason", ""),
                relation=EdgeType(d["type"]),
                sentence=d.get("sentence", ""),
                sentence_source=source(d.get("sentence_source")),
            )
        )
    return sorted(out, key=lambda j: (j.doc, j.sentence_source.start if j.sentence_source else 0))


def stats(graph: nx.MultiDiGraph) -> Stats:
    types = Counter(str(a["type"]) for _, a in graph.nodes(data=True))
    edges = Counter(str(d["type"]) for _, _, d in graph.edges(data=True))
    return Stats(
        documents=types.pop(NodeType.DOCUMENT, 0),
        tasks=types.get(NodeType.TASK, 0),
        nodes=dict(sorted(types.items())),
        edges=dict(sorted(edges.items())),
        node_count=graph.number_of_nodes(),
        edge_count=sum(edges.values()),  # counted above; networkx would walk the edges again
        built=graph.graph.get("built"),
    )
