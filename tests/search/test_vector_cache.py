"""The raw-vector cache an index build consults: rows only for the same model and the same text."""

from __future__ import annotations

import numpy as np

from search.vector_cache import fill_from_cache, save_cache, text_keys


def test_the_vector_cache_answers_only_for_the_same_model_and_text(tmp_path):
    model = {"path": "m", "name": "m", "dim": 2, "dtype": "float32", "max_seq_length": 256}
    raw = np.asarray([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    save_cache(tmp_path, model, text_keys(["甲", "乙"]), raw)
    out = np.zeros((2, 2), dtype=np.float32)
    filled = fill_from_cache(tmp_path, model, text_keys(["乙", "丙"]), out)
    assert filled.tolist() == [True, False] and out[0].tolist() == [3.0, 4.0] and out[1].tolist() == [0.0, 0.0]
    other = {**model, "dtype": "float16"}
    assert not fill_from_cache(tmp_path, other, text_keys(["乙"]), np.zeros((1, 2), np.float32)).any()
    assert not fill_from_cache(None, model, text_keys(["乙"]), np.zeros((1, 2), np.float32)).any()
