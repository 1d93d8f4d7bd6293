"""The raw vectors an index encoded, by text, so the next build encodes only texts it has not seen.

``index/cache/`` holds ``model.json`` (the model that made the vectors: path, name, dim, dtype and
length) and one or more segments, each a pair ``N.keys.npy`` (one SHA-256 of a text per row, uint8)
and ``N.raw.npy`` (that text's raw model vector, float32). A build passes the served index folder as
``reuse``; rows are taken only when the model is the same, so a change of model, precision or length
encodes everything again.

A build reads a cached vector only when it needs it (``RawVectors``): an update that keeps the
previous vector indexes needs the vectors of the units it adds, not every text's. A new index links
the previous index's segments (they are never changed once written) and writes one segment of the
texts it encoded, so adding a document writes that document's vectors, and removing one writes none.
When less than half of the linked rows are still used, or there are more than ``MAX_SEGMENTS``
segments, the cache is written afresh as one segment of exactly the rows used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graph.store import link_or_copy

from .keys import match_keys

CACHE = "cache"
MODEL = "model.json"
MAX_SEGMENTS = 8
MIN_USED_SHARE = 0.5


@dataclass
class Segment:
    number: int
    keys: np.ndarray  # (n, 32) uint8
    raw: np.ndarray  # (n, dim) float32, memory-mapped


LEGACY = -1  # the single unnumbered pair (keys.npy, raw.npy) of caches written before segments


def _segment_numbers(folder: Path) -> list[int]:
    names = (p.name.removesuffix(".keys.npy") for p in folder.glob("*.keys.npy"))
    legacy = [LEGACY] if (folder / "keys.npy").is_file() else []
    return legacy + sorted(int(n) for n in names if n.isdigit())


def _files(folder: Path, number: int) -> tuple[Path, Path]:
    prefix = "" if number == LEGACY else f"{number:04d}."
    return folder / f"{prefix}keys.npy", folder / f"{prefix}raw.npy"


def open_segments(index_folder: Path | None, model: dict, dim: int) -> list[Segment]:
    """The cache segments of the index at ``index_folder`` made by ``model``; none when the cache is
    missing, made by another model or unreadable."""
    folder = index_folder / CACHE if index_folder is not None else None
    if folder is None or not (folder / MODEL).is_file():
        return []
    segments = []
    try:
        if json.loads((folder / MODEL).read_text(encoding="utf-8")) != model:
            return []
        for number in _segment_numbers(folder):
            keys_file, raw_file = _files(folder, number)
            keys, raw = np.load(keys_file), np.load(raw_file, mmap_mode="r")
            if keys.ndim != 2 or keys.shape[1] != 32 or raw.shape != (len(keys), dim):
                return []
            segments.append(Segment(number, keys, raw))
    except (OSError, ValueError):
        return []
    return segments


@dataclass
class CacheHits:
    """Where each wanted text's vector was found: a segment of the cache in ``folder`` and a row in
    it (-1: not cached)."""

    folder: Path | None
    segments: list[Segment]
    segment: np.ndarray
    row: np.ndarray

    @property
    def found(self) -> np.ndarray:
        return self.segment >= 0

    def read(self, which: np.ndarray, out: np.ndarray) -> None:
        """Copy into ``out[which]`` the cached vectors of the texts ``which`` (all found)."""
        for i, seg in enumerate(self.segments):
            mine = which[self.segment[which] == i]
            out[mine] = seg.raw[self.row[mine]]


def _locate(index_folder: Path | None, model: dict, keys: np.ndarray, dim: int) -> CacheHits:
    """Where the cache of ``index_folder`` holds the texts ``keys`` under ``model`` (nothing is read yet)."""
    segments = open_segments(index_folder, model, dim)
    folder = index_folder / CACHE if segments and index_folder is not None else None
    segment = np.full(len(keys), -1, dtype=np.int64)
    row = np.full(len(keys), -1, dtype=np.int64)
    if segments:
        sizes = np.asarray([len(s.keys) for s in segments])
        starts = np.concatenate([[0], np.cumsum(sizes)])
        at = match_keys(keys, np.concatenate([s.keys for s in segments]))
        hit = np.flatnonzero(at >= 0)
        segment[hit] = np.searchsorted(starts, at[hit], side="right") - 1
        row[hit] = at[hit] - starts[segment[hit]]
    return CacheHits(folder, segments, segment, row)


class RawVectors:
    """The raw vector of each of a build's texts: a cached one is read only when first asked for (an
    update needs the vectors of the few units it adds, not all), the others are set by the build
    (``matrix[rows] = ...``) as it encodes them. The matrix is allocated zeroed, so the memory of
    rows never filled is not touched."""

    def __init__(self, hits: CacheHits, dim: int):
        self.hits = hits
        self.matrix = np.zeros((len(hits.segment), dim), dtype=np.float32)
        self._unread = hits.found.copy()

    def fill(self, which: np.ndarray | None = None) -> np.ndarray:
        """The matrix, with the cached vectors of the texts ``which`` (default: all) read in."""
        pending = np.flatnonzero(self._unread) if which is None else np.unique(which[self._unread[which]])
        if len(pending):
            self.hits.read(pending, self.matrix)
            self._unread[pending] = False
        return self.matrix


def cached_vectors(index_folder: Path | None, model: dict, keys: np.ndarray, dim: int) -> RawVectors:
    """The raw vectors of the texts ``keys``, read on demand from the cache of ``index_folder``."""
    return RawVectors(_locate(index_folder, model, keys, dim), dim)


def save_cache(index_folder: Path, model: dict, keys: np.ndarray, raw: RawVectors) -> None:
    """The cache of a new index: the segments ``raw`` was found in linked plus one of the texts not
    found there, or, when those segments are mostly unused (or many), one segment of every row of
    ``keys``."""
    folder = index_folder / CACHE
    folder.mkdir()
    hits = raw.hits
    linked: list[Segment] = []
    new = np.arange(len(keys))
    if hits.folder is not None and hits.segments:
        held = sum(len(s.keys) for s in hits.segments)
        if int(hits.found.sum()) >= MIN_USED_SHARE * held and len(hits.segments) < MAX_SEGMENTS:
            linked, new = hits.segments, np.flatnonzero(~hits.found)
            for seg in linked:
                for target in _files(folder, seg.number):
                    link_or_copy(hits.folder / target.name, target)
    if len(new) or not linked:
        keys_file, raw_file = _files(folder, linked[-1].number + 1 if linked else 0)
        np.save(keys_file, keys[new])
        np.save(raw_file, raw.fill(new)[new])
    (folder / MODEL).write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
