"""Request parameters with limits (a bad value is a 400 with a clear message) and the search page
shared by ``/`` and ``/api/search``."""

from __future__ import annotations

import math

from flask import request
from werkzeug.exceptions import BadRequest, NotFound, ServiceUnavailable

from graph import query

from .. import views

MAX_QUERY = 500
MAX_K = 50
MAX_PAGE = 100
POOL = 50  # results fetched from the engine before filters and pages are applied
KINDS = ("task", "passage")


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


def types_arg() -> tuple[str, ...]:
    raw = text_arg("types", max_len=200)
    if not raw:
        return views.EXPLORER_DEFAULT
    types = tuple(t.strip() for t in raw.split(",") if t.strip())
    unknown = [t for t in types if t not in views.EXPLORER_TYPES]
    if unknown:
        allowed = ",".join(views.EXPLORER_TYPES)
        raise BadRequest(f"未知类型 unknown type '{unknown[0]}' (allowed: {allowed})")
    return types


def resolve_entity(data, text: str, param: str) -> str:
    """A node id, or a name/alias that resolves to exactly one entity."""
    if text in data.graph and data.graph.nodes[text].get("type") in views.LINK_TYPES[:-1]:
        return text
    match = data.index.lookup(text)
    if len(match.nodes) == 1:
        return match.nodes[0]
    if match.nodes:
        names = "、".join(data.graph.nodes[n]["name"] for n in match.nodes[:8])
        raise BadRequest(f"参数 {param}「{text}」对应多个实体：{names}，请说得更具体 (ambiguous)")
    hint = f"；您是不是要找：{'、'.join(match.suggestions)}" if match.suggestions else ""
    raise NotFound(f"没有找到实体「{text}」{hint} (no entity named '{text}')")


# -- search -------------------------------------------------------------------------------------
def filters(data) -> dict:
    """The filter parameters, checked against what the graph holds."""
    out = {}
    doc = text_arg("doc", max_len=200)
    if doc:
        if f"doc:{doc}" not in data.graph:
            raise BadRequest(f"未知文档 unknown document '{doc}'")
        out["doc"] = doc
    for name, type_ in (("department", "Department"), ("programme", "Programme")):
        value = text_arg(name, max_len=100)
        if value:
            if f"{type_.lower()}:{value}" not in data.graph:
                raise BadRequest(f"未知{views.TYPE_NAMES[type_]} unknown {name} '{value}'")
            out[name] = value
    kind = text_arg("kind", max_len=20)
    if kind:
        if kind not in KINDS:
            raise BadRequest(f"参数 kind 只能是 {'、'.join(KINDS)} (kind must be one of {', '.join(KINDS)})")
        out["kind"] = kind
    return out


def _enrich(graph, result: dict) -> dict:
    """A result with its unit's departments (lead first) and programmes read from the graph."""
    r = dict(result)
    node = r.get("node") if r.get("node") in graph else views.find_unit(graph, r.get("doc", ""), str(r.get("id", "")))
    if node is not None:
        roles = query.departments_of(graph, node)
        r.setdefault("node", node)
        r["departments"] = r.get("departments") or [graph.nodes[d]["name"] for d, _ in roles]
        r["lead"] = next((graph.nodes[d]["name"] for d, role in roles if role == "lead"), None)
        r["programmes"] = [graph.nodes[n]["name"] for n in query.linked(graph, node, "Programme")]
        r["url"] = views.node_url(graph, node)
    else:
        r.setdefault("departments", [])
        r.update(lead=None, programmes=[], url=None)
    return r


def _keep(r: dict, f: dict) -> bool:
    return (
        (not f.get("doc") or r.get("doc") == f["doc"])
        and (not f.get("kind") or r.get("kind") == f["kind"])
        and (not f.get("department") or f["department"] in r["departments"])
        and (not f.get("programme") or f["programme"] in r["programmes"])
    )


def search_page(data, *, api: bool) -> dict:
    """Ranked results for ``q`` after filters, one page of ``k``; 503 without a search index."""
    q = text_arg("q", required=api)
    k = int_arg("k", 10, 1, MAX_K)
    page = int_arg("page", 1, 1, MAX_PAGE)
    f = filters(data)
    record = {"query": q, "k": k, "page": page, "filters": f, "total": 0, "pages": 0, "results": []}
    if not q:
        return record
    if data.search_fn is None:
        raise ServiceUnavailable("搜索索引不可用，请先运行 policykg build (search index unavailable)")
    pool = min(max(POOL, page * k), MAX_K * MAX_PAGE)
    found = [_enrich(data.graph, r) for r in data.search_fn(q, pool)]
    kept = [r for r in found if _keep(r, f)]
    record["total"] = len(kept)
    record["pages"] = math.ceil(len(kept) / k)
    record["results"] = kept[(page - 1) * k : page * k]
    return record
