"""The policy basis of tasks or documents: the policies they rest on, implement or amend."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from graph.schema import POLICY_RELATIONS, RELATION_LABELS, EdgeType, NodeType, document_node_id

from .cues import Cues
from .evidence import dedupe, edge_evidence, task_ref
from .model import Evidence, PolicyRef, Status, TaskRef


@dataclass
class Basis:
    text: str
    status: Status
    tasks: list[TaskRef]
    policies: list[PolicyRef]
    evidence: list[Evidence]


def _cited(graph: nx.MultiDiGraph, source: str, kinds: tuple[str, ...]) -> list[tuple[str, dict]]:
    """The policies ``source`` relates to; the joins between ingested documents are not its basis."""
    return [
        (p, d)
        for _, p, d in graph.out_edges(source, data=True)
        if d["type"] in kinds and graph.nodes[p]["type"] != NodeType.DOCUMENT
    ]


def _policy(graph: nx.MultiDiGraph, node: str, d: dict) -> PolicyRef:
    a = graph.nodes[node]
    return PolicyRef(a["name"], a.get("issuer", ""), d["type"], d.get("trigger"))


def _describe(policies: list[PolicyRef], cues: Cues) -> str:
    parts = []
    for relation in POLICY_RELATIONS:
        titles = [
            cues.phrase("policy_title", issuer=p.issuer, title=p.title) for p in policies if p.relation == relation
        ]
        if titles:
            joined = cues.phrase("list_sep").join(dict.fromkeys(titles))
            parts.append(cues.phrase("basis_cited", relation=RELATION_LABELS[relation], titles=joined))
    return cues.phrase("task_sep").join(parts)


def _document_basis(graph: nx.MultiDiGraph, doc: str) -> list[tuple[str, dict]]:
    return _cited(graph, doc, (EdgeType.BASED_ON,)) or _cited(graph, doc, (EdgeType.IMPLEMENTS,))


def policy_basis(graph: nx.MultiDiGraph, tasks: list[str], docs: list[str], cues: Cues) -> Basis:
    """What each task cites (or, citing nothing, what its document rests on); without tasks, what
    the documents (all of them when none is named) rest on."""
    policies: list[PolicyRef] = []
    evidence: list[Evidence | None] = []
    heads = []
    for task in tasks:
        t = task_ref(graph, task)
        head = cues.phrase("task_head", id=t.id, label=t.label, title=t.title)
        edges = _cited(graph, task, POLICY_RELATIONS)
        own = [_policy(graph, p, d) for p, d in edges]
        if own:
            heads.append(cues.phrase("basis_task", head=head, described=_describe(own, cues)))
            evidence += [edge_evidence(graph, task, d) for _, d in edges]
        else:
            doc = document_node_id(t.doc)
            edges = _document_basis(graph, doc)
            own = [_policy(graph, p, d) for p, d in edges]
            described = _describe(own, cues) or cues.phrase("basis_unstated")
            heads.append(cues.phrase("basis_task_inherited", head=head, described=described))
            evidence += [edge_evidence(graph, doc, d) for _, d in edges]
        policies += own
    if not tasks:
        for doc in docs or [n for n, a in graph.nodes(data=True) if a.get("type") == NodeType.DOCUMENT]:
            edges = _document_basis(graph, doc)
            if edges:
                own = [_policy(graph, p, d) for p, d in edges]
                title = graph.nodes[doc]["title"]
                heads.append(cues.phrase("basis_document", title=title, described=_describe(own, cues)))
                policies += own
                evidence += [edge_evidence(graph, doc, d) for _, d in edges]
    text = "".join(heads) if tasks else cues.phrase("task_sep").join(heads) + "。" if heads else ""
    return Basis(
        text or cues.phrase("basis_none"),
        Status.OK if policies else Status.NOT_FOUND,
        [task_ref(graph, t) for t in tasks],
        policies,
        dedupe(evidence),
    )
