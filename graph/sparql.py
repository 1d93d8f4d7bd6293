"""Read-only SPARQL over the Oxigraph store: check the text first, then run it in a worker process.

``prepare`` reads the words of the query (outside strings, IRIs and comments) to learn its form
and to refuse what could write or reach out before anything runs: an update (``INSERT``,
``LOAD`` …), ``SERVICE`` (Oxigraph would call the remote server), ``FROM``/``FROM NAMED`` and
``GRAPH`` (the store holds one default graph). The store itself is opened read-only. ``run``
hands the text to a :class:`~graph.sparql_pool.QueryPool`: parsing, running and writing all happen
in the worker, inside the time limit, and at most ``max_rows`` rows or triples come back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .sparql_pool import (
    QueryBusy,
    QueryFailed,
    QueryPool,
    QueryRefused,
    QueryStopped,
    QueryTimeout,
    QueryTooLarge,
    SparqlError,
)
from .sparql_results import GRAPH_FORMATS, ROW_FORMATS, Answer

__all__ = [
    "Answer",
    "Prepared",
    "QueryBusy",
    "QueryFailed",
    "QueryRefused",
    "QueryStopped",
    "QueryTimeout",
    "QueryTooLarge",
    "SparqlError",
    "prepare",
    "run",
]

DEFAULT_TIMEOUT = 5.0  # seconds
DEFAULT_MAX_ROWS = 10_000
MAX_QUERY_CHARS = 64 * 1024
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# Media types per query form, the preferred first (what */* gets).
MEDIA_TYPES = {
    "SELECT": list(ROW_FORMATS),
    "ASK": [m for m, w in ROW_FORMATS.items() if w != "csv"],
    "CONSTRUCT": list(GRAPH_FORMATS),
    "DESCRIBE": list(GRAPH_FORMATS),
}
# Short names for ``--format`` and ``?format=``.
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}

UPDATE_REFUSED = "只读端点，不接受更新 read-only endpoint: SPARQL Update is refused"
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
REFUSED_WORDS = {
    "SERVICE": "不支持 SERVICE 联邦查询 SERVICE (federated query) is refused",
    "FROM": "不支持 FROM / FROM NAMED，只查询本图谱 FROM and FROM NAMED are refused: this endpoint has one graph",
    "GRAPH": "本端点只有一个默认图，不支持 GRAPH GRAPH patterns are refused: this endpoint has one default graph",
}
DATASET_REFUSED = "只有一个默认图，不接受指定数据集 default-graph-uri/named-graph-uri are refused"

# The lexical pieces of SPARQL that can hold keyword-like text, matched in this order; what is
# left over is words, variables, prefixed names and punctuation.
_TOKENS = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>[\w.-]*:[\w.:%-]*)
    | (?P<word>[A-Za-z_]\w*)
    | (?P<other>\S)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Prepared:
    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    # For ``SELECT *``: the variables in the order they first appear, for the columns of the answer.
    columns: tuple[str, ...] = ()


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "", m.group()) for m in _TOKENS.finditer(text) if m.lastgroup != "comment"]


def keywords(text: str) -> list[str]:
    """The bare words of a query, upper-cased, outside strings, IRIs, comments and prefixed names."""
    return [value.upper() for kind, value in _tokens(text) if kind == "word"]


def _star_columns(tokens: list[tuple[str, str]]) -> tuple[str, ...]:
    """Variables by first appearance when the query projects ``*``, else nothing."""
    words = [(i, v.upper()) for i, (kind, v) in enumerate(tokens) if kind == "word"]
    select = next((i for i, w in words if w == "SELECT"), None)
    if select is None:
        return ()
    after = [v for _, v in tokens[select + 1 : select + 3]]
    if "*" not in after or (after[0] != "*" and after[0].upper() not in ("DISTINCT", "REDUCED")):
        return ()
    return tuple(dict.fromkeys(v[1:] for kind, v in tokens if kind == "var"))


def prepare(text: str, max_chars: int = MAX_QUERY_CHARS) -> Prepared:
    """Check a query before it runs: its form, and none of the refused operations."""
    if len(text) > max_chars:
        raise QueryTooLarge(f"查询过长 query too long: {len(text)} characters (at most {max_chars})")
    tokens = _tokens(text)
    words = [value.upper() for kind, value in tokens if kind == "word"]
    if not tokens:
        raise QueryRefused("查询为空 empty query")
    head = [w for w in words if w not in ("PREFIX", "BASE")][:1]
    if head and head[0] in UPDATE_WORDS:
        raise QueryRefused(UPDATE_REFUSED)
    for word, message in REFUSED_WORDS.items():
        if word in words:
            raise QueryRefused(message)
    if not head or head[0] not in FORMS:
        found = head[0] if head else "nothing"
        raise QueryRefused(f"查询无法解析 malformed query: expected SELECT, ASK, CONSTRUCT or DESCRIBE, found {found}")
    return Prepared(text, head[0], _star_columns(tokens) if head[0] == "SELECT" else ())


def check_media_type(prepared: Prepared, media_type: str) -> None:
    if media_type not in MEDIA_TYPES[prepared.form]:
        fits = ", ".join(n for n, m in FORMAT_NAMES.items() if m in MEDIA_TYPES[prepared.form])
        raise QueryRefused(
            f"{prepared.form} 查询不能输出 {media_type} does not fit a {prepared.form} query (use {fits})"
        )


def run(
    pool: QueryPool,
    prepared: Prepared,
    media_type: str,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> Answer:
    """Answer a prepared query in ``media_type``; the worker is killed when ``timeout`` seconds pass."""
    check_media_type(prepared, media_type)
    return pool.run(prepared.text, media_type, timeout, max_rows, prepared.columns)
