"""Exports for other tools: Turtle, JSON-LD, N-Triples, GraphML (Gephi) and neo4j-admin import CSV.

Every export is a set of named files (``{name: bytes}``): one file for most formats, ``nodes.csv``
and ``relationships.csv`` for Neo4j. GraphML and CSV hold scalar attributes only: nested offsets
become ``source_start``/``source_end`` style columns, lists become JSON text (or Neo4j string
arrays), and each attribute gets one type across all nodes or edges.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
from rdflib import Graph

from .csvsafe import safe_row
from .rdf import DEFAULT_BASE, PREFIXES, to_rdf
from .sparql_results import content_type


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    filename: str  # one file; for neo4j-csv the name of the zip the web app serves
    rdflib: str | None = None  # rdflib serializer, for the RDF formats

    @property
    def content_type(self) -> str:
        return content_type(self.media_type)


FORMATS = {
    f.name: f
    for f in (
        Format("ttl", "text/turtle", "policykg.ttl", "turtle"),
        Format("jsonld", "application/ld+json", "policykg.jsonld", "json-ld"),
        Format("nt", "application/n-triples", "policykg.nt", "nt"),
        Format("graphml", "application/graphml+xml", "policykg.graphml"),
        Format("neo4j-csv", "application/zip", "policykg-neo4j.zip"),
    )
}
JSONLD_CONTEXT = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
# Attribute names other tools reserve: Gephi and neo4j-admin both treat ``id`` (and Gephi ``label``) specially.
RENAMED = {"id": "unit_id", "label": "marker"}
LOCAL = {"path"}  # where the source file sat on this machine: meaningless elsewhere
NEO4J_TYPES = {"int": "int", "float": "double", "boolean": "boolean", "string[]": "string[]", "string": "string"}
ARRAY_DELIMITER = ";"  # neo4j-admin's default --array-delimiter


def flatten(attrs: dict) -> dict:
    """One level of attributes without None or local paths: ``{"span": {"start": 1}}`` -> ``{"span_start": 1}``."""
    out = {}
    for key, value in attrs.items():
        if key in LOCAL:
            continue
        key = RENAMED.get(key, key)
        if isinstance(value, dict):
            out.update({f"{key}_{sub}": v for sub, v in value.items() if v is not None})
        elif value is not None:
            out[key] = value
    return out


def _kind(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return type(value).__name__
    if isinstance(value, list) and all(isinstance(v, str) and ARRAY_DELIMITER not in v for v in value):
        return "string[]"
    return "string"


def column_types(records: Iterable[dict]) -> dict[str, str]:
    """One type per attribute: int and float mix to float, anything else mixed to string."""
    kinds: dict[str, set[str]] = {}
    for record in records:
        for key, value in record.items():
            kinds.setdefault(key, set()).add(_kind(value))
    return {
        key: found.pop() if len(found) == 1 else "float" if found == {"int", "float"} else "string"
        for key, found in sorted(kinds.items())
    }


def _text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _coerce(value, kind: str):
    if kind == "float":
        return float(value)
    if kind in ("int", "boolean"):
        return value
    return _text(value)


def _typed(records: list[dict]) -> list[dict]:
    types = column_types(records)
    return [{k: _coerce(v, types[k]) for k, v in r.items()} for r in records]


def to_graphml(graph: nx.MultiDiGraph) -> bytes:
    """GraphML that ``networkx.read_graphml`` and Gephi load; nodes are labelled with their names."""
    nodes = [{**flatten(a), "label": a["name"]} for _, a in graph.nodes(data=True)]
    edges = [flatten(a) for *_, a in graph.edges(data=True)]
    out: nx.MultiDiGraph = nx.MultiDiGraph(**_typed([flatten(graph.graph)])[0])
    out.add_nodes_from(zip(graph.nodes, _typed(nodes), strict=True))
    # Edge ids must be unique in GraphML; the graph's keys (part_of, mentions@12) are not.
    for i, ((u, v), attrs) in enumerate(zip(graph.edges(), _typed(edges), strict=True)):
        out.add_edge(u, v, key=f"e{i}", **attrs)
    return "\n".join(nx.generate_graphml(out)).encode("utf-8")


def _csv(header: list[str], rows: Iterable[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(safe_row(row) for row in rows)
    return buf.getvalue().encode("utf-8")


def _neo4j_cell(value, kind: str):
    if value is None:
        return ""
    if kind == "string[]":
        return ARRAY_DELIMITER.join(value)
    return str(value).lower() if kind == "boolean" else _coerce(value, kind)


def _neo4j_csv(records: list[dict], leading: list[str]) -> bytes:
    """The ``leading`` columns (already neo4j headers), then each attribute as ``name:type``."""
    types = column_types(records)
    columns = leading + [k for k in types if k not in leading]
    header = [k if ":" in k or types[k] == "string" else f"{k}:{NEO4J_TYPES[types[k]]}" for k in columns]
    return _csv(header, ([_neo4j_cell(r.get(k), types[k]) for k in columns] for r in records))


def to_neo4j_csv(graph: nx.MultiDiGraph) -> dict[str, bytes]:
    """``nodes.csv`` and ``relationships.csv`` for ``neo4j-admin database import full``."""
    nodes = [{"id:ID": n, **flatten(a), ":LABEL": a["type"]} for n, a in graph.nodes(data=True)]
    edges = [
        {":START_ID": u, ":END_ID": v, ":TYPE": a["type"].upper(), **flatten(a)} for u, v, a in graph.edges(data=True)
    ]
    for edge in edges:
        del edge["type"]  # carried by :TYPE
    return {
        "nodes.csv": _neo4j_csv(nodes, ["id:ID", "name", "type", ":LABEL"]),
        "relationships.csv": _neo4j_csv(edges, [":START_ID", ":END_ID", ":TYPE"]),
    }


def serialize_rdf(rdf: Graph, fmt: Format) -> bytes:
    if fmt.rdflib is None:
        raise ValueError(f"{fmt.name} is not an RDF format")
    if fmt.name == "jsonld":
        return rdf.serialize(format="json-ld", context=JSONLD_CONTEXT, encoding="utf-8")
    return rdf.serialize(format=fmt.rdflib, encoding="utf-8")


def format_named(name: str) -> Format:
    if name not in FORMATS:
        raise ValueError(f"未知导出格式 unknown export format '{name}' (choose from {', '.join(FORMATS)})")
    return FORMATS[name]


def export(graph: nx.MultiDiGraph, name: str, base: str = DEFAULT_BASE, rdf: Graph | None = None) -> dict[str, bytes]:
    """The files of one export format; ``rdf`` saves converting again when the caller has it."""
    fmt = format_named(name)
    if fmt.rdflib:
        return {fmt.filename: serialize_rdf(rdf if rdf is not None else to_rdf(graph, base), fmt)}
    if fmt.name == "graphml":
        return {fmt.filename: to_graphml(graph)}
    return to_neo4j_csv(graph)


def bundle(files: dict[str, bytes]) -> bytes:
    """One download: the file itself, or a zip when the export has several."""
    if len(files) == 1:
        return next(iter(files.values()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()
