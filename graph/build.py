"""Write ingested documents and resolved entities into a networkx graph.

Node ids and types come from ``graph.schema``: ``doc:DOC``, ``task:DOC/4.3.2`` (the prefix is the
unit's kind), ``programme:海智计划`` for entities, ``figure:DOC/OFFSET``. Every mention and relation
edge carries the sentence it comes from and its span in the original file.
"""

from __future__ import annotations

import time

import networkx as nx

from ingest.model import Document, Unit
from ingest.resolve import Resolution

from .schema import (
    LEAF_UNIT_TYPES,
    EdgeType,
    NodeType,
    Role,
    document_node_id,
    entity_node_id,
    figure_node_id,
    unit_node_id,
    unit_type,
)


def unit_node(doc: str, unit: Unit) -> str:
    return unit_node_id(doc, unit.kind, unit.id, unit.is_task)


def _source(doc: Document, start: int, end: int) -> dict:
    span = doc.source_span(start, end)
    return {"start": span.start, "end": span.end}


def _sentence(doc: Document, pos: int) -> dict:
    sent = doc.sentence_at(pos)
    if sent is None:
        return {}
    return {"sentence": sent.text, "sentence_source": _source(doc, sent.start, sent.end)}


def _unit_text(doc: Document, unit: Unit) -> tuple[str, int]:
    """The unit's repaired text and its start: whole for leaves, heading only for containers."""
    if unit_type(unit.kind, unit.is_task) in LEAF_UNIT_TYPES or not unit.sentences:
        return doc.text[unit.start : unit.end], unit.start
    first, last = unit.sentences[0], unit.sentences[-1]
    return doc.text[first.start : last.end], first.start


def _add_document(graph: nx.MultiDiGraph, doc: Document) -> None:
    doc_node = document_node_id(doc.id)
    graph.add_node(
        doc_node,
        type=NodeType.DOCUMENT,
        name=doc.title,
        doc=doc.id,
        title=doc.title,
        issuer=doc.issuer,
        number=doc.number,
        date=doc.date,
        path=doc.path,
        encoding=doc.encoding,
        chars=len(doc.original),
        warnings=doc.warnings,
    )
    nodes = {u.id: unit_node(doc.id, u) for u in doc.units}
    for order, unit in enumerate(doc.units):
        text, start = _unit_text(doc, unit)
        attrs = {
            "type": unit_type(unit.kind, unit.is_task),
            "name": f"{unit.label} {unit.title}".strip(),
            "doc": doc.id,
            "id": unit.id,
            "label": unit.label,
            "title": unit.title,
            "text": text,
            "order": order,
            "source": _source(doc, unit.start, unit.end),
            # [start, end] in ``text``, then [start, end] in the original file
            "sentences": [
                [s.start - start, s.end - start, *_source(doc, s.start, s.end).values()] for s in unit.sentences
            ],
        }
        if unit.parent:
            attrs["parent"] = unit.parent
        graph.add_node(nodes[unit.id], **attrs)
        parent = nodes.get(unit.parent or "", doc_node)
        graph.add_edge(nodes[unit.id], parent, key=EdgeType.PART_OF, type=EdgeType.PART_OF)


def _add_mentions(graph: nx.MultiDiGraph, doc: Document, res: Resolution) -> None:
    nodes = {u.id: unit_node(doc.id, u) for u in doc.units}
    for m in doc.mentions:
        unit = nodes[m.unit]
        evidence = {"surface": m.surface, "span": _source(doc, m.start, m.end), **_sentence(doc, m.start)}
        if m.type == NodeType.FIGURE:
            node = figure_node_id(doc.id, m.start)
            graph.add_node(node, type=NodeType.FIGURE, name=m.surface, doc=doc.id, **m.attrs)
            graph.add_edge(unit, node, key=EdgeType.MENTIONS, type=EdgeType.MENTIONS, **evidence)
            continue
        entity = res.entity_for(m.type, m.surface)
        if entity is None or (m.type == NodeType.POLICY and m.attrs.get("self")):
            continue
        if m.type == NodeType.DEPARTMENT:
            graph.add_edge(
                entity.id,
                unit,
                key=EdgeType.RESPONSIBLE_FOR,
                type=EdgeType.RESPONSIBLE_FOR,
                role=m.attrs["role"],
                order=m.attrs["order"],
                **evidence,
            )
        else:
            key = f"{EdgeType.MENTIONS}@{m.start}"
            graph.add_edge(unit, entity.id, key=key, type=EdgeType.MENTIONS, **evidence)
    for rel in doc.relations:
        entity = res.entity_for(NodeType.POLICY, rel.policy_surface)
        source = nodes[rel.source_unit] if rel.source_unit else document_node_id(doc.id)
        if entity:
            graph.add_edge(
                source,
                entity.id,
                key=f"{rel.type}@{rel.start}",
                type=EdgeType(rel.type),
                trigger=rel.trigger,
                sentence=doc.text[rel.start : rel.end],
                sentence_source=_source(doc, rel.start, rel.end),
            )


def _add_entities(graph: nx.MultiDiGraph, res: Resolution, docs: list[Document]) -> None:
    titles = {d.title: document_node_id(d.id) for d in docs}
    for entity in res.entities.values():
        graph.add_node(entity.id, type=entity.type, name=entity.name, aliases=sorted(entity.aliases), **entity.attrs)
        if entity.type == NodeType.POLICY and entity.name in titles:
            graph.add_edge(entity.id, titles[entity.name], key=EdgeType.SAME_AS, type=EdgeType.SAME_AS)
        issuer = entity.attrs.get("issuer")
        issuer_node = entity_node_id(NodeType.ORGANISATION, issuer) if issuer else None
        if issuer_node in res.entities:
            graph.add_edge(entity.id, issuer_node, key=EdgeType.ISSUED_BY, type=EdgeType.ISSUED_BY)


def build_graph(docs: list[Document], res: Resolution) -> nx.MultiDiGraph:
    graph: nx.MultiDiGraph = nx.MultiDiGraph(built=time.strftime("%Y-%m-%dT%H:%M:%S"), documents=[d.id for d in docs])
    for doc in docs:
        _add_document(graph, doc)
    _add_entities(graph, res, docs)
    for doc in docs:
        _add_mentions(graph, doc, res)
    # Department nodes record their lead/supporting task counts for quick listing.
    for node, attrs in graph.nodes(data=True):
        if attrs["type"] == NodeType.DEPARTMENT:
            roles = [d["role"] for _, _, d in graph.out_edges(node, data=True) if d["type"] == EdgeType.RESPONSIBLE_FOR]
            attrs["lead_count"], attrs["task_count"] = roles.count(Role.LEAD), len(roles)
    return graph
