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
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlsplit

import networkx as nx
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from .home import ROOT
from .store import load_graph

PKG = Namespace("https://policykg.example/ns#")
VOCAB_PATH = ROOT / "data" / "vocab" / "policykg.ttl"
DEFAULT_BASE = "https://policykg.example/id/"
BASE_ENV = "POLICYKG_BASE_IRI"
PREFIXES: dict[str, Namespace] = {
    "pkg": PKG,
    "org": ORG,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}

CLASSES = {
    "Document": PKG.Document,
    "Part": PKG.Part,
    "Section": PKG.Section,
    "Item": PKG.Item,
    "Task": PKG.Task,
    "Paragraph": PKG.Paragraph,
    "Department": ORG.OrganizationalUnit,
    "Organisation": ORG.Organization,
    "Programme": PKG.Programme,
    "Policy": PKG.Policy,
    "Place": DCTERMS.Location,
    "Figure": PKG.Figure,
}
# Edge types with a plain predicate; the reified ones also carry where the text says so.
PLAIN = {"part_of": DCTERMS.isPartOf, "issued_by": DCTERMS.publisher, "same_as": OWL.sameAs}
REIFIED = {"mentions": PKG.mentions, "based_on": PKG.basedOn, "implements": PKG.implements, "amends": PKG.amends}
ROLES = {"lead": PKG.leadUnit, "supporting": PKG.supportingUnit}
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


def _literals(attrs: dict, fields: dict[str, tuple[URIRef, Callable[[object], Literal]]]) -> list:
    """(predicate, literal) for each attribute present and non-empty."""
    return [(pred, make(attrs[k])) for k, (pred, make) in fields.items() if attrs.get(k) not in (None, "", [])]


_DOCUMENT = {
    "title": (DCTERMS.title, _zh),
    "number": (DCTERMS.identifier, Literal),
    "date": (DCTERMS.issued, lambda v: Literal(v, datatype=XSD.date)),
    "issuer": (PKG.issuerName, _zh),
}
_UNIT = {
    "title": (DCTERMS.title, _zh),
    "id": (PKG.number, Literal),
    "label": (PKG.marker, Literal),
    "text": (PKG.text, _zh),
    "order": (PKG.order, Literal),
}
_FIGURE = {
    "value": (RDF.value, Literal),
    "unit": (PKG.measureUnit, _zh),
    "measure": (PKG.measure, _zh),
    "context": (PKG.context, _zh),
    "year": (PKG.year, lambda v: Literal(str(v), datatype=XSD.gYear)),
}
FIELDS = {
    "Document": _DOCUMENT,
    "Policy": {"issuer": (PKG.issuerName, _zh)},
    "Figure": _FIGURE,
    **{t: _UNIT for t in ("Part", "Section", "Item", "Task", "Paragraph")},
}


class _Converter:
    def __init__(self, graph: nx.MultiDiGraph, base: str):
        self.nx = graph
        self.iri = Minter(base)
        self.rdf = Graph(bind_namespaces="core")
        for prefix, ns in PREFIXES.items():
            self.rdf.bind(prefix, ns)

    def add_span(self, doc: str, span: dict, text: str | None = None) -> URIRef:
        node = self.iri.span(doc, span)
        self.rdf.add((node, RDF.type, PKG.SourceSpan))
        self.rdf.add((node, DCTERMS.source, self.iri.node(f"doc:{doc}")))
        self.rdf.add((node, PKG.startOffset, Literal(span["start"])))
        self.rdf.add((node, PKG.endOffset, Literal(span["end"])))
        if text:
            self.rdf.add((node, RDF.value, _zh(text)))
        return node

    def add_node(self, node: str, attrs: dict) -> None:
        subject = self.iri.node(node)
        self.rdf.add((subject, RDF.type, CLASSES[attrs["type"]]))
        self.rdf.add((subject, SKOS.prefLabel, _zh(attrs["name"])))
        for alias in attrs.get("aliases", []):
            self.rdf.add((subject, SKOS.altLabel, _zh(alias)))
        for pred, obj in _literals(attrs, FIELDS.get(attrs["type"], {})):
            self.rdf.add((subject, pred, obj))
        if "source" in attrs:
            self.rdf.add((subject, PROV.wasDerivedFrom, self.add_span(attrs["doc"], attrs["source"])))

    def add_edge(self, source: str, target: str, key: str, attrs: dict) -> None:
        s, o, kind = self.iri.node(source), self.iri.node(target), attrs["type"]
        if kind in PLAIN:
            self.rdf.add((s, PLAIN[kind], o))
            return
        if kind == "responsible_for":
            self.rdf.add((s, PKG.responsibleFor, o))
            self.rdf.add((o, PKG.responsibleUnit, s))
            self.rdf.add((o, ROLES[attrs["role"]], s))
            predicate = PKG.responsibleFor
        else:
            predicate = REIFIED[kind]
            self.rdf.add((s, predicate, o))
        self.add_statement(self.iri.statement(source, key, target), (s, predicate, o), source, target, attrs)

    def add_statement(self, st: URIRef, triple: tuple, source: str, target: str, attrs: dict) -> None:
        """The edge as an ``rdf:Statement`` derived from the words (or sentence) that state it."""
        doc = self.nx.nodes[source].get("doc") or self.nx.nodes[target]["doc"]
        for kind in (RDF.Statement, PROV.Entity):
            self.rdf.add((st, RDF.type, kind))
        for pred, term in zip((RDF.subject, RDF.predicate, RDF.object), triple, strict=True):
            self.rdf.add((st, pred, term))
        sentence = self.add_span(doc, attrs["sentence_source"], attrs.get("sentence"))
        self.rdf.add((st, PKG.sentence, sentence))
        words = self.add_span(doc, attrs["span"], attrs.get("surface")) if "span" in attrs else sentence
        self.rdf.add((st, PROV.wasDerivedFrom, words))
        for pred, obj in _literals(attrs, {"role": (PKG.role, Literal), "order": (PKG.listPosition, Literal)}):
            self.rdf.add((st, pred, obj))
        if attrs.get("trigger"):
            self.rdf.add((st, PKG.trigger, _zh(attrs["trigger"])))


def to_rdf(graph: nx.MultiDiGraph, base: str = DEFAULT_BASE) -> Graph:
    """The whole knowledge graph as an rdflib graph (no blank nodes: every resource has an IRI)."""
    conv = _Converter(graph, base)
    for node, attrs in graph.nodes(data=True):
        conv.add_node(node, attrs)
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        conv.add_edge(source, target, key, attrs)
    return conv.rdf


def load_vocabulary() -> Graph:
    return Graph().parse(VOCAB_PATH, format="turtle")


_cache: dict[tuple[str, str], tuple[tuple[int, int], nx.MultiDiGraph, Graph]] = {}
_cache_lock = threading.Lock()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def load_cached(path: Path, base: str) -> tuple[nx.MultiDiGraph, Graph]:
    """The saved graph and its RDF, rebuilt only when the file's mtime or size changes."""
    stamp = _stamp(path)
    with _cache_lock:
        hit = _cache.get((str(path), base))
        if hit and stamp and hit[0] == stamp:
            return hit[1], hit[2]
        graph = load_graph(path)  # raises GraphMissing when there is none
        rdf = to_rdf(graph, base)
        _cache[(str(path), base)] = (stamp, graph, rdf)
        return graph, rdf
