"""serve: the web application under waitress (a production WSGI server), building first if needed."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
import threading
import time
from collections import deque

from waitress.channel import HTTPChannel
from waitress.task import ThreadedTaskDispatcher

from graph.home import BUNDLED_CORPUS, current_version, home
from graph.sparql_pool import PoolLimits

from ..output import fail
from ..pipeline import build_all


def ensure_built(quiet: bool = False) -> bool:
    """Build the bundled corpus when nothing is built yet; True when a build ran."""
    if current_version() is not None:
        return False
    print(f"policykg: nothing built in {home()}; building the bundled corpus first …", file=sys.stderr)
    summary = build_all(
        [str(BUNDLED_CORPUS)],
        warn=lambda msg: print(f"警告 warning: {msg}", file=sys.stderr),
        progress=not quiet,
    )
    s = summary["stats"]
    print(f"policykg: built {s.documents} documents, {s.tasks} tasks -> {summary['path']}", file=sys.stderr)
    return True


def url_for(host: str, port: int) -> str:
    try:
        shown = f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        shown = host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1" if host == "0.0.0.0" else "[::1]"
    return f"http://{shown}:{port}/"


# Held connections: waitress's default of 100 open connections lets a hundred idle clients shut
# everyone else out, and an idle one is dropped only after two minutes. Here many more may be open
# (poll() has no descriptor ceiling, unlike select()), an idle one is dropped after 30 s, checked
# every 5 s. Waitress counts any byte as activity, so a client sending one header byte every few
# seconds would never be idle: a request's headers must also arrive whole within HEADER_TIMEOUT_S of
# its first byte, or the connection is closed (at the next byte; a client that falls silent instead
# is idle). The body is not bounded this way: an upload on a slow link may take its time.
CONNECTION_LIMIT = 1000
IDLE_TIMEOUT_S = 30
HEADER_TIMEOUT_S = 10
CLEANUP_INTERVAL_S = 5
# Request threads. SPARQL requests may hold all but FREE_THREADS of them, so /healthz and ordinary
# requests always find one free however many queries are slow; further SPARQL requests wait for a
# thread in line, holding none, rather than being turned away.
THREADS = 16
FREE_THREADS = 2
SPARQL_PATH = "/sparql"


class SparqlShare(ThreadedTaskDispatcher):
    """Waitress's request threads, of which SPARQL requests get at most ``share`` at a time."""

    def __init__(self, share: int):
        super().__init__()
        self.share = share
        self.running = 0  # SPARQL requests given a thread
        self.waiting: deque = deque()  # SPARQL requests in line for one
        self.share_lock = threading.Lock()

    def add_task(self, task) -> None:
        requests = getattr(task, "requests", None)  # a connection with its request to serve next
        if not requests or requests[0].path != SPARQL_PATH:
            super().add_task(task)
            return
        with self.share_lock:
            if self.running >= self.share:
                self.waiting.append(task)
                return
            self.running += 1
        super().add_task(_Shared(task, self))

    def finished(self) -> None:
        """A SPARQL request is done: its thread goes to the next in line, if any."""
        with self.share_lock:
            if not self.waiting:
                self.running -= 1
                return
            task = self.waiting.popleft()
        super().add_task(_Shared(task, self))

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        if cancel_pending:
            with self.share_lock:
                waiting, self.waiting = list(self.waiting), deque()
            for task in waiting:
                task.cancel()
        return super().shutdown(cancel_pending, timeout)


class _Shared:
    """A SPARQL request's task that hands its share on when done."""

    def __init__(self, task, share: SparqlShare):
        self.task, self.share = task, share

    def service(self) -> None:
        try:
            self.task.service()
        finally:
            self.share.finished()

    def cancel(self) -> None:
        self.task.cancel()


class HeaderDeadlineChannel(HTTPChannel):
    """A waitress connection that is closed when a request's headers take longer than ``header_timeout``."""

    header_timeout: float = HEADER_TIMEOUT_S
    request_started = 0.0  # when the first byte of the request being read arrived

    def received(self, data: bytes) -> bool:
        now = time.monotonic()
        pending = self.request
        if pending is not None and not pending.headers_finished and now - self.request_started > self.header_timeout:
            self.will_close = True  # the main loop closes it; nothing of the request is served
            return False
        result = super().received(data)
        if self.request is not pending:  # a new request began in this data
            self.request_started = now
        return result


def make_server(
    app,
    host: str,
    port: int,
    threads: int,
    idle_timeout: float = IDLE_TIMEOUT_S,
    header_timeout: float = HEADER_TIMEOUT_S,
):
    """A waitress server for ``app`` with the connection limits above; raises OSError when it cannot listen."""
    from waitress.server import BaseWSGIServer, create_server

    listeners: dict = {}
    dispatcher = SparqlShare(max(1, threads - FREE_THREADS))
    dispatcher.set_thread_count(threads)
    server = create_server(
        app,
        map=listeners,
        _dispatcher=dispatcher,
        host=host,
        port=port,
        threads=threads,
        ident="policykg",
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=idle_timeout,
        cleanup_interval=min(CLEANUP_INTERVAL_S, idle_timeout),
        asyncore_use_poll=True,
    )
    channel = type(HeaderDeadlineChannel.__name__, (HeaderDeadlineChannel,), {"header_timeout": header_timeout})
    for listener in list(listeners.values()):  # one per address the host name resolves to
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = channel
    return server


def share_with_sparql(threads: int) -> None:
    """Size this process's SPARQL pools to the threads SPARQL requests may hold (``threads`` less
    FREE_THREADS): at most that many workers and a waiting line for the rest, so the pools never turn
    one away, unless ``$POLICYKG_SPARQL_WORKERS`` or ``$POLICYKG_SPARQL_QUEUE`` say otherwise.
    ValueError when they hold something other than a whole number."""
    share = max(1, threads - FREE_THREADS)
    workers = min(PoolLimits.from_env().workers, share)
    os.environ.setdefault("POLICYKG_SPARQL_WORKERS", str(workers))
    os.environ.setdefault("POLICYKG_SPARQL_QUEUE", str(share - workers))


def start_background(app, host: str = "127.0.0.1", port: int = 0, threads: int = 8, **timeouts: float):
    """Serve ``app`` under waitress from a daemon thread; returns (server, base URL). Stop with server.close().

    ``timeouts``: ``idle_timeout`` and ``header_timeout`` in seconds, as for ``make_server``.
    """
    server = make_server(app, host, port, threads, **timeouts)
    threading.Thread(target=server.run, name="policykg-waitress", daemon=True).start()
    return server, url_for(host, server.effective_port)


def cmd_serve(args: argparse.Namespace) -> int:
    if not 0 <= args.port < 65536:
        return fail(f"端口无效 invalid port {args.port}")
    if not 1 <= args.threads <= 64:
        return fail(f"线程数无效 invalid thread count {args.threads} (1-64)")
    share_with_sparql(args.threads)  # a bad setting is a ValueError: one line from the command line
    logging.basicConfig(level=logging.WARNING, format="policykg %(levelname)s %(name)s: %(message)s")
    logging.getLogger("policykg.access").setLevel(logging.INFO)  # one line per request
    ensure_built()
    from .. import state
    from ..app import create_app

    state.serve_stale_while_loading()  # a build published meanwhile loads without holding requests

    app = create_app()
    try:
        server = make_server(app, args.host, args.port, args.threads)
    except OSError as exc:
        return fail(f"无法监听 cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    print(f"policykg: serving on {url_for(args.host, server.effective_port)} (Ctrl+C to stop)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def register(sub) -> None:
    p = sub.add_parser("serve", help="run the web application (waitress), building the bundled corpus if needed")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--threads", type=int, default=THREADS, help=f"request threads (default {THREADS})")
    p.set_defaults(func=cmd_serve)
