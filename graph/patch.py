"""The graph of a corpus a few documents away from a built one, made by changing that one's graph.

A graph is mostly documents' own parts — their units, figures and the edges out of them — plus a
thin corpus layer: the entities (``ingest.resolve``) and where citations land
(``ingest.citations``), both decided over every document. Both are decided again from the
documents' summaries (``ingest.summary``), which are small and kept with each version, and compared
with what they were. A document is built again — its parts taken out and made anew from its whole
ingest result — when that result is new, or when something its parts were made from changed: a
name it mentions now belongs to another entity, or one of its citations lands elsewhere. Every other
document keeps its parts as they are; it is never read. Documents that left go with their parts,
the entity nodes are set from the new entities, and the graph is put in the one order of
``graph.order``: the result equals ``build_graph`` of the new corpus.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain

import networkx as nx

from ingest.citations import CitationLink, resolve_citations
from ingest.lexicon import Lexicon
from ingest.model import Document
from ingest.resolve import Resolution, resolve
from ingest.summary import POLICY, DocumentSummary

from .build import (
    add_citations,
    add_document,
    add_entity_links,
    add_mentions,
    count_roles,
    entity_attrs,
    same_as_links,
)
from .bulk import long_lived
from .order import put_in_order
from .schema import EdgeType, NodeType, document_node_id, entity_node_id


def _links_by_document(links: list[CitationLink]) -> dict[str, list[CitationLink]]:
    out: dict[str, list[CitationLink]] = {}
    for link in links:
        out.setdefault(link.source, []).append(link)
    return out


def _depends_on(summary: DocumentSummary) -> list[tuple[str, str]]:
    """The (type, surface) pairs whose entities a document's parts point to: its mentions, and the
    policies its typed citations name."""
    cited = [(POLICY, c.title) for c in summary.citations if c.trigger and c.type == POLICY]
    return [*summary.names, *cited]


@dataclass
class PatchPlan:
    """What a patch changes, decided before the graph is touched."""

    build: set[str]  # documents whose parts are made anew
    removed: set[str]  # documents that leave
    res: Resolution  # the new corpus's entities
    links: list[CitationLink]  # and its citation links
    scopes: set[object] = field(default_factory=set)  # documents whose RDF may change (None: shared entities)
    shared: set[str] = field(default_factory=set)  # the shared entities whose own RDF may change


def _plan(
    old: list[DocumentSummary], new: list[DocumentSummary], fresh: set[str], lexicon: Lexicon
) -> tuple[PatchPlan, Resolution]:
    res_old, res_new = resolve(old, lexicon), resolve(new, lexicon)
    links_new = resolve_citations(new, lexicon)
    before, after = _links_by_document(resolve_citations(old, lexicon)), _links_by_document(links_new)
    held = {s.id for s in old}
    build = {s.id for s in new if s.id in fresh or s.id not in held}
    for s in new:
        if s.id in build:
            continue
        if before.get(s.id) != after.get(s.id) or any(
            res_old.by_surface.get(key) != res_new.by_surface.get(key) for key in _depends_on(s)
        ):
            build.add(s.id)
    return PatchPlan(build, held - {s.id for s in new}, res_new, links_new), res_old


def _entity_state(res: Resolution, entity: str) -> tuple | None:
    """What an entity's own triples are made of."""
    if entity not in res.entities:
        return None
    attrs = entity_attrs(res.entities[entity])
    issuer = attrs.get("issuer")
    return attrs, issuer is not None and entity_node_id(NodeType.ORGANISATION, issuer) in res.entities


def plan_patch(
    graph: nx.MultiDiGraph, old: list[DocumentSummary], new: list[DocumentSummary], fresh: set[str], lexicon: Lexicon
) -> PatchPlan:
    """How ``graph`` (built from the documents ``old`` summarises) becomes the graph of the documents
    ``new`` summarises (``fresh``: ids of documents whose ingest result is not the one ``graph`` was
    made from), with the scopes of its RDF that may change: the documents built again or gone, those
    a policy now is (or no longer is) ``same_as``, and the entities whose attributes or issuer link
    change (their task counts are not in the RDF)."""
    plan, res_old = _plan(old, new, fresh, lexicon)
    touched = plan.build | plan.removed
    same_as_before = {
        (source, graph.nodes[target]["doc"], attrs.get("reason"))
        for source, target, attrs in graph.edges(data=True)
        if attrs["type"] == EdgeType.SAME_AS
    }
    same_as_after = {(e.id, doc, reason) for e, doc, reason in same_as_links(plan.res, new, plan.links, lexicon)}
    plan.scopes = set(touched) | {doc for _, doc, _ in same_as_before ^ same_as_after}
    entities = res_old.entities.keys() | plan.res.entities.keys()
    plan.shared = {e for e in entities if _entity_state(res_old, e) != _entity_state(plan.res, e)}
    if plan.shared:
        plan.scopes.add(None)
    return plan


def changed_documents(graph: nx.MultiDiGraph, plan: PatchPlan) -> set[str]:
    """The documents whose parts a patch may change, as ``graph`` shows them (ask before and after the
    patch): those built again or gone, and those with a part linked (either way) to an entity whose
    own attributes change, such as a department's name a task shows."""
    out = plan.build | plan.removed
    nodes = graph.nodes
    for entity in plan.shared:
        if entity not in graph:
            continue
        for node in chain(graph.successors(entity), graph.predecessors(entity)):
            attrs = nodes[node]
            if "doc" in attrs and attrs.get("type") != NodeType.DOCUMENT:
                out.add(attrs["doc"])
    return out


def _document_parts(graph: nx.MultiDiGraph) -> dict[str, list]:
    parts: dict[str, list] = {}
    for node, attrs in graph.nodes(data=True):
        if "doc" in attrs:
            parts.setdefault(attrs["doc"], []).append(node)
    return parts


def apply_patch(
    graph: nx.MultiDiGraph,
    plan: PatchPlan,
    new: list[DocumentSummary],
    load: Callable[[str], Document],
    lexicon: Lexicon,
) -> nx.MultiDiGraph:
    """``graph`` changed in place as ``plan`` says (``plan_patch``); ``load(id)`` gives a document of
    ``new`` whole."""
    build, res, links = plan.build, plan.res, plan.links
    with long_lived():
        parts = _document_parts(graph)
        kept_ids = {s.id for s in new}
        for doc_id, nodes in parts.items():
            if doc_id not in kept_ids:
                graph.remove_nodes_from(nodes)
            elif doc_id in build:
                doc_node = document_node_id(doc_id)
                graph.remove_nodes_from([n for n in nodes if n != doc_node])
                graph.remove_edges_from(list(graph.out_edges(doc_node, keys=True)))
                graph.nodes[doc_node].clear()
        entity_ids = {n for n, attrs in graph.nodes(data=True) if "doc" not in attrs}
        graph.remove_nodes_from(entity_ids - res.entities.keys())
        for entity in res.entities.values():
            if entity.id in graph:
                out = list(graph.out_edges(entity.id, keys=True, data=True))
                graph.remove_edges_from([(s, t, k) for s, t, k, d in out if d["type"] in _ENTITY_LINKS])
                attrs = graph.nodes[entity.id]
                attrs.clear()
                attrs.update(entity_attrs(entity))
            else:
                graph.add_node(entity.id, **entity_attrs(entity))
        add_entity_links(graph, res, new, links, lexicon)
        rebuilt = [s for s in new if s.id in build]
        docs = [load(s.id) for s in rebuilt]
        for doc, summary in zip(docs, rebuilt, strict=True):
            add_document(graph, doc, summary)
        add_citations(graph, docs, [link for link in links if link.source in build])
        for doc in docs:
            add_mentions(graph, doc, res)
        count_roles(graph)
        graph.graph["documents"] = [s.id for s in new]
        graph.graph["built"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        return put_in_order(graph, settled=kept_ids - build)


_ENTITY_LINKS = (EdgeType.SAME_AS, EdgeType.ISSUED_BY)
