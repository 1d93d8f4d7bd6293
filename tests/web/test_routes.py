"""Every route on a tiny home (a hand-built graph, a substring searcher): each node kind opens a page,
each endpoint's response matches the OpenAPI document, and the shared route helpers (document check,
entity resolution, security headers) answer the same way everywhere."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from markupsafe import escape

from tests.conftest import home_env
from tests.fixtures.graphs import DOC, HAIZHI, KECHUANG, POPULAR, SOCIETY, SUBITEM, TASK_A, publish_graph, tiny_graph
from tests.fixtures.searcher import SubstringSearcher
from tests.web.openapi_check import conforms
from web import state, views
from web.app import create_app
from web.openapi import spec

GRAPH = tiny_graph()


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    home = tmp_path_factory.mktemp("tiny-home")
    with home_env(home):
        publish_graph(GRAPH, home)
        state.install(SubstringSearcher(GRAPH))
        yield create_app({"TESTING": True}).test_client()


@pytest.fixture(scope="module")
def doc():
    return spec()


def get(client, url: str, status: int = 200, **kw):
    r = client.get(url, **kw)
    assert r.status_code == status, (url, r.status_code, r.data[:300])
    return r


def test_every_node_has_a_page_that_opens(client):
    for node in GRAPH:
        page = get(client, views.node_url(GRAPH, node)).get_data(as_text=True)
        assert GRAPH.nodes[node]["name"].split(" ")[-1] in page, node
    subitem = get(client, f"/tasks/{DOC}/1.2.1").get_data(as_text=True)
    assert f'data-node="{SUBITEM}"' in subitem and f'href="/tasks/{DOC}/1.2"' in subitem  # its parent item


@pytest.mark.parametrize(
    "url, path",
    [
        ("/healthz", "/healthz"),
        ("/api/stats", "/api/stats"),
        ("/api/tasks", "/api/tasks"),
        (f"/api/tasks/{DOC}/1.1.1", "/api/tasks/{doc}/{id}"),
        ("/api/ask?q=" + quote("科创中国涉及哪些部门"), "/api/ask"),
        ("/api/search?q=" + quote("科创中国"), "/api/search"),
        ("/api/path?from=" + quote("海智") + "&to=" + quote("普及部"), "/api/path"),
        ("/api/path?from=" + quote("海智") + "&to=" + quote("figure:plan/300"), "/api/path"),
        ("/api/matrix", "/api/matrix"),
        ("/api/graph", "/api/graph"),
        ("/api/graph?types=Paragraph,Figure&doc=plan", "/api/graph"),
    ],
)
def test_every_endpoint_answers_as_documented(client, doc, url, path):
    conforms(doc, get(client, url).get_json(), path)


def test_every_entity_figure_and_document_answers_as_documented(client, doc):
    for node in GRAPH:
        if views.has_entity_page(GRAPH, node):
            body = get(client, "/api/entities/" + quote(node)).get_json()
            assert body["node"] == node
            conforms(doc, body, "/api/entities/{id}")


def test_search_hits_carry_departments_and_pages(client):
    body = get(client, "/api/search?q=" + quote("科创中国")).get_json()
    assert [(r["id"], r["lead"], r["url"]) for r in body["results"]] == [
        ("1.1.1", "普及部", f"/tasks/{DOC}/1.1.1"),
        ("1.1.2", "学会部", f"/tasks/{DOC}/1.1.2"),
    ]
    by_dept = get(client, "/api/search?q=" + quote("科创中国") + "&department=" + quote("普及部")).get_json()
    assert [r["id"] for r in by_dept["results"]] == ["1.1.1"] and by_dept["filters"]["department"] == "普及部"
    page = get(client, "/?q=" + quote("科创中国")).get_data(as_text=True)
    assert page.count('class="hit card"') == 2 and "<mark>科创中国</mark>" in page


def test_an_unknown_document_is_one_message_everywhere(client, doc):
    message = "未知文档 unknown document 'nope' (known: plan)"
    for url, path in (
        ("/api/tasks?doc=nope", "/api/tasks"),
        ("/api/matrix?doc=nope", "/api/matrix"),
        ("/api/graph?doc=nope", "/api/graph"),
        ("/api/search?q=x&doc=nope", "/api/search"),
    ):
        body = get(client, url, 400).get_json()
        assert body == {"error": message}
        conforms(doc, body, path, 400)
    for url in ("/matrix?doc=nope", "/matrix.csv?doc=nope", "/?q=x&doc=nope"):
        assert str(escape(message)) in get(client, url, 400).get_data(as_text=True)


def test_entities_resolve_by_id_name_or_alias_everywhere(client):
    for name in (KECHUANG, "科创中国", "科创", "“科创中国”"):
        assert get(client, "/api/entities/" + quote(name)).get_json()["node"] == KECHUANG
    assert get(client, "/entities/" + quote("科创"), 302).headers["Location"] == views.node_url(GRAPH, KECHUANG)
    assert get(client, "/entities?name=" + quote("科创"), 302).headers["Location"] == views.node_url(GRAPH, KECHUANG)
    path = get(client, "/api/path?from=" + quote("科创") + "&to=" + quote("学会工作部")).get_json()
    assert path["from"]["node"] == KECHUANG and path["to"]["node"] == SOCIETY and path["found"]


def test_unknown_and_ambiguous_names_are_404s_with_names_to_try(client, doc):
    unknown = get(client, "/api/entities/" + quote("海智计化"), 404).get_json()
    assert unknown["suggestions"] == ["海智计划"] and unknown["candidates"] == [] and "海智计化" in unknown["error"]
    conforms(doc, unknown, "/api/entities/{id}", 404)
    ambiguous = get(client, "/api/entities/" + quote("普及"), 404).get_json()
    assert ambiguous["candidates"] == [POPULAR, "policy:科学技术普及法"] and "普及部" in ambiguous["error"]
    assert get(client, "/api/path?from=" + quote("普及") + "&to=" + quote("海智"), 404).get_json() == ambiguous
    conforms(doc, ambiguous, "/api/path", 404)
    page = get(client, "/entities/" + quote("海智计化"), 404).get_data(as_text=True)
    assert "您是不是要找：海智计划" in page
    listing = get(client, "/entities?name=" + quote("普及")).get_data(as_text=True)
    assert "对应多个实体" in listing and f'href="{views.node_url(GRAPH, POPULAR)}"' in listing


def test_a_task_that_is_not_a_task_is_a_404(client, doc):
    body = get(client, f"/api/tasks/{DOC}/1.2.1", 404).get_json()  # a sub-item has a page, but no task record
    assert "1.2.1" in body["error"]
    conforms(doc, body, "/api/tasks/{doc}/{id}", 404)
    assert get(client, f"/tasks/{DOC}/9.9", 404).mimetype == "text/html"


def test_security_headers_on_every_kind_of_response(client):
    responses = {
        "json": client.get("/api/stats"),
        "json error": client.get("/api/nothing"),
        "page": client.get("/"),
        "page error": client.get("/no/such/page"),
        "csv": client.get("/matrix.csv"),
        "static": client.get("/static/style.css"),
        "sparql": client.post("/sparql"),
        "sparql page": client.get("/sparql", headers={"Accept": "text/html"}),
    }
    for name, r in responses.items():
        assert r.headers["X-Content-Type-Options"] == "nosniff", name
        assert r.headers["X-Frame-Options"] == "DENY" and r.headers["Referrer-Policy"] == "same-origin", name
        if r.mimetype == "text/html":
            assert "script-src 'self'" in r.headers["Content-Security-Policy"], name
    assert {r.mimetype for r in responses.values()} >= {"text/html", "application/json", "text/csv", "text/css"}


def test_pages_take_colours_and_labels_from_the_schema(client):
    from graph.schema import TYPE_COLOURS, TYPE_LABELS, NodeType

    page = get(client, "/graph").get_data(as_text=True)
    assert all(f"--c-{t}: {c};" in page for t, c in TYPE_COLOURS.items())
    assert f'"label": "{TYPE_LABELS[NodeType.TASK]}"' in page.replace("\\u4efb\\u52a1", TYPE_LABELS[NodeType.TASK])
    task = get(client, views.node_url(GRAPH, TASK_A)).get_data(as_text=True)
    assert f'class="type t-Task">{TYPE_LABELS[NodeType.TASK]}<' in task
    assert get(client, views.node_url(GRAPH, HAIZHI)).status_code == 200
