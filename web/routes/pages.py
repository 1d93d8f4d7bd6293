"""The Chinese pages: search and ask, task, entity, responsibility matrix, graph explorer."""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file
from werkzeug.exceptions import NotFound, ServiceUnavailable

from search.qa.model import QuestionError

from .. import views
from ..app import CSP
from ..state import PAGE_TYPES, current
from .params import filters, search_page, text_arg

bp = Blueprint("pages", __name__)

# vis-network is served from the pinned pyvis wheel installed in the environment (nothing from a CDN).
VIS_VERSION = "vis-9.1.2"
VENDOR = {"vis-network.min.js": "application/javascript", "vis-network.css": "text/css"}


@bp.after_request
def security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
    return response


@bp.app_template_filter("marked")
def marked_filter(text: str, spans) -> str:
    return views.marked(text or "", spans or [])


@bp.app_template_filter("snippet")
def snippet_filter(text: str, spans) -> str:
    return views.snippet(text or "", spans or [])


@bp.app_template_filter("terms")
def terms_filter(text: str, terms) -> str:
    return views.marked(text or "", views.term_spans(text or "", terms or []))


@bp.app_context_processor
def helpers() -> dict:
    return {
        "TYPE_NAMES": views.TYPE_NAMES,
        "ROLE_NAMES": views.ROLE_NAMES,
        "RELATION_NAMES": views.RELATION_NAMES,
        "entity_url": _entity_url,
        "task_url": _task_url,
        "page_url": _page_url,
        "nav": [
            ("pages.home", "检索问答"),
            ("pages.matrix", "责任矩阵"),
            ("pages.explorer", "图谱浏览"),
            ("pages.entities", "实体目录"),
        ],
    }


def _entity_url(node: str) -> str:
    return views.node_url(current().graph, node) if node in current().graph else "/entities/" + node


def _task_url(doc: str, id_: str, mark: int | None = None) -> str:
    from urllib.parse import quote

    url = f"/tasks/{quote(doc, safe='')}/{quote(str(id_), safe='')}"
    return f"{url}?mark={mark}" if mark is not None else url


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
        "data": data,
        "answer": None,
        "question_error": None,
        "results": None,
        "search_error": None,
        "filters": filters(data),
        "options": {
            "docs": data.documents,
            "departments": data.entities("Department"),
            "programmes": data.entities("Programme"),
        },
        "stats": data.stats,
        "examples": [
            "海智计划涉及哪些部门",
            "组人部负责哪些任务",
            "科协党校",
            "学会部和科普部共同负责哪些任务",
            "数字科协",
        ],
    }
    if q:
        try:
            answer = data.graph_asker.ask(q)
            if views.looks_like_question(q, answer.intent):
                context["answer"] = answer
                context["answer_terms"] = _answer_terms(data.graph, answer)
        except QuestionError as exc:
            context["question_error"] = str(exc)
        try:
            context["results"] = search_page(data, api=False)
        except ServiceUnavailable as exc:
            context["search_error"] = exc.description
    return render_template("home.html", **context)


def _answer_terms(graph, answer) -> list[str]:
    """Names (with aliases) the answer is about, to highlight in its evidence sentences."""
    nodes = [views.department_node(graph, d) for d in answer.departments]
    nodes += [e["node"] for e in answer.entities]
    nodes += [f"programme:{p}" for p in answer.programmes]
    terms = []
    for n in nodes:
        if n and n in graph:
            terms += [graph.nodes[n]["name"], *graph.nodes[n].get("aliases", [])]
    return terms


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
    return render_template(
        "task.html",
        t=detail,
        sentences=sentences,
        related=views.related_tasks(data.graph, node) if a["type"] == "Task" else [],
        neighbours=views.semantic_neighbours(data.graph, node, data.search_fn) if a["type"] == "Task" else [],
        search_ready=data.search_fn is not None,
    )


# -- entities -----------------------------------------------------------------------------------
@bp.get("/entities")
def entities():
    data = current()
    name = text_arg("name", max_len=100)
    if name:
        match = data.index.lookup(name)
        if len(match.nodes) == 1:
            return redirect(views.node_url(data.graph, match.nodes[0]))
    groups = [(t, data.entities(t)) for t in ("Department", "Programme", "Organisation", "Policy", "Place")]
    match = data.index.lookup(name) if name else None
    return render_template("entities.html", groups=groups, name=name, match=match, docs=data.documents)


@bp.get("/entities/<path:id_>")
def entity(id_: str):
    data = current()
    g = data.graph
    if id_ not in g or g.nodes[id_].get("type") not in (*PAGE_TYPES, "Document"):
        match = data.index.lookup(id_)
        if len(match.nodes) == 1:
            return redirect(views.node_url(g, match.nodes[0]))
        hint = f"您是不是要找：{'、'.join(match.suggestions)}。" if match.suggestions else ""
        raise NotFound(f"没有找到实体「{id_}」。{hint}")
    record = views.entity_detail(g, id_)
    terms = [record.get("name", ""), *record.get("aliases", [])]
    return render_template(
        "entity.html", e=record, terms=terms, doc_titles={d["doc"]: d["title"] for d in data.documents}
    )


# -- the responsibility matrix ------------------------------------------------------------------
def _matrix_doc(data) -> str | None:
    doc = text_arg("doc", max_len=200)
    if doc and f"doc:{doc}" not in data.graph:
        abort(400, f"未知文档 {doc}")
    return doc or None


@bp.get("/matrix")
def matrix():
    data = current()
    doc = _matrix_doc(data)
    return render_template("matrix.html", m=views.matrix(data.graph, doc), docs=data.documents, doc=doc)


@bp.get("/matrix.csv")
def matrix_csv():
    data = current()
    doc = _matrix_doc(data)
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
    return render_template(
        "graph.html",
        docs=data.documents,
        types=views.EXPLORER_TYPES,
        default_types=views.EXPLORER_DEFAULT,
        counts={**data.stats["nodes"], "Document": data.stats["documents"]},
        names=sorted({a["name"] for _, a in data.graph.nodes(data=True) if a.get("type") in views.LINK_TYPES[:-1]}),
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
