"""Flask application factory. Each module in ``BLUEPRINTS`` contributes one blueprint named ``bp``.

Errors never show a stack trace: under /api/ (and /healthz) they are JSON ``{"error": "..."}``,
elsewhere a friendly Chinese page with the same status code.
"""

from __future__ import annotations

import importlib
import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from graph.home import current_version
from graph.store import GraphMissing

BLUEPRINTS: list[str] = [
    "web.routes.pages",
    "web.routes.api",
    "web.routes.sparql",
]

log = logging.getLogger("policykg.web")

MESSAGES = {
    400: "请求有误",
    404: "页面不存在",
    405: "不支持该请求方法",
    413: "请求内容过大",
    500: "服务器内部错误",
    503: "服务暂不可用",
}
DETAILS = {
    400: "请求参数有误 (bad request)",
    404: "没有找到这个地址 (not found)",
    405: "不支持该请求方法 (method not allowed)",
    413: "请求内容过大 (request too large)",
    500: "服务器内部错误，请稍后再试 (internal server error)",
    503: "服务暂不可用 (service unavailable)",
}
# Applied to every page: scripts and styles only from this server, nothing framed.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in ("/healthz", "/sparql")


def error_response(code: int, message: str) -> Response:
    if wants_json():
        response = jsonify(error=message)
    else:
        response = make_response(
            render_template("error.html", code=code, title=MESSAGES.get(code, "出错了"), message=message)
        )
        response.headers["Content-Security-Policy"] = CSP
    response.status_code = code
    return response


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(JSON_AS_ASCII=False, MAX_CONTENT_LENGTH=64 * 1024, JSON_SORT_KEYS=False)
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok", graph="ready" if current_version() else "missing")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        default = type(exc).description
        message = exc.description if exc.description and exc.description != default else DETAILS.get(code, exc.name)
        response = error_response(code, message)
        if getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
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

    @app.after_request
    def headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    return app
