"""The SPARQL worker pool: a full waiting line turns queries away at once, a query past its memory
limit ends its worker (not the server), and closing the pool leaves no worker behind."""

import threading
import time

import psutil
import pytest

from graph import sparql
from graph.sparql_pool import PoolLimits, QueryPool
from graph.triplestore import open_store, store_folder

from ..conftest import served

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
ASK = sparql.prepare("ASK { ?s ?p ?o }")
JSON = "application/sparql-results+json"


def _workers() -> list[psutil.Process]:
    return [p for p in psutil.Process().children() if "graph.sparql_worker" in " ".join(p.cmdline())]


@pytest.fixture
def folder(built_home):
    return store_folder(served(built_home).path)


def test_a_full_waiting_line_turns_queries_away_at_once(folder):
    store = open_store(folder, PoolLimits(workers=1, queue=0))
    outcome: list[BaseException] = []

    def endless() -> None:
        try:
            sparql.run(store.pool, sparql.prepare(ENDLESS), JSON, timeout=5)
        except sparql.SparqlError as exc:
            outcome.append(exc)

    runner = threading.Thread(target=endless)
    runner.start()
    busy = None
    deadline = time.monotonic() + 5
    while busy is None and time.monotonic() < deadline and runner.is_alive():
        try:
            sparql.run(store.pool, ASK, JSON, timeout=5)
        except sparql.QueryBusy as exc:
            busy = exc
    runner.join()
    store.close()
    assert busy is not None and "try again" in str(busy)
    assert len(outcome) == 1 and isinstance(outcome[0], sparql.QueryTimeout)


def test_a_query_past_its_memory_limit_ends_only_its_worker(folder):
    store = open_store(folder, PoolLimits(workers=1, queue=0, memory=300 * 1024**2))
    sorted_product = sparql.prepare("SELECT ?a ?b WHERE { ?a ?x ?y . ?b ?z ?w } ORDER BY ?a ?b ?y ?w")
    with pytest.raises(sparql.QueryStopped, match="memory limit"):
        sparql.run(store.pool, sorted_product, JSON, timeout=60)
    assert sparql.run(store.pool, ASK, JSON).body == b'{"head": {}, "boolean": true}'
    store.close()


def test_closing_the_pool_ends_its_workers(folder):
    before = {p.pid for p in _workers()}
    store = open_store(folder, PoolLimits(workers=2, queue=0))
    store.pool.warm()
    started = [p for p in _workers() if p.pid not in before]
    assert len(started) == 1
    store.close()
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in started)


def test_a_store_that_cannot_be_opened_is_a_clear_failure(tmp_path):
    pool = QueryPool(tmp_path / "missing")
    with pytest.raises(sparql.QueryFailed, match="cannot open the RDF store"):
        pool.run("ASK { ?s ?p ?o }", JSON, 5, 1)
