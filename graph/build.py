"""Write ingested documents and resolved entities into a networkx graph.

Node ids: ``doc:DOC``, ``task:DOC/4.3.2`` (also part/section/item/paragraph), and
``programme:海智计划`` style ids for entities. Every mention and relation edge carries the
sentence it comes from and its span in the original file.
"""

from __future__ import annotations

import time

import networkx as nx

from ingest.model import Document, Unit
from ingest.resolve import Resolution

UNIT_TYPES = {"part": "Part", "section": "Section", "item": "Item", "subitem": "Item", "paragraph": "Paragraph"}


def unit_node(doc: str, unit: Unit) -> str:
    kind = "task" if unit.is_task else unit.kind
    return f"{kind}:{doc}/{unit.id}"


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
    if unit.is_task or unit.kind == "paragraph" or not unit.sentences:
        return doc.text[unit.start : unit.end], unit.start
    first, last = unit.sentences[0], unit.sentences[-1]
    return doc.text[first.start : last.end], first.start


def _add_document(graph: nx.MultiDiGraph, doc: Document) -> None:
    doc_node = f"doc:{doc.id}"
    graph.add_node(
        doc_node,
        type="Document",
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
            "type": "Task" if unit.is_task else UNIT_TYPES[unit.kind],
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
        graph.add_edge(nodes[unit.id], nodes.get(unit.parent, doc_node), key="part_of", type="part_of")


def _add_mentions(graph: nx.MultiDiGraph, doc: Document, res: Resolution) -> None:
    nodes = {u.id: unit_node(doc.id, u) for u in doc.units}
    for m in doc.mentions:
        unit = nodes[m.unit]
        evidence = {"surface": m.surface, "span": _source(doc, m.start, m.end), **_sentence(doc, m.start)}
        if m.type == "Figure":
            node = f"figure:{doc.id}/{m.start}"
            graph.add_node(node, type="Figure", name=m.surface, doc=doc.id, **m.attrs)
            graph.add_edge(unit, node, key="mentions", type="mentions", **evidence)
            continue
        entity = res.entity_for(m.type, m.surface)
        if entity is None or (m.type == "Policy" and m.attrs.get("self")):
            continue
        if m.type == "Department":
            graph.add_edge(
                entity.id,
                unit,
                key="responsible_for",
                type="responsible_for",
                role=m.attrs["role"],
                order=m.attrs["order"],
                **evidence,
            )
        else:
            key = f"mentions@{m.start}"
            graph.add_edge(unit, entity.id, key=key, type="mentions", **evidence)
    for rel in doc.relations:
        entity = res.entity_for("Policy", rel.policy_surface)
        source = nodes[rel.source_unit] if rel.source_unit else f"doc:{doc.id}"
        if entity:
            graph.add_edge(
                source,
                entity.id,
                key=f"{rel.type}@{rel.start}",
                type=rel.type,
                trigger=rel.trigger,
                sentence=doc.text[rel.start : rel.end],
                sentence_source=_source(doc, rel.start, rel.end),
            )


def _add_entities(graph: nx.MultiDiGraph, res: Resolution, docs: list[Document]) -> None:
    titles = {d.title: f"doc:{d.id}" for d in docs}
    for entity in res.entities.values():
        graph.add_node(entity.id, type=entity.type, name=entity.name, aliases=sorted(entity.aliases), **entity.attrs)
        if entity.type == "Policy" and entity.name in titles:
            graph.add_edge(entity.id, titles[entity.name], key="same_as", type="same_as")
        issuer = entity.attrs.get("issuer")
        if issuer and f"organisation:{issuer}" in res.entities:
            graph.add_edge(entity.id, f"organisation:{issuer}", key="issued_by", type="issued_by")


def build_graph(docs: list[Document], res: Resolution) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(built=time.strftime("%Y-%m-%dT%H:%M:%S"), documents=[d.id for d in docs])
    for doc in docs:
        _add_document(graph, doc)
    _add_entities(graph, res, docs)
    for doc in docs:
        _add_mentions(graph, doc, res)
    # Department nodes record their lead/supporting task counts for quick listing.
    for node, attrs in graph.nodes(data=True):
        if attrs["type"] == "Department":
            roles = [d["role"] for _, _, d in graph.out_edges(node, data=True) if d["type"] == "responsible_for"]
            attrs["lead_count"], attrs["task_count"] = roles.count("lead"), len(roles)
    return graph
