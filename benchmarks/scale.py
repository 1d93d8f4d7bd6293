"""The cost curve as the corpus grows: build, add, remove, size on disk and query latency per size.

    python -m benchmarks.scale [--sizes plan,plan+reports,all] [--keep DIR] [--rounds 5] [--built SIZE=HOME]
    python -m benchmarks.scale --latency-of HOME [--rounds 5]

For each size the corpus is built with ``policykg build`` into a fresh ``POLICYKG_HOME`` with one
government work report held out; then that report is added (``policykg add``) and removed again
(``policykg remove``). Every step runs in its own process, so its wall time and peak RSS
(``wait4`` of that child) are that step's alone. The size on disk of the built version is given
for the graph, the RDF store and the search index separately. Query latency (hybrid search and
ask) is measured in one more process that loads the version as the web app does and runs a fixed
query list.

``--built SIZE=HOME`` measures a size on a home already built (by this code) from that size's corpus
without the held-out report, instead of building it: add, remove, size on disk and latency are
measured, the build is not (shown as —). The home is changed by the add and the remove.

``--latency-of HOME`` measures only the query latency of the version a built home serves (the home
is read, never changed) and prints it as JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.corpora import CORPORA, ROOT, SHARED
from benchmarks.latency import percentile
from search.cache import RANKINGS_KEPT, LRUCache
from search.engine import VECTORS_CACHED, Searcher

RURAL = SHARED / "rural"
REPORTS = CORPORA["reports"]
HELD_OUT = REPORTS / "2024.txt"  # the report added and removed again
SIZES = {
    "plan": [CORPORA["plan"]],
    "plan+reports": [CORPORA["plan"], RURAL, REPORTS],
    "all": [CORPORA["plan"], RURAL, REPORTS, CORPORA["laws"]],
}
QUERIES = ROOT.parent / "shared" / "eval" / "dev_queries.jsonl"
POLICYKG = Path(sys.executable).parent / "policykg"


@dataclass(frozen=True)
class Step:
    seconds: float
    peak_rss_mb: float


@dataclass(frozen=True)
class Result:
    size: str
    documents: int
    build: Step | None  # None: measured on a home built beforehand
    graph_mb: float
    rdf_mb: float
    index_mb: float
    add: Step
    remove: Step
    search_p50_ms: float
    search_p95_ms: float
    ask_p50_ms: float
    ask_p95_ms: float


def _run(args: list[str], env: dict[str, str]) -> Step:
    """Run ``args`` in a child process; its wall time and peak resident memory."""
    started = time.perf_counter()
    child = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed (exit {child.returncode})")
    return Step(round(seconds, 1), round(usage.ru_maxrss / 1024))


def _paths(size: str) -> list[str]:
    """The folders of ``size``, with the reports folder listed file by file without the held-out one."""
    out: list[str] = []
    for folder in SIZES[size]:
        if folder == REPORTS:
            out += [str(p) for p in sorted(folder.iterdir()) if p.is_file() and p != HELD_OUT]
        else:
            out.append(str(folder))
    return out


def _megabytes(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 1e6, 1)


def _version(home: Path) -> Path:
    return home / "versions" / json.loads((home / "current.json").read_text(encoding="utf-8"))["version"]


def _documents(env: dict[str, str]) -> list[dict]:
    out = subprocess.run([str(POLICYKG), "docs", "--json"], cwd=ROOT, env=env, capture_output=True, text=True)
    return json.loads(out.stdout)


def measure(size: str, home: Path, rounds: int, built: bool = False) -> Result:
    env = {**os.environ, "POLICYKG_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    build = None
    if not built:
        print(f"[{size}] build …", file=sys.stderr, flush=True)
        build = _run([str(POLICYKG), "build", *_paths(size)], env)
    version = _version(home)
    from graph.triplestore import store_folder

    sizes = (_megabytes(version / "graph.json"), _megabytes(store_folder(version)), _megabytes(version / "index"))
    documents = len(_documents(env))
    print(f"[{size}] add {HELD_OUT.name} …", file=sys.stderr, flush=True)
    add = _run([str(POLICYKG), "add", str(HELD_OUT)], env)
    digest = hashlib.sha256(HELD_OUT.read_bytes()).hexdigest()
    (added,) = [d["id"] for d in _documents(env) if d["sha256"] == digest]
    print(f"[{size}] remove {added} …", file=sys.stderr, flush=True)
    remove = _run([str(POLICYKG), "remove", added], env)
    print(f"[{size}] queries …", file=sys.stderr, flush=True)
    cmd = [sys.executable, "-m", "benchmarks.scale", "--latency-of", str(home), "--rounds", str(rounds)]
    latency = json.loads(subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout)
    return Result(size, documents, build, *sizes, add, remove, **latency)


def _timed(fn: Callable[[str], object], items: list[str], rounds: int, fresh: Callable[[], None]) -> list[float]:
    """Milliseconds per call of ``fn`` over ``items``, ``rounds`` times, each call after ``fresh()``."""
    for item in items[:3]:
        fn(item)  # warm-up: the model and the index's lazy parts load once
    times = []
    for _ in range(rounds):
        for item in items:
            fresh()
            t = time.perf_counter()
            fn(item)
            times.append((time.perf_counter() - t) * 1000)
    return times


def latency(rounds: int) -> dict[str, float]:
    """Hybrid search and ask latency (ms, p50/p95) on the served version, loaded as the web app loads
    it, in this process. The searcher's query caches are emptied before each call, so a repeated
    query is measured as a new one."""
    from web import state

    data = state.current()
    engine = data.searcher
    if not isinstance(engine, Searcher):
        raise RuntimeError("the version has no search index")

    def fresh() -> None:
        engine.rankings, engine.vectors = LRUCache(RANKINGS_KEPT), LRUCache(VECTORS_CACHED)

    queries = [json.loads(line)["q"] for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    search = _timed(engine.search, queries, rounds, fresh)
    ask = _timed(data.asker.ask, queries, 1, fresh)
    return {
        "search_p50_ms": round(percentile(search, 50), 1),
        "search_p95_ms": round(percentile(search, 95), 1),
        "ask_p50_ms": round(percentile(ask, 50), 1),
        "ask_p95_ms": round(percentile(ask, 95), 1),
    }


def _seconds(step: Step | None) -> str:
    return "—" if step is None else str(step.seconds)


def _rss(step: Step | None) -> str:
    return "—" if step is None else f"{step.peak_rss_mb:.0f}"


def _latency_of(home: Path, rounds: int) -> int:
    """Print the latency of the version ``home`` serves as JSON; a home with nothing built is one line, exit 1."""
    from graph.store import GraphMissing

    os.environ["POLICYKG_HOME"] = str(home)
    try:
        print(json.dumps(latency(rounds)))
    except (GraphMissing, RuntimeError) as exc:
        print(f"{home}: {exc}", file=sys.stderr)
        return 1
    return 0


def table(results: list[Result]) -> str:
    head = (
        "| size | docs | build s | build RSS MB | graph MB | rdf MB | index MB | add s | add RSS MB | remove s "
        "| search p50/p95 ms | ask p50/p95 ms |"
    )
    rows = [head, "|" + "---|" * 12]
    for r in results:
        rows.append(
            f"| {r.size} | {r.documents} | {_seconds(r.build)} | {_rss(r.build)} | {r.graph_mb} | {r.rdf_mb} "
            f"| {r.index_mb} | {r.add.seconds} | {r.add.peak_rss_mb:.0f} | {r.remove.seconds} "
            f"| {r.search_p50_ms} / {r.search_p95_ms} | {r.ask_p50_ms} / {r.ask_p95_ms} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="plan,plan+reports", help=f"comma-separated, of {', '.join(SIZES)}")
    p.add_argument("--keep", type=Path, help="keep each size's home in DIR/SIZE")
    p.add_argument("--rounds", type=int, default=5, help="passes over the query list for search latency")
    p.add_argument("--built", action="append", default=[], metavar="SIZE=HOME", help="measure SIZE on a built HOME")
    p.add_argument("--latency-of", type=Path, metavar="HOME", help="only the query latency of a built HOME")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.latency_of:
        return _latency_of(args.latency_of, args.rounds)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    built = dict(item.split("=", 1) for item in args.built if "=" in item)
    if len(built) != len(args.built) or not all(Path(h, "current.json").is_file() for h in built.values()):
        print("--built takes SIZE=HOME, HOME a built POLICYKG_HOME", file=sys.stderr)
        return 2
    sizes += [s for s in built if s not in sizes]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        print(f"unknown size {', '.join(unknown)}: choose from {', '.join(SIZES)}", file=sys.stderr)
        return 2
    missing = [str(f) for s in sizes for f in SIZES[s] if not f.exists()]
    if missing:
        print(f"corpus not found: {', '.join(missing)}", file=sys.stderr)
        return 1
    results = []
    for size in sizes:
        temporary = size not in built and not args.keep
        if size in built:
            home = Path(built[size])
        elif args.keep:
            home = args.keep / size
            shutil.rmtree(home, ignore_errors=True)
            home.mkdir(parents=True)
        else:
            home = Path(tempfile.mkdtemp(prefix="policykg-scale-"))
        try:
            results.append(measure(size, home, args.rounds, built=size in built))
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            print(f"[{size}] {exc}", file=sys.stderr)
            return 1
        finally:
            if temporary:
                shutil.rmtree(home, ignore_errors=True)
        print(table(results[-1:]), file=sys.stderr, flush=True)
    print(table(results))
    print(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
