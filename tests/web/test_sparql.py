"""The SPARQL 1.1 Protocol endpoint, its editor page and the export downloads, through Flask's test client."""

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.request
import zipfile
from urllib.parse import urlencode

import networkx as nx
import pytest
from rdflib import Graph

from graph.sparql_examples import load_templates
from web.app import create_app
from web.commands.serve import start_background
from web.state import current

TASKS = "SELECT ?n WHERE { ?t a pkg:Task ; pkg:number ?n } ORDER BY ?n"
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def client(built_home):
    return create_app({"TESTING": True, "SPARQL_TIMEOUT": 1, "SPARQL_MAX_ROWS": 1000}).test_client()


@pytest.fixture(scope="module")
def examples(client):
    return {e.key: e for e in current().rdf_store.examples}


def numbers(response) -> list[str]:
    return [b["n"]["value"] for b in response.get_json(force=True)["results"]["bindings"]]


def test_get_post_form_and_post_query_agree(client):
    by_get = client.get("/sparql", query_string={"query": TASKS}, headers={"Accept": JSON})
    by_form = client.post("/sparql", data={"query": TASKS}, headers={"Accept": JSON})
    by_body = client.post(
        "/sparql", data=TASKS.encode(), headers={"Content-Type": "application/sparql-query", "Accept": JSON}
    )
    for r in (by_get, by_form, by_body):
        assert r.status_code == 200 and r.mimetype == JSON and r.headers["X-Result-Count"] == "33"
    assert numbers(by_get) == numbers(by_form) == numbers(by_body) and len(numbers(by_get)) == 33


def test_example_query_through_the_endpoint_lists_each_departments_tasks(client, examples):
    r = client.post("/sparql", data={"query": examples["all-department-tasks"].query})
    rows = r.get_json(force=True)["results"]["bindings"]
    assert r.status_code == 200 and len({b["department"]["value"] for b in rows}) == 8
    assert len({b["number"]["value"] for b in rows}) == 33


@pytest.mark.parametrize(
    "accept, mimetype",
    [
        (None, JSON),
        ("*/*", JSON),
        ("application/json", "application/json"),
        ("text/csv", "text/csv"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/html;q=0.9, text/csv", "text/csv"),
    ],
)
def test_select_content_negotiation(client, accept, mimetype):
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", query_string={"query": TASKS}, headers=headers)
    assert r.status_code == 200 and r.mimetype == mimetype
    if mimetype == "text/csv":
        assert r.mimetype_params["charset"] == "utf-8"
        rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
        assert rows[0] == ["n"] and len(rows) == 34


@pytest.mark.parametrize("accept, parser", [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_construct_and_describe_as_turtle_and_jsonld(client, examples, accept, parser):
    construct = "CONSTRUCT { ?t pkg:leadUnit ?d } WHERE { ?t pkg:leadUnit ?d }"
    r = client.get("/sparql", query_string={"query": construct}, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == accept
    assert len(Graph().parse(data=r.data, format=parser)) == 33 == int(r.headers["X-Result-Count"])
    describe = examples["describe-programme"]
    r = client.get("/sparql", query_string={"query": describe.query}, headers={"Accept": accept})
    assert r.status_code == 200 and describe.slots["programme"] in r.get_data(as_text=True)


def test_format_parameter_overrides_accept(client):
    r = client.get("/sparql", query_string={"query": TASKS, "format": "csv"}, headers={"Accept": JSON})
    assert r.mimetype == "text/csv"


def test_unacceptable_format_is_406(client):
    r = client.get("/sparql", query_string={"query": TASKS}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406 and "no acceptable format" in r.get_json()["error"]
    r = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
    assert r.status_code == 406


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, "Update is refused"),
        ({"data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, "Update is refused"),
        (
            {"data": b"DELETE WHERE { ?s ?p ?o }", "headers": {"Content-Type": "application/sparql-update"}},
            "Update is refused",
        ),
        ({"data": {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}}, "SERVICE"),
        ({"data": {"query": "SELECT * FROM <http://example.org/x> WHERE { ?s ?p ?o }"}}, "FROM"),
        ({"data": {"query": TASKS, "default-graph-uri": "http://example.org/g"}}, "default-graph-uri"),
        ({"data": {"query": TASKS, "named-graph-uri": "file:///etc/passwd"}}, "named-graph-uri"),
        ({"data": {"query": "SELECT * WHERE { GRAPH <file:///etc/passwd> { ?s ?p ?o } }"}}, "GRAPH"),
        ({"data": {"query": "SELECT ?x WHERE { ?x"}}, "malformed"),
        ({"data": {"query": "SELECT * WHERE { ?s undeclared:p ?o }"}}, "malformed"),
    ],
)
def test_refused_queries_are_400_with_a_json_error(client, kwargs, message):
    r = client.post("/sparql", **kwargs)
    assert r.status_code == 400 and r.mimetype == "application/json"
    assert message in r.get_json()["error"]


def test_endless_query_is_stopped_with_503(client):
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    r = client.get("/sparql", query_string={"query": endless})
    assert r.status_code == 503 and "time limit" in r.get_json()["error"]


def test_result_cap_is_signalled(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": JSON})
    assert r.status_code == 200 and r.headers["X-Result-Truncated"] == "true"
    assert len(r.get_json(force=True)["results"]["bindings"]) == 1000


def test_missing_query_is_400_for_machines(client):
    r = client.get("/sparql", headers={"Accept": JSON})
    assert r.status_code == 400 and "missing" in r.get_json()["error"]


def test_editor_page(client, examples):
    r = client.get("/sparql", headers={"Accept": "text/html"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert "<textarea" in page and "运行查询" in page and "default-src 'self'" in r.headers["Content-Security-Policy"]
    for example in examples.values():
        assert example.title in page
    start = page.index('id="examples">') + len('id="examples">')
    embedded = json.loads(page[start : page.index("</script>", start)])
    assert embedded == [e.query for e in examples.values()] and len(embedded) == len(load_templates()[1])
    for name in ("ttl", "jsonld", "nt", "graphml", "neo4j-csv"):
        assert f"/api/export/{name}" in page
    assert "<script src=" in page and "cdn" not in page.lower()
    assert client.get("/static/sparql.js").status_code == 200


def test_export_downloads(client):
    ttl = client.get("/api/export/ttl")
    assert ttl.status_code == 200 and ttl.mimetype == "text/turtle"
    assert "attachment" in ttl.headers["Content-Disposition"] and len(Graph().parse(data=ttl.data, format="turtle"))
    graphml = client.get("/api/export/graphml")
    assert nx.read_graphml(io.BytesIO(graphml.data)).number_of_nodes() > 200
    jsonld = client.get("/api/export/jsonld")
    assert jsonld.mimetype == "application/ld+json" and "@context" in jsonld.get_json(force=True)
    neo4j = client.get("/api/export/neo4j-csv")
    with zipfile.ZipFile(io.BytesIO(neo4j.data)) as zf:
        assert sorted(zf.namelist()) == ["nodes.csv", "relationships.csv"]
        assert zf.read("nodes.csv").decode().startswith("id:ID,name,type,:LABEL")
    assert client.get("/api/export/pdf").status_code == 404
    vocab = client.get("/api/vocab.ttl")
    assert vocab.status_code == 200 and len(Graph().parse(data=vocab.data, format="turtle")) > 100


def test_endpoint_without_a_graph_says_to_build(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_HOME", str(tmp_path))
    r = create_app({"TESTING": True}).test_client().get("/sparql", query_string={"query": TASKS})
    assert r.status_code == 503 and "policykg build" in r.get_json()["error"]


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_405_in_json(client, method):
    r = getattr(client, method)("/sparql", data={"query": TASKS})
    assert r.status_code == 405 and r.mimetype == "application/json" and "method" in r.get_json()["error"]
    assert set(r.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_a_too_large_request_is_413_in_json(client):
    body = ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 70_000).encode()
    r = client.post("/sparql", data=body, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and r.mimetype == "application/json" and "too large" in r.get_json()["error"]
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } #" + "x" * 70_000})
    assert r.status_code == 413 and "too long" in r.get_json()["error"]


# -- a real server, many clients at once -------------------------------------------------------------
def _ask(base: str, text: str, accept: str, attempts: int = 100) -> tuple[int, bytes, int]:
    """(status, body, turned away): retried after a 503 that says every worker is busy."""
    url = f"{base}/sparql?{urlencode({'query': text})}"
    for turned_away in range(attempts):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=30) as r:
                return r.status, r.read(), turned_away
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or exc.headers.get("Retry-After") is None:
                return exc.code, exc.read(), turned_away
            time.sleep(0.05)
    raise AssertionError(f"still busy after {attempts} attempts: {text}")


VARIED = [
    (TASKS, "application/sparql-results+json"),
    ("SELECT ?d (COUNT(?t) AS ?c) WHERE { ?d pkg:responsibleFor ?t } GROUP BY ?d ORDER BY DESC(?c) ?d", "text/csv"),
    ("ASK { ?t pkg:number '4.8.2' }", "application/sparql-results+xml"),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+json"),
    ("CONSTRUCT { ?t pkg:leadUnit ?d } WHERE { ?t pkg:leadUnit ?d } ORDER BY ?t", "application/n-triples"),
    ("SELECT ?l WHERE { ?p a pkg:Programme ; skos:prefLabel ?l } ORDER BY ?l LIMIT 20", "text/csv"),
    ("SELECT ?x WHERE { ?x", "application/sparql-results+json"),  # malformed: 400 every time
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "text/csv"),  # refused: 400
]


def test_fifty_concurrent_clients_get_every_answer_right(built_home):
    server, base = start_background(create_app({"SPARQL_TIMEOUT": 10}), threads=8)
    try:
        expected = {(q, a): _ask(base, q, a)[:2] for q, a in VARIED}
        assert [status for status, _ in expected.values()] == [200] * 6 + [400] * 2
        results: list[tuple[tuple[str, str], int, bytes, int]] = []
        lock = threading.Lock()

        def client(n: int) -> None:
            for i in range(len(VARIED)):
                query = VARIED[(n + i) % len(VARIED)]
                status, body, turned_away = _ask(base, *query)
                with lock:
                    results.append((query, status, body, turned_away))

        clients = [threading.Thread(target=client, args=(n,)) for n in range(50)]
        for c in clients:
            c.start()
        health = urllib.request.urlopen(f"{base}/healthz", timeout=10)  # answered while the flood runs
        for c in clients:
            c.join()
    finally:
        server.close()
    assert health.status == 200
    assert len(results) == 50 * len(VARIED)
    wrong = [(q[0], status) for q, status, body, _ in results if (status, body) != expected[q]]
    assert wrong == []
