"""The JSON API under /api/: the same records as the command line's ``--json``."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import BadRequest, NotFound

from graph import query
from search.qa.model import QuestionError

from .. import views
from ..openapi import spec
from ..state import PAGE_TYPES, current
from .params import resolve_entity, search_page, text_arg, types_arg

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/openapi.json")
def openapi():
    return jsonify(spec(request.host_url.rstrip("/")))


@bp.get("/stats")
def stats():
    return jsonify(current().stats)


@bp.get("/tasks")
def tasks():
    data = current()
    doc = _doc_arg(data)
    return jsonify(query.tasks(data.graph, doc))


@bp.get("/tasks/<doc>/<path:id_>")
def task(doc: str, id_: str):
    data = current()
    node = views.find_unit(data.graph, doc, id_, ("Task",))
    if node is None:
        raise NotFound(f"没有任务 {doc}/{id_} (no such task)")
    record = query.task_record(data.graph, node)
    record["related"] = views.related_tasks(data.graph, node)
    record["neighbours"] = views.semantic_neighbours(data.graph, node, data.search_fn)
    return jsonify(record)


@bp.get("/entities/<path:id_>")
def entity(id_: str):
    data = current()
    node = id_ if id_ in data.graph and data.graph.nodes[id_].get("type") in (*PAGE_TYPES, "Document") else None
    if node is None:
        match = data.index.lookup(id_)
        if len(match.nodes) != 1:
            body = {"error": f"没有实体 {id_} (no such entity)", "suggestions": match.suggestions}
            if len(match.nodes) > 1:
                body = {
                    "error": f"「{id_}」对应多个实体，请使用节点编号 (ambiguous name)",
                    "suggestions": [data.graph.nodes[n]["name"] for n in match.nodes],
                    "candidates": match.nodes,
                }
            return jsonify(body), 404
        node = match.nodes[0]
    return jsonify(views.entity_detail(data.graph, node))


@bp.get("/ask")
def ask():
    q = text_arg("q", required=True)
    try:
        answer = current().asker.ask(q)
    except QuestionError as exc:
        raise BadRequest(str(exc)) from None
    return jsonify(answer.to_dict())


@bp.get("/search")
def search():
    data = current()
    return jsonify(search_page(data, api=True))


@bp.get("/path")
def path():
    data = current()
    a = resolve_entity(data, text_arg("from", required=True), "from")
    b = resolve_entity(data, text_arg("to", required=True), "to")
    return jsonify(views.path_between(data.graph, a, b))


@bp.get("/matrix")
def matrix():
    data = current()
    return jsonify(views.matrix(data.graph, _doc_arg(data)))


@bp.get("/graph")
def network():
    data = current()
    return jsonify(views.network(data.graph, _doc_arg(data), types_arg()))


def _doc_arg(data) -> str | None:
    doc = text_arg("doc", max_len=200)
    if doc and f"doc:{doc}" not in data.graph:
        known = "、".join(d["doc"] for d in data.documents)
        raise BadRequest(f"未知文档 unknown document '{doc}' (known: {known})")
    return doc or None
