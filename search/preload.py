"""The encoder of a build loaded in a child process while the build goes on.

Loading torch, transformers and the model takes seconds of one core, and a change of the corpus
needs it only at the end, to encode the texts of the documents it adds. ``preload_encoder`` starts a
child process that loads it at once, on the other core, while this process reads the documents and
changes the graph; ``get_encoder`` then takes the child (``search.encoder.hand_over``), and texts are
sent to it and their vectors sent back. The child goes when this process ends, or on ``close``.
"""

from __future__ import annotations

import multiprocessing
import threading
from dataclasses import asdict
from multiprocessing.connection import Connection

import numpy as np

from .config import load_config
from .encoder import (
    Encoder,
    EncoderInfo,
    forget,
    get_encoder,
    hand_over,
    model_path,
    normalise_rows,
    resolve_dtype,
)
from .errors import EncoderMissing


def _serve(conn: Connection, path: str, dtype: str, max_seq_length: int) -> None:
    """The child: load the model, say so, then encode what is sent until the parent is gone (it kills
    the child on ``close``, or the connection ends with it)."""
    from tqdm import tqdm

    # tqdm's default lock is a multiprocessing one: a semaphore that a stopped child leaves behind
    tqdm.set_lock(threading.RLock())
    try:
        encoder = Encoder(path, dtype, max_seq_length)
    except Exception as exc:  # noqa: BLE001 - the parent raises it when it asks for the model
        conn.send(("error", str(exc)))
        return
    conn.send(("ready", asdict(encoder.info)))
    while True:
        try:
            texts, batch_size, progress = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("vectors", encoder.encode(texts, batch_size=batch_size, progress=progress)))
        except Exception as exc:  # noqa: BLE001 - sent back and raised in the parent
            conn.send(("error", str(exc)))


class ChildEncoder(Encoder):
    """An :class:`Encoder` whose model is loaded and run in a child process."""

    def __init__(self, path: str, dtype: str = "float32", max_seq_length: int = 256):
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing of this one is copied
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, path, dtype, max_seq_length), daemon=True)
        self._process.start()
        child.close()
        self._info: EncoderInfo | None = None

    def _receive(self) -> object:
        try:
            kind, payload = self._conn.recv()
        except EOFError:
            raise EncoderMissing("向量模型进程意外退出 (the process loading the embedding model ended)") from None
        if kind == "error":
            raise EncoderMissing(f"向量模型无法使用 (embedding model failed: {payload})")
        return payload

    @property
    def info(self) -> EncoderInfo:
        """What the child loaded (waiting for it to finish loading)."""
        if self._info is None:
            ready = self._receive()
            assert isinstance(ready, dict)
            self._info = EncoderInfo(**ready)
        return self._info

    @info.setter
    def info(self, value: EncoderInfo) -> None:
        self._info = value

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.info.dim), dtype=np.float32)
        self.info  # noqa: B018 - the model is loaded before the first texts are sent
        self._conn.send((texts, batch_size, progress))
        vectors = self._receive()
        assert isinstance(vectors, np.ndarray)
        return vectors

    def encode_query(self, text: str) -> np.ndarray:
        return normalise_rows(self.encode([text])).reshape(1, -1)

    def close(self) -> None:
        """Stop the child (it would end with this process anyway); ``get_encoder`` no longer gives it.
        The child keeps nothing worth an orderly exit, which takes a second of torch's teardown."""
        forget(self)
        if self._process.is_alive():
            self._process.kill()
        self._process.join()  # reaped, never left a zombie
        self._conn.close()


def preload_encoder(model: str | None = None) -> ChildEncoder | None:
    """Start loading the encoder a build with ``model`` would use, in a child process; the build's
    ``get_encoder`` takes it. None when that model cannot be named now (the build will say why)."""
    config = load_config()
    try:
        path, dtype = model_path(model), resolve_dtype(config.dtype)
    except (EncoderMissing, ValueError):
        return None
    if get_encoder.cache_info().currsize:  # a model is loaded in this process already
        return None
    child = ChildEncoder(path, dtype, config.max_seq_length)
    hand_over(child, path, dtype, config.max_seq_length)
    return child
