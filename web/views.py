"""Read models shared by the pages and the JSON API: unit and entity details, the responsibility
matrix, the explorer's network, paths between entities, and safe highlighting of text."""

from __future__ import annotations

import re
from urllib.parse import quote

import networkx as nx
from markupsafe import Markup, escape

from graph import query
from graph.paths import shortest_paths

TYPE_NAMES = {
    "Document": "文档",
    "Part": "部分",
    "Section": "章节",
    "Item": "条目",
    "Task": "任务",
    "Paragraph": "段落",
    "Department": "部门",
    "Programme": "项目/品牌",
    "Organisation": "机构",
    "Policy": "政策文件",
    "Place": "地点",
    "Figure": "数据",
}
ROLE_NAMES = {"lead": "牵头", "supporting": "配合"}
RELATION_NAMES = {
    "mentions": "提到",
    "based_on": "依据",
    "implements": "落实",
    "amends": "修订",
    "issued_by": "发布机构",
    "same_as": "即",
    "responsible_for": "负责",
}
UNIT_TYPES = ("Task", "Paragraph", "Section", "Part", "Item")
LINK_TYPES = ("Department", "Programme", "Organisation", "Policy", "Place", "Figure")
EXPLORER_TYPES = (
    "Document",
    "Task",
    "Paragraph",
    "Department",
    "Programme",
    "Organisation",
    "Policy",
    "Place",
    "Figure",
)
EXPLORER_DEFAULT = ("Task", "Department", "Programme", "Organisation", "Policy", "Place")
QUESTION_WORDS = (
    "多少",
    "几个",
    "几项",
    "哪些",
    "哪个",
    "哪几",
    "什么",
    "吗",
    "呢",
    "如何",
    "怎么",
    "怎样",
    "谁",
    "是否",
)


# -- links --------------------------------------------------------------------------------------
def node_url(graph: nx.MultiDiGraph, node: str) -> str:
    """The page of a node: units under /tasks/DOC/ID, everything else under /entities/ID."""
    a = graph.nodes[node]
    if a.get("type") in UNIT_TYPES:
        return f"/tasks/{quote(a['doc'], safe='')}/{quote(a['id'], safe='')}"
    return "/entities/" + quote(node, safe=":")


def find_unit(graph: nx.MultiDiGraph, doc: str, id_: str, types: tuple[str, ...] = UNIT_TYPES) -> str | None:
    for kind in ("task", "paragraph", "section", "part", "item"):
        node = f"{kind}:{doc}/{id_}"
        if node in graph and graph.nodes[node].get("type") in types:
            return node
    return None


def department_node(graph: nx.MultiDiGraph, name: str) -> str | None:
    node = f"department:{name}"
    return node if node in graph else None


# -- highlighting -------------------------------------------------------------------------------
def merge_spans(spans, length: int) -> list[tuple[int, int]]:
    """Sorted, clamped, non-overlapping [start, end) spans."""
    out: list[list[int]] = []
    for span in sorted((max(0, int(s)), min(length, int(e))) for s, e in spans):
        s, e = span
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def term_spans(text: str, terms) -> list[tuple[int, int]]:
    spans = []
    for term in {t for t in terms if t and len(t) >= 2}:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(term), text)]
    return spans


def segments(text: str, spans) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, highlighted) pairs."""
    out, pos = [], 0
    for s, e in merge_spans(spans, len(text)):
        if s > pos:
            out.append((text[pos:s], False))
        out.append((text[s:e], True))
        pos = e
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def marked(text: str, spans) -> Markup:
    """HTML for ``text`` with ``spans`` in <mark>; every piece of text is escaped."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(piece) if hit else escape(piece) for piece, hit in segments(text, spans)
    )


def snippet(text: str, spans, width: int = 180) -> Markup:
    """A window of about ``width`` characters around the first highlight, marked and escaped."""
    spans = merge_spans(spans or [], len(text))
    if len(text) <= width:
        return marked(text, spans)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 4, len(text) - width))
    end = start + width
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if e > start and s < end]
    return Markup("{}{}{}").format(
        "…" if start else "", marked(text[start:end], inside), "…" if end < len(text) else ""
    )


def looks_like_question(text: str, intent: str | None) -> bool:
    stripped = text.strip()
    return (
        (intent is not None and intent != "search")
        or stripped.endswith(("?", "？"))
        or any(w in stripped for w in QUESTION_WORDS)
    )


# -- units --------------------------------------------------------------------------------------
def entity_ref(graph: nx.MultiDiGraph, node: str) -> dict:
    a = graph.nodes[node]
    return {"node": node, "name": a["name"], "type": a["type"], "url": node_url(graph, node)}


def unit_detail(graph: nx.MultiDiGraph, node: str) -> dict:
    """A unit's text, source, departments with roles and linked entities grouped by type."""
    a = graph.nodes[node]
    doc = graph.nodes.get(f"doc:{a['doc']}", {})
    record = query.task_record(graph, node) if a["type"] == "Task" else {**query.unit_of(graph, node)}
    record.update(
        {
            "type": a["type"],
            "text": a["text"],
            "source": a["source"],
            "document": {"doc": a["doc"], "title": doc.get("title", a["doc"]), "node": f"doc:{a['doc']}"},
            "roles": [{**entity_ref(graph, d), "role": role} for d, role in query.departments_of(graph, node)],
            "entities": {t: [entity_ref(graph, n) for n in query.linked(graph, node, t)] for t in LINK_TYPES[1:]},
            "parents": _parents(graph, node),
        }
    )
    return record


def _parents(graph: nx.MultiDiGraph, node: str) -> list[dict]:
    chain = []
    a = graph.nodes[node]
    while a.get("parent"):
        parent = find_unit(graph, a["doc"], a["parent"])
        if parent is None:
            break
        a = graph.nodes[parent]
        chain.append({"node": parent, "label": a["label"], "title": a["title"], "type": a["type"]})
    return list(reversed(chain))


def related_tasks(graph: nx.MultiDiGraph, node: str, limit: int = 8) -> list[dict]:
    """Tasks sharing programmes, organisations, policies or places with ``node`` (most shared first)."""
    mine = {n for t in LINK_TYPES[1:-1] for n in query.linked(graph, node, t)}
    my_depts = {d for d, _ in query.departments_of(graph, node)}
    scored = []
    for other in query.nodes_of(graph, "Task"):
        if other == node:
            continue
        shared = [n for t in LINK_TYPES[1:-1] for n in query.linked(graph, other, t) if n in mine]
        if not shared:
            continue
        depts = {d for d, _ in query.departments_of(graph, other)} & my_depts
        scored.append((-len(shared), -len(depts), graph.nodes[other]["order"], other, shared))
    scored.sort(key=lambda s: s[:3])
    return [
        {**query.unit_of(graph, other), "shared": [graph.nodes[n]["name"] for n in shared]}
        for *_, other, shared in scored[:limit]
    ]


def semantic_neighbours(graph: nx.MultiDiGraph, node: str, search, limit: int = 5) -> list[dict]:
    """Tasks whose text the search index finds closest to this one's (empty without an index)."""
    if search is None:
        return []
    a = graph.nodes[node]
    try:
        results = search(f"{a['title']}。{a['text']}"[:500], limit + 4)
    except Exception:
        return []
    out, seen = [], {node}
    for r in results:
        other = find_unit(graph, r.get("doc", ""), str(r.get("id", "")), ("Task",))
        if other and other not in seen:
            seen.add(other)
            out.append({**query.unit_of(graph, other), "score": r.get("score")})
    return out[:limit]


# -- entities -----------------------------------------------------------------------------------
def entity_detail(graph: nx.MultiDiGraph, node: str) -> dict:
    record = query.entity_record(graph, node)
    a = graph.nodes[node]
    if a["type"] == "Document":
        record["tasks"] = [query.unit_of(graph, t) for t in query.nodes_of(graph, "Task", a["doc"])]
        record["cites"] = [
            {**entity_ref(graph, v), "relation": d["type"], "sentence": d.get("sentence", "")}
            for _, v, d in graph.out_edges(node, data=True)
            if d["type"] in ("based_on", "implements", "amends")
        ]
    if a["type"] == "Policy":
        record["issued_by"] = [
            entity_ref(graph, v) for _, v, d in graph.out_edges(node, data=True) if d["type"] == "issued_by"
        ]
        record["same_as"] = [
            entity_ref(graph, v) for _, v, d in graph.out_edges(node, data=True) if d["type"] == "same_as"
        ]
    return record


# -- the responsibility matrix ------------------------------------------------------------------
def matrix(graph: nx.MultiDiGraph, doc: str | None = None) -> dict:
    """Departments × tasks: each task's department roles, with row and column totals."""
    tasks, depts = [], {}
    for t in query.nodes_of(graph, "Task", doc):
        roles = {}
        for d, role in query.departments_of(graph, t):
            name = graph.nodes[d]["name"]
            roles[name] = role
            entry = depts.setdefault(name, {"node": d, "name": name, "lead": 0, "supporting": 0, "total": 0})
            entry[role] += 1
            entry["total"] += 1
        lead = sum(1 for r in roles.values() if r == "lead")
        tasks.append({**query.unit_of(graph, t), "roles": roles, "lead": lead, "total": len(roles)})
    departments = sorted(depts.values(), key=lambda d: (-d["lead"], -d["total"], d["name"]))
    return {
        "doc": doc,
        "departments": departments,
        "tasks": tasks,
        "totals": {
            "tasks": len(tasks),
            "departments": len(departments),
            "lead": sum(d["lead"] for d in departments),
            "supporting": sum(d["supporting"] for d in departments),
        },
    }


def matrix_csv_rows(data: dict) -> list[list]:
    names = [d["name"] for d in data["departments"]]
    rows = [["文档", "任务编号", "标号", "任务", *names, "部门数"]]
    for t in data["tasks"]:
        cells = [ROLE_NAMES.get(t["roles"].get(n, ""), "") for n in names]
        rows.append([t["doc"], t["id"], t["label"], t["title"], *cells, t["total"]])
    rows.append(["合计", "", "", f"{data['totals']['tasks']} 项任务", *[d["total"] for d in data["departments"]], ""])
    rows.append(["其中牵头", "", "", "", *[d["lead"] for d in data["departments"]], ""])
    return rows


# -- the explorer network -----------------------------------------------------------------------
def network(graph: nx.MultiDiGraph, doc: str | None = None, types=EXPLORER_DEFAULT) -> dict:
    """Nodes of ``types`` (units of ``doc`` only, entities linked to it) and the edges between them."""
    types = set(types)

    def in_doc(n: str) -> bool:
        return doc is None or graph.nodes[n].get("doc") == doc

    units = {n for n, a in graph.nodes(data=True) if a.get("type") in ("Document", "Task", "Paragraph") and in_doc(n)}
    if doc is None:
        entities = {n for n, a in graph.nodes(data=True) if a.get("type") in LINK_TYPES}
    else:
        entities = {n for n, a in graph.nodes(data=True) if a.get("type") in LINK_TYPES and a.get("doc", doc) == doc}
        linked = {v for u in units for v in nx.all_neighbors(graph, u)}
        entities &= linked | {n for n in entities if graph.nodes[n]["type"] == "Figure"}
    keep = {n for n in units | entities if graph.nodes[n]["type"] in types}
    nodes = []
    for n in sorted(keep, key=lambda n: (graph.nodes[n]["type"], graph.nodes[n].get("order", 0), n)):
        a = graph.nodes[n]
        label = a["name"] if a["type"] not in ("Task", "Paragraph") else f"{a['id']} {a['title']}"
        nodes.append(
            {
                "id": n,
                "label": label if len(label) <= 18 else label[:17] + "…",
                "title": a.get("title") or a["name"],
                "type": a["type"],
                "doc": a.get("doc"),
                "url": node_url(graph, n),
            }
        )
    edges, seen = [], set()
    for u, v, d in graph.edges(data=True):
        if d["type"] == "part_of" or u not in keep or v not in keep or (u, v, d["type"]) in seen:
            continue
        seen.add((u, v, d["type"]))
        edge = {"from": u, "to": v, "type": d["type"]}
        if d.get("role"):
            edge["role"] = d["role"]
        edges.append(edge)
    return {"doc": doc, "types": sorted(types), "nodes": nodes, "edges": edges}


# -- paths --------------------------------------------------------------------------------------
def path_between(graph: nx.MultiDiGraph, a: str, b: str) -> dict:
    from search.qa.paths import explain

    paths = shortest_paths(graph, a, b)
    record = {"from": entity_ref(graph, a), "to": entity_ref(graph, b), "found": bool(paths)}
    if not paths:
        record.update(
            answer=f"图谱中没有找到{graph.nodes[a]['name']}与{graph.nodes[b]['name']}之间的联系。",
            nodes=[],
            steps=[],
            evidence=[],
        )
        return record
    steps, evidence, text = explain(graph, paths)
    record.update(
        answer=text,
        nodes=[[entity_ref(graph, n) for n in path] for path in paths],
        steps=steps,
        evidence=[vars(e) for e in evidence],
    )
    return record
