"""The raw-vector cache an index build consults: rows only for the same model and the same text,
kept in segments that later caches link rather than write again."""

from __future__ import annotations

import json
import os

import numpy as np

from search.keys import text_keys
from search.vector_cache import CACHE, cached_vectors, save_cache

MODEL = {"path": "m", "name": "m", "dim": 2, "dtype": "float32", "max_seq_length": 256}


def vectors(texts: list[str]) -> np.ndarray:
    return np.asarray([[len(t), ord(t[0])] for t in texts], dtype=np.float32).reshape(-1, 2)


def build(folder, texts: list[str], reuse=None):
    """What an index build does: find texts in the previous cache, 'encode' the rest, save."""
    folder.mkdir()
    keys = text_keys(texts)
    raw = cached_vectors(reuse, MODEL, keys, 2)
    missing = np.flatnonzero(~raw.hits.found)
    raw.matrix[missing] = vectors([texts[i] for i in missing])
    save_cache(folder, MODEL, keys, raw)
    return raw.hits


def cached(folder, texts: list[str], model=MODEL):
    """(found, vectors) of ``texts`` in the cache of ``folder``."""
    raw = cached_vectors(folder, model, text_keys(texts), 2)
    return raw.hits.found, raw.fill()


def segment_files(folder):
    return sorted(p.name for p in (folder / CACHE).glob("*.npy"))


def test_the_vector_cache_answers_only_for_the_same_model_and_text(tmp_path):
    raw = cached_vectors(None, MODEL, text_keys(["甲", "乙"]), 2)
    raw.matrix[:] = [[1.0, 2.0], [3.0, 4.0]]
    save_cache(tmp_path, MODEL, text_keys(["甲", "乙"]), raw)
    found, out = cached(tmp_path, ["乙", "丙"])
    assert found.tolist() == [True, False] and out[0].tolist() == [3.0, 4.0] and out[1].tolist() == [0.0, 0.0]
    assert not cached(tmp_path, ["乙"], {**MODEL, "dtype": "float16"})[0].any()
    assert not cached(None, ["乙"])[0].any()


def test_cached_vectors_are_read_only_when_asked_for(tmp_path):
    texts = ["甲一", "乙二二", "丙三"]
    build(tmp_path / "v1", texts)
    raw = cached_vectors(tmp_path / "v1", MODEL, text_keys(texts), 2)
    assert not raw.matrix.any()
    assert np.array_equal(raw.fill(np.asarray([2]))[2], vectors(["丙三"])[0]) and not raw.matrix[:2].any()
    assert np.array_equal(raw.fill(), vectors(texts))


def test_a_later_cache_links_the_segments_and_writes_only_new_texts(tmp_path):
    first = ["甲一", "乙二二", "丙三", "丁四四四"]
    build(tmp_path / "v1", first)
    hits = build(tmp_path / "v2", [*first, "戊五"], reuse=tmp_path / "v1")
    assert hits.found.tolist() == [True] * 4 + [False]
    assert segment_files(tmp_path / "v2") == ["0000.keys.npy", "0000.raw.npy", "0001.keys.npy", "0001.raw.npy"]
    linked = tmp_path / "v2" / CACHE / "0000.raw.npy"
    assert os.stat(linked).st_ino == os.stat(tmp_path / "v1" / CACHE / "0000.raw.npy").st_ino
    assert len(np.load(tmp_path / "v2" / CACHE / "0001.keys.npy")) == 1
    # removing a text writes nothing new
    build(tmp_path / "v3", first[:3], reuse=tmp_path / "v2")
    assert segment_files(tmp_path / "v3") == segment_files(tmp_path / "v2")
    found, out = cached(tmp_path / "v3", [*first, "戊五"])
    assert found.all() and np.array_equal(out, vectors([*first, "戊五"]))


def test_a_mostly_unused_cache_is_written_afresh_with_the_rows_used(tmp_path):
    build(tmp_path / "v1", ["甲一", "乙二二", "丙三", "丁四四四"])
    build(tmp_path / "v2", ["甲一", "己六"], reuse=tmp_path / "v1")  # one of four rows still used
    assert segment_files(tmp_path / "v2") == ["0000.keys.npy", "0000.raw.npy"]
    assert len(np.load(tmp_path / "v2" / CACHE / "0000.keys.npy")) == 2
    found, out = cached(tmp_path / "v2", ["甲一", "己六"])
    assert found.all() and np.array_equal(out, vectors(["甲一", "己六"]))


def test_a_damaged_segment_makes_the_cache_unusable(tmp_path):
    build(tmp_path / "v1", ["甲一", "乙二二"])
    np.save(tmp_path / "v1" / CACHE / "0000.raw.npy", np.zeros((5, 2), np.float32))
    assert not cached(tmp_path / "v1", ["甲一"])[0].any()


def test_a_cache_of_the_single_file_layout_is_read_and_linked(tmp_path):
    texts = ["甲一", "乙二二"]
    (tmp_path / "v1" / CACHE).mkdir(parents=True)
    np.save(tmp_path / "v1" / CACHE / "keys.npy", text_keys(texts))
    np.save(tmp_path / "v1" / CACHE / "raw.npy", vectors(texts))
    (tmp_path / "v1" / CACHE / "model.json").write_text(json.dumps(MODEL), encoding="utf-8")
    hits = build(tmp_path / "v2", [*texts, "丙三"], reuse=tmp_path / "v1")
    assert hits.found.tolist() == [True, True, False]
    assert segment_files(tmp_path / "v2") == ["0000.keys.npy", "0000.raw.npy", "keys.npy", "raw.npy"]
    found, out = cached(tmp_path / "v2", [*texts, "丙三"])
    assert found.all() and np.array_equal(out, vectors([*texts, "丙三"]))
