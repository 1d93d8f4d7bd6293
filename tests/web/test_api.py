"""The JSON API over the bundled plan through Flask's test client: every endpoint, its limits and
errors, the same records as the command line, and the OpenAPI document checked against the real responses."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from graph.home import current_version
from tests.fixtures.searcher import SubstringSearcher
from tests.web.openapi_check import conforms as conforms_to
from tests.web.openapi_check import validate
from web import state
from web.app import create_app
from web.cli import main
from web.openapi import spec

DOC = "jiangxi-cast-reform-2021-2025"


@pytest.fixture(scope="module")
def app(built_home):
    state.reset()
    return create_app({"TESTING": True})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def get_json(client, url, status=200, **kw):
    r = client.get(url, **kw)
    assert r.status_code == status, (url, r.status_code, r.data[:300])
    assert r.mimetype == "application/json"
    return r.get_json()


def conforms(body, path: str, status: int = 200):
    """The response body matches the schema the served OpenAPI document gives for ``path``/``status``."""
    conforms_to(spec(), body, path, status)


# -- endpoints ----------------------------------------------------------------------------------
def test_healthz(client):
    body = get_json(client, "/healthz")
    served = current_version()
    assert served is not None and served.built
    assert body == {"status": "ok", "graph": "ready", "version": served.id, "built": served.built}
    conforms(body, "/healthz")


def test_stats_matches_the_cli(client, capsys):
    body = get_json(client, "/api/stats")
    assert main(["stats", "--json"]) == 0
    assert body == json.loads(capsys.readouterr().out)
    assert body["tasks"] == 33
    conforms(body, "/api/stats")


def test_tasks_match_the_cli(client, capsys):
    body = get_json(client, "/api/tasks")
    assert main(["tasks", "--json"]) == 0
    assert body == json.loads(capsys.readouterr().out)
    assert len(body) == 33
    conforms(body, "/api/tasks")
    assert get_json(client, f"/api/tasks?doc={DOC}") == body
    assert "unknown document" in get_json(client, "/api/tasks?doc=nope", 400)["error"]


def test_one_task_with_related_tasks(client):
    body = get_json(client, f"/api/tasks/{DOC}/4.8.2")
    assert body["id"] == "4.8.2" and body["lead"] == body["departments"][0]
    assert {"组人部", "学会部", "国际部", "省院士专家服务中心"} <= set(body["departments"])
    assert body["related"] and all(r["shared"] for r in body["related"])
    # 4.7.1 also mentions 海智计划
    assert any(r["id"] == "4.7.1" and "海智计划" in r["shared"] for r in body["related"])
    conforms(body, "/api/tasks/{doc}/{id}")
    err = get_json(client, f"/api/tasks/{DOC}/9.9.9", 404)
    assert "9.9.9" in err["error"]
    conforms(err, "/api/tasks/{doc}/{id}", 404)


def test_entity_by_id_and_by_name_matches_the_cli(client, capsys):
    by_id = get_json(client, "/api/entities/" + quote("programme:海智计划"))
    by_alias = get_json(client, "/api/entities/" + quote("海智"))
    assert by_id["name"] == "海智计划" and by_alias["node"] == by_id["node"]
    assert {d["name"] for d in by_id["departments"]} == {"国际部", "组人部", "学会部", "省院士专家服务中心"}
    assert main(["entity", "海智计划", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert {k: by_id[k] for k in cli} == cli
    conforms(by_id, "/api/entities/{id}")
    dept = get_json(client, "/api/entities/" + quote("department:组人部"))
    assert len(dept["tasks"]) == 9 and {t["role"] for t in dept["tasks"]} == {"lead", "supporting"}
    conforms(dept, "/api/entities/{id}")
    missing = get_json(client, "/api/entities/" + quote("海智计化"), 404)
    assert "海智计划" in missing["suggestions"]
    conforms(missing, "/api/entities/{id}", 404)


def test_ask_matches_the_cli(client, capsys):
    q = "海智计划涉及哪些部门"
    body = get_json(client, "/api/ask", query_string={"q": q})
    assert body["status"] == "ok" and body["intent"] == "entity_departments"
    assert set(body["departments"]) == {"国际部", "组人部", "学会部", "省院士专家服务中心"}
    assert body["evidence"] and all(e["source"]["end"] > e["source"]["start"] for e in body["evidence"])
    assert main(["ask", q, "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert {k: v for k, v in body.items() if k != "results"} == {k: v for k, v in cli.items() if k != "results"}
    conforms(body, "/api/ask")
    count = get_json(client, "/api/ask", query_string={"q": "组人部负责几项任务"})
    assert count["count"] == 9
    conforms(count, "/api/ask")


def test_path_between_two_entities(client):
    body = get_json(client, "/api/path", query_string={"from": "海智计划", "to": "department:国际部"})
    assert body["found"] and body["from"]["node"] == "programme:海智计划" and body["to"]["node"] == "department:国际部"
    first = body["nodes"][0]
    assert first[0]["node"] == "programme:海智计划" and first[-1]["node"] == "department:国际部"
    assert len(first) == 3 and first[1]["type"] == "Task"  # 海智计划 <- task -> 国际部
    assert body["evidence"] and "国际部" in body["answer"]
    conforms(body, "/api/path")
    missing = get_json(client, "/api/path", query_string={"from": "海智计划", "to": "不存在的东西"}, status=404)
    conforms(missing, "/api/path", 404)
    assert "to" in get_json(client, "/api/path", query_string={"from": "海智计划"}, status=400)["error"]


def test_matrix_totals(client):
    body = get_json(client, "/api/matrix")
    assert body["totals"]["tasks"] == len(body["tasks"]) == 33
    assert sum(d["total"] for d in body["departments"]) == sum(t["total"] for t in body["tasks"])
    assert sum(d["lead"] for d in body["departments"]) == body["totals"]["lead"]
    assert all(t["lead"] == 1 for t in body["tasks"])  # every task has exactly one lead department
    conforms(body, "/api/matrix")


def test_graph_for_the_explorer(client):
    body = get_json(client, "/api/graph")
    ids = {n["id"] for n in body["nodes"]}
    assert "programme:海智计划" in ids and f"task:{DOC}/4.7.1" in ids
    assert all(e["from"] in ids and e["to"] in ids for e in body["edges"])
    assert not any(n["type"] == "Figure" for n in body["nodes"])
    conforms(body, "/api/graph")
    only = get_json(client, "/api/graph", query_string={"types": "Department,Task", "doc": DOC})
    assert {n["type"] for n in only["nodes"]} == {"Department", "Task"}
    assert sum(n["type"] == "Task" for n in only["nodes"]) == 33
    conforms(only, "/api/graph")
    assert "unknown type" in get_json(client, "/api/graph?types=Task,Bogus", 400)["error"]


def test_search_without_an_index_is_a_503(client):
    body = get_json(client, "/api/search", 503, query_string={"q": "海智计划", "k": 5})
    assert "policykg build" in body["error"]
    conforms(body, "/api/search", 503)


def test_search_results_carry_the_graph_and_conform(client, plan_graph):
    state.install(SubstringSearcher(plan_graph))
    try:
        body = get_json(client, "/api/search", query_string={"q": "海智", "k": 5})
        conforms(body, "/api/search")
        assert {r["id"] for r in body["results"]} == {"1.4.p2", "4.7.1", "4.8.2"} and body["total"] == 3
        task = next(r for r in body["results"] if r["id"] == "4.8.2")
        assert task["lead"] == "组人部" and "海智计划" in task["programmes"] and task["kind"] == "task"
        assert task["url"] == f"/tasks/{DOC}/4.8.2" and task["source"]["end"] > task["source"]["start"]
        assert body["filters"] == {"doc": None, "department": None, "programme": None, "kind": None}
        only = get_json(client, "/api/search", query_string={"q": "海智", "kind": "passage"})
        assert [r["id"] for r in only["results"]] == ["1.4.p2"] and only["filters"]["kind"] == "passage"
        conforms(only, "/api/search")
    finally:
        state.reset()


def test_search_pages_and_filters_choose_from_one_ranking(client, plan_graph):
    """Every page reports the same total; the pages put together are the whole list; a filter keeps
    the ranked order of what passes it."""
    state.install(SubstringSearcher(plan_graph))
    try:
        whole = get_json(client, "/api/search", query_string={"q": "科协", "k": 50})
        assert whole["total"] == len(whole["results"]) > 12 and whole["pages"] == 1
        pages = [get_json(client, "/api/search", query_string={"q": "科协", "k": 5, "page": p}) for p in range(1, 5)]
        assert {(b["total"], b["pages"]) for b in pages} == {(whole["total"], -(-whole["total"] // 5))}
        assert [r["id"] for b in pages for r in b["results"]] == [r["id"] for r in whole["results"]][:20]
        beyond = get_json(client, "/api/search", query_string={"q": "科协", "k": 5, "page": 100})
        assert beyond["results"] == [] and beyond["total"] == whole["total"]
        for name, value in (("department", "组人部"), ("kind", "passage"), ("programme", "海智计划")):
            want = [r["id"] for r in whole["results"] if value in (r[f"{name}s"] if name != "kind" else [r["kind"]])]
            first = get_json(client, "/api/search", query_string={"q": "科协", "k": 2, name: value})
            last = get_json(client, "/api/search", query_string={"q": "科协", "k": 2, name: value, "page": 50})
            assert first["total"] == last["total"] == len(want) and want
            assert [r["id"] for r in first["results"]] == want[:2] and last["results"] == []
    finally:
        state.reset()


def test_a_search_page_asked_again_comes_from_the_versions_cache(client, plan_graph):
    asked = []

    class Counting(SubstringSearcher):
        def rank(self, raw, mode="hybrid", limit=1000):
            asked.append(raw)
            return super().rank(raw, mode, limit)

    state.install(Counting(plan_graph))
    try:
        first = get_json(client, "/api/search", query_string={"q": "科协", "k": 3, "kind": "task"})
        assert get_json(client, "/api/search", query_string={"q": "科协", "k": 3, "kind": "task"}) == first
        assert asked == ["科协"]
        get_json(client, "/api/search", query_string={"q": "科协", "k": 3, "kind": "task", "page": 2})
        assert asked == ["科协", "科协"]  # another page is another entry
        state.install(Counting(plan_graph))  # a new snapshot starts with an empty cache
        assert get_json(client, "/api/search", query_string={"q": "科协", "k": 3, "kind": "task"}) == first
        assert asked == ["科协", "科协", "科协"]
    finally:
        state.reset()


# -- limits and errors --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url, fragment",
    [
        ("/api/ask", "q"),
        ("/api/ask?q=" + "问" * 501, "500"),
        ("/api/ask?q=%20%20", "q"),
        ("/api/search", "q"),
        ("/api/search?q=" + "长" * 501, "500"),
        ("/api/search?q=a&k=0", "k"),
        ("/api/search?q=a&k=51", "k"),
        ("/api/search?q=a&k=ten", "k"),
        ("/api/search?q=a&page=0", "page"),
        ("/api/search?q=a&kind=poem", "kind"),
        ("/api/search?q=a&department=" + quote("不存在部"), "department"),
        ("/api/search?q=a&doc=nope", "nope"),
        ("/api/path?from=&to=x", "from"),
        ("/api/matrix?doc=nope", "nope"),
        ("/api/ask?q=a%00b", "q"),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, url, fragment):
    body = get_json(client, url, 400)
    assert fragment in body["error"] and "Traceback" not in body["error"]


def test_question_that_is_only_punctuation_is_a_400(client):
    body = get_json(client, "/api/ask", query_string={"q": "？？？"}, status=400)
    assert "问题" in body["error"]


def test_unknown_api_path_and_wrong_method_are_json(client):
    body = get_json(client, "/api/nothing-here", 404)
    assert body["error"]
    r = client.post("/api/ask", data={"q": "x"})
    assert r.status_code == 405 and r.get_json()["error"] and "GET" in r.headers["Allow"]


def test_html_errors_are_friendly_pages(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert "页面不存在" in html and "返回首页" in html and "Traceback" not in html


def test_a_crash_is_a_clean_500(built_home):
    app = create_app({"TESTING": True})

    def boom():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/api/boom", "api_boom", boom)
    app.add_url_rule("/boom", "page_boom", boom)
    client = app.test_client()
    r = client.get("/api/boom")
    assert r.status_code == 500 and r.mimetype == "application/json"
    assert r.get_json() == {"error": "服务器内部错误，请稍后再试 (internal server error)"}
    r = client.get("/boom")
    html = r.get_data(as_text=True)
    assert r.status_code == 500 and "服务器内部错误" in html
    assert "secret internal detail" not in html and "Traceback" not in html and "RuntimeError" not in html


def test_missing_graph_is_a_503_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_HOME", str(tmp_path))
    state.reset()
    try:
        client = create_app({"TESTING": True}).test_client()
        body = get_json(client, "/api/stats", 503)
        assert "policykg build" in body["error"]
        assert get_json(client, "/healthz")["graph"] == "missing"
        r = client.get("/matrix")
        assert r.status_code == 503 and "policykg build" in r.get_data(as_text=True)
    finally:
        state.reset()


def test_oversized_body_is_rejected(client):
    r = client.post("/api/ask", data="x" * 70_000, content_type="text/plain")
    assert r.status_code in (405, 413) and r.get_json()["error"]


# -- safety -------------------------------------------------------------------------------------
XSS = "<script>alert(1)</script>"


def test_script_in_a_query_is_escaped_everywhere(client):
    body = get_json(client, "/api/ask", query_string={"q": XSS})
    assert body["question"] == XSS  # JSON keeps it as data; the API sets a JSON content type
    for url in ("/?q=" + quote(XSS), "/entities?name=" + quote(XSS), "/entities/" + quote(XSS)):
        r = client.get(url)
        html = r.get_data(as_text=True)
        assert XSS not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
    r = client.get("/?q=" + quote(XSS))
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_highlighting_escapes_text_around_marks():
    from web.markup import marked

    html = str(marked("a<b>海智计划</b>c", [(4, 8)]))
    assert html == "a&lt;b&gt;<mark>海智计划</mark>&lt;/b&gt;c"
    assert str(marked("abc", [(2, 99), (-5, 1), (1, 1)])) == "<mark>a</mark>b<mark>c</mark>"


# -- the OpenAPI document -----------------------------------------------------------------------
def test_openapi_describes_every_api_route(app, client):
    doc = get_json(client, "/api/openapi.json")
    assert doc == spec() and doc["openapi"].startswith("3.") and doc["servers"] == [{"url": "/"}]
    routes = set()
    for rule in app.url_map.iter_rules():
        path = rule.rule
        if path.startswith("/api/") or path == "/healthz":
            for arg in rule.arguments:
                path = path.replace(f"<path:{arg}>", "{" + arg + "}").replace(f"<{arg}>", "{" + arg + "}")
            routes.add(path.replace("{id_}", "{id}").replace("{fmt}", "{format}"))
    assert routes <= set(doc["paths"]), routes - set(doc["paths"])
    for path, item in doc["paths"].items():
        op = item["get"]
        assert op["summary"] and "200" in op["responses"], path
        for p in op.get("parameters", []):
            if p["in"] == "path":
                assert "{" + p["name"] + "}" in path
    # every $ref resolves, and every schema is used
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([\w.]+)"', json.dumps(doc)))
    assert refs == set(doc["components"]["schemas"])


def test_validator_catches_wrong_shapes():
    doc = spec()
    schema = doc["components"]["schemas"]["MatrixRecord"]
    assert validate({"doc": None}, schema, doc)  # missing keys
    bad = {"doc": None, "departments": [], "tasks": [{"roles": {"x": "boss"}}], "totals": {}}
    errors = validate(bad, schema, doc)
    assert any("boss" in e for e in errors) and any("missing" in e for e in errors)


def test_downloads_have_the_documented_media_types(client):
    doc = spec()
    for url, path in (("/api/vocab.ttl", "/api/vocab.ttl"), ("/api/export/ttl", "/api/export/{name}")):
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.mimetype in doc["paths"][path]["get"]["responses"]["200"]["content"], (url, r.mimetype)
    missing = get_json(client, "/api/export/nope", 404)
    conforms(missing, "/api/export/{name}", 404)


def test_snippet_windows_long_text_around_the_first_match():
    from web.markup import snippet

    text = "甲" * 300 + "<海智>" + "乙" * 300
    html = str(snippet(text, [(300, 304)], width=100))
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>&lt;海智&gt;</mark>" in html
    assert str(snippet("短文本", [(0, 2)])) == "<mark>短文</mark>本"


def test_documents_match_the_cli(citing_home, capsys):
    body = get_json(create_app({"TESTING": True}).test_client(), "/api/documents")
    assert main(["docs", "--json"]) == 0
    assert body == json.loads(capsys.readouterr().out)
    assert [d["id"] for d in body] == ["law-2001", "law-2023", "notice", "plan"]
    assert body[2]["citations"][0]["doc"] == "law-2023"
    conforms(body, "/api/documents")
