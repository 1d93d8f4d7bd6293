"""Load run against the JSON API on loopback: N concurrent clients for T seconds, p50/p95 latency.

    python -m benchmarks.api_load                       # 8 clients, 30 s, /api/search, own server
    python -m benchmarks.api_load --clients 4 --seconds 10 --path /api/ask
    python -m benchmarks.api_load --url http://127.0.0.1:8000/   # an already running server

Without ``--url`` it starts ``policykg serve --port 0`` (waitress) in a subprocess on 127.0.0.1,
building the bundled corpus first if nothing is built in ``$POLICYKG_HOME``, and stops it afterwards.
Only loopback addresses are accepted. The run is bounded by ``--seconds`` and ``--max-requests``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode, urlsplit

from benchmarks.latency import percentile

QUERIES = [
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
]
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def start_server() -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # waitress warns "Task queue depth" under load by design
        text=True,
        env=env,
    )
    line = proc.stdout.readline()  # "policykg: serving on http://127.0.0.1:PORT/ ..."
    if "serving on" not in line:
        proc.terminate()
        raise SystemExit(f"server did not start: {line!r}")
    return proc, line.split("serving on ", 1)[1].split()[0]


def client(host: str, port: int, path: str, param: str, stop: threading.Event, budget, out: list, errors: list):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    i = 0
    while not stop.is_set() and budget():
        q = QUERIES[i % len(QUERIES)]
        i += 1
        url = f"{path}?{urlencode({param: q})}"
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


def run(url: str, path: str, clients: int, seconds: float, max_requests: int) -> dict:
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK:
        raise SystemExit(f"only loopback servers may be load-tested, not {parts.hostname}")
    param = "q"
    lock = threading.Lock()
    issued = [0]

    def budget() -> bool:
        with lock:
            if issued[0] >= max_requests:
                return False
            issued[0] += 1
            return True

    # one warm-up request (loads the graph and the search index)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    conn.request("GET", f"{path}?{urlencode({param: QUERIES[0]})}")
    warm = conn.getresponse()
    warm.read()
    conn.close()
    if warm.status != 200:
        raise SystemExit(f"warm-up request failed with {warm.status}")

    stop = threading.Event()
    latencies: list[float] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=client, args=(parts.hostname, parts.port, path, param, stop, budget, latencies, errors))
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
    return {
        "path": path,
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(latencies),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "requests_per_s": round(len(latencies) / wall, 1) if wall else 0.0,
        "p50_ms": round(statistics.median(ms), 1) if ms else None,
        "p95_ms": round(percentile(ms, 95), 1) if ms else None,
        "p99_ms": round(percentile(ms, 99), 1) if ms else None,
        "max_ms": round(max(ms), 1) if ms else None,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="a running server on loopback (default: start one)")
    p.add_argument("--path", default="/api/search", help="endpoint taking ?q= (default /api/search)")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--max-requests", type=int, default=200_000)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if not 1 <= args.clients <= 64 or not 0 < args.seconds <= 600:
        p.error("--clients must be 1-64 and --seconds 0-600")
    proc = None
    url = args.url
    if not url:
        proc, url = start_server()
    try:
        result = run(url, args.path, args.clients, args.seconds, args.max_requests)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(
            f"{result['path']}: {result['clients']} clients, {result['seconds']} s, {result['requests']} requests "
            f"({result['requests_per_s']}/s), {result['errors']} errors; "
            f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, "
            f"max {result['max_ms']} ms"
        )
        if result["first_error"]:
            print(f"first error: {result['first_error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
