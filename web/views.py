"""Read models shared by the pages and the JSON API: unit and entity details, the responsibility
matrix, the explorer's network, paths between entities and search hits, as ``web.records``."""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

import networkx as nx

from graph import query
from graph.csvsafe import safe_row
from graph.paths import shortest_paths
from graph.records import AnyEntityRecord, CorpusDocument, DocumentRecord, PolicyRecord, Source, UnitRef
from graph.schema import (
    EXPLORER_DEFAULT,
    LEAF_UNIT_TYPES,
    LINKED_TYPES,
    MENTIONED_TYPES,
    POLICY_RELATIONS,
    REFERENCED_TYPES,
    ROLE_LABELS,
    TYPE_LABELS,
    UNIT_TYPES,
    EdgeType,
    Group,
    NodeType,
    Role,
    document_node_id,
    group_of,
    unit_node_ids,
)
from search.engine import SearchResult
from search.errors import QueryError
from search.qa.paths import explain
from search.units import SEARCHED_TYPES

from .records import (
    Citation,
    DocumentDetail,
    DocumentOverview,
    DocumentPage,
    DocumentRef,
    EntityRef,
    Filters,
    Hit,
    MatrixDepartment,
    MatrixRecord,
    MatrixTask,
    MatrixTotals,
    Neighbour,
    NetworkEdge,
    NetworkNode,
    NetworkRecord,
    PathRecord,
    PathStep,
    PolicyDetail,
    RelatedTask,
    RoleRef,
    TaskDetail,
    UnitDetail,
)

# Groups of nodes /entities/ID resolves; units have their own page under /tasks/DOC/ID, and
# documents under /documents/DOC (/entities/doc:DOC leads there).
ENTITY_PAGE_GROUPS = (Group.DOCUMENT, Group.ENTITY, Group.FIGURE)
LABEL_CHARS = 18  # explorer labels longer than this are cut


# -- links --------------------------------------------------------------------------------------
def node_url(graph: nx.MultiDiGraph, node: str, mark: int | None = None) -> str:
    """The page of a node: units under /tasks/DOC/ID (``?mark=`` highlights the sentence starting at
    that offset), documents under /documents/DOC, everything else under /entities/ID."""
    a = graph.nodes[node]
    group = group_of(a["type"])
    if group == Group.UNIT:
        url = f"/tasks/{quote(a['doc'], safe='')}/{quote(a['id'], safe='')}"
        return url if mark is None else f"{url}?mark={mark}"
    if group == Group.DOCUMENT:
        return document_url(a["doc"])
    return "/entities/" + quote(node, safe=":")


def document_url(doc: str) -> str:
    return "/documents/" + quote(doc, safe="")


def has_entity_page(graph: nx.MultiDiGraph, node: str) -> bool:
    return node in graph and group_of(graph.nodes[node].get("type", "")) in ENTITY_PAGE_GROUPS


def find_unit(graph: nx.MultiDiGraph, doc: str, id_: str, types: tuple[str, ...] = UNIT_TYPES) -> str | None:
    """The node of unit ``id_`` of ``doc`` if it is one of ``types``, whatever its kind."""
    for node in unit_node_ids(doc, id_):
        if node in graph and graph.nodes[node].get("type") in types:
            return node
    return None


def entity_ref(graph: nx.MultiDiGraph, node: str) -> EntityRef:
    a = graph.nodes[node]
    return EntityRef(node, a["name"], NodeType(a["type"]), node_url(graph, node))


# -- units --------------------------------------------------------------------------------------
def unit_detail(graph: nx.MultiDiGraph, node: str) -> UnitDetail:
    """A unit's text, source, departments with roles and linked entities grouped by type."""
    a = graph.nodes[node]
    ref = query.unit_ref(graph, node)
    doc_node = document_node_id(a["doc"])
    return UnitDetail(
        **vars(ref),
        text=a["text"],
        source=Source(**a["source"]),
        document=DocumentRef(a["doc"], graph.nodes[doc_node]["title"] if doc_node in graph else a["doc"], doc_node),
        roles=[RoleRef(**vars(entity_ref(graph, d)), role=role) for d, role in query.departments_of(graph, node)],
        entities={t: [entity_ref(graph, n) for n in query.linked(graph, node, t)] for t in LINKED_TYPES},
        parents=_parents(graph, node),
    )


def _parents(graph: nx.MultiDiGraph, node: str) -> list[UnitRef]:
    chain = []
    a = graph.nodes[node]
    while a.get("parent"):
        parent = find_unit(graph, a["doc"], a["parent"])
        if parent is None:
            break
        chain.append(query.unit_ref(graph, parent))
        a = graph.nodes[parent]
    return chain[::-1]


def task_detail(graph: nx.MultiDiGraph, node: str, searcher=None) -> TaskDetail:
    """A task's record with the tasks that share its entities and its neighbours in the search index."""
    return TaskDetail(
        **vars(query.task_record(graph, node)),
        related=related_tasks(graph, node),
        neighbours=semantic_neighbours(graph, node, searcher),
    )


def related_tasks(graph: nx.MultiDiGraph, node: str, limit: int = 8) -> list[RelatedTask]:
    """Tasks sharing programmes, organisations, policies or places with ``node`` (most shared first)."""

    def entities(unit: str) -> list[str]:
        return [n for t in MENTIONED_TYPES for n in query.linked(graph, unit, t)]

    mine = set(entities(node))
    my_depts = {d for d, _ in query.departments_of(graph, node)}
    scored = []
    for other in query.nodes_of(graph, NodeType.TASK):
        shared = [n for n in entities(other) if n in mine] if other != node else []
        if shared:
            depts = {d for d, _ in query.departments_of(graph, other)} & my_depts
            scored.append((-len(shared), -len(depts), graph.nodes[other]["order"], other, shared))
    scored.sort(key=lambda s: s[:3])
    return [
        RelatedTask(**vars(query.unit_ref(graph, other)), shared=query.names(graph, shared))
        for *_, other, shared in scored[:limit]
    ]


def semantic_neighbours(graph: nx.MultiDiGraph, node: str, searcher, limit: int = 5) -> list[Neighbour]:
    """Tasks whose text the search index finds closest to this one's (empty without an index)."""
    if searcher is None:
        return []
    a = graph.nodes[node]
    try:
        results = searcher.search(f"{a['title']}。{a['text']}"[:500], limit + 4).results
    except QueryError:
        return []
    out, seen = [], {node}
    for r in results:
        other = find_unit(graph, r.doc, r.id, (NodeType.TASK,))
        if other and other not in seen:
            seen.add(other)
            out.append(Neighbour(**vars(query.unit_ref(graph, other)), score=r.score))
    return out[:limit]


# -- entities -----------------------------------------------------------------------------------
def entity_detail(graph: nx.MultiDiGraph, node: str) -> AnyEntityRecord | PolicyDetail | DocumentDetail:
    """An entity's record; a document adds its tasks and the policies it cites, a policy its issuer
    and the document it is."""
    record = query.entity_record(graph, node)

    def targets(relations: tuple[EdgeType, ...]) -> list[tuple[str, dict]]:
        return [(v, d) for _, v, d in graph.out_edges(node, data=True) if d["type"] in relations]

    if isinstance(record, DocumentRecord):
        return DocumentDetail(
            **vars(record),
            tasks=[query.unit_ref(graph, t) for t in query.nodes_of(graph, NodeType.TASK, record.doc)],
            cites=[
                Citation(**vars(entity_ref(graph, v)), relation=EdgeType(d["type"]), sentence=d.get("sentence", ""))
                for v, d in targets(POLICY_RELATIONS)
            ],
        )
    if isinstance(record, PolicyRecord):
        return PolicyDetail(
            **vars(record),
            issued_by=[entity_ref(graph, v) for v, _ in targets((EdgeType.ISSUED_BY,))],
            same_as=[entity_ref(graph, v) for v, _ in targets((EdgeType.SAME_AS,))],
        )
    return record


# -- documents ----------------------------------------------------------------------------------
def document_overviews(graph: nx.MultiDiGraph) -> list[DocumentOverview]:
    """Every document with its counts, what it cites (as written, landed or not) and what cites it."""
    units = Counter(a.get("doc") for _, a in graph.nodes(data=True) if a.get("type") in UNIT_TYPES)
    return [_overview(graph, d, units[d.id]) for d in query.documents(graph)]


def document_page(graph: nx.MultiDiGraph, doc: str) -> DocumentPage | None:
    """A document's metadata, outline and citations in both directions; None for an unknown id."""
    found = next((d for d in query.documents(graph) if d.id == doc), None)
    if found is None:
        return None
    return DocumentPage(
        **vars(_overview(graph, found, len(query.units_of(graph, doc)))),
        outline=query.outline(graph, doc),
        cites=query.document_joins(graph, doc),
    )


def _overview(graph: nx.MultiDiGraph, d: CorpusDocument, units: int) -> DocumentOverview:
    return DocumentOverview(
        **vars(d),
        node=document_node_id(d.id),
        url=document_url(d.id),
        units=units,
        cited_by=query.document_joins(graph, d.id, incoming=True),
    )


# -- the responsibility matrix ------------------------------------------------------------------
def matrix(graph: nx.MultiDiGraph, doc: str | None = None) -> MatrixRecord:
    """Departments × tasks: each task's department roles, with row and column totals."""
    tasks: list[MatrixTask] = []
    depts: dict[str, MatrixDepartment] = {}
    for t in query.nodes_of(graph, NodeType.TASK, doc):
        roles: dict[str, Role] = {}
        for d, role in query.departments_of(graph, t):
            name = graph.nodes[d]["name"]
            roles[name] = role
            entry = depts.setdefault(name, MatrixDepartment(d, name, 0, 0, 0))
            entry.lead += role == Role.LEAD
            entry.supporting += role == Role.SUPPORTING
            entry.total += 1
        lead = sum(1 for r in roles.values() if r == Role.LEAD)
        tasks.append(MatrixTask(**vars(query.unit_ref(graph, t)), roles=roles, lead=lead, total=len(roles)))
    departments = sorted(depts.values(), key=lambda d: (-d.lead, -d.total, d.name))
    totals = MatrixTotals(
        tasks=len(tasks),
        departments=len(departments),
        lead=sum(d.lead for d in departments),
        supporting=sum(d.supporting for d in departments),
    )
    return MatrixRecord(doc, departments, tasks, totals)


def matrix_csv_rows(m: MatrixRecord) -> list[list]:
    """The matrix as spreadsheet rows; text a spreadsheet would evaluate as a formula is neutralised."""
    names = [d.name for d in m.departments]
    doc_label, task_label = TYPE_LABELS[NodeType.DOCUMENT], TYPE_LABELS[NodeType.TASK]
    rows: list[list] = [
        [doc_label, f"{task_label}编号", "标号", task_label, *names, f"{TYPE_LABELS[NodeType.DEPARTMENT]}数"]
    ]
    for t in m.tasks:
        cells = [ROLE_LABELS[t.roles[n]] if n in t.roles else "" for n in names]
        rows.append([t.doc, t.id, t.label, t.title, *cells, t.total])
    rows.append(["合计", "", "", f"{m.totals.tasks} 项{task_label}", *[d.total for d in m.departments], ""])
    rows.append([f"其中{ROLE_LABELS[Role.LEAD]}", "", "", "", *[d.lead for d in m.departments], ""])
    return [safe_row(row) for row in rows]


# -- the explorer network -----------------------------------------------------------------------
def network(
    graph: nx.MultiDiGraph, doc: str | None = None, types: tuple[NodeType, ...] = EXPLORER_DEFAULT
) -> NetworkRecord:
    """Nodes of ``types`` (units of ``doc`` only, entities linked to it) and the edges between them."""
    wanted = set(types)
    units = {
        n
        for n, a in graph.nodes(data=True)
        if a.get("type") in (NodeType.DOCUMENT, *LEAF_UNIT_TYPES) and (doc is None or a.get("doc") == doc)
    }
    near = {v for u in units for v in nx.all_neighbors(graph, u)} if doc is not None else set()

    def shown(n: str) -> bool:
        """Of one document (a figure): when it is ``doc``; shared across documents: when ``doc`` links it."""
        own = graph.nodes[n].get("doc")
        return doc is None or (own == doc if own is not None else n in near)

    entities = {n for n, a in graph.nodes(data=True) if a.get("type") in REFERENCED_TYPES and shown(n)}
    keep = {n for n in units | entities if graph.nodes[n]["type"] in wanted}
    nodes = []
    for n in sorted(keep, key=lambda n: (graph.nodes[n]["type"], graph.nodes[n].get("order", 0), n)):
        a = graph.nodes[n]
        label = f"{a['id']} {a['title']}" if a["type"] in LEAF_UNIT_TYPES else a["name"]
        nodes.append(
            NetworkNode(
                id=n,
                label=label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…",
                title=a.get("title") or a["name"],
                type=NodeType(a["type"]),
                doc=a.get("doc"),
                url=node_url(graph, n),
            )
        )
    edges, seen = [], set()
    for u, v, d in graph.edges(data=True):
        if d["type"] == EdgeType.PART_OF or u not in keep or v not in keep or (u, v, d["type"]) in seen:
            continue
        seen.add((u, v, d["type"]))
        edges.append(NetworkEdge(u, v, EdgeType(d["type"]), Role(d["role"]) if d.get("role") else None))
    return NetworkRecord(doc, sorted(wanted), nodes, edges)


# -- paths --------------------------------------------------------------------------------------
def path_between(graph: nx.MultiDiGraph, a: str, b: str, view: nx.Graph | None = None) -> PathRecord:
    """Up to three shortest connections between two entities, each hop with its sentence."""
    paths = shortest_paths(graph, a, b, view=view)
    ends = entity_ref(graph, a), entity_ref(graph, b)
    if not paths:
        answer = f"图谱中没有找到{ends[0].name}与{ends[1].name}之间的联系。"
        return PathRecord(*ends, found=False, answer=answer, nodes=[], steps=[], evidence=[])
    steps, evidence, text = explain(graph, paths)
    return PathRecord(
        *ends,
        found=True,
        answer=text,
        nodes=[[entity_ref(graph, n) for n in path] for path in paths],
        steps=[[PathStep(s["from"], EdgeType(s["relation"]), s["verb"], s["to"]) for s in hops] for hops in steps],
        evidence=evidence,
    )


# -- search hits --------------------------------------------------------------------------------
def matches(graph: nx.MultiDiGraph, node: str, f: Filters) -> bool:
    """Whether the unit ``node`` passes the search filters (a unit the graph lacks passes none)."""
    if node not in graph:
        return not f.params()
    a = graph.nodes[node]
    return (
        (not f.doc or a.get("doc") == f.doc)
        and (not f.kind or SEARCHED_TYPES.get(a["type"]) == f.kind)
        and (not f.department or f.department in query.names(graph, [d for d, _ in query.departments_of(graph, node)]))
        and (not f.programme or f.programme in query.names(graph, query.linked(graph, node, NodeType.PROGRAMME)))
    )


def hit(graph: nx.MultiDiGraph, result: SearchResult) -> Hit:
    """A search result with its unit's departments (lead first), programmes, source and page."""
    node = result.node if result.node in graph else find_unit(graph, result.doc, result.id)
    if node is None:  # an index older than the graph: the result stands as the engine gave it
        return Hit(**vars(result))
    return Hit(
        **{
            **vars(result),
            "departments": query.names(graph, [d for d, _ in query.departments_of(graph, node)]),
            "node": node,
        },
        lead=query.lead_of(graph, node),
        programmes=query.names(graph, query.linked(graph, node, NodeType.PROGRAMME)),
        source=Source(**graph.nodes[node]["source"]),
        url=node_url(graph, node),
    )
