"""The BM25 matrix's counting equals numpy's own."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from search.bm25 import _counted


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50), max_size=60))
def test_counted_equals_numpy_unique_with_counts(values):
    want = np.unique(np.asarray(values, dtype=np.int64), return_counts=True)
    got = _counted(np.asarray(values, dtype=np.int64))
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()
