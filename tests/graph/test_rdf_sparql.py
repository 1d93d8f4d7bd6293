"""SPARQL over the Oxigraph store: the examples answer what graph/query.py answers, Oxigraph and rdflib
agree, unsafe queries are refused before they run, and runaway queries are stopped."""

import io
import json

import pytest
from rdflib.plugins.sparql import prepareQuery

from graph import sparql
from graph.rdf import PREFIXES, to_rdf
from graph.schema import EdgeType, NodeType
from graph.sparql_pool import PoolLimits
from graph.triplestore import open_store, store_folder
from web.cli import main

from ..conftest import served

DOC = "jiangxi-cast-reform-2021-2025"
JSON = "application/sparql-results+json"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
ISSUE_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?d skos:prefLabel ?l . FILTER(STR(?l) = "学会部")
 { ?d ?p ?t } UNION { ?t ?p ?d } ?t a ?type . FILTER(CONTAINS(LCASE(STR(?type)), "task")) }"""


@pytest.fixture(scope="module")
def store(built_home):
    opened = open_store(store_folder(served(built_home).path), PoolLimits(workers=2, queue=2))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def examples(store):
    return {e.key: e for e in store.examples}


@pytest.fixture(scope="module")
def rdf(plan_graph):
    return to_rdf(plan_graph)


def select(store, text: str) -> list[dict[str, str]]:
    answer = sparql.run(store.pool, sparql.prepare(text), JSON)
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(answer.body)["results"]["bindings"]]


def _responsible(graph) -> list[tuple[str, str, str]]:
    """(department, task, role) for every responsibility, tasks in document order."""
    edges = [(u, v, d["role"]) for u, v, d in graph.edges(data=True) if d["type"] == EdgeType.RESPONSIBLE_FOR]
    return sorted(edges, key=lambda e: (graph.nodes[e[1]]["doc"], graph.nodes[e[1]]["order"], e[0]))


def _dept_tasks(graph, name: str) -> list[tuple[str, str]]:
    return [(graph.nodes[t]["id"], role) for d, t, role in _responsible(graph) if graph.nodes[d]["name"] == name]


def _departments(graph) -> set[str]:
    return {a["name"] for _, a in graph.nodes(data=True) if a["type"] == NodeType.DEPARTMENT}


def _task_departments(graph) -> dict[str, set[str]]:
    """Task number -> names of its departments, tasks in document order."""
    out: dict[str, set[str]] = {}
    for d, t, _ in _responsible(graph):
        out.setdefault(graph.nodes[t]["id"], set()).add(graph.nodes[d]["name"])
    return out


def test_the_store_holds_what_rdflib_builds(store, rdf):
    assert store.info.triples == len(rdf) > 5000
    assert store.info.base == "https://policykg.example/id/" and store.info.bytes > 0


def test_each_departments_tasks_equal_the_graphs(plan_graph, store, examples):
    example = examples["all-department-tasks"]
    assert example.slots == {"document": plan_graph.nodes[f"doc:{DOC}"]["title"]}
    answered: dict[str, list[tuple[str, str]]] = {}
    for r in select(store, example.query):
        answered.setdefault(r["department"], []).append((r["number"], r["role"]))
    assert answered == {name: _dept_tasks(plan_graph, name) for name in _departments(plan_graph)}
    assert len(answered) == 8


def test_the_department_example_picks_the_busiest_department(plan_graph, store, examples):
    example = examples["department-tasks"]
    name = example.slots["department"]
    counts = {n: len(_dept_tasks(plan_graph, n)) for n in _departments(plan_graph)}
    assert counts[name] == max(counts.values()) and name in example.title
    rows = select(store, example.query)
    assert [(r["number"], r["role"]) for r in rows] == _dept_tasks(plan_graph, name)


def test_programme_departments_equal_the_graphs(plan_graph, store, examples):
    example = examples["programme-departments"]
    programme = f"programme:{example.slots['programme']}"
    answered = {r["department"]: set(r["tasks"].split()) for r in select(store, example.query)}
    mentioning = {
        u for u, v, d in plan_graph.in_edges(programme, data=True) if plan_graph.nodes[u]["type"] == NodeType.TASK
    }
    expected: dict[str, set[str]] = {}
    for d, t, _ in _responsible(plan_graph):
        if t in mentioning:
            expected.setdefault(plan_graph.nodes[d]["name"], set()).add(plan_graph.nodes[t]["id"])
    assert answered == expected and answered


def test_tasks_with_several_departments_equal_the_graphs(plan_graph, store, examples):
    rows = select(store, examples["shared-tasks"].query)
    expected = {t: names for t, names in _task_departments(plan_graph).items() if len(names) > 1}
    assert [r["number"] for r in rows] == list(expected)
    assert [r["number"] for r in rows] == ["4.1.5", "4.1.7", "4.1.8", "4.2.1", "4.8.1", "4.8.2"]
    for r in rows:
        names = expected[r["number"]]
        assert set(r["departments"].split("、")) == names and int(r["count"]) == len(names)


def test_provenance_example_gives_the_source_offsets(plan_graph, store, examples):
    example = examples["provenance"]
    task = f"task:{DOC}/{example.slots['task']}"
    edges = sorted(
        (d["span"]["start"], d["span"]["end"], plan_graph.nodes[u]["name"], d["role"], d["sentence"])
        for u, _, d in plan_graph.in_edges(task, data=True)
        if d["type"] == EdgeType.RESPONSIBLE_FOR
    )
    rows = select(store, example.query)
    assert [(int(r["start"]), int(r["end"]), r["department"], r["role"], r["sentence"]) for r in rows] == edges
    assert len(edges) == max(len(names) for names in _task_departments(plan_graph).values())


def test_the_documents_example_counts_each_documents_parts(plan_graph, store, examples):
    rows = select(store, examples["documents"].query)
    doc = f"doc:{DOC}"
    parts = [u for u, _, d in plan_graph.in_edges(doc, data=True) if d["type"] == EdgeType.PART_OF]
    assert [(r["title"], r["number"], int(r["parts"])) for r in rows] == [
        (plan_graph.nodes[doc]["title"], "赣科协字〔2021〕172号", len(parts))
    ]
    assert len(parts) > 3


def test_the_mentions_example_lists_every_mention_of_the_most_mentioned_entity(plan_graph, store, examples):
    example = examples["entity-mentions"]
    name = example.slots["entity"]
    mentions = sorted(
        d["span"]["start"]
        for u, v, d in plan_graph.edges(data=True)
        if d["type"] == EdgeType.MENTIONS and plan_graph.nodes[v]["name"] == name
    )
    rows = select(store, example.query)
    assert [int(r["start"]) for r in rows] == mentions and len(mentions) > 5
    assert all(r["sentence"] for r in rows) and name in example.title


def test_describe_answers_in_each_rdf_format(store, examples):
    prepared = sparql.prepare(examples["describe-programme"].query)
    assert prepared.form == "DESCRIBE"
    turtle = sparql.run(store.pool, prepared, "text/turtle")
    name = examples["describe-programme"].slots["programme"]
    assert turtle.content_type.startswith("text/turtle") and name in turtle.body.decode()
    jsonld = json.loads(sparql.run(store.pool, prepared, "application/ld+json").body)
    assert "@context" in jsonld and turtle.count == sparql.run(store.pool, prepared, "application/n-triples").count


# Oxigraph and rdflib give the same answers (as sets of rows; order where the query orders).
SAME_ANSWERS = [
    "SELECT ?n WHERE { ?t a pkg:Task ; pkg:number ?n } ORDER BY ?n",
    "SELECT ?d (COUNT(?t) AS ?c) WHERE { ?d pkg:responsibleFor ?t } GROUP BY ?d ORDER BY DESC(?c) ?d",
    "SELECT ?s ?o WHERE { ?s pkg:leadUnit ?o }",
    "SELECT DISTINCT ?type WHERE { ?s a ?type }",
    "SELECT ?label WHERE { ?p a pkg:Programme ; skos:prefLabel ?label FILTER(CONTAINS(STR(?label), '科')) }",
    "SELECT ?t ?start WHERE { ?t pkg:number '4.1.5' ; prov:wasDerivedFrom ?s . ?s pkg:startOffset ?start }",
    "SELECT ?doc ?title ?d WHERE { ?doc a pkg:Document ; dcterms:title ?title OPTIONAL { ?doc dcterms:issued ?d } }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?task WHERE { ?task a pkg:Task MINUS { ?task pkg:supportingUnit ?d } }",
    "SELECT ?a ?b WHERE { ?t pkg:leadUnit ?a ; pkg:supportingUnit ?b } ORDER BY ?a ?b LIMIT 5 OFFSET 2",
    "SELECT ?x WHERE { VALUES ?x { 1 2 3 } FILTER(?x > 1) }",
    "ASK { ?t a pkg:Task ; pkg:number '4.8.2' }",
    "ASK { ?t a pkg:Task ; pkg:number 'no such task' }",
]


def _rdflib_rows(rdf, text: str):
    result = rdf.query(prepareQuery(text, initNs=PREFIXES))
    if result.type == "ASK":
        return result.askAnswer
    return [tuple("" if t is None else str(t) for t in row) for row in result]


def _oxigraph_rows(store, text: str):
    prepared = sparql.prepare(text)
    data = json.loads(sparql.run(store.pool, prepared, JSON).body)
    if "boolean" in data:
        return data["boolean"]
    names = data["head"]["vars"]
    return [tuple(b.get(n, {}).get("value", "") for n in names) for b in data["results"]["bindings"]]


@pytest.mark.parametrize("text", SAME_ANSWERS)
def test_oxigraph_and_rdflib_agree(rdf, store, text):
    ours, theirs = _oxigraph_rows(store, text), _rdflib_rows(rdf, text)
    if isinstance(ours, bool):
        assert ours == theirs
    elif "ORDER BY" in text:
        assert ours == theirs and ours
    else:
        assert sorted(ours) == sorted(theirs) and ours


def test_construct_where_with_a_limit_works(store, rdf):
    """rdflib cannot run ``CONSTRUCT WHERE { … } LIMIT n``; Oxigraph can."""
    answer = sparql.run(store.pool, sparql.prepare("CONSTRUCT WHERE { ?s a pkg:Task } LIMIT 5"), "text/turtle")
    assert answer.count == 5 and not answer.truncated and answer.body.decode().count("pkg:Task") == 5


def test_the_issue_query_counts_the_departments_tasks(plan_graph, store):
    """The query that took rdflib 14 s: every task linked to 学会部 either way."""
    dept = next(n for n, a in plan_graph.nodes(data=True) if a["type"] == NodeType.DEPARTMENT and a["name"] == "学会部")
    linked = {*plan_graph.successors(dept), *plan_graph.predecessors(dept)}
    expected = sum(1 for n in linked if plan_graph.nodes[n]["type"] == NodeType.TASK)
    assert select(store, ISSUE_QUERY) == [{"n": str(expected)}] and expected == 9


@pytest.mark.parametrize(
    "text, message",
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "Update is refused"),
        ("PREFIX x: <urn:x#> DELETE WHERE { ?s ?p ?o }", "Update is refused"),
        ("CLEAR ALL", "Update is refused"),
        ("LOAD <http://example.org/data.ttl>", "Update is refused"),
        ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "Update is refused"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { service silent <http://x.org/> { ?s ?p ?o } } }", "SERVICE"),
        ("SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * FROM NAMED <urn:g> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * WHERE { GRAPH <file:///etc/passwd> { ?s ?p ?o } }", "GRAPH"),
        ("hello world", "malformed"),
        ("   ", "empty"),
        ("# only a comment", "empty"),
    ],
)
def test_unsafe_or_broken_queries_are_refused(text, message):
    with pytest.raises(sparql.QueryRefused, match=message) as caught:
        sparql.prepare(text)
    assert "\n" not in str(caught.value)


def test_a_too_long_query_is_refused():
    with pytest.raises(sparql.QueryTooLarge, match="too long"):
        sparql.prepare("SELECT * WHERE { ?s ?p ?o } #" + "x" * sparql.MAX_QUERY_CHARS)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        "ASK { ?s ?p ?o }",
        "DESCRIBE <urn:x>",
        "PREFIX ex: <http://example.org/SERVICE#> SELECT ?x WHERE { ?x ex:from ?y }",
    ],
)
def test_queries_mentioning_refused_words_only_in_names_pass(text):
    assert sparql.prepare(text).form in sparql.FORMS


def test_malformed_queries_are_refused_by_the_worker(store):
    with pytest.raises(sparql.QueryRefused, match="malformed"):
        sparql.run(store.pool, sparql.prepare("SELECT * WHERE { ?s nope:p ?o }"), JSON)
    with pytest.raises(sparql.QueryRefused, match="malformed"):
        sparql.run(store.pool, sparql.prepare("SELECT * WHERE { ?s ?p "), JSON)
    assert select(store, "SELECT ?n WHERE { ?t pkg:number ?n } LIMIT 1")  # the worker lives on


def test_keywords_inside_strings_iris_and_comments_are_fine(store):
    text = 'SELECT ?x WHERE { BIND("SERVICE <http://x/> INSERT FROM" AS ?x) } # GRAPH LOAD'
    assert select(store, text) == [{"x": "SERVICE <http://x/> INSERT FROM"}]
    assert select(store, "SELECT ?x WHERE { BIND(<http://x.org/SERVICE#FROM> AS ?x) }") == [
        {"x": "http://x.org/SERVICE#FROM"}
    ]


def test_an_endless_query_is_stopped_at_the_time_limit(store):
    with pytest.raises(sparql.QueryTimeout, match="time limit"):
        sparql.run(store.pool, sparql.prepare(ENDLESS), JSON, timeout=1)
    # a fresh worker answers the next query
    assert sparql.run(store.pool, sparql.prepare("ASK { ?s ?p ?o }"), JSON).body == b'{"head": {}, "boolean": true}'


def test_results_are_capped(store):
    answer = sparql.run(store.pool, sparql.prepare("SELECT * WHERE { ?s ?p ?o }"), "text/csv", max_rows=5)
    assert answer.truncated and answer.count == 5
    lines = answer.body.decode().strip().splitlines()
    assert len(lines) == 6 and lines[0] == "s,p,o"  # header (in order of appearance) + 5 rows
    small = sparql.run(store.pool, sparql.prepare("SELECT * WHERE { ?s a pkg:Task }"), "text/csv", max_rows=100)
    assert not small.truncated and small.count == 33
    graph = sparql.run(
        store.pool, sparql.prepare("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"), "text/turtle", max_rows=7
    )
    assert graph.truncated and graph.count == 7


def test_xml_results(store):
    prepared = sparql.prepare("SELECT ?n WHERE { ?t pkg:number ?n } ORDER BY ?n LIMIT 2")
    answer = sparql.run(store.pool, prepared, sparql.FORMAT_NAMES["xml"])
    body = answer.body.decode()
    assert answer.content_type == "application/sparql-results+xml; charset=utf-8"
    assert body.count("<result>") == 2 and '<variable name="n"/>' in body


def test_a_format_that_does_not_fit_the_query_form_is_refused(store):
    with pytest.raises(sparql.QueryRefused, match="use ttl, jsonld, nt"):
        sparql.run(store.pool, sparql.prepare("CONSTRUCT WHERE { ?s a pkg:Task }"), "text/csv")


def test_sparql_command(built_home, capsys, monkeypatch, examples):
    assert main(["sparql", examples["department-tasks"].query]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["number", "title", "role"] and len(out) > 3
    assert main(["sparql", "SELECT ?n WHERE { ?t pkg:number ?n } ORDER BY ?n LIMIT 2", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "n"
    monkeypatch.setattr("sys.stdin", io.StringIO("ASK { ?t a pkg:Task }"))
    assert main(["sparql", "-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["boolean"] is True
    assert main(["sparql", examples["describe-programme"].query]) == 0
    assert f'skos:prefLabel "{examples["describe-programme"].slots["programme"]}"@zh' in capsys.readouterr().out
    assert main(["sparql", "SELECT ?t WHERE { ?t pkg:number '4.8.2' }"]) == 0
    assert f"<task/{DOC}/4.8.2>" in capsys.readouterr().out  # node IRIs shown relative to the base


@pytest.mark.parametrize(
    "argv, message",
    [
        (["INSERT DATA { <urn:a> <urn:b> <urn:c> }"], "Update is refused"),
        (["SELECT * WHERE { SERVICE <http://x.org/> { ?s ?p ?o } }"], "SERVICE"),
        (["SELECT WHERE"], "malformed"),
        (["SELECT * WHERE { ?s ?p"], "malformed"),
        ([ENDLESS, "--timeout", "1"], "time limit"),
        (["SELECT * WHERE { ?s ?p ?o }", "--format", "ttl"], "does not fit"),
    ],
)
def test_sparql_command_refusals_are_one_line(built_home, capsys, argv, message):
    assert main(["sparql", *argv]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
