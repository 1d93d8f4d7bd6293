"""Write ingested documents and resolved entities into a networkx graph.

Node ids and types come from ``graph.schema``: ``doc:DOC``, ``task:DOC/4.3.2`` (the prefix is the
unit's kind), ``programme:海智计划`` for entities, ``figure:DOC/OFFSET``. Every mention and relation
edge carries the sentence it comes from and its span in the original file.

A citation that lands on another ingested document (``ingest.citations``) joins the two document
nodes with its relation (``based_on``, ``implements``, ``amends``, ``cites``), the sentence and the
reason that version was chosen; a cited policy is ``same_as`` the version its citations landed on.
Every citation, landed or not, is listed on its document node.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import networkx as nx

from ingest.citations import CitationLink, resolve_citations
from ingest.docstore import files_digest
from ingest.lexicon import Lexicon, load_lexicon
from ingest.model import Document, Unit
from ingest.resolve import Entity, Resolution
from ingest.summary import DocumentSummary, summaries
from ingest.titles import title_key

from .bulk import long_lived
from .order import put_in_order
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

_MAKERS = ("build.py", "order.py", "patch.py", "schema.py")


@cache
def maker_fingerprint() -> str:
    """What a graph's parts depend on besides the documents: the code that makes them (a graph made
    by other code is built whole, never changed part by part)."""
    return files_digest(Path(__file__).parent / name for name in _MAKERS)


def unit_node(doc: str, unit: Unit) -> str:
    return unit_node_id(doc, unit.kind, unit.id, unit.is_task)


def _source(doc: Document, start: int, end: int) -> dict:
    source_start, source_end = doc.source_range(start, end)
    return {"start": source_start, "end": source_end}


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


def add_document(graph: nx.MultiDiGraph, doc: Document, summary: DocumentSummary) -> None:
    doc_node = document_node_id(doc.id)
    graph.add_node(
        doc_node,
        type=NodeType.DOCUMENT,
        name=doc.title,
        aliases=list(summary.common_names),  # its common names: 中央一号文件, 2026年中央一号文件
        doc=doc.id,
        title=doc.title,
        issuer=doc.issuer,
        number=doc.number,
        date=doc.date,
        path=doc.path,
        format=doc.format,
        sha256=doc.sha256,
        citations=[],
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
            "sentences": [[s.start - start, s.end - start, *doc.source_range(s.start, s.end)] for s in unit.sentences],
        }
        if unit.parent:
            attrs["parent"] = unit.parent
        graph.add_node(nodes[unit.id], **attrs)
        parent = nodes.get(unit.parent or "", doc_node)
        graph.add_edge(nodes[unit.id], parent, key=EdgeType.PART_OF, type=EdgeType.PART_OF)


def add_mentions(graph: nx.MultiDiGraph, doc: Document, res: Resolution) -> None:
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


def add_citations(graph: nx.MultiDiGraph, docs: list[Document], links: list[CitationLink]) -> None:
    """Every citation on its document node; one that lands joins the two documents beside its sentence."""
    by_id = {d.id: d for d in docs}
    for link in links:
        doc, c = by_id[link.source], link.citation
        source = document_node_id(doc.id)
        graph.nodes[source]["citations"].append(
            {"title": c.title, "doc": link.target, "relation": c.relation, "reason": link.reason}
        )
        if link.target is None:
            continue
        graph.add_edge(
            source,
            document_node_id(link.target),
            key=f"{c.relation}@{c.start}",
            type=EdgeType(c.relation),
            trigger=c.trigger,
            reason=link.reason,
            surface=doc.text[c.start : c.end],
            span=_source(doc, c.start, c.end),
            sentence=doc.text[c.sentence_start : c.sentence_end],
            sentence_source=_source(doc, c.sentence_start, c.sentence_end),
        )


def _policy_documents(
    docs: list[DocumentSummary], links: list[CitationLink], lexicon: Lexicon
) -> dict[str, dict[str, str]]:
    """Title key -> the documents a policy of that key is, with the reason: those its citations
    landed on, else the only ingested document of its title."""
    landed: dict[str, dict[str, str]] = {}
    for link in links:
        if link.target:
            landed.setdefault(link.citation.key, {}).setdefault(link.target, link.reason)
    versions: dict[str, list[str]] = {}
    for doc in docs:
        versions.setdefault(title_key(doc.title, lexicon).key, []).append(doc.id)
    for key, ids in versions.items():
        if key not in landed and len(ids) == 1:
            landed[key] = {ids[0]: "标题相符的唯一文件"}
    return landed


def entity_attrs(entity: Entity) -> dict:
    """An entity node's attributes."""
    return {"type": entity.type, "name": entity.name, "aliases": sorted(entity.aliases), **entity.attrs}


def same_as_links(
    res: Resolution, docs: list[DocumentSummary], links: list[CitationLink], lexicon: Lexicon
) -> list[tuple[Entity, str, str]]:
    """(policy, document, reason): the ingested documents each policy entity is."""
    same_as = _policy_documents(docs, links, lexicon)
    return [
        (entity, doc, reason)
        for entity in res.entities.values()
        if entity.type == NodeType.POLICY
        for doc, reason in same_as.get(entity.attrs.get("key", ""), {}).items()
    ]


def add_entity_links(
    graph: nx.MultiDiGraph, res: Resolution, docs: list[DocumentSummary], links: list[CitationLink], lexicon: Lexicon
) -> None:
    """The edges of the corpus layer between entities and documents: a policy is ``same_as`` the
    documents it is, an entity ``issued_by`` its issuer."""
    for entity, doc, reason in same_as_links(res, docs, links, lexicon):
        graph.add_edge(entity.id, document_node_id(doc), key=EdgeType.SAME_AS, type=EdgeType.SAME_AS, reason=reason)
    for entity in res.entities.values():
        issuer = entity.attrs.get("issuer")
        issuer_node = entity_node_id(NodeType.ORGANISATION, issuer) if issuer else None
        if issuer_node in res.entities:
            graph.add_edge(entity.id, issuer_node, key=EdgeType.ISSUED_BY, type=EdgeType.ISSUED_BY)


def count_roles(graph: nx.MultiDiGraph) -> None:
    """Department nodes record their lead/supporting task counts for quick listing."""
    for node, attrs in graph.nodes(data=True):
        if attrs["type"] == NodeType.DEPARTMENT:
            roles = [d["role"] for _, _, d in graph.out_edges(node, data=True) if d["type"] == EdgeType.RESPONSIBLE_FOR]
            attrs["lead_count"], attrs["task_count"] = roles.count(Role.LEAD), len(roles)


def build_graph(
    docs: list[Document],
    res: Resolution,
    lexicon: Lexicon | None = None,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
    summarised: list[DocumentSummary] | None = None,
) -> nx.MultiDiGraph:
    """The graph of ``docs`` and their entities ``res`` (``summarised``: the documents' summaries,
    when the caller has them already)."""
    lexicon = lexicon or load_lexicon()
    summarised = summarised if summarised is not None else summaries(docs, lexicon)
    graph: nx.MultiDiGraph = nx.MultiDiGraph(
        built=time.strftime("%Y-%m-%dT%H:%M:%S"), documents=[d.id for d in docs], maker=maker_fingerprint()
    )
    with long_lived():
        for i, doc in enumerate(progress(docs)):  # the bar counts documents
            add_document(graph, doc, summarised[i])
        links = resolve_citations(summarised, lexicon)
        for entity in res.entities.values():
            graph.add_node(entity.id, **entity_attrs(entity))
        add_entity_links(graph, res, summarised, links, lexicon)
        add_citations(graph, docs, links)
        for doc in docs:
            add_mentions(graph, doc, res)
    count_roles(graph)
    return put_in_order(graph)
