"""The API's writes: ``POST /api/documents`` (multipart field ``file``) and ``DELETE /api/documents/<doc>``,
each with ``Authorization: Bearer <token>``; they exist only when writes are enabled (``auth``).

An upload whose content the corpus already holds changes nothing and answers 200 with that document
(so retrying an upload is safe); a new one answers 201 with a Location header. These routes need no
CSRF token: a browser never adds an ``Authorization`` header by itself, so another site cannot forge them.
"""

from __future__ import annotations

from flask import Blueprint, request, url_for

from ..openapi import Param, Written, json_write
from ..records import DocumentAdded, DocumentRemoved, ErrorBody
from ..writes import add_upload, remove
from .auth import allow_upload, bearer_token, check_token, require_writes

bp = Blueprint("documents_write", __name__, url_prefix="/api")

REFUSALS = {
    401: (ErrorBody, "缺少管理令牌 (no Authorization: Bearer token)"),
    403: (ErrorBody, "管理令牌不正确 (wrong token)"),
    503: (ErrorBody, "另一个构建正在进行，或图谱未构建 (another build is running, or nothing is built)"),
}
UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        }
    },
}


def _authorised() -> None:
    require_writes()
    check_token(bearer_token())


@json_write(
    bp,
    "/documents",
    "POST",
    "上传文档：加入语料并立即可检索 (add a document; searchable at once)",
    {
        200: (DocumentAdded, "内容相同的文档已存在 (the same content is already held: that document)"),
        201: (DocumentAdded, "已添加 (added)"),
        400: (ErrorBody, "缺少文件或文件为空 (no file field, or an empty file)"),
        404: (ErrorBody, "未启用写入 (writes are not enabled)"),
        409: (ErrorBody, "当前版本没有记录语料 (the served version does not record its corpus)"),
        413: (ErrorBody, "文件过大 (larger than the upload limit)"),
        415: (ErrorBody, "不支持的格式或内容 (unsupported format or content)"),
        **REFUSALS,
    },
    body=UPLOAD,
)
def add_document() -> Written:
    _authorised()
    allow_upload()
    added, created = add_upload(request.files.get("file"))
    location = url_for("api.document", doc=added.id)
    return Written(added, 201 if created else 200, location if created else None)


@json_write(
    bp,
    "/documents/<doc>",
    "DELETE",
    "移除文档 (remove a document)",
    {
        200: (DocumentRemoved, "已移除 (removed)"),
        404: (ErrorBody, "没有这个文档，或未启用写入 (no such document, or writes are not enabled)"),
        409: (ErrorBody, "不能移除最后一个文档 (the only document cannot be removed)"),
        **REFUSALS,
    },
    (Param("doc", "文档编号 (document id)", where="path"),),
)
def delete_document(doc: str) -> Written:
    _authorised()
    return Written(remove(doc), 200)
