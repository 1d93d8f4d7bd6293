"""Request parameters with limits (a bad value is a 400 with a clear message), the checks every route
shares (a known document, an entity by id, name or alias) and the search page of ``/`` and ``/api/search``."""

from __future__ import annotations

import math

from flask import request
from werkzeug.exceptions import BadRequest, NotFound, ServiceUnavailable

from graph import query
from graph.schema import EXPLORER_DEFAULT, EXPLORER_TYPES, TYPE_LABELS, NodeType, entity_node_id
from search.engine import MAX_K as ENGINE_MAX_K
from search.errors import QueryError
from search.units import UnitKind

from .. import views
from ..records import Filters, NotFoundBody, SearchPage

MAX_QUERY = 500
MAX_NAME = 100
MAX_K = 50
MAX_PAGE = 100
WINDOW = ENGINE_MAX_K  # the best units of a query that filters and pages choose from
SUGGESTED = 8  # names listed when a name is ambiguous


def text_arg(name: str, *, required: bool = False, max_len: int = MAX_QUERY) -> str:
    value = request.args.get(name, "")
    if "\x00" in value:
        raise BadRequest(f"参数 {name} 含有非法字符 (parameter '{name}' contains a NUL character)")
    value = value.strip()
    if required and not value:
        raise BadRequest(f"缺少参数 {name}，请输入内容 (parameter '{name}' is required)")
    if len(value) > max_len:
        raise BadRequest(
            f"参数 {name} 过长（{len(value)} 字），请控制在 {max_len} 字以内 (parameter '{name}' too long)"
        )
    return value


def int_arg(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"参数 {name} 必须是整数 (parameter '{name}' must be an integer)") from None
    if not lo <= value <= hi:
        raise BadRequest(f"参数 {name} 必须在 {lo} 到 {hi} 之间 (parameter '{name}' must be between {lo} and {hi})")
    return value


def types_arg() -> tuple[NodeType, ...]:
    raw = text_arg("types", max_len=200)
    if not raw:
        return EXPLORER_DEFAULT
    types = [t.strip() for t in raw.split(",") if t.strip()]
    unknown = [t for t in types if t not in EXPLORER_TYPES]
    if unknown:
        allowed = ",".join(EXPLORER_TYPES)
        raise BadRequest(f"未知类型 unknown type '{unknown[0]}' (allowed: {allowed})")
    return tuple(NodeType(t) for t in types)


def doc_arg(data) -> str | None:
    """``?doc=``: the id of a built document, or None when not given."""
    doc = text_arg("doc", max_len=200)
    if doc:
        try:
            query.require_document(data.graph, doc)
        except query.UnknownDocument as exc:
            raise BadRequest(str(exc)) from None
    return doc or None


class QueryRefused(BadRequest):
    """The search engine cannot search this query (only question words, too short …)."""


class EntityNotFound(NotFound):
    """No single entity by that name: a 404 whose JSON body lists the closest names or the candidates."""

    def __init__(self, body: NotFoundBody):
        super().__init__(body.error)
        self.body = body


def resolve_entity(data, text: str) -> str:
    """The node ``text`` names: a node id with an entity page, or a name or alias of exactly one entity."""
    if views.has_entity_page(data.graph, text):
        return text
    match = data.index.lookup(text)
    if len(match.nodes) == 1:
        return match.nodes[0]
    if match.nodes:
        names = "、".join(data.graph.nodes[n]["name"] for n in match.nodes[:SUGGESTED])
        message = f"「{text}」对应多个实体：{names}，请说得更具体或使用节点编号 (ambiguous name '{text}')"
        suggestions = [data.graph.nodes[n]["name"] for n in match.nodes]
        raise EntityNotFound(NotFoundBody(message, suggestions, list(match.nodes)))
    hint = f"；您是不是要找：{'、'.join(match.suggestions)}" if match.suggestions else ""
    raise EntityNotFound(
        NotFoundBody(f"没有找到实体「{text}」{hint} (no entity named '{text}')", match.suggestions, [])
    )


# -- search -------------------------------------------------------------------------------------
def filters(data) -> Filters:
    """The filter parameters, checked against what the graph holds."""
    found = Filters(doc=doc_arg(data))
    for name, type_ in (("department", NodeType.DEPARTMENT), ("programme", NodeType.PROGRAMME)):
        value = text_arg(name, max_len=MAX_NAME)
        if value and entity_node_id(type_, value) not in data.graph:
            raise BadRequest(f"未知{TYPE_LABELS[type_]} unknown {name} '{value}'")
        setattr(found, name, value or None)
    kind = text_arg("kind", max_len=20)
    if kind:
        try:
            found.kind = UnitKind(kind)
        except ValueError:
            allowed = [k.value for k in UnitKind]
            raise BadRequest(
                f"参数 kind 只能是 {'、'.join(allowed)} (kind must be one of {', '.join(allowed)})"
            ) from None
    return found


def search_page(data, *, required: bool) -> SearchPage:
    """One page of ``k`` of the results for ``q`` that pass the filters; 503 without a search index.

    The query is ranked once (cached per version) over a fixed window of the best units, the filters
    pick from that ranked list without ranking again, and only the page's results are made into
    records and highlighted; so ``total`` and ``pages`` are the same on every page. A page asked for
    again comes from the version's cache of pages."""
    q = text_arg("q", required=required)
    k = int_arg("k", 10, 1, MAX_K)
    page = int_arg("page", 1, 1, MAX_PAGE)
    f = filters(data)
    if not q:
        return SearchPage(q, k, page, f, total=0, pages=0, results=[])
    engine = data.searcher
    if engine is None:
        raise ServiceUnavailable("搜索索引不可用，请先运行 policykg build (search index unavailable)")

    def make() -> SearchPage:
        try:
            ranking = engine.rank(q, limit=WINDOW)
        except QueryError as exc:
            raise QueryRefused(str(exc)) from None
        kept = data.filtered(q, f, ranking)
        shown = kept[(page - 1) * k : page * k]
        results = [views.hit(data.graph, r) for r in engine.results(ranking, shown)]
        return SearchPage(q, k, page, f, total=len(kept), pages=math.ceil(len(kept) / k), results=results)

    return data.pages.get_or_make((q, k, page, *f.params().items()), make)
