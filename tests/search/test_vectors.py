"""faiss vector indexes at query time: searching an index some of whose stored rows no item uses."""

from __future__ import annotations

import numpy as np

from search.vectors import VectorIndex, build_vectors


def unit_rows(n: int, dim: int, seed: int) -> np.ndarray:
    vecs = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def test_rows_no_item_uses_are_never_returned_and_their_bitmap_is_made_once():
    vecs = unit_rows(300, 16, 0)
    built = build_vectors(vecs, ann_threshold=10, m=8, ef_construction=40, ef_search=300)
    assert built.kind == "hnsw"
    rows = np.arange(0, 300, 3)[::-1].copy()  # item i is stored row rows[i]; the other rows are gone
    index = VectorIndex(built.index, "hnsw", rows)
    queries = unit_rows(5, 16, 1)
    first = index.search(queries, 10)
    bitmap = index._alive()
    assert np.array_equal(np.unpackbits(bitmap, bitorder="little")[:300].astype(bool), np.isin(np.arange(300), rows))
    again = index.search(queries, 10)
    assert index._alive() is bitmap  # the same array, not made again per query
    for got in (first, again):
        scores, ids = got
        assert ((ids >= 0) & (ids < len(rows))).all()
        np.testing.assert_allclose(scores, np.take_along_axis(queries @ vecs[rows].T, ids, axis=1), rtol=1e-5)
        want = np.argsort(-(queries @ vecs[rows].T), axis=1)[:, :10]
        assert np.mean([len(set(w) & set(g)) / 10 for w, g in zip(want, ids, strict=True)]) >= 0.9
    assert np.array_equal(first[1], again[1])
