"""Key matching gives what a plain dictionary of rows gives, checked on all 32 bytes."""

from __future__ import annotations

import hashlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from search.keys import distinct_keys, match_keys, text_keys


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


def distinct_reference(keys: np.ndarray) -> tuple[list[int], list[int]]:
    """First positions of the distinct rows, and each row's distinct row given by its first position."""
    first: dict[bytes, int] = {}
    for i, row in enumerate(keys):
        first.setdefault(row.tobytes(), i)
    return sorted(first.values()), [first[row.tobytes()] for row in keys]


def check_distinct(keys: np.ndarray) -> None:
    first, inverse = distinct_keys(keys)
    want_first, want_of_row = distinct_reference(keys)
    assert sorted(first.tolist()) == want_first
    assert first[inverse].tolist() == want_of_row  # each row's number leads to its first position


@settings(max_examples=200, deadline=None)
@given(labels)
def test_distinct_rows_equal_a_dictionary_of_first_positions(labels):
    check_distinct(keys_of(labels))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 3), max_size=30))
def test_distinct_rows_with_a_shared_prefix_are_told_apart(labels):
    keys = keys_of(labels)
    twins = keys[np.asarray(labels) % 2 == 1] if labels else keys
    twins[:, :8] = 7  # odd labels share their first eight bytes with each other, not their key
    keys[np.asarray(labels) % 2 == 1] = twins
    check_distinct(keys)


def test_empty_inputs():
    assert match_keys(keys_of([]), keys_of([1])).tolist() == []
    assert match_keys(keys_of([1]), keys_of([])).tolist() == [-1]
    assert [part.tolist() for part in distinct_keys(keys_of([]))] == [[], []]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=10))
def test_text_keys_are_the_sha256_of_each_text(texts):
    want = [hashlib.sha256(t.encode("utf-8")).digest() for t in texts]
    assert [bytes(row) for row in text_keys(texts)] == want
