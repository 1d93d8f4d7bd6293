"""Request log lines and /metrics on a tiny home (a hand-built graph, a substring searcher)."""

from __future__ import annotations

import json
import logging
import re
import threading

import pytest

from tests.conftest import home_env
from tests.fixtures.graphs import DOC, publish_graph, tiny_graph
from tests.fixtures.searcher import SubstringSearcher
from web import state
from web.app import create_app
from web.metrics import BUCKETS, UNMATCHED, Metrics

GRAPH = tiny_graph()


@pytest.fixture
def client(tmp_path):
    with home_env(tmp_path):
        publish_graph(GRAPH, tmp_path)
        state.install(SubstringSearcher(GRAPH))
        try:
            yield create_app({"TESTING": True}).test_client()
        finally:
            state.reset()


def samples(text: str) -> dict[str, float]:
    """``name{labels} value`` lines of a Prometheus text page, keyed by everything before the value."""
    return {k: float(v) for k, v in re.findall(r"^([a-z_]+\{[^}]*\}) (\S+)$", text, re.M)}


def test_one_structured_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="policykg.access"):
        assert client.get(f"/api/tasks?doc={DOC}").status_code == 200
        assert client.get("/api/search?q=科普").status_code == 200
        assert client.get("/nope").status_code == 404
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "policykg.access"]
    assert [(x["method"], x["path"], x["status"]) for x in lines] == [
        ("GET", "/api/tasks", 200),
        ("GET", "/api/search", 200),
        ("GET", "/nope", 404),
    ]
    assert lines[0]["results"] == 2 and lines[0]["route"] == "/api/tasks"
    assert isinstance(lines[1]["results"], int)
    assert "results" not in lines[2] and lines[2]["route"] == UNMATCHED
    assert all(isinstance(x["ms"], float) and x["ms"] >= 0 for x in lines)


def test_metrics_counts_requests_per_route_in_prometheus_text(client):
    for _ in range(3):
        client.get("/healthz")
    client.get("/api/entities/nobody")
    client.post("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type == "text/plain; version=0.0.4; charset=utf-8"
    text = response.get_data(as_text=True)
    assert "# TYPE policykg_requests_total counter" in text
    assert "# TYPE policykg_request_duration_seconds histogram" in text
    got = samples(text)
    assert got['policykg_requests_total{route="/healthz",method="GET",status="200"}'] == 3
    assert got[f'policykg_requests_total{{route="{UNMATCHED}",method="POST",status="405"}}'] == 1
    assert got['policykg_requests_total{route="/api/entities/<path:id_>",method="GET",status="404"}'] == 1
    buckets = [got[f'policykg_request_duration_seconds_bucket{{route="/healthz",le="{b}"}}'] for b in BUCKETS]
    assert buckets == sorted(buckets)  # cumulative
    assert got['policykg_request_duration_seconds_bucket{route="/healthz",le="+Inf"}'] == 3
    assert got['policykg_request_duration_seconds_count{route="/healthz"}'] == 3


def test_healthz_names_the_served_version(client):
    body = client.get("/healthz").get_json()
    assert body["graph"] == "ready" and re.fullmatch(r"\S+", body["version"])
    assert re.match(r"\d{4}-\d\d-\d\dT", body["built"])


def test_counts_are_exact_under_many_threads():
    metrics = Metrics()

    def hit() -> None:
        for i in range(500):
            metrics.observe("/api/search", "GET", 200, i / 1000)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = samples(metrics.render())
    assert got['policykg_requests_total{route="/api/search",method="GET",status="200"}'] == 4000
    assert got['policykg_request_duration_seconds_bucket{route="/api/search",le="+Inf"}'] == 4000
    assert got['policykg_request_duration_seconds_sum{route="/api/search"}'] == pytest.approx(8 * 124.75, rel=1e-6)


def test_label_values_are_escaped():
    metrics = Metrics()
    metrics.observe('/a"b\\c', "GET", 200, 0.001)
    assert 'route="/a\\"b\\\\c"' in metrics.render()
