"""Load runs against the server on loopback: throughput, p50/p95/p99 latency and errors.

    python -m benchmarks.api_load                                  # own server, 1/8/50 clients, 10 s each
    python -m benchmarks.api_load --clients 50 --seconds 30 --path /api/search
    python -m benchmarks.api_load --unique 0.5 --json              # half the queries never seen before
    python -m benchmarks.api_load --url http://127.0.0.1:8000/     # an already running server
    python -m benchmarks.api_load --mixed --idle 200 --slow 20     # everything at once, 50 clients, 60 s

One run per endpoint (``--path``) drives ``/api/search`` or ``/api/ask`` alone. A repeated query is
one of a short list of common ones (what many users type); a unique query is a combination of three
topic words that no earlier request of the run used, so it misses every cache. Each request picks
one or the other at random (``--unique``, default 0.2 unique; seeded).

``--mixed`` drives every kind of request together, each client picking one at random per request:
search, ask, an entity's JSON (``/api/entities/ID``) and its page (``/entities/ID``), and SPARQL by
GET and by POST (the editor's example queries of ``data/sparql/examples.json``, their slots filled
from the served graph as the editor does). Beside them it holds ``--idle`` TCP connections that
never send a byte and ``--slow`` connections that send one byte of a request's headers every
``--drip`` seconds, opening a new one whenever the server closes one, and asks ``/healthz`` on a
fresh connection every half second. It reports requests, errors and latency per kind, ``/healthz``
latency, and how many held connections the server closed.

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
import selectors
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from urllib.parse import quote, urlencode, urlsplit

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
ENTITIES = 20  # entities whose JSON and page the mixed run asks for
ENTITY_FIELDS = ("departments", "programmes", "organisations", "places")  # of /api/tasks records
SPARQL_QUERY = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"
# What a slow client sends, one byte at a time, again and again.
SLOW_REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow-client\r\n\r\n"
HEALTH_EVERY_S = 0.5


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


@dataclass(frozen=True)
class Call:
    """One HTTP request."""

    method: str
    url: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


Kind = Callable[[], Call]  # the next request of one kind


def searches(path: str, queries: Queries) -> Kind:
    return lambda: Call("GET", f"{path}?{urlencode({'q': queries.next()})}")


class Cycle:
    """The items of a list in turn, thread-safe."""

    def __init__(self, items: list):
        if not items:
            raise SystemExit("nothing to request: the served graph gave no entities or SPARQL examples")
        self._items = itertools.cycle(items)
        self._lock = threading.Lock()

    def next(self):
        with self._lock:
            return next(self._items)


@dataclass
class Tally:
    """The outcome of one kind's requests: latencies of answers with status 200, and errors."""

    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def record(self, status: int, body: bytes, elapsed: float) -> None:
        if status == 200:
            self.seconds.append(elapsed)
        else:
            self.errors.append(f"{status}: {body[:120].decode('utf-8', 'replace')}")


@dataclass
class Run:
    endpoint: str
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

    @classmethod
    def of(cls, endpoint: str, clients: int, unique: float, wall: float, tally: Tally) -> Run:
        ms = [x * 1000 for x in tally.seconds]

        def rounded(value: float | None) -> float | None:
            return round(value, 1) if value is not None else None

        return cls(
            endpoint=endpoint,
            clients=clients,
            unique=unique,
            seconds=round(wall, 1),
            requests=len(ms),
            errors=len(tally.errors),
            first_error=tally.errors[0] if tally.errors else None,
            requests_per_s=round(len(ms) / wall, 1) if wall else 0.0,
            p50_ms=rounded(statistics.median(ms) if ms else None),
            p95_ms=rounded(percentile(ms, 95) if ms else None),
            p99_ms=rounded(percentile(ms, 99) if ms else None),
            max_ms=rounded(max(ms) if ms else None),
        )


@dataclass
class Held:
    """Connections held open beside the load, and how many of them the server closed."""

    idle: int
    slow: int
    closed_idle: int = 0
    closed_slow: int = 0
    connect_failures: int = 0


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


def loopback(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK or parts.port is None:
        raise SystemExit(f"only loopback servers may be load-tested, not {parts.hostname}")
    return parts.hostname, parts.port


def fetch(address: tuple[str, int], call: Call, timeout: float = 120) -> tuple[int, bytes]:
    """One request on a connection of its own: (status, body)."""
    conn = http.client.HTTPConnection(*address, timeout=timeout)
    try:
        conn.request(call.method, call.url, body=call.body, headers=call.headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def client(address, kinds: dict[str, Kind], pick: random.Random, stop, budget, tallies: dict[str, Tally]) -> None:
    names = sorted(kinds)
    conn = http.client.HTTPConnection(*address, timeout=30)
    while not stop.is_set() and budget():
        name = pick.choice(names)
        call = kinds[name]()
        started = time.perf_counter()
        try:
            conn.request(call.method, call.url, body=call.body, headers=call.headers)
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            tallies[name].errors.append(f"{type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection(*address, timeout=30)
            continue
        tallies[name].record(response.status, body, time.perf_counter() - started)
    conn.close()


def warm_up(address: tuple[str, int], kinds: dict[str, Kind]) -> None:
    """One request of each kind: loads the graph, the search index, the model and a SPARQL worker."""
    for name, kind in sorted(kinds.items()):
        status, body = fetch(address, kind())
        if status != 200:
            raise SystemExit(f"warm-up request to {name} failed with {status}: {body[:200]!r}")


def drive(address, kinds: dict[str, Kind], clients: int, seconds: float, max_requests: int, seed: int):
    """``clients`` clients, each sending requests of random kinds for ``seconds``: (wall seconds, tallies)."""
    lock = threading.Lock()
    issued = [0]

    def budget() -> bool:
        with lock:
            if issued[0] >= max_requests:
                return False
            issued[0] += 1
            return True

    stop = threading.Event()
    tallies = {name: Tally() for name in kinds}
    threads = [
        threading.Thread(target=client, args=(address, kinds, random.Random(seed + i), stop, budget, tallies))
        for i in range(clients)
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
    return time.perf_counter() - started, tallies


def run(url: str, path: str, clients: int, seconds: float, max_requests: int, queries: Queries) -> Run:
    address = loopback(url)
    kinds = {path: searches(path, queries)}
    warm_up(address, kinds)
    wall, tallies = drive(address, kinds, clients, seconds, max_requests, seed=clients)
    return Run.of(path, clients, queries.unique, wall, tallies[path])


# -- the mixed run ------------------------------------------------------------------------------------
def get_json(address: tuple[str, int], url: str):
    status, body = fetch(address, Call("GET", url))
    if status != 200:
        raise SystemExit(f"GET {url} failed with {status}: {body[:200]!r}")
    return json.loads(body)


def entity_nodes(address: tuple[str, int], limit: int = ENTITIES) -> list[str]:
    """Node ids of the first ``limit`` entities the served tasks name."""
    names: dict[str, None] = {}
    for task in get_json(address, "/api/tasks"):
        for name in itertools.chain.from_iterable(task[f] for f in ENTITY_FIELDS):
            names.setdefault(name)
    return [get_json(address, "/api/entities/" + quote(name, safe=""))["node"] for name in list(names)[:limit]]


def sparql_examples(address: tuple[str, int]) -> list[str]:
    """The SPARQL editor's example queries, slots filled from the served graph; those it cannot fill are left out."""
    from graph.sparql_examples import load_templates, sparql_term

    slots, templates = load_templates()
    values = {}
    for name in sorted({s for t in templates for s in t.slots}):
        status, body = fetch(address, Call("POST", "/sparql", slots[name].encode(), {"Content-Type": SPARQL_QUERY}))
        rows = json.loads(body)["results"]["bindings"] if status == 200 else []
        if rows and "value" in rows[0]:
            values[name] = sparql_term(rows[0]["value"])
    queries = []
    for t in templates:
        if all(s in values for s in t.slots):
            query = t.query
            for name in t.slots:
                query = query.replace("{{" + name + "}}", values[name])
            queries.append(query)
    return queries


def mixed_kinds(address: tuple[str, int], unique: float, seed: int) -> dict[str, Kind]:
    fresh = itertools.permutations(random.Random(seed).sample(TOPICS, len(TOPICS)), 3)
    nodes = Cycle(entity_nodes(address))
    examples = Cycle(sparql_examples(address))
    posts = Cycle([True, False])  # the query as the body, or as a form field

    def sparql_post() -> Call:
        query = examples.next()
        if posts.next():
            return Call("POST", "/sparql", query.encode(), {"Content-Type": SPARQL_QUERY})
        return Call("POST", "/sparql", urlencode({"query": query}).encode(), {"Content-Type": FORM})

    return {
        "/api/search": searches("/api/search", Queries("/api/search", unique, seed, fresh)),
        "/api/ask": searches("/api/ask", Queries("/api/ask", unique, seed + 1, fresh)),
        "/api/entities/ID": lambda: Call("GET", "/api/entities/" + quote(nodes.next(), safe=":")),
        "/entities/ID (page)": lambda: Call("GET", "/entities/" + quote(nodes.next(), safe=":")),
        "/sparql GET": lambda: Call("GET", "/sparql?" + urlencode({"query": examples.next()})),
        "/sparql POST": sparql_post,
    }


def hold(address: tuple[str, int], held: Held, drip_s: float, stop: threading.Event) -> None:
    """Keep ``held.idle`` silent and ``held.slow`` dripping connections open until ``stop``, replacing closed ones."""
    selector = selectors.DefaultSelector()
    sent: dict[socket.socket, int] = {}  # slow connections: bytes of SLOW_REQUEST sent so far

    def top_up() -> None:
        open_now = {"idle": 0, "slow": 0}
        for key in selector.get_map().values():
            open_now[key.data] += 1
        for role, wanted in (("idle", held.idle), ("slow", held.slow)):
            for _ in range(wanted - open_now[role]):
                try:
                    sock = socket.create_connection(address, timeout=5)
                except OSError:
                    held.connect_failures += 1
                    return
                sock.setblocking(False)
                selector.register(sock, selectors.EVENT_READ, role)
                if role == "slow":
                    sent[sock] = 0

    def closed(sock: socket.socket, role: str) -> None:
        selector.unregister(sock)
        sent.pop(sock, None)
        sock.close()
        if role == "idle":
            held.closed_idle += 1
        else:
            held.closed_slow += 1

    next_drip = time.monotonic() + drip_s
    try:
        while not stop.is_set():
            top_up()
            for key, _ in selector.select(timeout=0.2):
                try:
                    data = key.fileobj.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    closed(key.fileobj, key.data)
            if time.monotonic() >= next_drip:
                next_drip += drip_s
                for sock, n in list(sent.items()):
                    try:
                        sock.send(SLOW_REQUEST[n % len(SLOW_REQUEST) : n % len(SLOW_REQUEST) + 1])
                        sent[sock] = n + 1
                    except OSError:
                        pass  # closed by the server: seen by the next select
    finally:
        for key in list(selector.get_map().values()):
            key.fileobj.close()
        selector.close()


def probe_health(address: tuple[str, int], stop: threading.Event, tally: Tally) -> None:
    """``/healthz`` on a fresh connection every ``HEALTH_EVERY_S`` seconds, as a monitor would ask it."""
    while not stop.wait(HEALTH_EVERY_S):
        started = time.perf_counter()
        try:
            status, body = fetch(address, Call("GET", "/healthz"), timeout=30)
        except OSError as exc:
            tally.errors.append(f"{type(exc).__name__}: {exc}")
            continue
        tally.record(status, body, time.perf_counter() - started)


@dataclass
class Mixed:
    clients: int
    seconds: float
    held: Held
    runs: list[Run]
    total: Run
    healthz: Run


def run_mixed(url: str, args: argparse.Namespace) -> Mixed:
    address = loopback(url)
    kinds = mixed_kinds(address, args.unique, args.seed)
    warm_up(address, kinds)
    held = Held(args.idle, args.slow)
    stop = threading.Event()
    health = Tally()
    sidecars = [
        threading.Thread(target=hold, args=(address, held, args.drip, stop)),
        threading.Thread(target=probe_health, args=(address, stop, health)),
    ]
    for t in sidecars:
        t.start()
    try:
        wall, tallies = drive(address, kinds, args.clients[0], args.seconds, args.max_requests, args.seed)
    finally:
        stop.set()
        for t in sidecars:
            t.join()
    clients = args.clients[0]
    everything = Tally(
        [x for t in tallies.values() for x in t.seconds], [e for t in tallies.values() for e in t.errors]
    )
    return Mixed(
        clients=clients,
        seconds=round(wall, 1),
        held=held,
        runs=[Run.of(name, clients, args.unique, wall, tally) for name, tally in tallies.items()],
        total=Run.of("all", clients, args.unique, wall, everything),
        healthz=Run.of("/healthz", 1, 0.0, wall, health),
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="a running server on loopback (default: start one)")
    p.add_argument("--path", action="append", choices=PATHS, help="endpoint (repeatable; default both)")
    p.add_argument("--clients", type=int, action="append", help="concurrent clients (repeatable; default 1, 8, 50)")
    p.add_argument("--seconds", type=float, help="length of each run (default 10, 60 with --mixed)")
    p.add_argument("--unique", type=float, default=0.2, help="share of queries never asked before (default 0.2)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--max-requests", type=int, default=200_000)
    p.add_argument("--mixed", action="store_true", help="every kind of request at once (default 50 clients, 60 s)")
    p.add_argument("--idle", type=int, default=0, help="--mixed: connections held open that never send (0-900)")
    p.add_argument("--slow", type=int, default=0, help="--mixed: connections sending a header byte now and then")
    p.add_argument("--drip", type=float, default=2.0, help="--mixed: seconds between a slow connection's bytes")
    p.add_argument("--json", action="store_true", help="one JSON object per run")
    args = p.parse_args(argv)
    args.clients = args.clients or ([50] if args.mixed else list(CLIENTS))
    args.seconds = args.seconds or (60.0 if args.mixed else 10.0)
    if not all(1 <= c <= 64 for c in args.clients) or not 0 < args.seconds <= 600 or not 0 <= args.unique <= 1:
        p.error("--clients must be 1-64, --seconds 0-600 and --unique 0-1")
    if args.mixed and (len(args.clients) > 1 or args.path):
        p.error("--mixed takes one --clients and no --path")
    if not 0 <= args.idle + args.slow <= 900 or args.idle < 0 or args.slow < 0 or not 0.1 <= args.drip <= 60:
        p.error("--idle and --slow must be 0-900 together, --drip 0.1-60 seconds")
    proc = None
    url = args.url
    if not url:
        proc, url = start_server()
    try:
        if args.mixed:
            report_mixed(run_mixed(url, args), args.json)
            return 0
        fresh = itertools.permutations(random.Random(args.seed).sample(TOPICS, len(TOPICS)), 3)
        for path in args.path or PATHS:
            for n in args.clients:
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
        f"{r.endpoint}: {r.clients} clients, {r.unique:.0%} unique, {r.seconds} s, {r.requests} requests "
        f"({r.requests_per_s}/s), {r.errors} errors; p50 {r.p50_ms} ms, p95 {r.p95_ms} ms, "
        f"p99 {r.p99_ms} ms, max {r.max_ms} ms",
        flush=True,
    )
    if r.first_error:
        print(f"  first error: {r.first_error}", flush=True)


def report_mixed(m: Mixed, as_json: bool) -> None:
    if as_json:
        print(json.dumps(asdict(m), ensure_ascii=False), flush=True)
        return
    h = m.held
    print(
        f"mixed load: {m.clients} clients, {m.seconds} s, {h.idle} idle and {h.slow} slow connections held "
        f"(closed by the server: {h.closed_idle} idle, {h.closed_slow} slow; {h.connect_failures} failed to connect)"
    )
    print(f"| {'endpoint':<20} | requests | req/s | errors | p50 ms | p95 ms | p99 ms | max ms |")
    print(f"|{'-' * 22}|---------:|------:|-------:|-------:|-------:|-------:|-------:|")
    for r in [*m.runs, m.total, m.healthz]:
        print(
            f"| {r.endpoint:<20} | {r.requests:>8} | {r.requests_per_s:>5} | {r.errors:>6} | {r.p50_ms!s:>6} "
            f"| {r.p95_ms!s:>6} | {r.p99_ms!s:>6} | {r.max_ms!s:>6} |"
        )
    for r in [*m.runs, m.healthz]:
        if r.first_error:
            print(f"first error, {r.endpoint}: {r.first_error}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
