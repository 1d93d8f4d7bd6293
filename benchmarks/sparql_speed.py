"""SPARQL speed: store load time and size, and query latency for the editor's examples and a probe query.

    python -m benchmarks.sparql_speed [--corpus plan|reports|laws|all] [--rounds 20]

Each corpus runs in its own process: ingest and graph, then the Oxigraph store (convert + bulk
load, size on disk), then every example query of the SPARQL editor (filled in from that corpus)
and the probe query below, each run ``rounds`` times through the worker pool (p50/p95, the first
run left out), and the probe query through ``/sparql`` of a real server on loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.corpora import CORPORA, run_each  # noqa: E402
from benchmarks.latency import percentile  # noqa: E402

# Every task linked to one department in either direction, found by label, type tested by text:
# no index helps it, so it shows what a store does with an ordinary but careless query.
PROBE = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?d skos:prefLabel ?l . FILTER(STR(?l) = "学会部")
 { ?d ?p ?t } UNION { ?t ?p ?d } ?t a ?type . FILTER(CONTAINS(LCASE(STR(?type)), "task")) }"""


def _times(run, rounds: int) -> tuple[float, float]:
    run()  # warm-up: starts a worker, fills caches
    taken = []
    for _ in range(rounds):
        t = time.perf_counter()
        run()
        taken.append((time.perf_counter() - t) * 1000)
    return round(percentile(taken, 50), 2), round(percentile(taken, 95), 2)


def run_one(corpus: str, rounds: int) -> dict:
    from graph import sparql
    from graph.build import build_graph
    from graph.home import build_lock, publish, stage_version
    from graph.sparql_pool import PoolLimits
    from graph.store import save_graph
    from graph.triplestore import open_store, store_folder, write_store
    from ingest.lexicon import load_lexicon
    from ingest.pipeline import ingest
    from ingest.resolve import resolve

    folder = Path(tempfile.mkdtemp(prefix=f"policykg-sparql-{corpus}-"))
    try:
        started = time.perf_counter()
        lexicon = load_lexicon()
        docs = ingest([str(CORPORA[corpus])], lexicon, warn=lambda m: None)
        graph = build_graph(docs, resolve(docs, lexicon))
        graph_seconds = time.perf_counter() - started
        print(f"[{corpus}] graph: {graph.number_of_nodes()} nodes in {graph_seconds:.1f} s", file=sys.stderr)
        os.environ["POLICYKG_HOME"] = str(folder)  # a version as a build makes it, for the endpoint
        with build_lock():
            staged = stage_version()
            save_graph(graph, staged.graph_path)
            info = write_store(graph, store_folder(staged.path))
            version = publish(staged)
        del graph
        store = open_store(store_folder(version.path), PoolLimits(workers=1, queue=0))
        queries = [(e.key, e.query) for e in store.examples] + [("probe", PROBE)]
        latency = {}
        for key, text in queries:
            prepared = sparql.prepare(text)
            media_type = sparql.MEDIA_TYPES[prepared.form][0]
            answer = sparql.run(store.pool, prepared, media_type, timeout=60)
            p50, p95 = _times(lambda p=prepared, m=media_type: sparql.run(store.pool, p, m, timeout=60), rounds)
            latency[key] = {"p50_ms": p50, "p95_ms": p95, "rows": answer.count}
        store.close()
        endpoint = _through_endpoint(rounds)
        return {
            "corpus": corpus,
            "graph_seconds": round(graph_seconds, 1),
            "triples": info.triples,
            "load_seconds": info.seconds,
            "store_mb": round(info.bytes / 1e6, 1),
            "latency": latency,
            "endpoint": endpoint,
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _through_endpoint(rounds: int) -> dict:
    """The probe query through ``/sparql`` of the web app under waitress, serving the version just built."""
    from web.app import create_app
    from web.commands.serve import start_background

    server, base = start_background(create_app(), threads=4)
    url = f"{base}/sparql?{urlencode({'query': PROBE})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})

    def ask() -> None:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()

    try:
        p50, p95 = _times(ask, rounds)
    finally:
        time.sleep(0.2)  # let waitress finish the last response before closing
        server.close()
    return {"probe_p50_ms": p50, "probe_p95_ms": p95}


def report(r: dict) -> None:
    print(
        f"{r['corpus']}: {r['triples']:,} triples; store load {r['load_seconds']} s, {r['store_mb']} MB on disk "
        f"(graph {r['graph_seconds']} s)"
    )
    print(f"  {'query':<24}{'rows':>8}{'p50 ms':>10}{'p95 ms':>10}")
    for key, v in r["latency"].items():
        print(f"  {key:<24}{v['rows']:>8}{v['p50_ms']:>10}{v['p95_ms']:>10}")
    e = r["endpoint"]
    print(f"  probe through /sparql: p50 {e['probe_p50_ms']} ms, p95 {e['probe_p95_ms']} ms", flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", choices=[*CORPORA, "all"], default="plan")
    p.add_argument("--rounds", type=int, default=20, help="runs of each query after a warm-up")
    p.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # child process: print JSON
    args = p.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.corpus, args.rounds), ensure_ascii=False))
        return 0
    return run_each("benchmarks.sparql_speed", args.corpus, ["--rounds", str(args.rounds)], report)


if __name__ == "__main__":
    sys.exit(main())
