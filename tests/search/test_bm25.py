"""The BM25 matrix: its counting equals numpy's own, its scores those of bm25s indexing the same documents."""

from __future__ import annotations

import bm25s
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from search.bm25 import PLACEHOLDER, LexicalIndex, _counted


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50), max_size=60))
def test_counted_equals_numpy_unique_with_counts(values):
    want = np.unique(np.asarray(values, dtype=np.int64), return_counts=True)
    got = _counted(np.asarray(values, dtype=np.int64))
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()


DOCS = [["科普", "基地", "科普"], [], ["年会", "科普"], ["基地", "基地", "基地", "年会"], []]


def test_scores_equal_bm25s_indexing_the_same_documents():
    ours = LexicalIndex.build(DOCS)
    reference = bm25s.BM25()
    reference.index([doc or [PLACEHOLDER] for doc in DOCS], show_progress=False)
    for query in (["科普"], ["基地", "年会"], ["年会", "科普", "基地"]):
        want = np.asarray(reference.get_scores(query), dtype=np.float32)
        assert np.allclose(ours.scores(query), want, rtol=1e-6, atol=0), query
        assert ours.scores(query).argmax() == want.argmax()
