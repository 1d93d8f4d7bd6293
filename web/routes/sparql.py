"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint over the version's Oxigraph store, and its
editor page; ``/api/export/<format>``.

Statuses: 400 malformed query, update, SERVICE, FROM, GRAPH or a dataset parameter; 406 no
acceptable result format; 413 query too long; 500 evaluation failed; 503 time limit passed, every
query worker busy (with ``Retry-After``) or no graph built yet. Errors are JSON ``{"error": "..."}``.
Settings (app config): ``SPARQL_TIMEOUT`` seconds, ``SPARQL_MAX_ROWS``.
"""

from __future__ import annotations

import io

from flask import Blueprint, Response, current_app, jsonify, render_template, request, send_file
from werkzeug.exceptions import RequestEntityTooLarge

from graph import sparql
from graph.export import FORMATS, bundle, export, format_named
from graph.rdf import VOCAB_PATH
from graph.store import GraphMissing

from ..app import CSP
from ..state import current

bp = Blueprint("sparql", __name__)

STATUS = {
    sparql.QueryRefused: 400,
    sparql.QueryTooLarge: 413,
    sparql.QueryFailed: 500,
    sparql.QueryStopped: 503,
    sparql.QueryTimeout: 503,
    sparql.QueryBusy: 503,
}
RETRY_AFTER = "1"  # seconds, for a client turned away while every worker is busy


def _error(message: str, status: int) -> tuple[Response, int]:
    return jsonify(error=message), status


@bp.after_request
def _security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
    return response


@bp.errorhandler(sparql.SparqlError)
def _sparql_error(exc: sparql.SparqlError):
    response, status = _error(str(exc), STATUS[type(exc)])
    if isinstance(exc, sparql.QueryBusy):
        response.headers["Retry-After"] = RETRY_AFTER
    return response, status


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge):
    return _error("请求内容过大 request too large", 413)


@bp.errorhandler(GraphMissing)
def _missing(exc: GraphMissing):
    return _error(str(exc), 503)


def _query_text() -> str | None:
    """The query from ``?query=``, a form field, or an ``application/sparql-query`` body."""
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        return request.get_data(as_text=True)
    if (request.method == "POST" and request.mimetype == "application/sparql-update") or "update" in request.values:
        raise sparql.QueryRefused(sparql.UPDATE_REFUSED)
    return request.values.get("query")


def _media_type(form: str) -> str | None:
    """``?format=`` (json, csv, xml, ttl, jsonld, nt) wins over the Accept header."""
    offered = sparql.MEDIA_TYPES[form]
    short = request.args.get("format")
    if short:
        wanted = sparql.FORMAT_NAMES.get(short)
        return wanted if wanted in offered else None
    if not request.accept_mimetypes:  # no Accept header: anything will do
        return offered[0]
    return request.accept_mimetypes.best_match(offered)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    text = _query_text()
    if text is None:
        if request.method == "GET" and request.accept_mimetypes.accept_html:
            store = current().rdf_store
            return render_template("sparql.html", examples=store.examples, formats=FORMATS)
        return _error("缺少查询 missing 'query' parameter", 400)
    if request.values.get("default-graph-uri") or request.values.get("named-graph-uri"):
        raise sparql.QueryRefused(sparql.DATASET_REFUSED)
    prepared = sparql.prepare(text)
    media_type = _media_type(prepared.form)
    if media_type is None:
        offered = ", ".join(sparql.MEDIA_TYPES[prepared.form])
        return _error(f"无可接受的结果格式 no acceptable format for a {prepared.form} query (offered: {offered})", 406)
    cfg = current_app.config
    answer = sparql.run(
        current().rdf_store.pool,
        prepared,
        media_type,
        timeout=cfg.get("SPARQL_TIMEOUT", sparql.DEFAULT_TIMEOUT),
        max_rows=cfg.get("SPARQL_MAX_ROWS", sparql.DEFAULT_MAX_ROWS),
    )
    response = Response(answer.body, content_type=answer.content_type)
    response.headers["X-Result-Count"] = str(answer.count)
    if answer.truncated:
        response.headers["X-Result-Truncated"] = "true"
    response.vary.add("Accept")
    return response


@bp.get("/api/export/<name>")
def download(name: str):
    try:
        fmt = format_named(name)
    except ValueError as exc:
        return _error(str(exc), 404)
    data = current()
    if fmt.rdflib:  # the RDF formats come from the store as built
        body = data.rdf_store.dump(fmt.media_type)
    else:
        body = bundle(export(data.graph, name))
    return send_file(io.BytesIO(body), mimetype=fmt.media_type, as_attachment=True, download_name=fmt.filename)


@bp.get("/api/vocab.ttl")
def vocabulary():
    return send_file(VOCAB_PATH, mimetype="text/turtle")
