"""The vector stores: Milvus (milvus-lite) answers as faiss does, exactly for flat indexes, and the
eval set gets the same top 10 and nDCG through either."""

import json

import numpy as np
import pytest

from benchmarks.metrics import load_queries, score
from search.engine import Searcher
from search.vectors import build_vectors
from search.vectorstore import BACKEND_ENV, backend, open_vectors, save_vectors
from search.vectorstore.milvus import DESCRIPTOR, URI_ENV
from tests.conftest import ROOT

EVAL = ROOT.parent / "shared" / "eval" / "dev_queries.jsonl"


def _unit_rows(n: int, dim: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vecs = rng.standard_normal((n, dim)).astype(np.float32)
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


@pytest.fixture
def milvus_env(tmp_path, monkeypatch):
    monkeypatch.setenv(BACKEND_ENV, "milvus")
    monkeypatch.setenv(URI_ENV, str(tmp_path / "vectors.db"))
    return tmp_path


def test_flat_milvus_search_and_scores_equal_faiss(milvus_env, monkeypatch):
    vecs = _unit_rows(500, 16, 1)
    faiss_index = build_vectors(vecs, ann_threshold=10_000)
    folder = milvus_env / "index"
    folder.mkdir()
    assert save_vectors(faiss_index, folder, "units", "build-1") == "milvus-flat"
    descriptor = json.loads((folder / f"units{DESCRIPTOR}").read_text())
    assert descriptor["size"] == 500 and descriptor["collection"] == "policykg_build_1_units"
    assert not (folder / "units.faiss").exists()
    monkeypatch.delenv(BACKEND_ENV)  # loading follows what was built, not the environment
    store = open_vectors(folder, "units")
    assert (store.kind, store.size, store.dim) == ("milvus-flat", 500, 16)
    queries = _unit_rows(5, 16, 2)
    want_scores, want_ids = faiss_index.search(queries, 10)
    got_scores, got_ids = store.search(queries, 10)
    assert np.array_equal(got_ids, want_ids) and np.allclose(got_scores, want_scores, atol=1e-5)
    rows = np.array([7, 3, 499, 3, 0])
    assert np.allclose(store.scores(queries[0], rows), faiss_index.scores(queries[0], rows), atol=1e-6)
    assert np.allclose(store.scores(queries[0]), vecs @ queries[0], atol=1e-6)
    assert store.search(queries[:1], 0)[1].shape == (1, 0)


def test_hnsw_milvus_finds_the_exact_neighbours(milvus_env):
    vecs = _unit_rows(3000, 16, 3)
    approx = build_vectors(vecs, ann_threshold=1000, m=16, ef_construction=80, ef_search=64)
    folder = milvus_env / "index"
    folder.mkdir()
    assert save_vectors(approx, folder, "pieces", "build-2") == "milvus-hnsw"
    store = open_vectors(folder, "pieces", ef_search=64)
    queries = _unit_rows(50, 16, 4)
    _, exact = build_vectors(vecs, ann_threshold=10_000).search(queries, 10)
    _, found = store.search(queries, 10)
    hits = sum(len(set(a) & set(b)) for a, b in zip(exact, found, strict=True))
    assert hits / exact.size >= 0.9


def test_faiss_is_the_default_and_unknown_stores_are_refused(monkeypatch, tmp_path):
    monkeypatch.delenv(BACKEND_ENV, raising=False)
    assert backend() == "faiss"
    index = build_vectors(_unit_rows(10, 4, 5), ann_threshold=100)
    assert save_vectors(index, tmp_path, "units", "b") == "flat" and (tmp_path / "units.faiss").exists()
    assert open_vectors(tmp_path, "units").kind == "flat"
    monkeypatch.setenv(BACKEND_ENV, "elastic")
    with pytest.raises(ValueError, match="unknown vector store 'elastic'"):
        backend()


def _top10(searcher: Searcher, query: str) -> tuple[list[str], list[str]]:
    """(unit ids, texts) of the first ten hybrid results."""
    results = searcher.search(query, k=10, mode="hybrid").results
    return [f"{r.doc}/{r.id}" for r in results], [r.text for r in results]


def test_the_eval_set_ranks_the_same_through_milvus(search_index_path, milvus_index_path):
    with_faiss, with_milvus = Searcher.open(search_index_path), Searcher.open(milvus_index_path)
    assert with_milvus.index.unit_vectors.kind.startswith("milvus")
    queries = load_queries(EVAL)
    assert len(queries) >= 30
    ndcg = {"faiss": 0.0, "milvus": 0.0}
    for judged in queries:
        (ids_f, texts_f), (ids_m, texts_m) = _top10(with_faiss, judged.query), _top10(with_milvus, judged.query)
        assert ids_m == ids_f, judged.query
        ndcg["faiss"] += score(texts_f, judged)["ndcg@10"] / len(queries)
        ndcg["milvus"] += score(texts_m, judged)["ndcg@10"] / len(queries)
    assert abs(ndcg["milvus"] - ndcg["faiss"]) <= 0.01 * ndcg["faiss"] and ndcg["faiss"] > 0.3


def test_the_candidate_pool_path_ranks_the_same_through_milvus(search_index_path, milvus_index_path):
    """Above ``pool_all_below`` units the candidates come from each store's nearest-neighbour search."""
    base = Searcher.open(search_index_path)
    config = type(base.config)(**{**base.config.__dict__, "pool_all_below": 0, "pool_per_signal": 10})
    with_faiss = Searcher(base.index, config)
    with_milvus = Searcher(Searcher.open(milvus_index_path).index, config)
    for judged in load_queries(EVAL)[:10]:
        assert _top10(with_faiss, judged.query)[0] == _top10(with_milvus, judged.query)[0], judged.query
