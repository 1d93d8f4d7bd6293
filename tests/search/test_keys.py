"""Key matching gives what a plain dictionary of rows gives, checked on all 32 bytes."""

from __future__ import annotations

import hashlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from search.keys import match_keys, text_keys


def keys_of(labels: list[int]) -> np.ndarray:
    out = np.zeros((len(labels), 32), dtype=np.uint8)
    for i, label in enumerate(labels):
        out[i] = np.frombuffer(hashlib.sha256(str(label).encode()).digest(), dtype=np.uint8)
    return out


def reference(wanted: list[int], held: list[int], rows: list[int], once: bool) -> list[int]:
    free: dict[int, list[int]] = {}
    for row in sorted(rows):
        free.setdefault(held[row], []).append(row)
    out = []
    for label in wanted:
        taken = free.get(label, [])
        out.append(taken[0] if taken else -1)
        if once and taken:
            taken.pop(0)
    return out


labels = st.lists(st.integers(0, 12), max_size=40)


@settings(max_examples=200, deadline=None)
@given(wanted=labels, held=labels, data=st.data(), once=st.booleans())
def test_matches_equal_a_dictionary_of_rows(wanted, held, data, once):
    rows = data.draw(st.lists(st.sampled_from(range(len(held))), unique=True)) if held else []
    got = match_keys(keys_of(wanted), keys_of(held), np.asarray(rows, dtype=np.int64), once=once)
    assert got.tolist() == reference(wanted, held, rows, once)


def test_a_shared_prefix_is_never_taken_for_the_same_key():
    held = keys_of([1, 2])
    wanted = held.copy()
    wanted[0, 8:] ^= 0xFF  # same first eight bytes as row 0, another key
    assert match_keys(wanted, held).tolist() == [-1, 1]


def test_empty_inputs():
    assert match_keys(keys_of([]), keys_of([1])).tolist() == []
    assert match_keys(keys_of([1]), keys_of([])).tolist() == [-1]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=10))
def test_text_keys_are_the_sha256_of_each_text(texts):
    want = [hashlib.sha256(t.encode("utf-8")).digest() for t in texts]
    assert [bytes(row) for row in text_keys(texts)] == want
