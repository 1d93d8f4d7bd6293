"""The read models of the pages and the API on a tiny hand-built graph (no ingest, no encoder)."""

from __future__ import annotations

import csv
import io

import pytest

from graph.records import DepartmentRecord, EntityRecord
from graph.schema import LINKED_TYPES, ROLE_LABELS, UNIT_TYPES, EdgeType, NodeType, Role
from search.engine import SearchResult
from search.units import UnitKind
from tests.conftest import home_env
from tests.fixtures.graphs import (
    DOC,
    DOC_NODE,
    FIGURE,
    HAIZHI,
    ITEM,
    KECHUANG,
    LAW,
    MUSEUM,
    PARAGRAPH,
    PART,
    POPULAR,
    SECTION,
    SOCIETY,
    SUBITEM,
    TASK_A,
    TASK_B,
    publish_graph,
    tiny_graph,
)
from tests.fixtures.searcher import SubstringSearcher
from web import state, views
from web.app import create_app
from web.lexicon import examples, looks_like_question
from web.records import DocumentDetail, PolicyDetail


def test_every_unit_kind_links_to_a_page_that_finds_it_again(tiny):
    units = [n for n, a in tiny.nodes(data=True) if a["type"] in UNIT_TYPES]
    assert SUBITEM in units
    for node in units:
        a = tiny.nodes[node]
        assert views.node_url(tiny, node) == f"/tasks/{DOC}/{a['id']}"
        assert views.find_unit(tiny, DOC, a["id"]) == node
    assert views.find_unit(tiny, DOC, "1.1.1", (NodeType.PARAGRAPH,)) is None
    assert views.find_unit(tiny, DOC, "9") is None
    assert views.node_url(tiny, TASK_A, mark=55) == f"/tasks/{DOC}/1.1.1?mark=55"


def test_every_other_node_has_an_entity_page(tiny):
    others = [n for n, a in tiny.nodes(data=True) if a["type"] not in UNIT_TYPES]
    assert all(views.has_entity_page(tiny, n) for n in others) and not views.has_entity_page(tiny, TASK_A)
    assert views.node_url(tiny, HAIZHI) == "/entities/programme:%E6%B5%B7%E6%99%BA%E8%AE%A1%E5%88%92"
    assert views.node_url(tiny, FIGURE) == f"/entities/figure:{DOC}%2F300"


def test_unit_detail(tiny):
    detail = views.unit_detail(tiny, TASK_A)
    assert [p.node for p in detail.parents] == [PART, SECTION] and detail.document.node == DOC_NODE
    assert [(r.name, r.role) for r in detail.roles] == [("普及部", Role.LEAD), ("学会部", Role.SUPPORTING)]
    assert list(detail.entities) == list(LINKED_TYPES)
    assert [e.node for e in detail.entities[NodeType.PROGRAMME]] == [KECHUANG]
    assert [p.node for p in views.unit_detail(tiny, SUBITEM).parents] == [PART, ITEM]


def test_related_tasks_share_entities(tiny):
    related = views.related_tasks(tiny, TASK_A)
    assert [(r.node, r.shared) for r in related] == [(TASK_B, ["科创中国"])]
    assert views.related_tasks(tiny, TASK_B)[0].node == TASK_A


def test_semantic_neighbours_come_from_the_searcher(tiny):
    assert views.semantic_neighbours(tiny, TASK_A, None) == []
    detail = views.task_detail(tiny, TASK_B, SubstringSearcher(tiny))
    assert detail.related[0].node == TASK_A and detail.neighbours == []  # only TASK_B holds its own text


def test_entity_details(tiny):
    policy = views.entity_detail(tiny, LAW)
    assert isinstance(policy, PolicyDetail) and [e.node for e in policy.issued_by] == [MUSEUM]
    document = views.entity_detail(tiny, DOC_NODE)
    assert isinstance(document, DocumentDetail) and [t.node for t in document.tasks] == [TASK_A, TASK_B]
    assert [(c.node, c.relation) for c in document.cites] == [(LAW, EdgeType.BASED_ON)]
    assert isinstance(views.entity_detail(tiny, POPULAR), DepartmentRecord)
    assert type(views.entity_detail(tiny, HAIZHI)) is EntityRecord


def test_matrix_and_its_csv(tiny):
    m = views.matrix(tiny)
    assert [d.name for d in m.departments] == ["学会部", "普及部"]  # most lead roles, then most tasks
    assert [(t.node, t.roles, t.lead, t.total) for t in m.tasks] == [
        (TASK_A, {"普及部": Role.LEAD, "学会部": Role.SUPPORTING}, 1, 2),
        (TASK_B, {"学会部": Role.LEAD}, 1, 1),
    ]
    assert (m.totals.tasks, m.totals.departments, m.totals.lead, m.totals.supporting) == (2, 2, 2, 1)
    rows = views.matrix_csv_rows(m)
    assert rows[0][4:6] == ["学会部", "普及部"] and rows[1][4:6] == [
        ROLE_LABELS[Role.SUPPORTING],
        ROLE_LABELS[Role.LEAD],
    ]
    assert rows[-2][4:6] == [2, 1] and rows[-1][4:6] == [1, 1]
    assert views.matrix(tiny, "other").tasks == []


def test_matrix_csv_neutralises_formulas(tmp_path):
    graph = tiny_graph()
    graph.nodes[POPULAR]["name"] = '=HYPERLINK("http://x","y")'
    graph.nodes[TASK_A]["title"] = "@SUM(1)"
    with home_env(tmp_path):
        publish_graph(graph, tmp_path)
        state.install(SubstringSearcher(graph))
        try:
            response = create_app({"TESTING": True}).test_client().get("/matrix.csv")
        finally:
            state.reset()
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert '\'=HYPERLINK("http://x","y")' in rows[0]
    assert rows[1][3] == "'@SUM(1)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_network(tiny):
    net = views.network(tiny)
    ids = {n.id for n in net.nodes}
    assert {TASK_A, TASK_B, POPULAR, KECHUANG} <= ids and FIGURE not in ids and PARAGRAPH not in ids
    lead = [e for e in net.edges if e.role == Role.LEAD]
    assert {(e.from_, e.to) for e in lead} == {(POPULAR, TASK_A), (SOCIETY, TASK_B)}
    assert all(e.type != EdgeType.PART_OF for e in net.edges)
    figures = views.network(tiny, DOC, (NodeType.PARAGRAPH, NodeType.FIGURE))
    assert {n.id for n in figures.nodes} == {PARAGRAPH, FIGURE} and len(figures.edges) == 1
    assert views.network(tiny, "other", (NodeType.TASK, NodeType.DEPARTMENT)).nodes == []
    assert all(len(n.label) <= views.LABEL_CHARS for n in net.nodes)


def test_path_between_two_entities(tiny):
    found = views.path_between(tiny, KECHUANG, SOCIETY)
    assert (
        found.found and found.from_.node == KECHUANG and [n.node for n in found.nodes[0]] == [KECHUANG, TASK_A, SOCIETY]
    )
    assert found.steps[0][0].relation == EdgeType.MENTIONS and found.evidence
    missing = views.path_between(tiny, PARAGRAPH, HAIZHI)
    assert not missing.found and missing.nodes == [] and "没有找到" in missing.answer


def test_a_search_result_gets_what_the_graph_knows(tiny):
    result = SubstringSearcher(tiny).search("海智计划").results[0]
    hit = views.hit(tiny, result)
    assert (hit.node, hit.lead, hit.programmes) == (TASK_B, "学会部", ["海智计划", "科创中国"])
    assert hit.url == f"/tasks/{DOC}/1.1.2" and hit.source is not None and hit.kind == UnitKind.TASK
    stale = SearchResult(1, 1.0, DOC, "9.9", UnitKind.TASK, "", "", [], [], [], "task:plan/9.9", [])
    assert views.hit(tiny, stale).url is None


def test_examples_are_filled_from_the_graph(tiny):
    assert examples(tiny, ("{Programme}涉及哪些部门", "{Department}和{Department2}", "{Place3}")) == [
        "科创中国涉及哪些部门",
        "学会部和普及部",
    ]
    with pytest.raises(ValueError, match="unknown node type"):
        examples(tiny, ("{Nothing}",))


def test_questions_are_told_from_keywords():
    assert looks_like_question("海智计划涉及哪些部门", None) and looks_like_question("科普？", None)
    assert looks_like_question("科普", "department_tasks") and not looks_like_question("国际合作交流渠道", "search")
