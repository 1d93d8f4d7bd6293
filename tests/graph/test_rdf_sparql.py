"""The SPARQL example queries answer what graph/query.py answers; unsafe queries are refused."""

import io
import json
import multiprocessing

import pytest

from graph import query, sparql
from graph.rdf import to_rdf
from web.cli import main

EXAMPLES = {e.key: e.query for e in sparql.EXAMPLES}
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture(scope="module")
def rdf(plan_graph):
    return to_rdf(plan_graph)


def select(rdf, text: str) -> list[dict[str, str]]:
    answer = sparql.run(rdf, sparql.prepare(text), "application/sparql-results+json")
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(answer.body)["results"]["bindings"]]


def _dept_tasks(graph, dept: str) -> list[tuple[str, str]]:
    return [(t["id"], t["role"]) for t in query.entity_record(graph, dept)["tasks"]]


def test_each_departments_tasks_equal_the_graphs(plan_graph, rdf):
    rows = select(rdf, EXAMPLES["all-department-tasks"])
    answered: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        answered.setdefault(r["department"], []).append((r["number"], r["role"]))
    expected = {
        plan_graph.nodes[d]["name"]: _dept_tasks(plan_graph, d) for d in query.nodes_of(plan_graph, "Department")
    }
    assert answered == expected
    assert len(answered) == 8 and len({r["number"] for r in rows}) == 33


def test_one_departments_tasks_equal_the_graphs(plan_graph, rdf):
    rows = select(rdf, EXAMPLES["department-tasks"])
    assert [(r["number"], r["role"]) for r in rows] == _dept_tasks(plan_graph, "department:组人部")


def test_programme_departments_equal_the_graphs(plan_graph, rdf):
    rows = select(rdf, EXAMPLES["programme-departments"])
    answered = {r["department"]: set(r["tasks"].split()) for r in rows}
    behind = query.departments_behind(plan_graph, "programme:海智计划")
    assert answered == {d["name"]: {t["id"] for t in d["tasks"]} for d in behind}
    assert set(answered) == {"国际部", "组人部", "学会部", "省院士专家服务中心"}


def test_tasks_with_several_departments_equal_the_graphs(plan_graph, rdf):
    rows = select(rdf, EXAMPLES["shared-tasks"])
    expected = [t for t in query.tasks(plan_graph) if len(t["departments"]) > 1]
    assert [r["number"] for r in rows] == [t["id"] for t in expected]
    assert [r["number"] for r in rows] == ["4.1.5", "4.1.7", "4.1.8", "4.2.1", "4.8.1", "4.8.2"]
    for r, t in zip(rows, expected, strict=True):
        assert set(r["departments"].split("、")) == set(t["departments"]) and int(r["count"]) == len(t["departments"])


def test_provenance_example_gives_the_source_offsets(plan_graph, rdf):
    rows = select(rdf, EXAMPLES["provenance"])
    task = "task:jiangxi-cast-reform-2021-2025/4.8.2"
    edges = sorted(
        (d["span"]["start"], d["span"]["end"], plan_graph.nodes[u]["name"], d["role"], d["sentence"])
        for u, _, d in plan_graph.in_edges(task, data=True)
        if d["type"] == "responsible_for"
    )
    assert [(int(r["start"]), int(r["end"]), r["department"], r["role"], r["sentence"]) for r in rows] == edges


def test_describe_answers_in_each_rdf_format(rdf):
    prepared = sparql.prepare(EXAMPLES["describe-programme"])
    assert prepared.form == "DESCRIBE"
    turtle = sparql.run(rdf, prepared, "text/turtle")
    assert turtle.content_type.startswith("text/turtle") and "海智计划" in turtle.body.decode()
    jsonld = json.loads(sparql.run(rdf, prepared, "application/ld+json").body)
    assert "@context" in jsonld and turtle.count == sparql.run(rdf, prepared, "application/n-triples").count


@pytest.mark.parametrize(
    "text, message",
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "Update is refused"),
        ("DELETE WHERE { ?s ?p ?o }", "Update is refused"),
        ("CLEAR ALL", "Update is refused"),
        ("LOAD <http://example.org/data.ttl>", "Update is refused"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE SILENT <http://x.org/> { ?s ?p ?o } } }", "SERVICE"),
        ("SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * WHERE { ?s ?p ", "malformed"),
        ("SELECT * WHERE { ?s nope:p ?o }", "malformed"),
        ("   ", "empty"),
    ],
)
def test_unsafe_or_broken_queries_are_refused(text, message):
    with pytest.raises(sparql.QueryRefused, match=message) as caught:
        sparql.prepare(text)
    assert "\n" not in str(caught.value)


def test_a_service_keyword_inside_a_string_is_fine(rdf):
    assert select(rdf, 'SELECT ?x WHERE { BIND("SERVICE <http://x/> INSERT" AS ?x) }') == [
        {"x": "SERVICE <http://x/> INSERT"}
    ]


def test_an_endless_query_is_stopped_at_the_time_limit(rdf):
    with pytest.raises(sparql.QueryTimeout, match="time limit"):
        sparql.run(rdf, sparql.prepare(ENDLESS), "application/sparql-results+json", timeout=1)
    assert multiprocessing.active_children() == []  # the worker was killed and reaped


def test_results_are_capped(rdf):
    answer = sparql.run(rdf, sparql.prepare("SELECT * WHERE { ?s ?p ?o }"), "text/csv", max_rows=5)
    assert answer.truncated and answer.count == 5
    assert len(answer.body.decode().strip().splitlines()) == 6  # header + 5 rows
    small = sparql.run(rdf, sparql.prepare("SELECT * WHERE { ?s a pkg:Task }"), "text/csv", max_rows=100)
    assert not small.truncated and small.count == 33
    graph = sparql.run(rdf, sparql.prepare("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"), "text/turtle", max_rows=7)
    assert graph.truncated and graph.count == 7


def test_a_format_that_does_not_fit_the_query_form_is_refused(rdf):
    with pytest.raises(sparql.QueryRefused, match="use ttl, jsonld, nt"):
        sparql.run(rdf, sparql.prepare("CONSTRUCT WHERE { ?s a pkg:Task }"), "text/csv")


def test_sparql_command(built_home, capsys, monkeypatch):
    assert main(["sparql", EXAMPLES["department-tasks"]]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["number", "title", "role"] and len(out) == 2 + 9
    assert main(["sparql", "SELECT ?n WHERE { ?t pkg:number ?n } ORDER BY ?n LIMIT 2", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "n"
    monkeypatch.setattr("sys.stdin", io.StringIO("ASK { ?t a pkg:Task }"))
    assert main(["sparql", "-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["boolean"] is True
    assert main(["sparql", EXAMPLES["describe-programme"]]) == 0
    assert 'skos:prefLabel "海智计划"@zh' in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["INSERT DATA { <urn:a> <urn:b> <urn:c> }"], "Update is refused"),
        (["SELECT * WHERE { SERVICE <http://x.org/> { ?s ?p ?o } }"], "SERVICE"),
        (["SELECT WHERE"], "malformed"),
        ([ENDLESS, "--timeout", "1"], "time limit"),
        (["SELECT * WHERE { ?s ?p ?o }", "--format", "ttl"], "does not fit"),
    ],
)
def test_sparql_command_refusals_are_one_line(built_home, capsys, argv, message):
    assert main(["sparql", *argv]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
