"""Runs of carried-over rows cover exactly the rows taken, each with its previous row."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from search.runs import runs, spans


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-1, max_value=12), max_size=30))
def test_runs_cover_each_taken_row_once_with_consecutive_sources(values):
    take = np.asarray(values, dtype=np.int64)
    first, source, length = runs(take)
    covered = {}
    for f, s, n in zip(first.tolist(), source.tolist(), length.tolist(), strict=True):
        assert n >= 1
        for k in range(n):
            assert f + k not in covered
            covered[f + k] = s + k
    assert covered == {i: v for i, v in enumerate(values) if v >= 0}
    # maximal: no run continues the one before it
    ends = first + length
    assert not any(e in set(first.tolist()) and take[e] == take[e - 1] + 1 for e in ends.tolist())


def test_spans_copy_variable_length_rows():
    previous = [[1, 2], [3], [], [4, 5, 6]]
    old_offsets = np.cumsum([0] + [len(r) for r in previous])
    take = np.asarray([3, -1, 0, 1, 2], dtype=np.int64)
    rows = [previous[t] if t >= 0 else [9, 9] for t in take]
    offsets = np.cumsum([0] + [len(r) for r in rows])
    flat_old = np.asarray(sum(previous, []))
    out = np.full(offsets[-1], 9)
    for start, end, old_start, old_end in spans(take, offsets, old_offsets):
        out[start:end] = flat_old[old_start:old_end]
    assert out.tolist() == sum(rows, [])
