"""The graph's read-only queries on a tiny hand-built graph: typed records, in document order."""

from __future__ import annotations

import json

import pytest

from graph import query
from graph.records import (
    DepartmentRecord,
    DocumentRecord,
    EntityRecord,
    FigureRecord,
    PolicyRecord,
    Source,
    TaskRecord,
    to_json,
)
from graph.schema import EdgeType, NodeType, Role
from tests.fixtures.graphs import (
    DOC,
    DOC_NODE,
    FIGURE,
    HAIZHI,
    KECHUANG,
    LAW,
    MUSEUM,
    POPULAR,
    PROVINCE,
    SOCIETY,
    TASK_A,
    TASK_B,
)


def test_tasks_in_document_order_with_departments_lead_first(tiny):
    a, b = query.tasks(tiny)
    assert isinstance(a, TaskRecord) and (a.node, b.node) == (TASK_A, TASK_B)
    assert a.departments == ["普及部", "学会部"] and a.lead == "普及部" and b.lead == "学会部"
    assert a.programmes == ["科创中国"] and a.places == ["江西省"] and a.policies == ["科学技术普及法"]
    assert b.programmes == ["海智计划", "科创中国"]  # in order of mention
    assert b.organisations == ["省科技馆"] and isinstance(a.source, Source) and a.source.end > a.source.start
    assert query.tasks(tiny, DOC) == [a, b] and query.tasks(tiny, "other") == []


def test_unknown_documents_are_named_with_the_known_ones(tiny):
    query.require_document(tiny, DOC)
    with pytest.raises(query.UnknownDocument, match="unknown document 'nope' \\(known: plan\\)"):
        query.require_document(tiny, "nope")


def test_departments_of_a_task_and_what_it_links(tiny):
    assert query.departments_of(tiny, TASK_A) == [(POPULAR, Role.LEAD), (SOCIETY, Role.SUPPORTING)]
    assert query.linked(tiny, TASK_B, NodeType.PROGRAMME) == [HAIZHI, KECHUANG]
    assert query.linked(tiny, TASK_A, NodeType.SECTION) == []  # structure is not a link


def test_mentions_include_whole_documents(tiny):
    mentions = query.mentions_of(tiny, LAW)
    assert [(m.node, m.relation, m.id) for m in mentions] == [
        (DOC_NODE, EdgeType.BASED_ON, None),
        (TASK_A, EdgeType.IMPLEMENTS, "1.1.1"),
    ]
    assert mentions[0].type == NodeType.DOCUMENT and mentions[0].sentence.startswith("根据")


def test_the_departments_behind_a_programme_each_task_once(tiny):
    trace = {d.node: [(t.node, t.role) for t in d.tasks] for d in query.departments_behind(tiny, KECHUANG)}
    assert trace == {POPULAR: [(TASK_A, Role.LEAD)], SOCIETY: [(TASK_A, Role.SUPPORTING), (TASK_B, Role.LEAD)]}
    assert query.departments_behind(tiny, PROVINCE)[0].name == "普及部"


def test_entity_records_by_type(tiny):
    dept = query.entity_record(tiny, SOCIETY)
    assert isinstance(dept, DepartmentRecord) and (dept.lead_count, dept.task_count) == (1, 2)
    assert [(t.node, t.role) for t in dept.tasks] == [(TASK_A, Role.SUPPORTING), (TASK_B, Role.LEAD)]
    programme = query.entity_record(tiny, HAIZHI)
    assert type(programme) is EntityRecord and programme.aliases == ["海智"]
    assert [m.node for m in programme.mentions] == [TASK_B]
    policy = query.entity_record(tiny, LAW)
    assert isinstance(policy, PolicyRecord) and policy.issuer == "省科技馆"
    figure = query.entity_record(tiny, FIGURE)
    assert isinstance(figure, FigureRecord) and (figure.value, figure.year, figure.doc) == (20, 2025, DOC)
    document = query.entity_record(tiny, DOC_NODE)
    assert isinstance(document, DocumentRecord) and document.title == "科普工作试点方案"
    assert query.entity_record(tiny, MUSEUM).type == NodeType.ORGANISATION


def test_stats_count_nodes_and_edges_by_type(tiny):
    s = query.stats(tiny)
    assert (s.documents, s.tasks, s.node_count, s.edge_count) == (1, 2, tiny.number_of_nodes(), tiny.number_of_edges())
    assert s.nodes[NodeType.ITEM] == 2 and NodeType.DOCUMENT not in s.nodes  # documents are counted apart
    assert s.edges[EdgeType.RESPONSIBLE_FOR] == 3 and s.built == "2025-01-01T00:00:00"


def test_records_become_plain_json(tiny):
    data = to_json(query.entity_record(tiny, KECHUANG))
    assert json.loads(json.dumps(data)) == data
    assert data["type"] == "Programme" and data["departments"][1]["tasks"][0]["role"] == "supporting"
    assert data["mentions"][0]["sentence_source"] == {"start": 50, "end": 50 + len(tiny.nodes[TASK_A]["text"])}


def test_documents_with_task_counts_and_citations(citing_graph):
    docs = {d.id: d for d in query.documents(citing_graph)}
    assert [d.id for d in query.documents(citing_graph)] == ["law-2001", "law-2023", "notice", "plan"]
    assert docs["notice"].tasks == 2 and docs["law-2001"].citations == []
    assert [(c.title, c.doc, c.relation) for c in docs["notice"].citations] == [
        ("示范促进法", "law-2023", EdgeType.BASED_ON)
    ]
    missing = docs["plan"].citations[-1]
    assert missing.doc is None and missing.reason


def test_a_policy_record_names_the_documents_it_is(citing_graph):
    record = query.entity_record(citing_graph, "policy:中华人民共和国示范促进法")
    assert [(d.doc, d.date) for d in record.documents] == [("law-2023", "2023-06-01")]
    assert "修订后" in record.documents[0].reason
    assert query.policy_documents(citing_graph, "policy:未收录条例") == []
