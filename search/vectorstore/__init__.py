"""Where the dense vectors live: faiss files in the index folder (the default) or a Milvus collection.

Chosen when the index is built, by ``$POLICYKG_VECTOR_STORE`` (``faiss`` or ``milvus``). Milvus is
reached at ``$POLICYKG_MILVUS_URI``: a server URI (``http://host:19530``) for a cluster, or a local
folder for milvus-lite; by default a milvus-lite folder inside the index (``milvus.db``), which one
process at a time can open. ``$POLICYKG_MILVUS_TOKEN`` authenticates to a server. Loading reads what
the build wrote (``NAME.faiss``, or ``NAME.milvus.json`` naming the collection), so a built index
opens the same way whatever the environment says now.

Both backends answer the same two questions: the ``k`` nearest vectors to some queries
(``search``), and the inner products of one query with given rows (``scores``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

from ..vectors import VectorIndex, load_vectors

BACKEND_ENV = "POLICYKG_VECTOR_STORE"
BACKENDS = ("faiss", "milvus")


class VectorStore(Protocol):
    kind: str  # flat | hnsw (faiss), milvus-flat | milvus-hnsw

    @property
    def size(self) -> int: ...

    @property
    def dim(self) -> int: ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) of the ``k`` nearest vectors to each query; ids of -1 mark missing neighbours."""
        ...

    def scores(self, query: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Inner products of ``query`` with the vectors of ``rows`` (every vector when None), in that order."""
        ...


def backend() -> str:
    name = os.environ.get(BACKEND_ENV) or "faiss"
    if name not in BACKENDS:
        raise ValueError(f"{BACKEND_ENV} 无效 unknown vector store '{name}' (choose from {', '.join(BACKENDS)})")
    return name


def save_vectors(index: VectorIndex, folder: Path, name: str, build_id: str) -> str:
    """Store ``index``'s vectors for the index in ``folder`` under ``name``; returns the kind stored."""
    if backend() == "milvus":
        from .milvus import upload

        return upload(index, folder, name, build_id)
    index.save(folder / f"{name}.faiss")
    return index.kind


def open_vectors(folder: Path, name: str, ef_search: int = 128) -> VectorStore:
    """The vectors a build stored under ``name``, wherever it put them."""
    from .milvus import DESCRIPTOR, open_milvus

    if (folder / f"{name}{DESCRIPTOR}").exists():
        return open_milvus(folder, name, ef_search)
    return load_vectors(folder / f"{name}.faiss", ef_search)
