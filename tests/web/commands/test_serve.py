"""policykg serve under waitress: idle clients holding connections do not shut others out."""

from __future__ import annotations

import json
import socket
import urllib.request
from contextlib import ExitStack
from urllib.parse import urlsplit

from web.app import create_app
from web.commands.serve import IDLE_TIMEOUT_S, start_background


def test_answers_while_200_idle_connections_are_held(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_HOME", str(tmp_path))
    server, base = start_background(create_app({"TESTING": True}), threads=4)
    address = urlsplit(base)
    try:
        with ExitStack() as stack:
            for _ in range(200):
                stack.enter_context(socket.create_connection((address.hostname, address.port), timeout=5))
            with urllib.request.urlopen(base + "healthz", timeout=10) as response:
                assert response.status == 200
                assert json.loads(response.read())["status"] == "ok"
    finally:
        server.close()


def test_idle_connections_time_out_in_30_s_and_many_may_be_open():
    server, _ = start_background(create_app({"TESTING": True}))
    try:
        assert server.adj.channel_timeout == IDLE_TIMEOUT_S <= 30
        assert server.adj.connection_limit >= 500
    finally:
        server.close()
