"""The BM25 matrix: its counting equals numpy's own, its scores those of bm25s indexing the same documents."""

from __future__ import annotations

import bm25s
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from search.bm25 import PLACEHOLDER, LexicalIndex, TokenTable, _counted, _matrix


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


def test_pairs_sorted_with_or_without_packed_keys_give_the_same_matrix(monkeypatch):
    table = TokenTable.from_tokens(DOCS)
    packed = _matrix(table, 1.5, 0.75)
    monkeypatch.setattr("search.bm25.PACKED_LIMIT", 0)
    unpacked = _matrix(table, 1.5, 0.75)
    assert packed[0] == unpacked[0]
    assert all(np.array_equal(a, b) for a, b in zip(packed[1:], unpacked[1:], strict=True))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["科普", "基地", "年会", "学会", "小院"]), max_size=6), max_size=8))
def test_holds_says_which_documents_hold_a_term(docs):
    index = LexicalIndex.build(docs)
    for term in ["科普", "基地", "年会", "学会", "小院", "海智", "", PLACEHOLDER]:
        for unit, doc in enumerate(docs):
            assert index.holds(term, unit) == (term in doc and term != PLACEHOLDER), (term, unit)
