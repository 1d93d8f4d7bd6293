"""Load run against the JSON API on loopback: throughput and p50/p95/p99 latency of ``/api/search``
and ``/api/ask`` at 1, 8 and 50 concurrent clients, with a mix of repeated and unique queries.

    python -m benchmarks.api_load                                  # own server, 1/8/50 clients, 10 s each
    python -m benchmarks.api_load --clients 50 --seconds 30 --path /api/search
    python -m benchmarks.api_load --unique 0.5 --json              # half the queries never seen before
    python -m benchmarks.api_load --url http://127.0.0.1:8000/     # an already running server

A repeated query is one of a short list of common ones (what many users type); a unique query is a
combination of three topic words that no earlier request of the run used, so it misses every cache.
Each request picks one or the other at random (``--unique``, default 0.2 unique; seeded).

Without ``--url`` it starts ``policykg serve --port 0`` (waitress) in a subprocess on 127.0.0.1 (the
server builds the bundled corpus first if nothing is built in ``$POLICYKG_HOME``) and stops it
afterwards. Only loopback addresses are accepted. Each run is bounded by ``--seconds`` and
``--max-requests``.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlencode, urlsplit

from benchmarks.latency import percentile

# What many users type: asked again and again.
REPEATED = {
    "/api/search": [
        "海智计划",
        "科普",
        "学会改革",
        "科技工作者联系服务",
        "数字科协建设",
        "院士工作站",
        "科创中国",
        "党建强会",
        "国际合作交流",
        "基层科协组织",
    ],
    "/api/ask": [
        "海智计划涉及哪些部门",
        "组人部负责几项任务",
        "学会部牵头哪些任务",
        "科创中国由哪个部门负责",
        "普及部配合哪些任务",
    ],
}
# Words combined three at a time into queries no earlier request used.
TOPICS = [
    "科普",
    "人才",
    "学会",
    "院士",
    "创新",
    "基层",
    "青少年",
    "国际",
    "智库",
    "数字化",
    "乡村振兴",
    "企业",
    "高校",
    "服务",
    "平台",
    "培训",
    "评价",
    "奖励",
    "交流",
    "合作",
    "改革",
    "党建",
    "志愿者",
    "场馆",
    "应急",
    "标准",
    "资助",
    "成果转化",
]
ASK_FORMS = ["{}有哪些任务", "哪些任务提到{}"]
CLIENTS = (1, 8, 50)
PATHS = ("/api/search", "/api/ask")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Queries:
    """Each call: a repeated query, or (with probability ``unique``) one no earlier call returned."""

    def __init__(self, path: str, unique: float, seed: int, fresh: itertools.permutations):
        self.path, self.unique = path, unique
        self.random = random.Random(seed)
        self.fresh = fresh
        self.lock = threading.Lock()

    def next(self) -> str:
        with self.lock:
            if self.random.random() >= self.unique:
                return self.random.choice(REPEATED[self.path])
            words = "".join(next(self.fresh))
            return self.random.choice(ASK_FORMS).format(words) if self.path == "/api/ask" else words


@dataclass
class Run:
    path: str
    clients: int
    unique: float
    seconds: float
    requests: int
    errors: int
    first_error: str | None
    requests_per_s: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None


def start_server() -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # waitress warns "Task queue depth" under load by design
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # "policykg: serving on http://127.0.0.1:PORT/ ..."
    if "serving on" not in line:
        proc.terminate()
        raise SystemExit(f"server did not start: {line!r}")
    return proc, line.split("serving on ", 1)[1].split()[0]


def client(host: str, port: int, path: str, queries: Queries, stop: threading.Event, budget, out, errors):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    while not stop.is_set() and budget():
        url = f"{path}?{urlencode({'q': queries.next()})}"
        started = time.perf_counter()
        try:
            conn.request("GET", url)
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            errors.append(str(exc))
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            continue
        elapsed = time.perf_counter() - started
        if response.status == 200:
            out.append(elapsed)
        else:
            errors.append(f"{response.status}: {body[:120].decode('utf-8', 'replace')}")
    conn.close()


def warm_up(host: str, port: int, path: str) -> None:
    """One request that loads the graph, the search index and the model."""
    conn = http.client.HTTPConnection(host, port, timeout=120)
    conn.request("GET", f"{path}?{urlencode({'q': REPEATED[path][0]})}")
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"warm-up request to {path} failed with {response.status}")


def run(url: str, path: str, clients: int, seconds: float, max_requests: int, queries: Queries) -> Run:
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port
    if host not in LOOPBACK or port is None:
        raise SystemExit(f"only loopback servers may be load-tested, not {parts.hostname}")
    lock = threading.Lock()
    issued = [0]

    def budget() -> bool:
        with lock:
            if issued[0] >= max_requests:
                return False
            issued[0] += 1
            return True

    warm_up(host, port, path)
    stop = threading.Event()
    latencies: list[float] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=client, args=(host, port, path, queries, stop, budget, latencies, errors))
        for _ in range(clients)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    deadline = started + seconds
    while time.perf_counter() < deadline and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ms = [x * 1000 for x in latencies]

    def rounded(value: float | None) -> float | None:
        return round(value, 1) if value is not None else None

    return Run(
        path=path,
        clients=clients,
        unique=queries.unique,
        seconds=round(wall, 1),
        requests=len(ms),
        errors=len(errors),
        first_error=errors[0] if errors else None,
        requests_per_s=round(len(ms) / wall, 1) if wall else 0.0,
        p50_ms=rounded(statistics.median(ms) if ms else None),
        p95_ms=rounded(percentile(ms, 95) if ms else None),
        p99_ms=rounded(percentile(ms, 99) if ms else None),
        max_ms=rounded(max(ms) if ms else None),
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="a running server on loopback (default: start one)")
    p.add_argument("--path", action="append", choices=PATHS, help="endpoint (repeatable; default both)")
    p.add_argument("--clients", type=int, action="append", help="concurrent clients (repeatable; default 1, 8, 50)")
    p.add_argument("--seconds", type=float, default=10.0, help="length of each run (default 10)")
    p.add_argument("--unique", type=float, default=0.2, help="share of queries never asked before (default 0.2)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--max-requests", type=int, default=200_000)
    p.add_argument("--json", action="store_true", help="one JSON object per run")
    args = p.parse_args(argv)
    clients = args.clients or list(CLIENTS)
    if not all(1 <= c <= 64 for c in clients) or not 0 < args.seconds <= 600 or not 0 <= args.unique <= 1:
        p.error("--clients must be 1-64, --seconds 0-600 and --unique 0-1")
    fresh = itertools.permutations(random.Random(args.seed).sample(TOPICS, len(TOPICS)), 3)
    proc = None
    url = args.url
    if not url:
        proc, url = start_server()
    try:
        for path in args.path or PATHS:
            for n in clients:
                queries = Queries(path, args.unique, args.seed + n, fresh)
                report(run(url, path, n, args.seconds, args.max_requests, queries), args.json)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    return 0


def report(r: Run, as_json: bool) -> None:
    if as_json:
        print(json.dumps(asdict(r), ensure_ascii=False), flush=True)
        return
    print(
        f"{r.path}: {r.clients} clients, {r.unique:.0%} unique, {r.seconds} s, {r.requests} requests "
        f"({r.requests_per_s}/s), {r.errors} errors; p50 {r.p50_ms} ms, p95 {r.p95_ms} ms, "
        f"p99 {r.p99_ms} ms, max {r.max_ms} ms",
        flush=True,
    )
    if r.first_error:
        print(f"  first error: {r.first_error}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
