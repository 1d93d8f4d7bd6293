"""Vector search speed through faiss and Milvus (milvus-lite), on vectors of a corpus's shape.

    python -m benchmarks.vector_speed [--corpus plan|reports|laws] [--part units|pieces] [--queries 100]

The corpus is ingested and cut into search units and pieces as a build does, but not encoded
(encoding the laws corpus takes hours on two cores): each unit or piece gets a synthetic unit
vector of the model's width, clustered around topics as embeddings are.
For each store: build (faiss index, or Milvus collection with its index), size on disk, the
``k`` nearest neighbours of one query (p50/p95), the exact scores of a candidate pool of 600 rows
(what the engine does for every dense query), and recall@10 against exact search. milvus-lite
searches exactly whatever index type is asked for; a Milvus server builds the HNSW graph.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from benchmarks.corpora import CORPORA  # noqa: E402
from benchmarks.latency import percentile  # noqa: E402

DIM = 512  # m3e-small
POOL = 600  # candidate rows scored exactly per query (about 3 signals x 200)


def corpus_rows(corpus: str, part: str) -> int:
    """How many unit (or piece) vectors a build of ``corpus`` would store."""
    from graph.build import build_graph
    from ingest.lexicon import load_lexicon
    from ingest.pipeline import ingest
    from ingest.resolve import resolve
    from search.config import load_config
    from search.units import unit_pieces, units_from_graph

    lexicon = load_lexicon()
    docs = ingest([str(CORPORA[corpus])], lexicon, warn=lambda m: None)
    units = units_from_graph(build_graph(docs, resolve(docs, lexicon)))
    if part == "units":
        return len(units)
    config = load_config()
    return sum(len(unit_pieces(u, config)) for u in units)


def _unit_rows(n: int, topics: int, seed: int) -> np.ndarray:
    """``n`` unit vectors around ``topics`` random directions (each about 45 degrees from its topic),
    shaped like text embeddings, which cluster by subject; uniform random vectors would have no
    neighbours worth finding."""
    centres = np.random.default_rng(0).standard_normal((topics, DIM), dtype=np.float32)  # the same topics
    rng = np.random.default_rng(seed)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, DIM), np.float32)
    for start in range(0, n, 50_000):  # in blocks: no float64 copy of the whole matrix
        size = min(50_000, n - start)
        block = centres[rng.integers(0, topics, size)] + rng.standard_normal((size, DIM), dtype=np.float32) / DIM**0.5
        out[start : start + size] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def _latency(run, items) -> tuple[float, float]:
    taken = []
    for item in items:
        t = time.perf_counter()
        run(item)
        taken.append((time.perf_counter() - t) * 1000)
    return round(percentile(taken, 50), 2), round(percentile(taken, 95), 2)


def _size(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


def _figures(store, probes: np.ndarray, pools: list[np.ndarray], truth: np.ndarray, k: int) -> dict:
    store.search(probes[:1], k)  # warm-up
    search = _latency(lambda q: store.search(q[None, :], k), probes)
    scores = _latency(lambda i: store.scores(probes[i], pools[i]), range(len(probes)))
    _, found = store.search(probes, k)
    recall = sum(len(set(a) & set(b)) for a, b in zip(truth, found, strict=True)) / truth.size
    return {"search_ms": search, "pool_scores_ms": scores, "recall@10": round(recall, 4)}


def measure(rows: int, queries: int, k: int = 10) -> list[dict]:
    from search.config import load_config
    from search.vectors import build_vectors
    from search.vectorstore import BACKEND_ENV, open_vectors, save_vectors
    from search.vectorstore.milvus import URI_ENV, close_clients

    config = load_config()
    topics = max(8, rows // 100)
    vecs, probes = _unit_rows(rows, topics, 1), _unit_rows(queries, topics, 2)

    rng = np.random.default_rng(2)
    pools = [rng.choice(rows, size=min(POOL, rows), replace=False) for _ in range(queries)]
    exact = build_vectors(vecs, ann_threshold=rows + 1)
    _, truth = exact.search(probes, k)
    t = time.perf_counter()
    built = build_vectors(vecs, config.ann_threshold, config.hnsw_m, config.hnsw_ef_construction, config.hnsw_ef_search)
    faiss_seconds = time.perf_counter() - t
    out = []
    folder = Path(tempfile.mkdtemp(prefix="policykg-vectors-"))
    try:
        for name in ("faiss", "milvus"):
            target = folder / name
            target.mkdir()
            os.environ[BACKEND_ENV] = name
            os.environ[URI_ENV] = str(target / "milvus.db")
            t = time.perf_counter()
            kind = save_vectors(built, target, "units", "speed")
            seconds = (time.perf_counter() - t) + faiss_seconds
            store = open_vectors(target, "units", config.hnsw_ef_search)
            figures = _figures(store, probes, pools, truth, k)
            out.append({"store": name, "kind": kind, "rows": rows, "build_seconds": round(seconds, 1)})
            out[-1] |= {"disk_mb": _size(target), **figures}
            del store
            close_clients()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(BACKEND_ENV, None)
        os.environ.pop(URI_ENV, None)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", choices=list(CORPORA), default="plan")
    p.add_argument("--part", choices=("units", "pieces"), default="units")
    p.add_argument("--queries", type=int, default=100)
    args = p.parse_args(argv)
    if not CORPORA[args.corpus].exists():
        print(f"{args.corpus}: corpus not found at {CORPORA[args.corpus]}", file=sys.stderr)
        return 1
    t = time.perf_counter()
    rows = corpus_rows(args.corpus, args.part)
    seconds = time.perf_counter() - t
    print(f"{args.corpus}: {rows:,} {args.part} ({DIM}-dim synthetic unit vectors); ingest {seconds:.0f} s")
    print(
        f"  {'store':<8}{'index':<14}{'build s':>9}{'disk MB':>9}{'k=10 p50':>10}{'p95':>8}"
        f"{'pool p50':>10}{'p95':>8}{'recall@10':>11}"
    )
    for r in measure(rows, args.queries):
        print(
            f"  {r['store']:<8}{r['kind']:<14}{r['build_seconds']:>9}{r['disk_mb']:>9}{r['search_ms'][0]:>10}"
            f"{r['search_ms'][1]:>8}{r['pool_scores_ms'][0]:>10}{r['pool_scores_ms'][1]:>8}{r['recall@10']:>11}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
