"""policykg serve under waitress: idle and slow clients holding connections do not shut others out,
an idle connection is closed after the idle timeout, and a request's headers have a deadline."""

from __future__ import annotations

import http.client
import json
import select
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest

from graph.sparql_pool import PoolLimits
from tests.conftest import home_env
from tests.fixtures.graphs import publish_graph, tiny_graph
from tests.fixtures.searcher import SubstringSearcher
from web import state
from web.app import create_app
from web.commands.serve import (
    FREE_THREADS,
    HEADER_TIMEOUT_S,
    IDLE_TIMEOUT_S,
    SparqlShare,
    share_with_sparql,
    start_background,
)

GRAPH = tiny_graph()
REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow-client\r\n\r\n"
GENEROUS_S = 15  # a bound on "promptly" that a loaded test machine still meets


@pytest.fixture
def tiny_home(tmp_path) -> Iterator[None]:
    with home_env(tmp_path):
        publish_graph(GRAPH, tmp_path)
        state.install(SubstringSearcher(GRAPH))
        yield


def serve(**timeouts: float):
    server, base = start_background(create_app({"TESTING": True}), threads=4, **timeouts)
    address = urlsplit(base)
    return server, base, (address.hostname, address.port)


def drip(sockets: list[socket.socket], every_s: float, stop: threading.Event) -> None:
    """Send the next byte of a request's headers on each socket, one byte every ``every_s`` seconds."""
    sent = 0
    while not stop.wait(every_s) and sent < len(REQUEST):
        for s in sockets:
            try:
                s.send(REQUEST[sent : sent + 1])
            except OSError:
                pass  # closed by the server: what the deadline is for
        sent += 1


def closed_by_server(sock: socket.socket, within_s: float) -> bytes | None:
    """What the server sent before closing ``sock`` within ``within_s`` seconds, or None if it stayed open."""
    received = b""
    deadline = time.monotonic() + within_s
    while (left := deadline - time.monotonic()) > 0:
        if select.select([sock], [], [], left)[0]:
            try:
                chunk = sock.recv(4096)
            except ConnectionResetError:
                return received
            if not chunk:
                return received
            received += chunk
    return None


def test_answers_while_200_idle_and_20_slow_clients_hold_connections(tiny_home):
    server, base, address = serve()
    stop = threading.Event()
    try:
        with ExitStack() as stack:
            for _ in range(200):
                stack.enter_context(socket.create_connection(address, timeout=5))
            slow = [stack.enter_context(socket.create_connection(address, timeout=5)) for _ in range(20)]
            dripper = threading.Thread(target=drip, args=(slow, 1.0, stop))
            dripper.start()
            try:
                with urllib.request.urlopen(base + "healthz", timeout=GENEROUS_S) as response:
                    assert response.status == 200
                    assert json.loads(response.read())["status"] == "ok"
                with urllib.request.urlopen(base + "api/search?q=" + quote("科普"), timeout=GENEROUS_S) as response:
                    assert response.status == 200
                    assert json.loads(response.read())["results"]
            finally:
                stop.set()
                dripper.join()
    finally:
        server.close()


def test_an_idle_connection_is_closed_after_the_idle_timeout(tiny_home):
    server, _, address = serve(idle_timeout=1)
    try:
        with socket.create_connection(address, timeout=5) as idle:
            assert closed_by_server(idle, within_s=GENEROUS_S) == b""
    finally:
        server.close()


def test_headers_dripped_past_the_deadline_close_the_connection_unanswered(tiny_home):
    server, _, address = serve(header_timeout=1)
    stop = threading.Event()
    try:
        with socket.create_connection(address, timeout=5) as slow:
            dripper = threading.Thread(target=drip, args=([slow], 0.2, stop))
            dripper.start()
            try:
                # The request would be complete after len(REQUEST) * 0.2 s, well past the deadline.
                assert closed_by_server(slow, within_s=GENEROUS_S) == b""
            finally:
                stop.set()
                dripper.join()
    finally:
        server.close()


def test_the_header_deadline_is_per_request_not_per_connection(tiny_home):
    server, _, (host, port) = serve(header_timeout=1)
    try:
        connection = http.client.HTTPConnection(host, port, timeout=GENEROUS_S)
        for _ in range(2):
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            assert response.status == 200
            assert json.loads(response.read())["status"] == "ok"
            time.sleep(1.5)  # the same kept-alive connection, longer than one header deadline later
        connection.close()
    finally:
        server.close()


def test_limits_many_connections_short_idle_and_header_timeouts():
    server, _ = start_background(create_app({"TESTING": True}))
    try:
        assert server.adj.channel_timeout == IDLE_TIMEOUT_S <= 30
        assert server.adj.connection_limit >= 500
        assert server.channel_class.header_timeout == HEADER_TIMEOUT_S < IDLE_TIMEOUT_S
    finally:
        server.close()


def test_sparql_queries_may_hold_all_but_the_free_threads(monkeypatch):
    for name in ("POLICYKG_SPARQL_WORKERS", "POLICYKG_SPARQL_QUEUE"):
        monkeypatch.setenv(name, "")  # restored after the test, whatever share_with_sparql sets
        monkeypatch.delenv(name)
    share_with_sparql(16)
    limits = PoolLimits.from_env()
    assert limits.admitted == 16 - FREE_THREADS
    assert 1 <= limits.workers <= limits.admitted


def test_set_sparql_limits_are_kept(monkeypatch):
    monkeypatch.setenv("POLICYKG_SPARQL_WORKERS", "3")
    monkeypatch.setenv("POLICYKG_SPARQL_QUEUE", "0")
    share_with_sparql(16)
    assert PoolLimits.from_env().admitted == 3


def test_a_bad_sparql_limit_is_one_line_and_exit_1(monkeypatch, capsys):
    from web.cli import main

    monkeypatch.setenv("POLICYKG_SPARQL_QUEUE", "many")
    assert main(["serve", "--port", "0"]) == 1
    err = capsys.readouterr().err.strip()
    assert "POLICYKG_SPARQL_QUEUE" in err and "\n" not in err


class FakeRequest:
    """A connection's task as waitress queues it: its next request's path, and a service that blocks."""

    def __init__(self, path: str, log: list[str]):
        self.requests = [SimpleNamespace(path=path)]
        self.release = threading.Event()
        self.started = threading.Event()
        self.log = log

    def service(self) -> None:
        self.started.set()
        self.release.wait(GENEROUS_S)
        self.log.append(self.requests[0].path)

    def cancel(self) -> None:
        self.release.set()


def test_sparql_requests_beyond_their_share_wait_without_a_thread():
    dispatcher = SparqlShare(share=2)
    dispatcher.set_thread_count(4)
    done: list[str] = []
    try:
        queries = [FakeRequest("/sparql", done) for _ in range(5)]
        for q in queries:
            dispatcher.add_task(q)
        assert all(q.started.wait(GENEROUS_S) for q in queries[:2])
        health = FakeRequest("/healthz", done)
        dispatcher.add_task(health)
        assert health.started.wait(GENEROUS_S)  # a free thread, though three queries are waiting
        health.release.set()
        assert not any(q.started.is_set() for q in queries[2:])  # in line, not on a thread
        assert len(dispatcher.waiting) == 3
        for q in queries:
            q.release.set()
        assert all(q.started.wait(GENEROUS_S) for q in queries[2:])  # each one served in the end
    finally:
        dispatcher.shutdown(timeout=GENEROUS_S)
    assert sorted(done) == ["/healthz"] + ["/sparql"] * 5
    assert dispatcher.running == 0
