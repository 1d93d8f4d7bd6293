"""The encoder loaded in a child process: handed to the build, equal to one loaded here, and gone
when closed."""

from __future__ import annotations

import numpy as np
import pytest

from search.encoder import Encoder, EncoderInfo, forget, get_encoder, hand_over, model_path
from search.errors import EncoderMissing
from search.preload import ChildEncoder

TEXTS = ["建设科技小院", "实施海智计划，引进海外人才", "科普"]


class _Fake(Encoder):
    def __init__(self) -> None:  # no model
        self.info = EncoderInfo("fake", "fake", 2, "float32", 8)


def test_get_encoder_takes_the_encoder_handed_over_until_it_is_forgotten():
    fake = _Fake()
    get_encoder.cache_clear()
    hand_over(fake, "some/model", "float32", 8)
    assert get_encoder("some/model", "float32", 8) is fake
    forget(fake)
    assert get_encoder.cache_info().currsize == 0  # taken, then dropped with the loaded ones
    other = _Fake()
    hand_over(other, "some/model", "float32", 8)
    forget(other)  # never taken
    with pytest.raises(EncoderMissing):
        get_encoder("some/model", "float32", 8)  # loads for real now: there is no such model


def test_a_child_encodes_what_the_model_here_does():
    path = model_path()
    child = ChildEncoder(path)
    try:
        here = get_encoder(path)
        assert child.info == here.info
        assert np.allclose(child.encode(TEXTS), here.encode(TEXTS), atol=1e-5)
        assert child.encode([]).shape == (0, here.info.dim)
    finally:
        child.close()
    assert not child._process.is_alive()


def test_a_child_that_cannot_load_the_model_says_so_when_asked(tmp_path):
    child = ChildEncoder(str(tmp_path))
    try:
        with pytest.raises(EncoderMissing, match="embedding model"):
            child.encode(TEXTS)
    finally:
        child.close()


def test_a_child_never_asked_for_is_stopped_at_once_and_reaped():
    import signal

    child = ChildEncoder(model_path())
    child.close()  # while it still loads the model: killed, not waited for
    assert child._process.exitcode == -signal.SIGKILL
