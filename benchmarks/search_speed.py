"""Search speed: build time, encoding throughput, index size, peak memory and query latency.

    python -m benchmarks.search_speed [--corpus plan|reports|laws|all] [--rounds 5]

Each corpus runs in its own process so peak memory (ru_maxrss) belongs to that corpus alone:
ingest + graph, then the search index (with a progress bar), then query latency p50/p95 for
bm25, dense and hybrid over a fixed query set, and the recall@10 of the approximate vector index
against exact search (when the corpus is large enough to get one).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.corpora import CORPORA, run_each  # noqa: E402
from benchmarks.latency import percentile  # noqa: E402

# A fixed mix of policy, government-report and legal questions, short and long, some natural.
QUERIES = [
    "资助年轻科研人员出国进修",
    "科技志愿服务",
    "学会治理结构改革",
    "怎么加强基层科普能力建设？",
    "乡村振兴",
    "国有企业改革",
    "减税降费支持小微企业",
    "如何稳定和扩大就业",
    "生态环境保护和污染防治",
    "房地产市场平稳健康发展",
    "离婚时夫妻共同财产如何分割",
    "劳动合同解除的经济补偿",
    "未成年人保护",
    "交通肇事逃逸的刑事责任",
    "个人信息保护",
    "行政复议的申请期限是多久",
    "知识产权侵权赔偿",
    "食品安全监督管理",
    "教育公平和义务教育均衡发展",
    "医疗保险制度改革",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ann_recall(index, queries) -> dict[str, float]:
    """recall@10 of each HNSW index against exact inner-product search over the same vectors."""
    import faiss
    import numpy as np

    from search.vectors import VectorIndex, recall_at_k

    out = {}
    for name, vec in (("units", index.unit_vectors), ("pieces", index.piece_vectors)):
        if vec.kind != "hnsw":
            continue
        exact = faiss.IndexFlatIP(vec.dim)
        exact.add(np.ascontiguousarray(vec.vectors()))
        rng = np.random.default_rng(0)
        sample = vec.vectors()[rng.choice(vec.size, size=min(200, vec.size), replace=False)]
        probes = np.vstack([queries, sample]).astype(np.float32)
        out[name] = recall_at_k(vec, VectorIndex(exact, "flat"), probes, k=10)
    return out


def run_one(corpus: str, rounds: int, keep: bool = False) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"policykg-speed-{corpus}-"))  # graph.json and index/, as in a version
    try:
        from graph.build import build_graph
        from graph.store import save_graph
        from ingest.lexicon import load_lexicon
        from ingest.pipeline import ingest
        from ingest.resolve import resolve
        from search.engine import Searcher
        from search.index import build_index, index_source, load_index

        started = time.perf_counter()
        lexicon = load_lexicon()
        docs = ingest([str(CORPORA[corpus])], lexicon, warn=lambda m: None)
        graph = build_graph(docs, resolve(docs, lexicon))
        chars = sum(len(d.text) for d in docs)
        del docs
        save_graph(graph, folder / "graph.json")
        graph_seconds = time.perf_counter() - started
        print(f"[{corpus}] graph: {graph.number_of_nodes()} nodes in {graph_seconds:.1f} s", file=sys.stderr)
        source = index_source(graph)
        del graph
        stats = build_index(source, folder / "index", "speed", progress=True)
        build = {
            "documents_chars": chars,
            "graph_seconds": round(graph_seconds, 1),
            "index_seconds": round(stats.total_seconds, 1),
            "build_seconds": round(time.perf_counter() - started, 1),
            "tokenize_seconds": round(stats.tokenize_seconds, 1),
            "encode_seconds": round(stats.encode_seconds, 1),
            "vectors_seconds": round(stats.vectors_seconds, 1),
            "units": stats.units,
            "pieces": stats.pieces,
            "encoded_chunks": stats.encoded,
            "chunks_per_second": round(stats.chunks_per_second, 1),
            "index_mb": round(stats.bytes / 1e6, 1),
            "graph_mb": round((folder / "graph.json").stat().st_size / 1e6, 1),
            "vector_kinds": f"units {stats.unit_vectors}, pieces {stats.piece_vectors}",
            "peak_rss_mb_build": round(peak_rss_mb()),
        }
        t0 = time.perf_counter()
        searcher = Searcher(load_index(folder / "index"))
        searcher.warm()
        load_seconds = time.perf_counter() - t0
        latency = {}
        for mode in ("bm25", "dense", "hybrid"):
            for q in QUERIES[:3]:
                searcher.search(q, mode=mode)  # warm-up
            times = []
            for _ in range(rounds):
                for q in QUERIES:
                    t = time.perf_counter()
                    searcher.search(q, mode=mode)
                    times.append((time.perf_counter() - t) * 1000)
            latency[mode] = {"p50_ms": round(percentile(times, 50), 1), "p95_ms": round(percentile(times, 95), 1)}
        qvecs = __import__("numpy").vstack([searcher.encoder.encode_query(q) for q in QUERIES])
        return {
            "corpus": corpus,
            **build,
            "load_seconds": round(load_seconds, 2),
            "latency": latency,
            "ann_recall@10": {k: round(v, 4) for k, v in ann_recall(searcher.index, qvecs).items()},
            "peak_rss_mb": round(peak_rss_mb()),
        }
    finally:
        if keep:
            print(f"[{corpus}] kept the graph and index at {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def report(r: dict) -> None:
    lat = "  ".join(f"{m} p50 {v['p50_ms']} ms / p95 {v['p95_ms']} ms" for m, v in r["latency"].items())
    print(
        f"{r['corpus']}: {r['units']} units, {r['pieces']} pieces ({r['encoded_chunks']} distinct chunks encoded), "
        f"{r['documents_chars'] / 1e6:.1f} M chars\n"
        f"  build {r['build_seconds']} s (graph {r['graph_seconds']} s, index {r['index_seconds']} s: "
        f"tokenize+bm25 {r['tokenize_seconds']} s, encode {r['encode_seconds']} s, vectors {r['vectors_seconds']} s)\n"
        f"  encoding {r['chunks_per_second']} chunks/s; index {r['index_mb']} MB on disk "
        f"(graph {r['graph_mb']} MB); vectors: {r['vector_kinds']}\n"
        f"  peak RSS {r['peak_rss_mb_build']} MB during build, {r['peak_rss_mb']} MB overall; "
        f"index load + warm-up {r['load_seconds']} s\n"
        f"  latency: {lat}\n"
        f"  ANN recall@10 vs exact: {r['ann_recall@10'] or 'n/a (exact search below the threshold)'}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", choices=[*CORPORA, "all"], default="plan")
    p.add_argument("--rounds", type=int, default=5, help="passes over the query set per mode")
    p.add_argument("--keep", action="store_true", help="keep each built graph and index for inspection")
    p.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # child process: print JSON
    args = p.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.corpus, args.rounds, args.keep), ensure_ascii=False))
        return 0
    child = ["--rounds", str(args.rounds), *(["--keep"] if args.keep else [])]
    return run_each("benchmarks.search_speed", args.corpus, child, report)


if __name__ == "__main__":
    sys.exit(main())
