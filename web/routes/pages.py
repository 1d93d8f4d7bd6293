"""The Chinese pages: search and ask, documents, task, entity, responsibility matrix, graph explorer."""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, render_template, request, send_file
from werkzeug.exceptions import BadRequest, NotFound, ServiceUnavailable

from graph.schema import (
    EDGE_KINDS,
    ENTITY_TYPES,
    EXPLORER_DEFAULT,
    EXPLORER_TYPES,
    NODE_KINDS,
    RELATION_LABELS,
    ROLE_LABELS,
    TYPE_COLOURS,
    TYPE_LABELS,
    EdgeType,
    Group,
    NodeType,
    Role,
    entity_node_id,
    group_of,
)
from search.qa.model import Answer, QuestionError
from search.units import SEARCHED_TYPES

from .. import markup, views
from ..lexicon import examples, looks_like_question, page_words
from ..state import current
from .params import MAX_NAME, EntityNotFound, QueryRefused, doc_arg, filters, resolve_entity, search_page, text_arg

bp = Blueprint("pages", __name__)

# vis-network is served from the pinned pyvis wheel installed in the environment (nothing from a CDN).
VIS_VERSION = "vis-9.1.2"
# Explorer views: a name in ``/graph?view=`` and the node types it shows.
CITATION_VIEW = "citations"  # the documents and the citations between them
EXPLORER_VIEWS: dict[str, tuple[NodeType, ...]] = {CITATION_VIEW: (NodeType.DOCUMENT,)}
VENDOR = {"vis-network.min.js": "application/javascript", "vis-network.css": "text/css"}
NAV = [
    ("pages.home", "检索问答"),
    ("pages.documents", TYPE_LABELS[NodeType.DOCUMENT]),
    ("pages.matrix", "责任矩阵"),
    ("pages.explorer", "图谱浏览"),
    ("pages.entities", "实体目录"),
]


@bp.app_template_filter("marked")
def marked_filter(text: str, spans) -> str:
    return markup.marked(text or "", spans or [])


@bp.app_template_filter("snippet")
def snippet_filter(text: str, spans) -> str:
    return markup.snippet(text or "", spans or [])


@bp.app_template_filter("terms")
def terms_filter(text: str, terms) -> str:
    return markup.marked(text or "", markup.term_spans(text or "", terms or []))


@bp.app_context_processor
def helpers() -> dict:
    return {
        "NodeType": NodeType,
        "EdgeType": EdgeType,
        "Role": Role,
        "TYPE_LABELS": TYPE_LABELS,
        "TYPE_COLOURS": TYPE_COLOURS,
        "ROLE_LABELS": ROLE_LABELS,
        "RELATION_LABELS": RELATION_LABELS,
        "KIND_TYPES": {kind: type_ for type_, kind in SEARCHED_TYPES.items()},
        "url_of": _url_of,
        "unit_url": _unit_url,
        "entity_url": _entity_url,
        "document_url": views.document_url,
        "CITATION_VIEW": CITATION_VIEW,
        "page_url": _page_url,
        "nav": NAV,
    }


def _url_of(node: str, mark: int | None = None) -> str:
    """The page of a node of the current graph."""
    return views.node_url(current().graph, node, mark)


def _unit_url(doc: str, id_: str, mark: int | None = None) -> str | None:
    """The page of unit ``id_`` of ``doc``, whatever its kind; None when the graph has no such unit."""
    graph = current().graph
    node = views.find_unit(graph, doc, id_)
    return views.node_url(graph, node, mark) if node else None


def _entity_url(type_: str, name: str) -> str:
    """The page of the entity of ``type_`` named ``name`` (the name looked up when the graph has no such node)."""
    node = entity_node_id(type_, name)
    return _url_of(node) if node in current().graph else "/entities?" + urlencode({"name": name})


def _page_url(page: int) -> str:
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    args["page"] = str(page)
    return "/?" + urlencode(args)


# -- home: one box for keywords and questions ---------------------------------------------------
@bp.get("/")
def home():
    data = current()
    q = text_arg("q")
    context = {
        "q": q,
        "answer": None,
        "answer_terms": [],
        "question_error": None,
        "results": None,
        "search_error": None,
        "filters": filters(data),
        "options": {
            "docs": data.documents,
            "departments": data.entities(NodeType.DEPARTMENT),
            "programmes": data.entities(NodeType.PROGRAMME),
        },
        "stats": data.stats,
        "examples": examples(data.graph, page_words().examples),
    }
    if q:
        try:
            answer = data.graph_asker.ask(q)
            if looks_like_question(q, answer.intent):
                context["answer"] = answer
                context["answer_terms"] = _answer_terms(data.graph, answer)
        except QuestionError as exc:
            context["question_error"] = str(exc)
        try:
            context["results"] = search_page(data, required=False)
        except (ServiceUnavailable, QueryRefused) as exc:
            context["search_error"] = exc.description
    return render_template("home.html", **context)


def _answer_terms(graph, answer: Answer) -> list[str]:
    """Names (with aliases) the answer is about, to highlight in its evidence sentences."""
    nodes = [entity_node_id(NodeType.DEPARTMENT, d) for d in answer.departments]
    nodes += [e.node for e in answer.entities]
    nodes += [entity_node_id(NodeType.PROGRAMME, p) for p in answer.programmes]
    terms = []
    for n in nodes:
        if n in graph:
            terms += [graph.nodes[n]["name"], *graph.nodes[n].get("aliases", [])]
    return terms


# -- documents ----------------------------------------------------------------------------------
@bp.get("/documents")
def documents():
    return render_template("documents.html", docs=views.document_overviews(current().graph))


@bp.get("/documents/<doc>")
def document(doc: str):
    page = views.document_page(current().graph, doc)
    if page is None:
        raise NotFound(f"没有找到文档「{doc}」。")
    return render_template("document.html", d=page)


# -- a task (or any unit) -----------------------------------------------------------------------
@bp.get("/tasks/<doc>/<path:id_>")
def task(doc: str, id_: str):
    data = current()
    node = views.find_unit(data.graph, doc, id_)
    if node is None:
        raise NotFound(f"没有找到任务 {doc}/{id_}。")
    detail = views.unit_detail(data.graph, node)
    mark = request.args.get("mark", "")
    a = data.graph.nodes[node]
    sentences = [
        {"text": a["text"][s:e], "start": os_, "end": oe, "marked": mark == str(os_)}
        for s, e, os_, oe in a.get("sentences", [])
    ]
    covered = sum(len(s["text"]) for s in sentences)
    if not sentences or covered < len(a["text"]) * 0.9:  # sentence spans missing: show the text whole
        sentences = [{"text": a["text"], "start": a["source"]["start"], "end": a["source"]["end"], "marked": False}]
    is_task = detail.type == NodeType.TASK
    return render_template(
        "task.html",
        t=detail,
        sentences=sentences,
        related=views.related_tasks(data.graph, node) if is_task else [],
        neighbours=views.semantic_neighbours(data.graph, node, data.searcher) if is_task else [],
        search_ready=data.searcher is not None,
    )


# -- entities -----------------------------------------------------------------------------------
@bp.get("/entities")
def entities():
    data = current()
    name = text_arg("name", max_len=MAX_NAME)
    problem = None
    if name:
        try:
            return redirect(views.node_url(data.graph, resolve_entity(data, name)))
        except EntityNotFound as exc:
            problem = exc.body
    groups = [(t, data.entities(t)) for t in ENTITY_TYPES]
    return render_template("entities.html", groups=groups, name=name, problem=problem, docs=data.documents)


@bp.get("/entities/<path:id_>")
def entity(id_: str):
    data = current()
    node = resolve_entity(data, id_)
    if node != id_ or group_of(data.graph.nodes[node]["type"]) == Group.DOCUMENT:
        return redirect(views.node_url(data.graph, node))
    record = views.entity_detail(data.graph, node)
    terms = [record.name, *getattr(record, "aliases", [])]
    return render_template(
        "entity.html", e=record, terms=terms, doc_titles={d["doc"]: d["title"] for d in data.documents}
    )


# -- the responsibility matrix ------------------------------------------------------------------
@bp.get("/matrix")
def matrix():
    data = current()
    doc = doc_arg(data)
    return render_template("matrix.html", m=views.matrix(data.graph, doc), docs=data.documents, doc=doc)


@bp.get("/matrix.csv")
def matrix_csv():
    data = current()
    doc = doc_arg(data)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(views.matrix_csv_rows(views.matrix(data.graph, doc)))
    body = "\ufeff" + out.getvalue()  # a BOM so Excel reads UTF-8
    name = f"responsibility-matrix{'-' + doc if doc else ''}.csv"
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"},
    )


# -- the graph explorer -------------------------------------------------------------------------
@bp.get("/graph")
def explorer():
    data = current()
    view = text_arg("view", max_len=40)
    if view and view not in EXPLORER_VIEWS:
        raise BadRequest(f"未知视图「{view}」，可选：{'、'.join(EXPLORER_VIEWS)} (unknown view)")
    kinds = {
        t.value: {"label": k.label, "colour": k.colour, "size": k.size, "shape": k.shape} for t, k in NODE_KINDS.items()
    }
    return render_template(
        "graph.html",
        docs=data.documents,
        types=EXPLORER_TYPES,
        default_types=EXPLORER_VIEWS[view] if view else EXPLORER_DEFAULT,
        view=view,
        counts={**data.stats.nodes, NodeType.DOCUMENT: data.stats.documents},
        names=sorted({a["name"] for _, a in data.graph.nodes(data=True) if a.get("type") in ENTITY_TYPES}),
        style={
            "kinds": kinds,
            "relations": {t.value: k.label for t, k in EDGE_KINDS.items()},
            "lead": {"type": EdgeType.RESPONSIBLE_FOR.value, "role": Role.LEAD.value},
            "labelled": list(EXPLORER_VIEWS[CITATION_VIEW]),
        },
    )


def vendor_dir() -> Path | None:
    spec = importlib.util.find_spec("pyvis")  # locates the package without importing it (or IPython)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "lib" / VIS_VERSION
    return folder if folder.is_dir() else None


@bp.get("/static/vendor/<name>")
def vendor(name: str):
    if name not in VENDOR:
        raise NotFound("没有这个文件。")
    folder = vendor_dir()
    if folder is None:
        raise ServiceUnavailable("vis-network 未安装（pip install --no-deps pyvis==0.3.2）。")
    return send_file(folder / name, mimetype=VENDOR[name], max_age=86400)
