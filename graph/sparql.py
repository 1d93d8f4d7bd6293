"""Read-only SPARQL over the RDF graph: parse first, refuse what could write or reach out, run with limits.

``prepare`` parses the text. An update (it parses as SPARQL Update, not as a query), ``SERVICE``
(found in the parsed algebra: rdflib would call the remote server) and ``FROM``/``FROM NAMED``
(rdflib would fetch the named IRIs) are refused. ``run`` evaluates in a forked child process,
killed when the time limit passes (rdflib has no timeout of its own), and returns at most
``max_rows`` rows or triples, already serialized in the requested media type.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result

from .export import FORMATS, content_type, serialize_rdf
from .rdf import PREFIXES

DEFAULT_TIMEOUT = 5.0  # seconds
DEFAULT_MAX_ROWS = 10_000
# Queries running at once; more wait for a slot (within their time limit) rather than fork without bound.
_slots = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))
ROW_RESULTS = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
}
GRAPH_RESULTS = {f.media_type: f for f in FORMATS.values() if f.rdflib}
# Media types per query form, the preferred first (what */* gets).
MEDIA_TYPES = {
    "SELECT": list(ROW_RESULTS),
    "ASK": [m for m in ROW_RESULTS if m != "text/csv"],
    "CONSTRUCT": list(GRAPH_RESULTS),
    "DESCRIBE": list(GRAPH_RESULTS),
}
# Short names for ``--format`` and ``?format=``.
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    **{f.name: media_type for media_type, f in GRAPH_RESULTS.items()},
}


UPDATE_REFUSED = "只读端点，不接受更新 read-only endpoint: SPARQL Update is refused"


class SparqlError(ValueError):
    """A query that was not answered; the message is one line, in Chinese and English."""


class QueryRefused(SparqlError):
    """Malformed, an update, or reaching beyond this graph (HTTP 400)."""


class QueryTimeout(SparqlError):
    """The time limit passed and the query was stopped (HTTP 503)."""


class QueryFailed(SparqlError):
    """The query parsed but evaluating it failed (HTTP 500)."""


@dataclass(frozen=True)
class Prepared:
    text: str
    query: Query
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE


@dataclass(frozen=True)
class Answer:
    body: bytes
    content_type: str
    count: int  # rows, or triples for CONSTRUCT and DESCRIBE
    truncated: bool  # more than ``max_rows`` were found; the rest were left out


def _one_line(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:
        return False
    return True


def _nodes(part) -> Iterator:
    """Every node of rdflib's parsed algebra, expressions and nested groups included."""
    if isinstance(part, dict):
        yield part
        for value in part.values():
            yield from _nodes(value)
    elif isinstance(part, list | tuple):
        for value in part:
            yield from _nodes(value)


def prepare(text: str) -> Prepared:
    """Parse a query, refusing updates, ``SERVICE`` and ``FROM``; standard prefixes are predeclared."""
    if not text.strip():
        raise QueryRefused("查询为空 empty query")
    try:
        query = prepareQuery(text, initNs=PREFIXES)
    except Exception as exc:
        if _is_update(text):
            raise QueryRefused(UPDATE_REFUSED) from None
        raise QueryRefused(f"查询无法解析 malformed query: {_one_line(exc)}") from None
    algebra = query.algebra
    if any(getattr(node, "name", None) == "ServiceGraphPattern" for node in _nodes(algebra)):
        raise QueryRefused("不支持 SERVICE 联邦查询 SERVICE (federated query) is refused")
    if algebra.get("datasetClause"):
        raise QueryRefused(
            "不支持 FROM / FROM NAMED，只查询本图谱 FROM and FROM NAMED are refused: this endpoint has one graph"
        )
    return Prepared(text, query, algebra.name.removesuffix("Query").upper())


def _rows(result: Result, max_rows: int) -> tuple[Result, int, bool]:
    found = list(islice(result, max_rows + 1))
    capped = Result("SELECT")
    capped.vars = result.vars
    capped.bindings = [
        {v: t for v, t in zip(result.vars, row, strict=True) if t is not None} for row in found[:max_rows]
    ]
    return capped, min(len(found), max_rows), len(found) > max_rows


def _triples(result: Result, max_rows: int) -> tuple[Graph, int, bool]:
    found = list(islice(result.graph, max_rows + 1))
    capped = Graph(bind_namespaces="core")
    for prefix, ns in PREFIXES.items():
        capped.bind(prefix, ns)
    for triple in found[:max_rows]:
        capped.add(triple)
    return capped, len(capped), len(found) > max_rows


def evaluate(rdf: Graph, prepared: Prepared, media_type: str, max_rows: int) -> Answer:
    """Run the query here, without a time limit; ``run`` calls this in a child process."""
    result = rdf.query(prepared.query)
    if prepared.form in ("CONSTRUCT", "DESCRIBE"):
        fmt = GRAPH_RESULTS[media_type]
        graph, count, truncated = _triples(result, max_rows)
        return Answer(serialize_rdf(graph, fmt), fmt.content_type, count, truncated)
    fmt = ROW_RESULTS[media_type]
    if prepared.form == "ASK":
        return Answer(result.serialize(format=fmt, encoding="utf-8"), content_type(media_type), 1, False)
    rows, count, truncated = _rows(result, max_rows)
    return Answer(rows.serialize(format=fmt, encoding="utf-8"), content_type(media_type), count, truncated)


def _child(rdf: Graph, prepared: Prepared, media_type: str, max_rows: int, conn) -> None:
    try:
        conn.send(evaluate(rdf, prepared, media_type, max_rows))
    except Exception as exc:
        conn.send(QueryFailed(f"查询执行失败 query failed: {_one_line(exc)}"))
    finally:
        conn.close()


def _in_child(rdf: Graph, prepared: Prepared, media_type: str, timeout: float, max_rows: int) -> Answer:
    """Fork, wait up to ``timeout`` seconds for the answer, and make sure the child is gone."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(rdf, prepared, media_type, max_rows, send), daemon=True)
    child.start()
    send.close()
    try:
        finished = receive.poll(timeout)
        outcome = receive.recv() if finished else None
    except EOFError:  # the child died without answering
        outcome = None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if not finished:
        raise QueryTimeout(f"查询超时，已在 {timeout:g} 秒后终止 query stopped at the {timeout:g} s time limit")
    if outcome is None:
        raise QueryFailed(f"查询进程意外退出 query process died (exit code {child.exitcode})")
    if isinstance(outcome, SparqlError):
        raise outcome
    return outcome


def run(
    rdf: Graph,
    prepared: Prepared,
    media_type: str,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> Answer:
    """Evaluate in a forked child (it shares ``rdf`` without copying) and kill it at ``timeout`` seconds."""
    if media_type not in MEDIA_TYPES[prepared.form]:
        fits = ", ".join(n for n, m in FORMAT_NAMES.items() if m in MEDIA_TYPES[prepared.form])
        raise QueryRefused(
            f"{prepared.form} 查询不能输出 {media_type} does not fit a {prepared.form} query (use {fits})"
        )
    if not _slots.acquire(timeout=timeout):
        raise QueryTimeout(f"服务繁忙 too many queries running; none finished within {timeout:g} s, try again")
    try:
        return _in_child(rdf, prepared, media_type, timeout, max_rows)
    finally:
        _slots.release()


@dataclass(frozen=True)
class Example:
    key: str
    title: str
    query: str


def _prologue(*prefixes: str) -> str:
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in prefixes)


EXAMPLES = [
    Example(
        "department-tasks",
        "一个部门的任务（组人部）",
        _prologue("pkg", "skos", "dcterms")
        + """# 组人部牵头（lead）或配合（supporting）的任务，按文中顺序
SELECT ?number ?title ?role WHERE {
  ?dept skos:prefLabel "组人部"@zh ;
        pkg:responsibleFor ?task .
  ?task pkg:number ?number ;
        dcterms:title ?title ;
        pkg:order ?order .
  BIND(IF(EXISTS { ?task pkg:leadUnit ?dept }, "lead", "supporting") AS ?role)
}
ORDER BY ?order
""",
    ),
    Example(
        "programme-departments",
        "一个计划项目涉及的部门（海智计划）",
        _prologue("pkg", "skos")
        + """# 提到“海智计划”的任务由哪些部门负责
SELECT ?department (GROUP_CONCAT(DISTINCT ?number; separator=" ") AS ?tasks) WHERE {
  ?programme a pkg:Programme ;
             skos:prefLabel "海智计划"@zh .
  ?task a pkg:Task ;
        pkg:mentions ?programme ;
        pkg:number ?number ;
        pkg:responsibleUnit ?dept .
  ?dept skos:prefLabel ?department .
}
GROUP BY ?department
ORDER BY ?department
""",
    ),
    Example(
        "shared-tasks",
        "多个部门共同负责的任务",
        _prologue("pkg", "skos", "dcterms")
        + """# 责任部门不止一个的任务
SELECT ?number ?title (COUNT(DISTINCT ?dept) AS ?count)
       (GROUP_CONCAT(?department; separator="、") AS ?departments) WHERE {
  ?task a pkg:Task ;
        pkg:number ?number ;
        dcterms:title ?title ;
        pkg:order ?order ;
        pkg:responsibleUnit ?dept .
  ?dept skos:prefLabel ?department .
}
GROUP BY ?task ?number ?title ?order
HAVING (COUNT(DISTINCT ?dept) > 1)
ORDER BY ?order
""",
    ),
    Example(
        "all-department-tasks",
        "各部门的任务（本方案）",
        _prologue("pkg", "org", "skos", "dcterms")
        + """# 方案（文号 赣科协字〔2021〕172号）中每个部门的任务
SELECT ?department ?role ?number ?title WHERE {
  ?plan a pkg:Document ;
        dcterms:identifier "赣科协字〔2021〕172号" .
  ?dept a org:OrganizationalUnit ;
        skos:prefLabel ?department ;
        pkg:responsibleFor ?task .
  ?task dcterms:isPartOf+ ?plan ;
        pkg:number ?number ;
        dcterms:title ?title ;
        pkg:order ?order .
  BIND(IF(EXISTS { ?task pkg:leadUnit ?dept }, "lead", "supporting") AS ?role)
}
ORDER BY ?department ?order
""",
    ),
    Example(
        "provenance",
        "出处：原文哪句话指定了任务 4.8.2 的部门",
        _prologue("pkg", "skos", "rdf", "prov")
        + """# 每条责任关系都来自原文的一段字符（起止偏移）和所在句子
SELECT ?department ?role ?start ?end ?sentence WHERE {
  ?task a pkg:Task ;
        pkg:number "4.8.2" .
  ?statement rdf:subject ?dept ;
             rdf:predicate pkg:responsibleFor ;
             rdf:object ?task ;
             pkg:role ?role ;
             prov:wasDerivedFrom ?span ;
             pkg:sentence ?inSentence .
  ?span pkg:startOffset ?start ;
        pkg:endOffset ?end .
  ?inSentence rdf:value ?sentence .
  ?dept skos:prefLabel ?department .
}
ORDER BY ?start
""",
    ),
    Example(
        "describe-programme",
        "描述一个计划项目（DESCRIBE，Turtle 输出）",
        _prologue("skos")
        + """DESCRIBE ?programme WHERE { ?programme skos:prefLabel "海智计划"@zh }
""",
    ),
]
