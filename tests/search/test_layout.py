"""The layout's bookkeeping arrays equal their plain definitions."""

from __future__ import annotations

import dataclasses
import hashlib

import numpy as np

from search.config import load_config
from search.keys import text_keys
from search.layout import Layout, Texts, piece_table, unit_keys
from search.units import SearchUnit, UnitKind

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
    headings = np.zeros((3, 32), dtype=np.uint8)
    headings[heading_rows >= 0] = keys[heading_rows[heading_rows >= 0]]
    starts = np.asarray([0, 2, 3, 6])
    assert [bytes(row) for row in unit_keys(keys[piece_rows], headings, starts)] == want


def test_piece_table_lists_unit_start_end_of_each_piece():
    table = piece_table(PIECES)
    assert table.dtype == np.int32
    assert table.tolist() == [[0, 0, 3], [0, 3, 5], [1, 0, 4], [2, 0, 1], [2, 1, 2], [2, 2, 6]]
    assert piece_table([]).shape == (0, 3)


def test_texts_are_the_distinct_piece_and_heading_texts_in_first_occurrence_order():
    units = [
        SearchUnit("n0", "d", "1", UnitKind.TASK, "", ["总体要求"], "", "甲乙。丙丁。", [(0, 3), (3, 6)]),
        SearchUnit("n1", "d", "2", UnitKind.TASK, "", [], "", "丙丁。", [(0, 3)]),
        SearchUnit("n2", "d", "3", UnitKind.TASK, "", ["总体要求"], "", "甲乙。戊。", [(0, 3), (3, 5)]),
    ]
    config = dataclasses.replace(load_config(), piece_min_chars=1, piece_max_chars=3)
    layout = Layout.of_units(units, config)
    texts = Texts.of(layout)
    plain: dict[str, int] = {}
    piece_rows, heading_rows = [], []
    for unit in units:
        for s, e in unit.sentences:
            piece_rows.append(plain.setdefault(unit.text[s:e], len(plain)))
        heading_rows.append(plain.setdefault(unit.heading(), len(plain)) if unit.heading() else -1)
    assert [texts.text(units, layout.table, i) for i in range(len(texts.keys))] == list(plain)
    assert texts.piece_rows.tolist() == piece_rows and texts.heading_rows.tolist() == heading_rows
    assert np.array_equal(texts.keys, text_keys(list(plain)))
