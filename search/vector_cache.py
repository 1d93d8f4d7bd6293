"""The raw vectors an index encoded, by text, so the next build encodes only texts it has not seen.

``index/cache/`` holds ``keys.npy`` (one SHA-256 of a text per row, uint8), ``raw.npy`` (that text's
raw model vector, float32) and ``model.json`` (the model that made them: path, name, dim, dtype and
length). A build passes the served index folder as ``reuse``; rows are taken only when the model is
the same, so a change of model, precision or length encodes everything again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .keys import match_keys

CACHE = "cache"


def text_keys(texts: list[str]) -> np.ndarray:
    """(N, 32) uint8: the SHA-256 of each text's UTF-8 bytes."""
    keys = np.zeros((len(texts), 32), dtype=np.uint8)
    for i, text in enumerate(texts):
        keys[i] = np.frombuffer(hashlib.sha256(text.encode("utf-8")).digest(), dtype=np.uint8)
    return keys


def fill_from_cache(index_folder: Path | None, model: dict, keys: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """Copy into ``raw`` the rows the cache of ``index_folder`` holds for ``keys`` under ``model``;
    returns a mask of the rows filled. A missing, other-model or unreadable cache fills nothing."""
    filled = np.zeros(len(keys), dtype=bool)
    folder = index_folder / CACHE if index_folder is not None else None
    if folder is None or not (folder / "model.json").is_file():
        return filled
    try:
        if json.loads((folder / "model.json").read_text(encoding="utf-8")) != model:
            return filled
        cached_keys = np.load(folder / "keys.npy")
        cached = np.load(folder / "raw.npy", mmap_mode="r")
    except (OSError, ValueError):
        return filled
    if cached.ndim != 2 or cached.shape[1] != raw.shape[1] or cached_keys.shape != (len(cached), keys.shape[1]):
        return filled
    rows = match_keys(keys, cached_keys)
    filled = rows >= 0
    if filled.any():
        raw[filled] = cached[rows[filled]]
    return filled


def save_cache(index_folder: Path, model: dict, keys: np.ndarray, raw: np.ndarray) -> None:
    folder = index_folder / CACHE
    folder.mkdir()
    np.save(folder / "keys.npy", keys)
    np.save(folder / "raw.npy", raw)
    (folder / "model.json").write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
