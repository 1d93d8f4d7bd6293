"""One answer builder per intent: exact sets and counts from the graph, each with its evidence."""

from __future__ import annotations

import networkx as nx

from .evidence import (
    dedupe,
    edge_evidence,
    entity_obj,
    labels,
    mentioning_units,
    name,
    responsibilities,
    task_obj,
)
from .model import Answer, Parsed
from .paths import relation

TYPE_NAMES = {
    "Department": "部门",
    "Programme": "项目/品牌",
    "Organisation": "机构",
    "Policy": "政策文件",
    "Place": "地点",
}


def unresolved(graph: nx.MultiDiGraph, parsed: Parsed) -> Answer | None:
    """Say so when a slot names nothing known or several things; never guess."""
    for key, slot in parsed.slots.items():
        if key == "task":
            continue
        if not slot.nodes:
            hint = f"您是不是要找：{'、'.join(slot.suggestions)}。" if slot.suggestions else "请换一个名称再试。"
            return Answer(
                parsed.question,
                parsed.intent,
                f"没有找到名为「{slot.text}」的条目。{hint}",
                status="not_found",
                suggestions=slot.suggestions,
            )
        if len(slot.nodes) > 1:
            names = [name(graph, n) for n in slot.nodes]
            return Answer(
                parsed.question,
                parsed.intent,
                f"「{slot.text}」可能指：{'、'.join(names)}。请说得更具体一些。",
                status="ambiguous",
                suggestions=names,
            )
    return None


def _count(parsed: Parsed, n: int) -> int | None:
    return n if parsed.count else None


def department_tasks(graph: nx.MultiDiGraph, parsed: Parsed) -> Answer:
    dept = parsed.slots["dept"].nodes[0]
    edges = responsibilities(graph, dept, parsed.lead_only)
    tasks = [task_obj(graph, t) for t, _ in edges]
    lead = sum(1 for _, d in edges if d["role"] == "lead")
    verb = "牵头" if parsed.lead_only else "负责"
    text = f"{name(graph, dept)}{verb} {len(tasks)} 项任务"
    if not parsed.lead_only and tasks:
        text += f"（牵头 {lead} 项，配合 {len(tasks) - lead} 项）"
    text += f"：{labels(tasks)}。" if tasks else "。"
    return Answer(
        parsed.question,
        parsed.intent,
        text,
        departments=[name(graph, dept)],
        tasks=tasks,
        count=_count(parsed, len(tasks)),
        evidence=dedupe([edge_evidence(graph, t, d) for t, d in edges]),
    )


def entity_departments(graph: nx.MultiDiGraph, parsed: Parsed) -> Answer:
    entity = parsed.slots["ent"].nodes[0]
    label = name(graph, entity)
    depts: dict[str, None] = {}
    tasks, evidence = [], []
    for unit, d in mentioning_units(graph, entity):
        if graph.nodes[unit]["type"] != "Task":
            continue
        owners = [(u, e) for u, _, e in graph.in_edges(unit, data=True) if e["type"] == "responsible_for"]
        owners = [
            (u, e)
            for u, e in sorted(owners, key=lambda o: o[1]["order"])
            if not parsed.lead_only or e["role"] == "lead"
        ]
        if task_obj(graph, unit) not in tasks:
            tasks.append(task_obj(graph, unit))
        evidence.append(edge_evidence(graph, unit, d))
        for u, e in owners:
            depts.setdefault(name(graph, u))
            evidence.append(edge_evidence(graph, unit, e))
    kind = _kind(graph, entity)
    if not tasks:
        others = [edge_evidence(graph, u, d) for u, d in mentioning_units(graph, entity)]
        return Answer(
            parsed.question,
            parsed.intent,
            f"「{label}」没有出现在任何任务中，因此没有对应的责任部门。",
            status="not_found",
            entities=[entity_obj(graph, entity)],
            evidence=dedupe(others),
            count=_count(parsed, 0),
            **kind,
        )
    names = "、".join(depts)
    head = (
        f"{label}由{names}牵头（{len(depts)} 个部门）"
        if parsed.lead_only
        else f"{label}涉及 {len(depts)} 个部门：{names}"
    )
    text = f"{head}。依据是提到它的 {len(tasks)} 项任务：{labels(tasks)}。"
    return Answer(
        parsed.question,
        parsed.intent,
        text,
        departments=list(depts),
        tasks=tasks,
        count=_count(parsed, len(depts)),
        evidence=dedupe(evidence),
        entities=[entity_obj(graph, entity)],
        **kind,
    )


def _kind(graph: nx.MultiDiGraph, entity: str) -> dict:
    a = graph.nodes[entity]
    if a["type"] == "Programme":
        return {"programmes": [a["name"]]}
    if a["type"] == "Policy":
        return {"policies": [{"title": a["name"], "issuer": a.get("issuer", "")}]}
    return {}


def shared_tasks(graph: nx.MultiDiGraph, parsed: Parsed) -> Answer:
    a, b = parsed.slots["a"].nodes[0], parsed.slots["b"].nodes[0]
    for node in (a, b):
        if graph.nodes[node]["type"] != "Department":
            return relation(graph, parsed)
    mine = {t: d for t, d in responsibilities(graph, a)}
    theirs = {t: d for t, d in responsibilities(graph, b)}
    common = [t for t in mine if t in theirs]
    tasks = [task_obj(graph, t) for t in common]
    pair = f"{name(graph, a)}和{name(graph, b)}"
    text = f"{pair}共同负责 {len(tasks)} 项任务：{labels(tasks)}。" if tasks else f"{pair}没有共同负责的任务。"
    evidence = [edge_evidence(graph, t, mine[t]) for t in common]
    return Answer(
        parsed.question,
        parsed.intent,
        text,
        departments=[name(graph, a), name(graph, b)],
        tasks=tasks,
        count=_count(parsed, len(tasks)),
        evidence=dedupe(evidence),
    )


def multi_department_tasks(graph: nx.MultiDiGraph, parsed: Parsed) -> Answer:
    found, evidence, depts = [], [], {}
    for node, a in sorted(graph.nodes(data=True), key=lambda n: (n[1].get("doc", ""), n[1].get("order", 0))):
        if a.get("type") != "Task":
            continue
        owners = sorted(
            (e["order"], u, e) for u, _, e in graph.in_edges(node, data=True) if e["type"] == "responsible_for"
        )
        if len(owners) > 1:
            found.append({**task_obj(graph, node), "departments": [name(graph, u) for _, u, _ in owners]})
            evidence.append(edge_evidence(graph, node, owners[0][2]))
            for _, u, _ in owners:
                depts.setdefault(name(graph, u))
    listed = "；".join(f"{t['id']} {t['label']}{t['title']}（{'、'.join(t['departments'])}）" for t in found)
    text = f"由多个部门共同负责的任务有 {len(found)} 项：{listed}。" if found else "没有由多个部门共同负责的任务。"
    return Answer(
        parsed.question,
        parsed.intent,
        text,
        tasks=found,
        departments=list(depts),
        count=_count(parsed, len(found)),
        evidence=dedupe(evidence),
    )


def what_is(graph: nx.MultiDiGraph, parsed: Parsed) -> Answer:
    entity = parsed.slots["ent"].nodes[0]
    a = graph.nodes[entity]
    if a["type"] == "Department":
        parsed.slots["dept"] = parsed.slots["ent"]
        return department_tasks(graph, parsed)
    units = mentioning_units(graph, entity)
    tasks = []
    for unit, _ in units:
        if graph.nodes[unit]["type"] == "Task" and task_obj(graph, unit) not in tasks:
            tasks.append(task_obj(graph, unit))
    evidence = dedupe([edge_evidence(graph, u, d) for u, d in units])
    depts = entity_departments(graph, parsed).departments if tasks else []
    kind = TYPE_NAMES.get(a["type"], a["type"])
    alias = f"（又称{'、'.join(a['aliases'])}）" if a.get("aliases") else ""
    text = f"{a['name']}{alias}是文中的{kind}，出现在 {len(evidence)} 处原文中"
    text += f"，用于 {len(tasks)} 项任务：{labels(tasks)}" if tasks else ""
    text += f"；相关部门：{'、'.join(depts)}。" if depts else "。"
    if evidence:
        text += f"原文：“{evidence[0].text}”"
    return Answer(
        parsed.question,
        parsed.intent,
        text,
        departments=depts,
        tasks=tasks,
        evidence=evidence,
        entities=[entity_obj(graph, entity)],
        **_kind(graph, entity),
    )
