"""``policykg publish``: the RDF goes into a real Virtuoso (started here on loopback) one named graph per
document, a re-publish replaces the graphs, and Virtuoso answers queries as the embedded store does."""

import base64
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from graph import sparql
from graph.namespaces import PREFIXES
from graph.publish import PASSWORD_ENV, USER_ENV, graph_base, graph_iri
from graph.rdf import DEFAULT_BASE, to_rdf
from graph.triplestore import open_store, store_folder
from web.cli import main

from ..conftest import served

DOC = "jiangxi-cast-reform-2021-2025"
PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
GRAPHS = f"{DEFAULT_BASE}graph/"
INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = .
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # the server is up, whatever it thinks of the request
    except OSError:
        return False


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> Iterator[str]:
    """A fresh Virtuoso on two free loopback ports; its base URL. Stopped at the end."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.fail("virtuoso-t not found: install Debian's virtuoso-opensource (.ci/run does)")
    folder = tmp_path_factory.mktemp("virtuoso")
    ports = {"sql": _free_port(), "http": _free_port()}
    (folder / "virtuoso.ini").write_text(INI.format(**ports))
    log = (folder / "stdout.log").open("wb")
    proc = subprocess.Popen([binary, "-f", "-c", "virtuoso.ini"], cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{ports['http']}"
    try:
        deadline = time.monotonic() + 120
        while not _answers(f"{base}/sparql?query=ASK%7B%7D"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"virtuoso did not start: {(folder / 'virtuoso.log').read_text(errors='replace')[-500:]}")
            time.sleep(0.5)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def virtuoso_select(base: str, text: str) -> list[dict[str, str]]:
    url = f"{base}/sparql?{urlencode({'query': PROLOGUE + text, 'format': 'application/sparql-results+json'})}"
    with urllib.request.urlopen(url, timeout=60) as r:
        data = json.loads(r.read())
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def embedded_select(store, text: str) -> list[dict[str, str]]:
    answer = sparql.run(store.pool, sparql.prepare(text), "application/sparql-results+json")
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(answer.body)["results"]["bindings"]]


def _count_in(base: str, graph: str) -> int:
    rows = virtuoso_select(base, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"])


def _distinct_ours(base: str) -> int:
    text = (
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{GRAPHS}")) }} }}'
    )
    return int(virtuoso_select(base, text)[0]["n"])


@pytest.fixture(scope="module")
def published(virtuoso, built_home):
    """The bundled plan published with Virtuoso's digest-protected graph store and the dba account."""
    os.environ[USER_ENV], os.environ[PASSWORD_ENV] = "dba", "dba"
    try:
        assert main(["publish", "--sparql", f"{virtuoso}/sparql-graph-crud-auth"]) == 0
    finally:
        os.environ.pop(USER_ENV)
        os.environ.pop(PASSWORD_ENV)
    return virtuoso


@pytest.fixture(scope="module")
def store(built_home):
    opened = open_store(store_folder(served(built_home).path))
    yield opened
    opened.close()


def test_one_named_graph_per_document_and_one_for_shared_entities(published, plan_graph, capsys):
    doc_graph, shared = graph_iri(GRAPHS, DOC), graph_iri(GRAPHS, None)
    assert doc_graph == f"{GRAPHS}doc/{DOC}" and shared == f"{GRAPHS}shared"
    assert _count_in(published, doc_graph) > 4000 and _count_in(published, shared) > 100
    assert _distinct_ours(published) == len(to_rdf(plan_graph))


def test_publishing_again_replaces_each_graph(published, capsys):
    before = {g: _count_in(published, g) for g in (graph_iri(GRAPHS, DOC), graph_iri(GRAPHS, None))}
    os.environ[USER_ENV], os.environ[PASSWORD_ENV] = "dba", "dba"
    try:
        assert main(["publish", "--sparql", f"{published}/sparql-graph-crud-auth"]) == 0
    finally:
        os.environ.pop(USER_ENV)
        os.environ.pop(PASSWORD_ENV)
    out = capsys.readouterr().out
    assert f"{GRAPHS}doc/{DOC}:" in out and "published" in out
    assert {g: _count_in(published, g) for g in before} == before


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?n WHERE { ?t a pkg:Task ; pkg:number ?n } ORDER BY ?n",
        "SELECT ?d ?n WHERE { ?t pkg:leadUnit ?x ; pkg:number ?n . ?x skos:prefLabel ?d } ORDER BY ?n ?d",
        "SELECT ?l WHERE { ?p a pkg:Programme ; skos:prefLabel ?l } ORDER BY ?l",
        'SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?d skos:prefLabel ?l . FILTER(STR(?l) = "学会部") '
        '{ ?d ?p ?t } UNION { ?t ?p ?d } ?t a ?type . FILTER(CONTAINS(LCASE(STR(?type)), "task")) }',
        "SELECT ?start ?end WHERE { ?st rdf:predicate pkg:responsibleFor ; prov:wasDerivedFrom ?s . "
        "?s pkg:startOffset ?start ; pkg:endOffset ?end } ORDER BY ?start ?end",
    ],
)
def test_virtuoso_answers_as_the_embedded_store(published, store, text):
    ours = embedded_select(store, text)
    assert virtuoso_select(published, text) == ours and ours


def test_wrong_credentials_are_one_line(virtuoso, built_home, capsys, monkeypatch):
    monkeypatch.setenv(USER_ENV, "dba")
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    assert main(["publish", "--sparql", f"{virtuoso}/sparql-graph-crud-auth"]) == 1
    err = capsys.readouterr().err
    assert "HTTP 401" in err and len(err.strip().splitlines()) == 1


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str | None, bytes]] = []

    def do_PUT(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Authorization") is None:  # ask for credentials, as a protected store does
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="graph store"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.seen.append((self.path, self.headers["Content-Type"], self.headers.get("Authorization"), body))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_basic_auth_and_the_graph_store_protocol(built_home, monkeypatch, capsys):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv(USER_ENV, "editor")
    monkeypatch.setenv(PASSWORD_ENV, "s3cret")
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/store?x=1"
        assert main(["publish", "--sparql", url, "--graph", "urn:policykg:"]) == 0
    finally:
        server.shutdown()
    token = base64.b64encode(b"editor:s3cret").decode()
    paths = sorted(path for path, *_ in _Recorder.seen)
    assert paths == ["/store?x=1&graph=urn%3Apolicykg%3Adoc%2F" + DOC, "/store?x=1&graph=urn%3Apolicykg%3Ashared"]
    assert all(ct.startswith("text/turtle") and auth == f"Basic {token}" for _, ct, auth, _ in _Recorder.seen)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--sparql", "not a url"], "invalid graph store URL"),
        (["--sparql", "http://127.0.0.1:9/x", "--graph", "no-scheme/"], "invalid graph IRI"),
        (["--sparql", "http://127.0.0.1:1/x"], "cannot reach"),
    ],
)
def test_publish_refusals_are_one_line(built_home, capsys, argv, message):
    assert main(["publish", *argv]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_graph_base_defaults_under_the_node_base():
    assert graph_base(None) == GRAPHS
    assert graph_base(None, "http://x.org/id/") == "http://x.org/id/graph/"
    assert Path(graph_iri("urn:g:", "a b")).name == "a%20b"
