"""The server-rendered pages through Flask's test client, the CSV download and ``policykg serve``."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import urllib.request
from urllib.parse import quote

import pytest

from tests.conftest import ROOT
from tests.fixtures.searcher import SubstringSearcher
from tests.web.openapi_check import conforms
from web import state
from web.app import create_app
from web.commands.serve import url_for
from web.openapi import spec

DOC = "jiangxi-cast-reform-2021-2025"


@pytest.fixture(scope="module")
def client(built_home):
    state.reset()
    return create_app({"TESTING": True}).test_client()


def html(client, url, status=200) -> str:
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code)
    assert r.mimetype == "text/html"
    return r.get_data(as_text=True)


def test_every_page_renders(client):
    for url in (
        "/",
        "/?q=" + quote("海智计划涉及哪些部门"),
        "/?q=" + quote("组人部负责几项任务"),
        "/?q=" + quote("海智计划和科创中国有什么关系"),
        f"/tasks/{DOC}/4.7.1",
        f"/tasks/{DOC}/1.4.p2",  # a paragraph
        f"/tasks/{DOC}/4",  # a part
        "/entities",
        "/entities/" + quote("programme:海智计划"),
        "/entities/" + quote("department:组人部"),
        f"/documents/{DOC}",
        "/matrix",
        "/graph",
    ):
        page = html(client, url)
        assert "政策知识图谱" in page and "Traceback" not in page


def test_home_answer_card_for_questions_only(client):
    page = html(client, "/?q=" + quote("海智计划涉及哪些部门"))
    assert 'id="answer"' in page and 'data-count="4"' in page and "共 4 个部门" in page
    assert "理解为：海智计划 · 部门" in page
    # departments behind a term or a task are counted as departments too, tasks as tasks
    assert "共 1 个部门" in html(client, "/?q=" + quote("4.5.4是哪个部门负责的"))
    assert "共 1 项任务" in html(client, "/?q=" + quote("哪些任务讲到了应急科普"))
    for dept in ("国际部", "组人部", "学会部", "省院士专家服务中心"):
        assert f'href="/entities/department:{quote(dept)}"' in page
    assert f'href="/tasks/{DOC}/4.7.1"' in page
    assert "<mark>海智计划</mark>" in page  # the evidence sentence highlights it
    # plain keywords show no answer card
    assert 'id="answer"' not in html(client, "/?q=" + quote("国际合作交流渠道"))


def test_task_page(client):
    page = html(client, f"/tasks/{DOC}/4.8.2?mark=10652")
    assert "原文位置：字符" in page and "牵头" in page
    assert 'class="sentence marked" id="s-10652"' in page
    assert f'href="/tasks/{DOC}/4.7.1"' in page  # related through 海智计划
    html(client, f"/tasks/{DOC}/9.9", status=404)


def test_entity_lookup_redirects_and_suggests(client):
    r = client.get("/entities?name=" + quote("海智"))
    assert r.status_code == 302 and r.headers["Location"].endswith("/entities/programme:" + quote("海智计划"))
    r = client.get("/entities/" + quote("科协党校"))
    assert r.status_code == 302 and "organisation" in r.headers["Location"]
    page = html(client, "/entities/" + quote("海智计化"), status=404)
    assert "海智计划" in page and "您是不是要找" in page


def test_matrix_page_and_csv(client):
    page = html(client, "/matrix")
    assert page.count('<tr data-task="') == 33
    r = client.get("/matrix.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    raw = r.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:34]
    assert header[:4] == ["文档", "任务编号", "标号", "任务"] and header[-1] == "部门数"
    assert len(body) == 33 and all(row.count("牵头") == 1 for row in body)
    totals = rows[34]
    assert totals[0] == "合计" and sum(int(x) for x in totals[4:-1]) == sum(int(row[-1]) for row in body)
    assert client.get(f"/matrix.csv?doc={DOC}").get_data() == raw  # the only document
    assert client.get("/matrix.csv?doc=nope").status_code == 400


def test_vendor_bundle_is_served_locally(client):
    r = client.get("/static/vendor/vis-network.min.js")
    assert r.status_code == 200 and b"vis-network" in r.data[:400] and "javascript" in r.mimetype
    assert client.get("/static/vendor/other.js").status_code == 404
    page = html(client, "/graph")
    assert 'src="/static/vendor/vis-network.min.js"' in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page  # no CDN


def test_pages_have_no_inline_scripts_or_handlers(client):
    for url in ("/", "/?q=" + quote("海智计划涉及哪些部门"), "/matrix", "/graph", f"/tasks/{DOC}/4.7.1"):
        page = html(client, url)
        assert "<script>" not in page and " onclick=" not in page and " onchange=" not in page


def test_url_shown_by_serve():
    assert url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert url_for("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert url_for("::1", 8000) == "http://[::1]:8000/"


def test_serve_builds_first_and_prints_the_url(tmp_path):
    env = {**os.environ, "POLICYKG_HOME": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--port", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("policykg: serving on http://127.0.0.1:"), line
        url = line.split("serving on ", 1)[1].split()[0]
        with urllib.request.urlopen(url + "healthz", timeout=60) as r:
            body = json.load(r)
            assert r.headers["Server"] == "policykg" and (body["status"], body["graph"]) == ("ok", "ready")
            assert body["version"] and body["built"]
        with urllib.request.urlopen(url + "api/stats", timeout=60) as r:
            assert json.load(r)["tasks"] == 33
        assert (tmp_path / "current.json").exists()  # a version was built and switched in
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "building the bundled corpus first" in err
    assert '"method": "GET", "path": "/api/stats", "route": "/api/stats", "status": 200' in err  # the access log


def test_serve_refuses_a_bad_port(capsys):
    from web.cli import main

    assert main(["serve", "--port", "70000"]) == 1
    assert "invalid port" in capsys.readouterr().err


# -- search results, with a stand-in engine (the real one is tested in tests/search) ------------
@pytest.fixture
def searching(client, plan_graph):
    state.install(SubstringSearcher(plan_graph))
    yield client
    state.reset()


def test_results_are_highlighted_filtered_and_paged(searching):
    page = html(searching, "/?q=" + quote("科技工作者"))
    assert "<mark>科技工作者</mark>" in page and 'class="hit card"' in page
    total = int(page.split("找到 <strong>", 1)[1].split("<", 1)[0])
    assert total > 10 and 'rel="next"' in page  # 10 per page
    second = html(searching, "/?q=" + quote("科技工作者") + "&page=2")
    assert 'start="11"' in second and 'rel="prev"' in second
    only_tasks = html(searching, "/?q=" + quote("科技工作者") + "&kind=task")
    assert 'data-kind="passage"' not in only_tasks and 'data-kind="task"' in only_tasks
    by_dept = html(searching, "/?q=" + quote("科技工作者") + "&department=" + quote("国际部") + "&k=50")
    hits = by_dept.split('class="hit card"')[1:]
    assert hits and all("国际部" in hit.split("</li>", 1)[0] for hit in hits)
    r = searching.get("/api/search", query_string={"q": "科技工作者", "department": "国际部", "k": 50})
    body = r.get_json()
    assert r.status_code == 200 and body["results"]
    assert all("国际部" in x["departments"] for x in body["results"])
    with_programme = searching.get("/api/search", query_string={"q": "科技工作者", "programme": "海智计划"}).get_json()
    # exactly the three units that mention 海智计划 (all three also say 科技工作者)
    assert {x["id"] for x in with_programme["results"]} == {"1.4.p2", "4.7.1", "4.8.2"}
    assert all("海智计划" in x["programmes"] for x in with_programme["results"])


def test_search_results_conform_to_openapi(searching):
    body = searching.get("/api/search", query_string={"q": "科技工作者", "k": 3}).get_json()
    assert body["total"] > 3 and len(body["results"]) == 3
    conforms(spec(), body, "/api/search")


def test_question_without_graph_answer_falls_back_to_passages(searching):
    body = searching.get("/api/ask", query_string={"q": "院士工作站"}).get_json()
    assert body["status"] in ("ok", "search")
    page = html(searching, f"/tasks/{DOC}/4.8.2")
    assert "语义相近" in page and "检索索引尚未构建" not in page
