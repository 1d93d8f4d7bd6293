"""Who may write: the admin token (``POLICYKG_ADMIN_TOKEN``, read when the app is created into the
``ADMIN_TOKEN`` setting) and the upload limit.

Without a token the write routes answer 404 as if they did not exist. With one, a request must carry
it (``Authorization: Bearer …`` for the API, the page's password field for the form), compared in
constant time: 401 without it, 403 when it differs.
"""

from __future__ import annotations

import hmac

from flask import current_app, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, NotFound, Unauthorized

TOKEN_SETTING = "ADMIN_TOKEN"
LIMIT_SETTING = "UPLOAD_MAX_BYTES"


def writes_enabled() -> bool:
    return bool(current_app.config.get(TOKEN_SETTING))


def require_writes() -> None:
    """404 (the plain not-found answer) when writes are not enabled."""
    if not writes_enabled():
        raise NotFound()


def check_token(given: str) -> None:
    """401 when ``given`` is empty, 403 when it is not the configured token."""
    if not given:
        raise Unauthorized(
            "需要管理令牌 (admin token required: Authorization: Bearer <token>)",
            www_authenticate=WWWAuthenticate("bearer"),
        )
    expected = current_app.config[TOKEN_SETTING]
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise Forbidden("管理令牌不正确 (wrong admin token)")


def bearer_token() -> str:
    """The token of the request's ``Authorization: Bearer`` header, or "" without one."""
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def allow_upload() -> None:
    """Raise this request's body limit from the app's small default to the upload limit."""
    request.max_content_length = current_app.config[LIMIT_SETTING]
