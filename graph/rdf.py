"""The knowledge graph as RDF: stable IRIs, standard vocabularies, provenance down to character offsets.

Every node gets an IRI derived from its node id under a configurable base
(``task:DOC/4.3.2`` -> ``BASE task/DOC/4.3.2``, Chinese percent-encoded). Classes and properties
come from W3C ORG, SKOS, Dublin Core terms and PROV-O where they fit, and from the project
vocabulary ``PKG`` (``data/vocab/policykg.ttl``) otherwise.

Each edge becomes a direct triple (``?dept pkg:responsibleFor ?task``) so simple queries stay
simple. Mentions, responsibilities and policy relations are also reified as an
``rdf:Statement``/``prov:Entity`` that ``prov:wasDerivedFrom`` a ``pkg:SourceSpan`` (start and end
offsets in the original file, ``dcterms:source`` the document, ``rdf:value`` the text) and names
its sentence with ``pkg:sentence``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Container, Iterable, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import networkx as nx
from rdflib import OWL, RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from .home import ROOT
from .namespaces import PKG as PKG_IRI
from .namespaces import PREFIXES as PREFIX_IRIS
from .schema import UNIT_TYPES, EdgeType, NodeType, Role, document_node_id

PKG = Namespace(PKG_IRI)
VOCAB_PATH = ROOT / "data" / "vocab" / "policykg.ttl"
DEFAULT_BASE = "https://policykg.example/id/"
BASE_ENV = "POLICYKG_BASE_IRI"
PREFIXES: dict[str, Namespace] = {prefix: Namespace(iri) for prefix, iri in PREFIX_IRIS.items()}

CLASSES: dict[str, URIRef] = {
    NodeType.DOCUMENT: PKG.Document,
    NodeType.PART: PKG.Part,
    NodeType.SECTION: PKG.Section,
    NodeType.ITEM: PKG.Item,
    NodeType.TASK: PKG.Task,
    NodeType.PARAGRAPH: PKG.Paragraph,
    NodeType.DEPARTMENT: ORG.OrganizationalUnit,
    NodeType.ORGANISATION: ORG.Organization,
    NodeType.PROGRAMME: PKG.Programme,
    NodeType.POLICY: PKG.Policy,
    NodeType.PLACE: DCTERMS.Location,
    NodeType.FIGURE: PKG.Figure,
}
# Edge types with a plain predicate; the reified ones also carry where the text says so.
PLAIN: dict[str, URIRef] = {
    EdgeType.PART_OF: DCTERMS.isPartOf,
    EdgeType.ISSUED_BY: DCTERMS.publisher,
    EdgeType.SAME_AS: OWL.sameAs,
}
REIFIED: dict[str, URIRef] = {
    EdgeType.RESPONSIBLE_FOR: PKG.responsibleFor,  # also pkg:responsibleUnit and the role, from the task
    EdgeType.MENTIONS: PKG.mentions,
    EdgeType.BASED_ON: PKG.basedOn,
    EdgeType.IMPLEMENTS: PKG.implements,
    EdgeType.AMENDS: PKG.amends,
    EdgeType.CITES: PKG.cites,
}
ROLES = {Role.LEAD: PKG.leadUnit, Role.SUPPORTING: PKG.supportingUnit}


def rdf_class(node_type: str) -> URIRef:
    """The class of a node type: a standard one where it fits, else ``pkg:`` and the type's name."""
    return CLASSES.get(node_type) or PKG[node_type]


def predicate_of(edge_type: str) -> URIRef:
    """The predicate of an edge type: a standard or project one, else ``pkg:`` and the camel-cased name."""
    found = PLAIN.get(edge_type) or REIFIED.get(edge_type)
    if found is not None:
        return found
    head, *rest = edge_type.split("_")
    return PKG[head + "".join(w.title() for w in rest)]


ZH = "zh"


def base_iri(value: str | None = None) -> str:
    """The base for node IRIs: ``value``, else ``$POLICYKG_BASE_IRI``, else the default."""
    base = value or os.environ.get(BASE_ENV) or DEFAULT_BASE
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or base[-1] not in "/#":
        raise ValueError(f"基础 IRI 无效 invalid base IRI '{base}': use an absolute http(s) IRI ending in '/' or '#'")
    return base


class Minter:
    """Stable IRIs under one base, all derived from node ids and source offsets."""

    def __init__(self, base: str):
        self.base = base

    def node(self, node: str) -> URIRef:
        kind, _, rest = node.partition(":")
        return URIRef(f"{self.base}{kind}/{quote(rest, safe='/')}")

    def span(self, doc: str, span: dict) -> URIRef:
        return URIRef(f"{self.base}span/{quote(doc, safe='')}/{span['start']}-{span['end']}")

    def statement(self, source: str, key: str, target: str) -> URIRef:
        digest = hashlib.sha1(f"{source}\n{key}\n{target}".encode()).hexdigest()[:16]
        return URIRef(f"{self.base}statement/{digest}")


def _zh(text: str) -> Literal:
    return Literal(text, lang=ZH)


Fields = dict[str, tuple[URIRef, Callable[[Any], Literal]]]


def _literals(attrs: dict, fields: Fields) -> list:
    """(predicate, literal) for each attribute present and non-empty."""
    return [(pred, make(attrs[k])) for k, (pred, make) in fields.items() if attrs.get(k) not in (None, "", [])]


_DOCUMENT: Fields = {
    "title": (DCTERMS.title, _zh),
    "number": (DCTERMS.identifier, Literal),
    "date": (DCTERMS.issued, lambda v: Literal(v, datatype=XSD.date)),
    "issuer": (PKG.issuerName, _zh),
}
_UNIT: Fields = {
    "title": (DCTERMS.title, _zh),
    "id": (PKG.number, Literal),
    "label": (PKG.marker, Literal),
    "text": (PKG.text, _zh),
    "order": (PKG.order, Literal),
}
_FIGURE: Fields = {
    "value": (RDF.value, Literal),
    "unit": (PKG.measureUnit, _zh),
    "measure": (PKG.measure, _zh),
    "context": (PKG.context, _zh),
    "year": (PKG.year, lambda v: Literal(str(v), datatype=XSD.gYear)),
}
FIELDS: dict[str, Fields] = {
    NodeType.DOCUMENT: _DOCUMENT,
    NodeType.POLICY: {"issuer": (PKG.issuerName, _zh)},
    NodeType.FIGURE: _FIGURE,
    **{t: _UNIT for t in UNIT_TYPES},
}


Triple = tuple[URIRef, URIRef, URIRef | Literal]


class _Converter:
    """Writes the triples of nodes and edges to ``add`` (a graph's ``add``, or a list's ``append``)."""

    def __init__(self, graph: nx.MultiDiGraph, base: str, add: Callable[[Triple], object]):
        self.nx = graph
        self.iri = Minter(base)
        self.add = add

    def add_span(self, doc: str, span: dict, text: str | None = None) -> URIRef:
        node = self.iri.span(doc, span)
        self.add((node, RDF.type, PKG.SourceSpan))
        self.add((node, DCTERMS.source, self.iri.node(document_node_id(doc))))
        self.add((node, PKG.startOffset, Literal(span["start"])))
        self.add((node, PKG.endOffset, Literal(span["end"])))
        if text:
            self.add((node, RDF.value, _zh(text)))
        return node

    def add_node(self, node: str, attrs: dict) -> None:
        subject = self.iri.node(node)
        self.add((subject, RDF.type, rdf_class(attrs["type"])))
        self.add((subject, SKOS.prefLabel, _zh(attrs["name"])))
        for alias in attrs.get("aliases", []):
            self.add((subject, SKOS.altLabel, _zh(alias)))
        for pred, obj in _literals(attrs, FIELDS.get(attrs["type"], {})):
            self.add((subject, pred, obj))
        if "source" in attrs:
            self.add((subject, PROV.wasDerivedFrom, self.add_span(attrs["doc"], attrs["source"])))

    def add_edge(self, source: str, target: str, key: str, attrs: dict) -> None:
        s, o, kind = self.iri.node(source), self.iri.node(target), attrs["type"]
        if kind in PLAIN or (kind not in REIFIED and "sentence_source" not in attrs):
            self.add((s, predicate_of(kind), o))
            return
        predicate = predicate_of(kind)
        self.add((s, predicate, o))
        if kind == EdgeType.RESPONSIBLE_FOR:
            self.add((o, PKG.responsibleUnit, s))
            self.add((o, ROLES[attrs["role"]], s))
        self.add_statement(self.iri.statement(source, key, target), (s, predicate, o), source, target, attrs)

    def add_statement(self, st: URIRef, triple: tuple, source: str, target: str, attrs: dict) -> None:
        """The edge as an ``rdf:Statement`` derived from the words (or sentence) that state it."""
        doc = edge_document(self.nx, source, target)
        if doc is None:
            raise ValueError(f"{source} -> {target}: a stated relation needs a document to cite")
        for kind in (RDF.Statement, PROV.Entity):
            self.add((st, RDF.type, kind))
        for pred, term in zip((RDF.subject, RDF.predicate, RDF.object), triple, strict=True):
            self.add((st, pred, term))
        sentence = None  # a mention outside any sentence (a heading, a table cell) has only its words
        if "sentence_source" in attrs:
            sentence = self.add_span(doc, attrs["sentence_source"], attrs.get("sentence"))
            self.add((st, PKG.sentence, sentence))
        words = self.add_span(doc, attrs["span"], attrs.get("surface")) if "span" in attrs else sentence
        if words is not None:
            self.add((st, PROV.wasDerivedFrom, words))
        for pred, obj in _literals(attrs, {"role": (PKG.role, Literal), "order": (PKG.listPosition, Literal)}):
            self.add((st, pred, obj))
        if attrs.get("trigger"):
            self.add((st, PKG.trigger, _zh(attrs["trigger"])))


def edge_document(graph: nx.MultiDiGraph, source: str, target: str) -> str | None:
    """The document an edge was read from: its source's, else its target's (None between shared entities)."""
    return graph.nodes[source].get("doc") or graph.nodes[target].get("doc")


_ALL = object()  # every document and the shared entities


def triples(graph: nx.MultiDiGraph, base: str = DEFAULT_BASE, doc: object = _ALL) -> Iterator[Triple]:
    """The graph's triples one node or edge at a time (a triple may come more than once), without
    holding them all: for every document, or only ``doc``'s (None: the entities documents share)."""
    return scoped_triples(graph, base, None if doc is _ALL else {doc})


def scoped_triples(
    graph: nx.MultiDiGraph, base: str, docs: Container[object] | None, shared: Container[str] | None = None
) -> Iterator[Triple]:
    """The triples of the nodes and edges read from ``docs`` (None among them: the entities documents
    share; of those, only the nodes in ``shared`` and the edges between entities out of them, when
    given), or of all of them when ``docs`` is None. Each triple belongs to one document's scope."""
    out: list[Triple] = []
    conv = _Converter(graph, base, out.append)
    if docs is None:
        for node, attrs in graph.nodes(data=True):
            conv.add_node(node, attrs)
            yield from out
            out.clear()
        for source, target, key, attrs in graph.edges(keys=True, data=True):
            conv.add_edge(source, target, key, attrs)
            yield from out
            out.clear()
        return
    # Scope by scope: a document's nodes, the edges out of them (``edge_document``: all theirs) and
    # the edges into them from entities; a shared entity's node and its edges to other entities.
    nodes, succ, pred = graph.nodes, graph.succ, graph.pred
    for node, attrs in graph.nodes(data=True):
        doc = attrs.get("doc")
        if doc:
            if doc not in docs:
                continue
            conv.add_node(node, attrs)
            edges = [(node, t, keyed) for t, keyed in succ[node].items()]
            edges += [(s, node, keyed) for s, keyed in pred[node].items() if not nodes[s].get("doc")]
        elif None in docs and (shared is None or node in shared):
            conv.add_node(node, attrs)
            edges = [(node, t, keyed) for t, keyed in succ[node].items() if not nodes[t].get("doc")]
        else:
            continue
        for source, target, keyed in edges:
            for key, edge in keyed.items():
                conv.add_edge(source, target, key, edge)
        yield from out
        out.clear()


def _graph_of(found: Iterable[Triple]) -> Graph:
    rdf = Graph(bind_namespaces="core")
    for prefix, ns in PREFIXES.items():
        rdf.bind(prefix, ns)
    for triple in found:
        rdf.add(triple)
    return rdf


def to_rdf(graph: nx.MultiDiGraph, base: str = DEFAULT_BASE) -> Graph:
    """The whole knowledge graph as an rdflib graph (no blank nodes: every resource has an IRI)."""
    return _graph_of(triples(graph, base))


def documents_of(graph: nx.MultiDiGraph) -> list[str]:
    return sorted({a["doc"] for _, a in graph.nodes(data=True) if a.get("doc")})


def document_rdf(graph: nx.MultiDiGraph, base: str = DEFAULT_BASE) -> Iterator[tuple[str | None, Graph]]:
    """The RDF split by document: ``(doc, graph)`` for each document (its units, figures, spans and the
    edges read from it), then ``(None, graph)`` for the entities documents share. Together they are
    exactly :func:`to_rdf`."""
    for doc in [*documents_of(graph), None]:
        yield doc, _graph_of(triples(graph, base, doc))


def load_vocabulary() -> Graph:
    return Graph().parse(VOCAB_PATH, format="turtle")
