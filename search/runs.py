"""Rows carried over from a previous table in runs of consecutive rows, so a table that is mostly the
previous one (a document more or less) is copied in a few slices rather than item by item."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def runs(take: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first row, its previous row, length) of each maximal run of rows ``i`` whose ``take[i]``
    (-1: not carried over) are consecutive rows of the previous table."""
    valid = take >= 0
    follows = np.zeros(len(take), dtype=bool)  # row i continues the run of row i - 1
    follows[1:] = valid[1:] & valid[:-1] & (take[1:] == take[:-1] + 1)
    first = np.flatnonzero(valid & ~follows)
    last = np.flatnonzero(valid & ~np.append(follows[1:], False))
    return first, take[first], last + 1 - first


def spans(take: np.ndarray, offsets: np.ndarray, previous_offsets: np.ndarray) -> Iterator[tuple[int, int, int, int]]:
    """For tables of variable-length rows (row ``i`` holds items ``offsets[i]:offsets[i + 1]``): the
    item ranges (start, end, previous start, previous end) to copy for the rows carried over."""
    first, source, length = runs(take)
    yield from zip(
        offsets[first].tolist(),
        offsets[first + length].tolist(),
        previous_offsets[source].tolist(),
        previous_offsets[source + length].tolist(),
        strict=True,
    )
