"""Flask application factory. Each module in ``BLUEPRINTS`` contributes one blueprint named ``bp``.

Errors never show a stack trace: under /api/ (and /healthz) they are JSON ``{"error": "..."}``,
elsewhere a friendly Chinese page with the same status code. Every response gets the headers of
``security_headers``; HTML ones a Content-Security-Policy allowing only this server. Every request is
logged and counted (``web.metrics``, served at ``/metrics``).
"""

from __future__ import annotations

import importlib
import logging
import os

from flask import Blueprint, Flask, Response, jsonify, make_response, render_template, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from graph.home import current_version
from graph.records import to_json
from graph.store import GraphMissing

from . import metrics
from .openapi import json_get
from .records import ErrorBody, Health
from .routes.params import EntityNotFound

BLUEPRINTS: list[str] = [
    "web.routes.pages",
    "web.routes.api",
    "web.routes.sparql",
    "web.routes.documents_write",
    "web.routes.admin",
]
UPLOAD_MAX_MB = 20  # default upload limit (POLICYKG_UPLOAD_MAX_MB)

log = logging.getLogger("policykg.web")

MESSAGES = {
    400: "请求有误",
    401: "需要管理令牌",
    403: "无权操作",
    404: "页面不存在",
    405: "不支持该请求方法",
    409: "操作冲突",
    413: "请求内容过大",
    415: "不支持的文件格式",
    500: "服务器内部错误",
    503: "服务暂不可用",
}
DETAILS = {
    400: "请求参数有误 (bad request)",
    404: "没有找到这个地址 (not found)",
    405: "不支持该请求方法 (method not allowed)",
    413: "请求内容过大 (request too large)",
    415: "不支持的格式 (unsupported media type)",
    500: "服务器内部错误，请稍后再试 (internal server error)",
    503: "服务暂不可用 (service unavailable)",
}
# Applied to every HTML response: scripts and styles only from this server, nothing framed.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

ops = Blueprint("ops", __name__)


@json_get(ops, "/healthz", "健康检查 (health check)", tag="ops", needs_graph=False)
def healthz() -> Health:
    version = current_version()
    if version is None:
        return Health("ok", "missing")
    return Health("ok", "ready", version.id, version.built or None)


def security_headers(response: Response) -> Response:
    """The headers every response carries (unless its route set its own)."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in ("/healthz", "/sparql")


def error_response(code: int, message: str, body: ErrorBody | None = None) -> Response:
    if wants_json():
        response = jsonify(to_json(body or ErrorBody(message)))
    else:
        response = make_response(
            render_template("error.html", code=code, title=MESSAGES.get(code, "出错了"), message=message)
        )
    response.status_code = code
    return response


class ReadableJSON(DefaultJSONProvider):
    """JSON with Chinese as it is (not \\u escapes), keys in the records' own order."""

    ensure_ascii = False
    sort_keys = False


def upload_limit(raw: str | None) -> int:
    """``POLICYKG_UPLOAD_MAX_MB`` in bytes; a value that is not a positive number is a one-line error."""
    try:
        megabytes = float(raw) if raw and raw.strip() else UPLOAD_MAX_MB
    except ValueError:
        megabytes = 0
    if not 0 < megabytes < 1e6:
        raise ValueError(f"POLICYKG_UPLOAD_MAX_MB 必须是正数 (must be a positive number of megabytes, got {raw!r})")
    return int(megabytes * 1024 * 1024)


def create_app(config: dict | None = None) -> Flask:
    """The app. Writes (``web.routes.auth``) are enabled by ``POLICYKG_ADMIN_TOKEN`` as it is when the
    app is created (or ``ADMIN_TOKEN`` in ``config``); uploads are limited by ``POLICYKG_UPLOAD_MAX_MB``."""
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=64 * 1024,
        ADMIN_TOKEN=os.environ.get("POLICYKG_ADMIN_TOKEN", "").strip(),
        UPLOAD_MAX_BYTES=upload_limit(os.environ.get("POLICYKG_UPLOAD_MAX_MB")),
    )
    app.config.update(config or {})
    app.json = ReadableJSON(app)
    app.register_blueprint(ops)
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)
    app.after_request(security_headers)
    metrics.install(app)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        default = type(exc).description
        message = exc.description if exc.description and exc.description != default else DETAILS.get(code, exc.name)
        response = error_response(code, message, exc.body if isinstance(exc, EntityNotFound) else None)
        for name, value in exc.get_headers():  # Allow, WWW-Authenticate, Retry-After
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(GraphMissing)
    def graph_missing(exc: GraphMissing):
        return error_response(503, f"{exc}")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, DETAILS[500])

    return app
