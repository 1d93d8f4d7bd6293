"""Writes through the web: ``POST /api/documents``, ``DELETE /api/documents/<doc>`` and the page
``/admin/documents``; every refusal with its status code and message, on small homes built here."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from graph.home import build_lock, require_version
from tests.conftest import MINI_PLAN, build_into, home_env
from tests.web.openapi_check import validate
from web.app import create_app, upload_limit
from web.corpus import read_corpus
from web.writes import upload_name

TOKEN = "correct-horse-battery-staple"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
# A second plan: its own title and tasks, so its content differs from the short plan's.
OTHER_PLAN = MINI_PLAN.replace("科普工作试点方案", "院士专家工作站建设方案").replace(
    "建设科普教育基地", "建设院士专家工作站"
)


def upload(data: bytes, name: str) -> dict:
    return {"file": (io.BytesIO(data), name)}


def error_of(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and "\n" not in body["error"]
    return body["error"]


@pytest.fixture
def client(mini_home):
    """A client of an app with writes enabled, serving the short plan (graph only)."""
    with home_env(mini_home):
        yield create_app({"TESTING": True, "ADMIN_TOKEN": TOKEN}).test_client()


@pytest.fixture
def two_docs(mini_home, client):
    """The short plan and a second one uploaded through the API."""
    r = client.post("/api/documents", headers=AUTH, data=upload(OTHER_PLAN.encode(), "station.md"))
    assert r.status_code == 201, r.get_json()
    return client


def served_id() -> str:
    return require_version().id


# -- enabled only with a token ------------------------------------------------------------------------
def test_without_a_token_the_write_routes_do_not_exist(mini_home, monkeypatch):
    monkeypatch.delenv("POLICYKG_ADMIN_TOKEN", raising=False)
    with home_env(mini_home):
        client = create_app({"TESTING": True}).test_client()
        before = served_id()
        posted = client.post("/api/documents", headers=AUTH, data=upload(OTHER_PLAN.encode(), "x.md"))
        assert error_of(posted, 404) == "没有找到这个地址 (not found)"
        assert error_of(client.delete("/api/documents/mini", headers=AUTH), 404) == "没有找到这个地址 (not found)"
        page = client.get("/admin/documents")
        assert page.status_code == 404 and page.mimetype == "text/html"
        assert client.post("/admin/documents").status_code == 404
        doc = client.get("/api/openapi.json").get_json()
        assert set(doc["paths"]["/api/documents"]) == {"get"} and "securitySchemes" not in doc["components"]
        assert "/admin/documents" not in client.get("/documents").get_data(as_text=True)
        assert served_id() == before


def test_the_token_is_read_from_the_environment_when_the_app_is_created(mini_home, monkeypatch):
    monkeypatch.setenv("POLICYKG_ADMIN_TOKEN", f"  {TOKEN}\n")
    app = create_app({"TESTING": True})
    monkeypatch.delenv("POLICYKG_ADMIN_TOKEN")
    with home_env(mini_home):
        r = app.test_client().delete("/api/documents/nope", headers=AUTH)
        assert error_of(r, 404) == "没有文档 nope (no such document)"


def test_a_missing_or_non_bearer_authorization_is_401(client):
    for headers in ({}, {"Authorization": f"Basic {TOKEN}"}, {"Authorization": "Bearer "}):
        r = client.post("/api/documents", headers=headers, data=upload(OTHER_PLAN.encode(), "x.md"))
        assert error_of(r, 401) == "需要管理令牌 (admin token required: Authorization: Bearer <token>)"
        assert r.headers["WWW-Authenticate"] == "Bearer"
    r = client.delete("/api/documents/mini")
    assert error_of(r, 401).startswith("需要管理令牌") and r.headers["WWW-Authenticate"] == "Bearer"


def test_a_wrong_token_is_403_and_changes_nothing(client):
    before = served_id()
    wrong = {"Authorization": f"Bearer {TOKEN}x"}
    r = client.post("/api/documents", headers=wrong, data=upload(OTHER_PLAN.encode(), "x.md"))
    assert error_of(r, 403) == "管理令牌不正确 (wrong admin token)"
    assert error_of(client.delete("/api/documents/mini", headers=wrong), 403) == "管理令牌不正确 (wrong admin token)"
    assert served_id() == before


# -- uploads --------------------------------------------------------------------------------------------
def test_an_upload_without_a_file_field_is_400(client):
    r = client.post("/api/documents", headers=AUTH, data={"other": "x"})
    assert error_of(r, 400) == "缺少上传文件：表单字段 file (multipart field 'file' is required)"
    r = client.post("/api/documents", headers=AUTH, data=upload(b"  \n", "blank.txt"))
    assert error_of(r, 400) == "blank.txt: 上传的文件为空 (the uploaded file is empty)"


def test_an_upload_over_the_limit_is_413(mini_home):
    with home_env(mini_home):
        client = create_app({"TESTING": True, "ADMIN_TOKEN": TOKEN, "UPLOAD_MAX_BYTES": 1024}).test_client()
        before = served_id()
        r = client.post("/api/documents", headers=AUTH, data=upload(OTHER_PLAN.encode() * 20, "big.md"))
        assert error_of(r, 413) == "请求内容过大 (request too large)"
        assert served_id() == before


def test_the_upload_limit_comes_from_megabytes():
    assert upload_limit(None) == 20 * 1024 * 1024
    assert upload_limit("0.5") == 512 * 1024
    for bad in ("zero", "-1", "0"):
        with pytest.raises(ValueError, match="POLICYKG_UPLOAD_MAX_MB"):
            upload_limit(bad)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00\x03binary", "tool.exe", "tool.exe: 不支持的格式 .exe"),
        (OTHER_PLAN.encode(), "plan.pdf", "plan.pdf: 内容不是 PDF 文件 (not a supported .pdf file)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old.doc", "old.doc: 旧版 Office 文件不支持"),
        (b"<html><body><p> </p></body></html>", "empty.html", "empty.html"),
    ],
)
def test_unsupported_or_wrong_content_is_415_and_the_served_version_stays(client, data, name, message):
    before = served_id()
    r = client.post("/api/documents", headers=AUTH, data=upload(data, name))
    error = error_of(r, 415)
    assert error.startswith(message) and "policykg-upload" not in error
    assert served_id() == before


def test_an_upload_is_added_at_once_with_its_id_title_and_tasks(client, mini_home):
    before = served_id()
    r = client.post("/api/documents", headers=AUTH, data=upload(OTHER_PLAN.encode(), "station.md"))
    assert r.status_code == 201
    body = r.get_json()
    assert body == {"id": "station", "title": "院士专家工作站建设方案", "tasks": 2, "version": body["version"]}
    assert body["version"] != before and served_id() == body["version"]
    assert r.headers["Location"].endswith("/api/documents/station")
    assert client.get("/api/documents/station").get_json()["title"] == "院士专家工作站建设方案"
    assert {d["id"] for d in client.get("/api/documents").get_json()} == {"mini", "station"}


def test_the_same_content_again_is_200_with_the_document_already_held(client):
    before = served_id()
    r = client.post("/api/documents", headers=AUTH, data=upload(MINI_PLAN.encode(), "again.txt"))
    assert r.status_code == 200 and "Location" not in r.headers
    assert r.get_json() == {"id": "mini", "title": "科普工作试点方案", "tasks": 2, "version": before}
    assert served_id() == before


def test_a_path_like_file_name_is_stored_under_a_name_the_server_makes(client, mini_home, tmp_path):
    r = client.post("/api/documents", headers=AUTH, data=upload(OTHER_PLAN.encode(), "../../etc/passwd.txt"))
    assert r.status_code == 201 and r.get_json()["id"] == "passwd"
    version = require_version()
    row = next(f for f in read_corpus(version) if f.doc == "passwd")
    copy = (version.path / row.file).resolve()
    assert copy.is_relative_to(version.path.resolve()) and copy.name == "passwd.txt"
    assert not Path(row.path).exists()  # the private upload folder is gone
    assert not (mini_home.parent / "etc").exists() and not (tmp_path.parent / "etc" / "passwd.txt").exists()


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\Windows\\a b.TXT", "a-b.txt"),
        ("报告 (终稿).docx", "报告-终稿.docx"),
        ("a/b/../..", "upload"),
        (".bashrc", "upload.bashrc"),
        ("", "upload"),
        (None, "upload"),
    ],
)
def test_upload_names_keep_only_a_safe_last_component(given, stored):
    assert upload_name(given) == stored


def test_a_write_while_another_build_runs_is_503_and_changes_nothing(two_docs):
    before = served_id()
    with build_lock():
        r = two_docs.post("/api/documents", headers=AUTH, data=upload(MINI_PLAN.encode() + b"\n", "third.md"))
        assert error_of(r, 503) == "另一个构建或写入正在进行，请稍后再试 (another build is running; try again later)"
        assert r.headers["Retry-After"] == "10"
        assert error_of(two_docs.delete("/api/documents/station", headers=AUTH), 503).startswith("另一个构建")
    assert served_id() == before


# -- removal --------------------------------------------------------------------------------------------
def test_removing_an_unknown_document_is_404(client):
    assert error_of(client.delete("/api/documents/nope", headers=AUTH), 404) == "没有文档 nope (no such document)"


def test_removing_the_last_document_is_409(client):
    before = served_id()
    r = client.delete("/api/documents/mini", headers=AUTH)
    assert error_of(r, 409) == "不能移除最后一个文档 mini (cannot remove 'mini': it is the only document)"
    assert served_id() == before


def test_a_removed_document_is_gone_at_once(two_docs):
    r = two_docs.delete("/api/documents/station", headers=AUTH)
    assert r.status_code == 200
    body = r.get_json()
    assert body == {"id": "station", "title": "院士专家工作站建设方案", "version": served_id(), "documents": 1}
    assert error_of(two_docs.get("/api/documents/station"), 404) == "没有文档 station (no such document)"
    assert [d["id"] for d in two_docs.get("/api/documents").get_json()] == ["mini"]


# -- the OpenAPI document -------------------------------------------------------------------------------
def test_the_writes_are_documented_with_the_bearer_scheme_and_their_answers_conform(two_docs):
    doc = two_docs.get("/api/openapi.json").get_json()
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "POLICYKG_ADMIN_TOKEN",
    }
    post = doc["paths"]["/api/documents"]["post"]
    delete = doc["paths"]["/api/documents/{doc}"]["delete"]
    assert post["security"] == delete["security"] == [{"bearerAuth": []}]
    assert post["requestBody"]["content"]["multipart/form-data"]["schema"]["required"] == ["file"]
    assert set(post["responses"]) == {"200", "201", "400", "401", "403", "404", "409", "413", "415", "503"}
    assert set(delete["responses"]) == {"200", "401", "403", "404", "409", "503"}

    def conforms(operation: dict, response) -> None:
        schema = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
        assert not validate(response.get_json(), schema, doc)

    conforms(post, two_docs.post("/api/documents", headers=AUTH, data=upload(OTHER_PLAN.encode(), "again.md")))
    conforms(post, two_docs.post("/api/documents", headers=AUTH, data=upload(b"MZ\x00", "x.exe")))
    conforms(post, two_docs.post("/api/documents", data={}))
    conforms(delete, two_docs.delete("/api/documents/station", headers=AUTH))
    conforms(delete, two_docs.delete("/api/documents/mini", headers=AUTH))


# -- the page -------------------------------------------------------------------------------------------
def page_form(client) -> dict:
    """The page's hidden CSRF field (the page also set it as a cookie on the client)."""
    html = client.get("/admin/documents").get_data(as_text=True)
    csrf = html.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    return {"csrf": csrf, "token": TOKEN}


def test_the_page_is_linked_from_the_documents_page_and_lists_each_document_with_a_remove_button(client):
    assert 'href="/admin/documents"' in client.get("/documents").get_data(as_text=True)
    r = client.get("/admin/documents")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'formaction="/admin/documents/mini/remove"' in html
    cookie = r.headers["Set-Cookie"]
    assert "policykg_csrf=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert r.headers["Cache-Control"] == "no-store"


def test_a_form_post_without_a_valid_csrf_token_is_403(mini_home):
    with home_env(mini_home):
        client = create_app({"TESTING": True, "ADMIN_TOKEN": TOKEN}).test_client()
        before = served_id()
        message = "表单已失效，请刷新页面后重试 (CSRF token missing or invalid; reload the page)"
        fresh = create_app({"TESTING": True, "ADMIN_TOKEN": TOKEN}).test_client()
        no_cookie = fresh.post("/admin/documents", data={"csrf": "x" * 43, "token": TOKEN, **upload(b"a", "a.md")})
        assert no_cookie.status_code == 403 and message in no_cookie.get_data(as_text=True)
        form = page_form(client)
        altered = form["csrf"][:-1] + ("B" if form["csrf"].endswith("A") else "A")  # always another token
        for bad in ({"token": TOKEN}, {**form, "csrf": altered}):
            r = client.post("/admin/documents", data={**bad, **upload(OTHER_PLAN.encode(), "s.md")})
            assert r.status_code == 403 and message in r.get_data(as_text=True)
        r = client.post("/admin/documents/mini/remove", data={"token": TOKEN})
        assert r.status_code == 403 and message in r.get_data(as_text=True)
        assert served_id() == before


def test_the_form_asks_for_the_token_on_every_submit(client):
    form = page_form(client)
    r = client.post("/admin/documents", data={**form, "token": "", **upload(OTHER_PLAN.encode(), "s.md")})
    assert r.status_code == 401 and "需要管理令牌" in r.get_data(as_text=True)
    r = client.post("/admin/documents", data={**form, "token": "nope", **upload(OTHER_PLAN.encode(), "s.md")})
    assert r.status_code == 403 and "管理令牌不正确 (wrong admin token)" in r.get_data(as_text=True)


def test_the_form_uploads_and_removes_and_shows_the_result(client):
    form = page_form(client)
    r = client.post("/admin/documents", data={**form, **upload(OTHER_PLAN.encode(), "station.md")})
    html = r.get_data(as_text=True)
    assert r.status_code == 201 and "已添加：院士专家工作站建设方案（station，2 项任务" in html
    assert 'formaction="/admin/documents/station/remove"' in html
    r = client.post("/admin/documents", data={**form, **upload(b"MZ\x00", "x.exe")})
    assert r.status_code == 415 and "x.exe: 不支持的格式 .exe" in r.get_data(as_text=True)
    r = client.post("/admin/documents/station/remove", data=form)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "已移除：院士专家工作站建设方案（station），剩余 1 份文档" in html
    assert 'data-doc="station"' not in html
    r = client.post("/admin/documents/mini/remove", data=form)
    assert r.status_code == 409 and "不能移除最后一个文档" in r.get_data(as_text=True)


# -- searchable at once -----------------------------------------------------------------------------------
def test_an_uploaded_document_is_searchable_at_once_and_gone_once_removed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "mini.txt").write_text(MINI_PLAN, encoding="utf-8")
    home = tmp_path / "home"
    build_into(home, [corpus / "mini.txt"], search_index=True)
    with home_env(home):
        client = create_app({"TESTING": True, "ADMIN_TOKEN": TOKEN}).test_client()

        def found(query: str) -> set[str]:
            page = client.get("/api/search", query_string={"q": query, "k": 50}).get_json()
            return {hit["doc"] for hit in page["results"]}

        assert "station" not in found("院士专家工作站")
        r = client.post("/api/documents", headers=AUTH, data=upload(OTHER_PLAN.encode(), "station.md"))
        assert r.status_code == 201 and require_version().index_path.exists()
        assert "station" in found("院士专家工作站")
        assert client.delete("/api/documents/station", headers=AUTH).status_code == 200
        assert "station" not in found("院士专家工作站")
        assert json.loads((require_version().corpus_path).read_text(encoding="utf-8"))[0]["doc"] == "mini"


def test_a_write_needing_an_encoder_that_cannot_load_is_503_and_builds_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_MODEL", str(tmp_path / "no-model"))
    with home_env(tmp_path / "home") as home:
        home.mkdir()
        client = create_app({"TESTING": True, "ADMIN_TOKEN": TOKEN}).test_client()
        r = client.post("/api/documents", headers=AUTH, data=upload(OTHER_PLAN.encode(), "station.md"))
        assert error_of(r, 503).startswith("向量模型目录不存在 (embedding model folder not found")
        assert client.get("/api/documents").status_code == 503  # still nothing built
