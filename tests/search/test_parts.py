import numpy as np
import pytest

from search.config import load_config
from search.fusion import fuse, normalise
from search.normalise import check_query, fold_query
from search.units import pieces_of
from search.vectors import build_vectors, load_vectors, recall_at_k


def test_fold_query_widths_and_traditional():
    assert fold_query("  資助年輕科研人員　出國進修 ") == "资助年轻科研人员 出国进修"
    assert fold_query("ＡＩ芯片１２３") == "ai芯片123"
    assert check_query("“科普”", load_config()) == "“科普”"


def test_pieces_cover_the_text_within_bounds():
    text = "一、总则。" + "这是一个很长的句子，" * 40 + "结束。短句。"
    spans = pieces_of(text, [], 24, 160)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert all(e - s <= 160 for s, e in spans)
    assert "".join(text[s:e] for s, e in spans) == text


def test_normalise_and_fuse():
    assert np.allclose(normalise(np.array([3.0, 3.0, 3.0])), 0)
    z = normalise(np.array([1.0, 2.0, 3.0]))
    assert np.isclose(z.mean(), 0) and np.isclose(z.std(), 1)
    assert list(normalise(np.array([0.1, 0.9, 0.5]), "rrf").argsort()) == [0, 2, 1]
    signals = {"bm25": np.array([0.0, 5.0, 1.0]), "dense": np.array([0.9, 0.1, 0.5]), "graph": np.array([0, 0, 1.0])}
    assert fuse(signals, {"bm25": 1.0}).argmax() == 1
    assert fuse(signals, {"dense": 1.0}).argmax() == 0
    assert fuse(signals, {"bm25": 0.5, "dense": 0.5, "graph": 2.0}).argmax() == 2
    with pytest.raises(ValueError):
        normalise(np.array([1.0]), "bogus")


def test_hnsw_above_threshold_recall_and_mmap_reload(tmp_path):
    rng = np.random.default_rng(1)
    vecs = rng.normal(size=(3000, 32)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    exact = build_vectors(vecs, ann_threshold=10_000)
    approx = build_vectors(vecs, ann_threshold=1000, m=16, ef_construction=80, ef_search=64)
    assert exact.kind == "flat" and approx.kind == "hnsw"
    queries = vecs[:50] + 0.1 * rng.normal(size=(50, 32)).astype(np.float32)
    assert recall_at_k(approx, exact, queries, k=10) >= 0.9
    approx.save(tmp_path / "v.faiss")
    loaded = load_vectors(tmp_path / "v.faiss", ef_search=64)
    assert loaded.kind == "hnsw" and loaded.size == 3000
    assert np.array_equal(loaded.search(queries, 5)[1], approx.search(queries, 5)[1])
    assert np.allclose(loaded.vectors(), vecs)
    exact.save(tmp_path / "f.faiss")
    flat = load_vectors(tmp_path / "f.faiss")
    assert flat.kind == "flat" and np.allclose(flat.vectors(), vecs) and not flat.vectors().flags.writeable
