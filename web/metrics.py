"""Request observability: one structured log line per request and ``/metrics`` in the Prometheus text
format (requests by route, method and status; a latency histogram per route).

Routes are labelled by their rule (``/api/entities/<path:id_>``), never by the requested path, so the
number of series stays fixed; a request that matched no route counts under ``UNMATCHED``. The JSON
views note how many results they answered (``note_results``) and the log line carries it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from bisect import bisect_left
from dataclasses import dataclass, field

from flask import Flask, Response, current_app, g, request

log = logging.getLogger("policykg.access")

# Upper bounds of the latency buckets, in seconds (Prometheus convention); +Inf is implicit.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
UNMATCHED = "(unmatched)"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass
class Histogram:
    counts: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS) + 1))
    total: float = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(BUCKETS, seconds)] += 1
        self.total += seconds


@dataclass
class Metrics:
    """Request counts and latency histograms, safe to update from every worker thread."""

    requests: dict[tuple[str, str, int], int] = field(default_factory=dict)
    latency: dict[str, Histogram] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        with self._lock:
            key = (route, method, status)
            self.requests[key] = self.requests.get(key, 0) + 1
            self.latency.setdefault(route, Histogram()).observe(seconds)

    def render(self) -> str:
        with self._lock:
            requests = sorted(self.requests.items())
            latency = sorted((route, list(h.counts), h.total) for route, h in self.latency.items())
        lines = [
            "# HELP policykg_requests_total Requests answered, by route, method and status.",
            "# TYPE policykg_requests_total counter",
        ]
        for (route, method, status), n in requests:
            lines.append(f'policykg_requests_total{{route="{_label(route)}",method="{method}",status="{status}"}} {n}')
        lines += [
            "# HELP policykg_request_duration_seconds Time to answer a request, by route.",
            "# TYPE policykg_request_duration_seconds histogram",
        ]
        for route, counts, total in latency:
            label = _label(route)
            running = 0
            for bound, n in zip([*map(str, BUCKETS), "+Inf"], counts, strict=True):
                running += n
                lines.append(f'policykg_request_duration_seconds_bucket{{route="{label}",le="{bound}"}} {running}')
            lines.append(f'policykg_request_duration_seconds_sum{{route="{label}"}} {total:.6f}')
            lines.append(f'policykg_request_duration_seconds_count{{route="{label}"}} {running}')
        return "\n".join(lines) + "\n"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def note_results(record: object) -> None:
    """Note, for this request's log line, how many results ``record`` holds: a list's length or its
    ``total``; nothing when it has neither."""
    total = len(record) if isinstance(record, list) else getattr(record, "total", None)
    if isinstance(total, int) and not isinstance(total, bool):
        g.result_count = total


def _start() -> None:
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule else UNMATCHED
    current_app.extensions["metrics"].observe(route, request.method, response.status_code, seconds)
    line = {
        "method": request.method,
        "path": request.path,
        "route": route,
        "status": response.status_code,
        "ms": round(seconds * 1000, 1),
    }
    if "result_count" in g:
        line["results"] = g.result_count
    log.info("%s", json.dumps(line, ensure_ascii=False))
    return response


def metrics() -> Response:
    return Response(current_app.extensions["metrics"].render(), content_type=CONTENT_TYPE)


def install(app: Flask) -> None:
    """Time and log every request of ``app``, and serve its figures at ``/metrics``."""
    app.extensions["metrics"] = Metrics()
    app.before_request(_start)
    app.after_request(_finish)
    app.add_url_rule("/metrics", "metrics", metrics, methods=["GET"])
