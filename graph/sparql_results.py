"""Oxigraph query results written out in the SPARQL 1.1 result formats, cut at a row limit.

SELECT rows go out as SPARQL JSON, XML or CSV, ASK as JSON or XML, CONSTRUCT and DESCRIBE triples
as Turtle, N-Triples or JSON-LD (with an ``@context`` of the predeclared prefixes). At most
``max_rows`` rows or triples are read from the result, so a huge answer is never held whole.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, RdfFormat, Triple, serialize

from .namespaces import PREFIXES, RDF_LANG_STRING, XSD_STRING

JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
CSV_RESULTS = "text/csv"
# Media types for rows (SELECT, ASK) and the writer of each.
ROW_FORMATS = {JSON_RESULTS: "json", "application/json": "json", XML_RESULTS: "xml", CSV_RESULTS: "csv"}
GRAPH_FORMATS = {"text/turtle": RdfFormat.TURTLE, "application/ld+json": RdfFormat.JSON_LD}
GRAPH_FORMATS["application/n-triples"] = RdfFormat.N_TRIPLES


@dataclass(frozen=True)
class Answer:
    body: bytes
    content_type: str
    count: int  # rows, or triples for CONSTRUCT and DESCRIBE
    truncated: bool  # more than ``max_rows`` were found; the rest were left out


def content_type(media_type: str) -> str:
    """The Content-Type header: text formats say they are UTF-8."""
    textual = media_type.startswith("text/") or media_type.endswith("+xml")
    return f"{media_type}; charset=utf-8" if textual else media_type


def json_term(term) -> dict:
    """A term as SPARQL 1.1 JSON results write it."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Triple):
        parts = ("subject", "predicate", "object")
        return {"type": "triple", "value": {p: json_term(getattr(term, p)) for p in parts}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return term.value if isinstance(term, NamedNode | Literal) else str(term)


def _rows_json(names: list[str], rows: list) -> bytes:
    bindings = [{n: json_term(row[n]) for n in names if row[n] is not None} for row in rows]
    data = {"head": {"vars": names}, "results": {"bindings": bindings}}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _rows_xml(names: list[str], rows: list) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    out.append("<head>" + "".join(f"<variable name={quoteattr(n)}/>" for n in names) + "</head>")
    out.append("<results>")
    for row in rows:
        cells = (f"<binding name={quoteattr(n)}>{_xml_term(row[n])}</binding>" for n in names if row[n] is not None)
        out.append("<result>" + "".join(cells) + "</result>")
    out.append("</results></sparql>")
    return "\n".join(out).encode("utf-8")


def _rows_csv(names: list[str], rows: list) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([_csv_value(row[n]) for n in names] for row in rows)
    return buf.getvalue().encode("utf-8")


_ROW_WRITERS = {"json": _rows_json, "xml": _rows_xml, "csv": _rows_csv}


def _boolean(value: bool, writer: str) -> bytes:
    if writer == "xml":
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>"
        ).encode()
    return json.dumps({"head": {}, "boolean": value}).encode()


def _capped(items: Iterator, max_rows: int) -> tuple[list, bool]:
    found = list(islice(items, max_rows + 1))
    return found[:max_rows], len(found) > max_rows


def write_triples(triples: Iterable[Triple], media_type: str) -> bytes:
    """Triples in an RDF format; JSON-LD gets the predeclared prefixes as its ``@context``."""
    fmt = GRAPH_FORMATS[media_type]
    if fmt == RdfFormat.JSON_LD:
        expanded = json.loads(serialize(triples, format=fmt) or b"[]")
        return json.dumps({"@context": PREFIXES, "@graph": expanded}, ensure_ascii=False).encode("utf-8")
    return serialize(triples, format=fmt, prefixes=PREFIXES) or b""


def write_answer(result, media_type: str, max_rows: int, columns: Iterable[str] = ()) -> Answer:
    """Read at most ``max_rows`` rows or triples of an Oxigraph result and write them in ``media_type``.

    ``columns`` orders the variables of a ``SELECT *`` (Oxigraph sorts them by name)."""
    if isinstance(result, QueryBoolean):
        if media_type not in ROW_FORMATS or ROW_FORMATS[media_type] == "csv":
            raise ValueError(f"ASK cannot be written as {media_type}")
        return Answer(_boolean(bool(result), ROW_FORMATS[media_type]), content_type(media_type), 1, False)
    if isinstance(result, QuerySolutions):
        if media_type not in ROW_FORMATS:
            raise ValueError(f"SELECT cannot be written as {media_type}")
        names = [v.value for v in result.variables]
        order = [c for c in columns if c in names]
        if sorted(order) == sorted(names):
            names = order
        rows, truncated = _capped(iter(result), max_rows)
        body = _ROW_WRITERS[ROW_FORMATS[media_type]](names, rows)
        return Answer(body, content_type(media_type), len(rows), truncated)
    if media_type not in GRAPH_FORMATS:
        raise ValueError(f"CONSTRUCT and DESCRIBE cannot be written as {media_type}")
    triples, truncated = _capped(iter(result), max_rows)
    return Answer(write_triples(triples, media_type), content_type(media_type), len(triples), truncated)
