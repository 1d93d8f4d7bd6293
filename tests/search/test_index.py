"""The index's bookkeeping arrays equal their plain definitions."""

from __future__ import annotations

import hashlib

import numpy as np

from search.index import _piece_table, _unit_keys
from search.keys import text_keys

PIECES = [[(0, 3), (3, 5)], [(0, 4)], [(0, 1), (1, 2), (2, 6)]]


def test_unit_keys_hash_the_heading_key_then_the_piece_keys():
    keys = text_keys(["甲", "乙", "丙", "丁", "戊"])
    piece_rows = np.asarray([0, 1, 2, 3, 4, 0], dtype=np.int64)
    heading_rows = np.asarray([2, -1, 4], dtype=np.int64)
    want = []
    at = 0
    for spans, heading in zip(PIECES, heading_rows, strict=True):
        digest = hashlib.sha256(keys[heading].tobytes() if heading >= 0 else bytes(32))
        digest.update(keys[piece_rows[at : at + len(spans)]].tobytes())
        want.append(digest.digest())
        at += len(spans)
    assert [bytes(row) for row in _unit_keys(keys, PIECES, piece_rows, heading_rows)] == want


def test_piece_table_lists_unit_start_end_of_each_piece():
    table = _piece_table(PIECES)
    assert table.dtype == np.int32
    assert table.tolist() == [[0, 0, 3], [0, 3, 5], [1, 0, 4], [2, 0, 1], [2, 1, 2], [2, 2, 6]]
    assert _piece_table([]).shape == (0, 3)
