"""The query batcher: queries waiting while the model is busy are encoded together, each gets its
own vector, and an error reaches every query of its batch."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from search.encoder import QueryBatcher, base_model_path, get_encoder


class SlowModel:
    """Encodes a text as [len(text), batch size]; the first call waits until released."""

    def __init__(self):
        self.batches: list[list[str]] = []
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        self.started.set()
        self.release.wait(timeout=10)
        return np.array([[len(t), len(texts)] for t in texts], dtype=np.float32)


def encode_all(batcher: QueryBatcher, texts: list[str], model: SlowModel) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    first = threading.Thread(target=lambda: out.__setitem__(texts[0], batcher.encode(texts[0])))
    first.start()
    assert model.started.wait(timeout=10)  # the model is busy with the first query
    rest = [threading.Thread(target=lambda t=t: out.__setitem__(t, batcher.encode(t))) for t in texts[1:]]
    for t in rest:
        t.start()
    deadline = time.monotonic() + 10
    while len(batcher._waiting) < len(rest) and time.monotonic() < deadline:  # every other query waits
        time.sleep(0.01)
    model.release.set()
    for t in [first, *rest]:
        t.join(timeout=10)
    return out


def test_queries_waiting_for_the_model_are_encoded_in_one_batch():
    model = SlowModel()
    batcher = QueryBatcher(model, max_batch=3)
    texts = ["a", "bb", "ccc", "dddd", "eeeee", "ffffff"]
    out = encode_all(batcher, texts, model)
    assert model.batches[0] == ["a"]
    assert sorted(len(b) for b in model.batches[1:]) == [2, 3]  # five waiting: a batch of three, then two
    assert sorted(t for b in model.batches for t in b) == texts
    assert {t: int(v[0]) for t, v in out.items()} == {t: len(t) for t in texts}  # each its own vector


def test_an_error_reaches_every_query_of_its_batch_and_the_next_ones_still_run():
    calls = []

    def failing(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        if len(calls) == 1:
            raise RuntimeError("model failed")
        return np.ones((len(texts), 2), dtype=np.float32)

    batcher = QueryBatcher(failing)
    with pytest.raises(RuntimeError, match="model failed"):
        batcher.encode("one")
    assert batcher.encode("two").tolist() == [1.0, 1.0]


def test_queries_encoded_in_one_batch_equal_sentence_transformers_encode():
    from sentence_transformers import SentenceTransformer

    encoder = get_encoder(base_model_path(), "float32", 64)
    texts = ["科技志愿服务", "省科协领导联系学会的制度是什么", "应急科普"]
    reference = SentenceTransformer(base_model_path(), device="cpu")
    reference.max_seq_length = 64
    want = reference.encode(texts, batch_size=len(texts), normalize_embeddings=True, convert_to_numpy=True)
    together = encoder._encode_queries(texts)
    alone = np.vstack([encoder.encode_query(t) for t in texts])
    assert together.dtype == np.float32 and together.shape == (3, encoder.info.dim)
    np.testing.assert_allclose(together, want, atol=1e-5)
    np.testing.assert_allclose(alone, want, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(alone, axis=1), 1.0, atol=1e-5)
