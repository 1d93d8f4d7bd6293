"""SHA-256 keys of texts, and matching them between an index being built and the one before it,
without a Python loop.

Keys are (N, 32) uint8 rows. Rows are looked up by their first eight bytes (sorted, then binary
search) and every match is checked on all 32 bytes, so a shared prefix can only cost a reuse, never
give a wrong row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np


def digests(chunks: Iterable[bytes | memoryview], count: int) -> np.ndarray:
    """(count, 32) uint8: the SHA-256 of each of ``count`` byte strings, gathered in one buffer."""
    sha = hashlib.sha256
    joined = bytearray(b"".join([sha(chunk).digest() for chunk in chunks]))
    return np.frombuffer(joined, dtype=np.uint8).reshape(count, 32)


def text_keys(texts: list[str]) -> np.ndarray:
    """(N, 32) uint8: the SHA-256 of each text's UTF-8 bytes."""
    return digests((text.encode("utf-8") for text in texts), len(texts))


def _prefixes(keys: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(keys[:, :8]).view(np.uint64).ravel()


def _occurrences(values: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions hold the same value."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.ones(len(values), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    run_start = np.maximum.accumulate(np.where(first, np.arange(len(values)), 0))
    out = np.empty(len(values), dtype=np.int64)
    out[order] = np.arange(len(values)) - run_start
    return out


def distinct_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``keys``: each one's first position, and for every row the number of its
    distinct row (numbered in any order). Rows are sorted by their first eight bytes, and neighbours
    compared on all 32; should two different keys share eight bytes, all rows are sorted whole."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    words = np.ascontiguousarray(keys).view(np.uint64)
    order = np.argsort(words[:, 0], kind="stable")  # equal keys stay in position order
    ordered = words[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    if np.any(new[1:] & (ordered[1:, 0] == ordered[:-1, 0])):  # one prefix, two keys
        flat = np.ascontiguousarray(keys).view(np.dtype((np.void, keys.shape[1]))).ravel()
        _, first, inverse = np.unique(flat, return_index=True, return_inverse=True)
        return first.astype(np.int64), inverse.ravel().astype(np.int64)
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return order[new].astype(np.int64), inverse


def match_keys(wanted: np.ndarray, held: np.ndarray, rows: np.ndarray | None = None, once: bool = False) -> np.ndarray:
    """For each key of ``wanted``, a row of ``held`` holding the same key, or -1.

    ``rows`` limits the rows that may be taken (default: all). With ``once`` each row is given to one
    wanted key at most: the n-th occurrence of a key takes the n-th lowest row holding it (so a key
    wanted twice needs two rows); otherwise every occurrence takes the lowest row.
    """
    out = np.full(len(wanted), -1, dtype=np.int64)
    candidates = np.arange(len(held), dtype=np.int64) if rows is None else np.sort(np.asarray(rows, dtype=np.int64))
    if not len(wanted) or not len(candidates):
        return out
    held_prefix = _prefixes(held)[candidates]
    order = np.argsort(held_prefix, kind="stable")  # within one prefix, rows stay ascending
    sorted_prefix, sorted_rows = held_prefix[order], candidates[order]
    want_prefix = _prefixes(wanted)
    at = np.searchsorted(sorted_prefix, want_prefix, side="left")
    if once:
        at = at + _occurrences(want_prefix)
    inside = at < len(sorted_prefix)
    found = np.flatnonzero(inside)
    found = found[sorted_prefix[at[found]] == want_prefix[found]]
    taken = sorted_rows[at[found]]
    same = (held[taken] == wanted[found]).all(axis=1)
    out[found[same]] = taken[same]
    return out
