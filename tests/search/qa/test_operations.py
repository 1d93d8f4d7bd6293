from graph.schema import NodeType
from search.qa.mentions import Texts
from search.qa.operations import (
    citing,
    departments_of,
    in_scope,
    intersect,
    tasks_in,
    tasks_of,
    unite,
    units_containing,
    units_mentioning,
    with_several_departments,
)
from tests.graph.citing_corpus import build_citing_graph

T1, T2 = "task:mini/1.1.1", "task:mini/1.1.2"
POP, SOC = "department:普及部", "department:学会部"


def test_tasks_of_a_department_by_role_with_their_responsibility_lines(mini_graph):
    assert list(tasks_of(mini_graph, SOC)) == [T1, T2]
    assert list(tasks_of(mini_graph, SOC, "lead")) == [T2]
    assert list(tasks_of(mini_graph, SOC, "supporting")) == [T1]
    assert list(tasks_of(mini_graph, POP, "supporting")) == []
    [line] = tasks_of(mini_graph, SOC, "lead")[T2]
    assert "责任部室" in line.text and line.task == "1.1.2" and line.source["end"] > line.source["start"]


def test_mentions_containment_and_every_task_in_scope(mini_graph):
    assert list(units_mentioning(mini_graph, "programme:海智计划")) == [T2]
    assert units_mentioning(mini_graph, "programme:海智计划")[T2][0].text.startswith("实施")
    found = units_containing(mini_graph, Texts(mini_graph), "学术年会")
    assert list(found) == [T2] and "学术年会" in found[T2][0].text
    every = tasks_in(mini_graph, ["doc:mini"])
    assert list(every) == [T1, T2] and every[T1][0].text.startswith("1.建设科普教育基地")


def test_combining_and_departments_of_tasks(mini_graph):
    shared = intersect(mini_graph, [tasks_of(mini_graph, POP), tasks_of(mini_graph, SOC)])
    assert list(shared) == [T1] and len(shared[T1]) == 2  # both responsibility lines
    assert list(unite(mini_graph, [tasks_of(mini_graph, POP), tasks_of(mini_graph, SOC)])) == [T1, T2]
    assert list(with_several_departments(mini_graph, tasks_in(mini_graph))) == [T1]
    assert list(departments_of(mini_graph, [T1, T2])) == [POP, SOC]  # in the order the lines name them
    assert list(departments_of(mini_graph, [T1, T2], "lead")) == [POP, SOC]
    assert list(departments_of(mini_graph, [T1], "supporting")) == [SOC]


def test_documents_citing_a_document_or_any_version_of_it(tmp_path):
    graph = build_citing_graph(tmp_path)
    for version in ("doc:law-2001", "doc:law-2023"):
        found = citing(graph, version)
        assert {graph.nodes[n]["doc"] for n in found} == {"notice", "plan"}
        assert all(evidence for evidence in found.values())
    assert "doc:plan" in citing(graph, "doc:notice") and citing(graph, "doc:plan") == {}


def test_the_scope_test_holds_exactly_the_tasks_the_scope_lists(tmp_path):
    graph = build_citing_graph(tmp_path)
    documents = sorted(n for n, a in graph.nodes(data=True) if a.get("type") == NodeType.DOCUMENT)
    assert len(documents) >= 2
    for scope in (None, documents[:1], documents[1:]):
        held = in_scope(graph, scope)
        listed = set(tasks_in(graph, scope))
        assert listed and {n for n in graph.nodes if held(n)} == listed
    assert set(tasks_in(graph, documents[:1])) < set(tasks_in(graph))
