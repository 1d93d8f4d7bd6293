"""The page for writes, ``/admin/documents`` (only when writes are enabled): a form to upload a document
and remove one, and the result of the last action.

The admin token is typed into the form on every submit and never kept by the server. The form is
protected from cross-site posts by a double-submit token: the page sets a random ``policykg_csrf``
cookie (SameSite=Strict, HttpOnly, limited to /admin) and puts the same value in a hidden field; a POST
whose field does not match its cookie is refused with 403 before anything else is looked at.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Blueprint, Response, make_response, render_template, request
from werkzeug.exceptions import Forbidden, HTTPException

from graph import query
from graph.home import current_version

from ..state import current
from ..writes import add_upload, remove
from .auth import allow_upload, check_token, require_writes, writes_enabled

bp = Blueprint("admin", __name__, url_prefix="/admin")

CSRF_COOKIE = "policykg_csrf"
CSRF_FIELD = "csrf"


@bp.app_context_processor
def writes_flag() -> dict:
    return {"writes_enabled": writes_enabled()}


def _csrf_value() -> str:
    """The request's CSRF cookie when it looks like one this page set, else a new random value."""
    value = request.cookies.get(CSRF_COOKIE, "")
    return value if 32 <= len(value) <= 128 and value.isascii() else secrets.token_urlsafe(32)


def _check_csrf() -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    field = request.form.get(CSRF_FIELD, "")
    if not cookie or not field or not hmac.compare_digest(cookie.encode(), field.encode()):
        raise Forbidden("表单已失效，请刷新页面后重试 (CSRF token missing or invalid; reload the page)")


def _page(status: int = 200, message: str = "", error: str = "", headers: dict | None = None) -> Response:
    csrf = _csrf_value()
    docs = query.documents(current().graph) if current_version() is not None else []
    html = render_template("admin.html", docs=docs, csrf=csrf, message=message, error=error, status=status)
    response = make_response(html, status, headers or {})
    response.set_cookie(
        CSRF_COOKIE, csrf, path=bp.url_prefix, httponly=True, samesite="Strict", secure=request.is_secure
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(exc: HTTPException) -> Response:
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return _page(exc.code or 500, error=exc.description or "", headers=headers)


def _authorised_form() -> None:
    """The checks of every POST from the form: body limit (413), CSRF (403), token (401/403)."""
    allow_upload()  # the form carries its file field whichever button sent it
    _check_csrf()
    check_token(request.form.get("token", "").strip())


@bp.get("/documents")
def page():
    require_writes()
    return _page()


@bp.post("/documents")
def upload():
    require_writes()
    try:
        _authorised_form()
        added, created = add_upload(request.files.get("file"))
    except HTTPException as exc:
        return _refused(exc)
    verb = "已添加" if created else "内容相同的文档已存在"
    return _page(
        201 if created else 200, f"{verb}：{added.title}（{added.id}，{added.tasks} 项任务，版本 {added.version}）"
    )


@bp.post("/documents/<doc>/remove")
def remove_page(doc: str):
    require_writes()
    try:
        _authorised_form()
        removed = remove(doc)
    except HTTPException as exc:
        return _refused(exc)
    return _page(
        message=f"已移除：{removed.title}（{removed.id}），剩余 {removed.documents} 份文档，版本 {removed.version}"
    )
