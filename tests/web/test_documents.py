"""The documents page, a document's page with its outline, GET /api/documents/DOC and the
explorer's citation view, on the citing corpus (two versions of a law, a notice and a plan)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from graph import query
from graph.schema import RELATION_LABELS, TYPE_LABELS, EdgeType, NodeType
from tests.graph.citing_corpus import build_citing_graph
from tests.web.openapi_check import conforms
from web import views
from web.app import create_app
from web.openapi import spec


@pytest.fixture
def client(citing_home):
    return create_app({"TESTING": True}).test_client()


def fetch(client, url: str, status: int = 200, mimetype: str = "text/html"):
    r = client.get(url, headers={"Accept": mimetype})
    assert r.status_code == status, (url, r.status_code, r.data[:300])
    assert r.mimetype == mimetype
    return r.get_json() if mimetype == "application/json" else r.get_data(as_text=True)


def links(page: str) -> set[str]:
    return set(re.findall(r'href="(/(?:documents|tasks)/[^"#?]+)"', page))


# -- read models --------------------------------------------------------------------------------
def test_outline_nests_structure_and_tasks_and_leaves_out_paragraphs(tmp_path):
    g = build_citing_graph(tmp_path)
    (part,) = query.outline(g, "notice")
    assert (part.node, part.type) == ("part:notice/1", NodeType.PART)
    assert [(c.id, c.type, c.children) for c in part.children] == [
        ("1.1", NodeType.TASK, []),
        ("1.2", NodeType.TASK, []),
    ]
    law = query.outline(g, "law-2023")
    assert all(e.type != NodeType.PARAGRAPH for e in law) and law[0].children  # a chapter holds its articles


def test_document_joins_in_both_directions_carry_sentence_and_reason(tmp_path):
    g = build_citing_graph(tmp_path)
    cites = query.document_joins(g, "plan")
    assert [(j.doc, j.relation) for j in cites] == [("law-2023", EdgeType.CITES), ("notice", EdgeType.IMPLEMENTS)]
    assert "《示范工作实施方案》" in cites[1].sentence and cites[1].sentence_source is not None
    cited_by = query.document_joins(g, "law-2023", incoming=True)
    assert [(j.doc, j.relation) for j in cited_by] == [("notice", EdgeType.BASED_ON), ("plan", EdgeType.CITES)]
    assert "修订后" in cited_by[0].reason
    assert query.document_joins(g, "law-2001", incoming=True) == []


def test_document_nodes_link_to_their_page(tmp_path):
    g = build_citing_graph(tmp_path)
    assert views.node_url(g, "doc:law-2023") == "/documents/law-2023"
    overviews = {d.id: d for d in views.document_overviews(g)}
    assert overviews["notice"].tasks == 2 and overviews["notice"].units > overviews["notice"].tasks
    assert [j.doc for j in overviews["notice"].cited_by] == ["plan"]
    assert views.document_page(g, "no-such-doc") is None


# -- pages --------------------------------------------------------------------------------------
def test_documents_page_lists_each_document_with_resolved_and_unresolved_citations(client):
    page = fetch(client, "/documents")
    assert f'<a href="/documents" aria-current="page">{TYPE_LABELS[NodeType.DOCUMENT]}</a>' in page
    for title in ("示范基地建设计划", "示范工作实施方案", "中华人民共和国示范促进法"):
        assert title in page
    assert "文号" in page and "发文机关" in page and "2022-05-10" in page
    plan_row = page[page.index('data-doc="plan"') :].split("</tr>")[0]
    assert '<a href="/documents/notice"' in plan_row and '<a href="/documents/law-2023"' in plan_row
    assert '<span class="unresolved"' in plan_row and "《未收录条例》" in plan_row
    assert RELATION_LABELS[EdgeType.IMPLEMENTS] in plan_row
    law_row = page[page.index('data-doc="law-2023"') :].split("</tr>")[0]
    assert '<a href="/documents/notice">' in law_row and '<a href="/documents/plan">' in law_row  # cited by
    for url in links(page):
        fetch(client, url)


def test_document_page_shows_metadata_outline_and_citations_with_reasons(client):
    page = fetch(client, "/documents/notice")
    assert "<h1>示范工作实施方案</h1>" in page and "2022-05-10" in page and "目录结构" in page
    assert {"/tasks/notice/1", "/tasks/notice/1.1", "/tasks/notice/1.2"} <= links(page)  # the outline
    assert "根据修订后的《示范促进法》，制定配套办法。" in page
    assert "选用此版本的理由：原文要求修订后的版本" in page
    assert "引用它的文档（1）" in page and "为落实《示范工作实施方案》，开展基地评估。" in page
    for url in links(page):
        fetch(client, url)
    old = fetch(client, "/documents/law-2001")
    assert "没有已导入的文档引用它。" in old


def test_entity_url_of_a_document_leads_to_its_page(client):
    r = client.get("/entities/" + quote("doc:plan"))
    assert r.status_code == 302 and r.headers["Location"] == "/documents/plan"


def test_unknown_document_is_a_one_line_404(client):
    page = fetch(client, "/documents/no-such-doc", 404)
    assert "没有找到文档「no-such-doc」。" in page
    body = fetch(client, "/api/documents/no-such-doc", 404, "application/json")
    assert body == {"error": "没有文档 no-such-doc (no such document)"}
    conforms(spec(), body, "/api/documents/{doc}", 404)


def test_document_api_returns_outline_and_citations_as_documented(client):
    body = fetch(client, "/api/documents/plan", mimetype="application/json")
    conforms(spec(), body, "/api/documents/{doc}")
    assert body["id"] == "plan" and body["url"] == "/documents/plan" and body["tasks"] == 1
    assert [c["doc"] for c in body["citations"]] == ["notice", "law-2023", None]
    assert [(j["doc"], j["relation"]) for j in body["cites"]] == [("law-2023", "cites"), ("notice", "implements")]
    assert body["cited_by"] == []
    (part,) = body["outline"]
    assert part["type"] == "Part" and [c["id"] for c in part["children"]] == ["1.1"]


# -- the explorer's citation view ---------------------------------------------------------------
def test_citation_view_shows_documents_and_the_citations_between_them(client):
    page = fetch(client, "/graph?view=citations")
    assert 'id="view-citations"' in page and 'aria-current="page">文件引用网络' in page
    checked = re.findall(r'value="(\w+)" checked', page)
    assert checked == [NodeType.DOCUMENT.value]
    network = fetch(client, "/api/graph?types=Document", mimetype="application/json")
    docs = ("law-2001", "law-2023", "notice", "plan")
    assert {n["url"] for n in network["nodes"]} == {f"/documents/{d}" for d in docs}
    assert {(e["from"], e["to"], e["type"]) for e in network["edges"]} == {
        ("doc:notice", "doc:law-2023", "based_on"),
        ("doc:plan", "doc:notice", "implements"),
        ("doc:plan", "doc:law-2023", "cites"),
    }
    assert "未知视图「nope」" in fetch(client, "/graph?view=nope", 400)
