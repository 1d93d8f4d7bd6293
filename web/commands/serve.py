"""serve: the web application under waitress (a production WSGI server), building first if needed."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys

from graph.home import BUNDLED_CORPUS, current_version, home

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
# every 5 s.
CONNECTION_LIMIT = 1000
IDLE_TIMEOUT_S = 30
CLEANUP_INTERVAL_S = 5


def make_server(app, host: str, port: int, threads: int):
    """A waitress server for ``app`` with the connection limits above; raises OSError when it cannot listen."""
    from waitress.server import create_server

    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="policykg",
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=IDLE_TIMEOUT_S,
        cleanup_interval=CLEANUP_INTERVAL_S,
        asyncore_use_poll=True,
    )


def start_background(app, host: str = "127.0.0.1", port: int = 0, threads: int = 8):
    """Serve ``app`` under waitress from a daemon thread; returns (server, base URL). Stop with server.close()."""
    import threading

    server = make_server(app, host, port, threads)
    threading.Thread(target=server.run, name="policykg-waitress", daemon=True).start()
    return server, url_for(host, server.effective_port)


def cmd_serve(args: argparse.Namespace) -> int:
    if not 0 <= args.port < 65536:
        return fail(f"端口无效 invalid port {args.port}")
    if not 1 <= args.threads <= 64:
        return fail(f"线程数无效 invalid thread count {args.threads} (1-64)")
    logging.basicConfig(level=logging.WARNING, format="policykg %(levelname)s %(name)s: %(message)s")
    logging.getLogger("policykg.access").setLevel(logging.INFO)  # one line per request
    ensure_built()
    from ..app import create_app

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
    p.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    p.set_defaults(func=cmd_serve)
