"""The JSON API under /api/: the same records as the command line's ``--json``, each route declared
once with ``json_get`` (route, JSON conversion and OpenAPI entry)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from werkzeug.exceptions import BadRequest, NotFound

from graph import query
from graph.records import AnyEntityRecord, CorpusDocument, Stats, TaskRecord
from graph.schema import EXPLORER_DEFAULT, EXPLORER_TYPES, NodeType
from search.qa.model import Answer, QuestionError
from search.units import UnitKind

from .. import views
from ..openapi import Param, json_get, spec
from ..records import (
    DocumentDetail,
    DocumentPage,
    ErrorBody,
    MatrixRecord,
    NetworkRecord,
    NotFoundBody,
    PathRecord,
    PolicyDetail,
    SearchPage,
    TaskDetail,
)
from ..state import current
from .auth import writes_enabled
from .params import MAX_K, MAX_NAME, MAX_PAGE, MAX_QUERY, doc_arg, resolve_entity, search_page, text_arg, types_arg

bp = Blueprint("api", __name__, url_prefix="/api")

Q = Param(
    "q", "关键词或问题 (keywords or a question)", {"type": "string", "minLength": 1, "maxLength": MAX_QUERY}, True
)
DOC = Param("doc", "只看这个文档 (document id)")
NAME = {"type": "string", "maxLength": MAX_NAME}
BAD = {400: ErrorBody}


@json_get(bp, "/openapi.json", "本文档 (this document)", tag="ops", needs_graph=False)
def openapi() -> dict[str, Any]:
    return spec(writes=writes_enabled())


@json_get(bp, "/stats", "图谱统计 (graph counts)")
def stats() -> Stats:
    return current().stats


@json_get(bp, "/documents", "文档列表：引用及其指向的文件 (every document with its citations)")
def documents() -> list[CorpusDocument]:
    return query.documents(current().graph)


@json_get(
    bp,
    "/documents/<doc>",
    "单个文档：目录结构及与其他文档的引用 (one document: outline and citations both ways)",
    (Param("doc", "文档编号 (document id)", where="path"),),
    {404: ErrorBody},
)
def document(doc: str) -> DocumentPage:
    page = views.document_page(current().graph, doc)
    if page is None:
        raise NotFound(f"没有文档 {doc} (no such document)")
    return page


@json_get(bp, "/tasks", "任务列表 (every task)", (DOC,), BAD)
def tasks() -> list[TaskRecord]:
    data = current()
    return query.tasks(data.graph, doc_arg(data))


@json_get(
    bp,
    "/tasks/<doc>/<path:id_>",
    "单个任务及相关任务 (one task and related tasks)",
    (Param("doc", "文档编号 (document id)", where="path"), Param("id", "任务编号，如 4.3.2 (task id)", where="path")),
    {404: ErrorBody},
)
def task(doc: str, id_: str) -> TaskDetail:
    data = current()
    node = views.find_unit(data.graph, doc, id_, (NodeType.TASK,))
    if node is None:
        raise NotFound(f"没有任务 {doc}/{id_} (no such task)")
    return views.task_detail(data.graph, node, data.searcher)


@json_get(
    bp,
    "/entities/<path:id_>",
    "实体：部门的任务，或提到它的任务与背后的部门 (an entity and its links)",
    (Param("id", "节点编号如 programme:海智计划，或名称/别名 (node id, name or alias)", where="path"),),
    {404: NotFoundBody},
)
def entity(id_: str) -> AnyEntityRecord | PolicyDetail | DocumentDetail:
    data = current()
    return views.entity_detail(data.graph, resolve_entity(data, id_))


@json_get(bp, "/ask", "问答：图谱答案与证据 (a graph answer with evidence)", (Q,), BAD)
def ask() -> Answer:
    q = text_arg("q", required=True)
    try:
        return current().asker.ask(q)
    except QuestionError as exc:
        raise BadRequest(str(exc)) from None


@json_get(
    bp,
    "/search",
    "混合检索：排序后的任务与段落 (ranked tasks and passages)",
    (
        Q,
        Param("k", "每页条数 (results per page)", {"type": "integer", "minimum": 1, "maximum": MAX_K, "default": 10}),
        Param("page", "页码 (page)", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
        DOC,
        Param("department", "负责部门 (department name)", NAME),
        Param("programme", "涉及的项目 (programme name)", NAME),
        Param("kind", "结果类型 (result kind)", {"type": "string", "enum": [k.value for k in UnitKind]}),
    ),
    BAD,
)
def search() -> SearchPage:
    return search_page(current(), required=True)


@json_get(
    bp,
    "/path",
    "两个实体之间的最短联系 (shortest connections between two entities)",
    (
        Param("from", "起点：节点编号或名称 (node id or name)", NAME, True),
        Param("to", "终点：节点编号或名称 (node id or name)", NAME, True),
    ),
    {400: ErrorBody, 404: NotFoundBody},
)
def path() -> PathRecord:
    data = current()
    a = resolve_entity(data, text_arg("from", required=True, max_len=MAX_NAME))
    b = resolve_entity(data, text_arg("to", required=True, max_len=MAX_NAME))
    return views.path_between(data.graph, a, b, data.entity_view)


@json_get(bp, "/matrix", "责任矩阵：部门 × 任务 (responsibility matrix)", (DOC,), BAD)
def matrix() -> MatrixRecord:
    data = current()
    return views.matrix(data.graph, doc_arg(data))


@json_get(
    bp,
    "/graph",
    "图谱浏览器的节点与边 (the explorer's network)",
    (
        DOC,
        Param(
            "types",
            f"逗号分隔的节点类型，可选 {','.join(EXPLORER_TYPES)} (comma-separated node types; "
            f"default {','.join(EXPLORER_DEFAULT)})",
        ),
    ),
    BAD,
)
def network() -> NetworkRecord:
    data = current()
    return views.network(data.graph, doc_arg(data), types_arg())
