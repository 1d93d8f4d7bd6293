"""faiss vector indexes: exact inner product below a size threshold, HNSW above it.

Vectors are unit length, so inner product is cosine similarity. An index is saved with
``faiss.write_index`` and loaded with ``IO_FLAG_MMAP_IFC``, which memory-maps the stored vectors
instead of reading them; a loaded index is read-only (adding to a mapped index aborts the
process), so :class:`VectorIndex` offers no way to add after loading.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np


@dataclass
class VectorIndex:
    index: faiss.Index
    kind: str  # flat | hnsw

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def vectors(self) -> np.ndarray:
        """A read-only view of the stored vectors (memory-mapped after ``load``); no copy."""
        if self.size == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        stored = self.index.storage if isinstance(self.index, faiss.IndexHNSW) else self.index
        flat = faiss.downcast_index(stored)
        assert isinstance(flat, faiss.IndexFlat), type(flat)  # both kinds keep their vectors in a flat index
        view = faiss.rev_swig_ptr(flat.get_xb(), self.size * self.dim).reshape(self.size, self.dim)
        view.flags.writeable = False
        return view

    def scores(self, query: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Inner products of ``query`` with the vectors of ``rows`` (every vector when None), in that order."""
        stored = self.vectors()
        return (stored if rows is None else stored[rows]) @ query

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) of the ``k`` nearest vectors; ids of -1 mark missing neighbours."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64)
        return self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))


def build_vectors(
    vecs: np.ndarray,
    ann_threshold: int,
    m: int = 32,
    ef_construction: int = 80,
    ef_search: int = 128,
    rows: np.ndarray | None = None,
) -> VectorIndex:
    """Exact search for up to ``ann_threshold`` vectors, an HNSW graph above that.

    ``rows`` picks (and orders) the rows of ``vecs`` to index, gathered block by block so that no
    second copy of a large matrix is made.
    """
    rows = np.arange(len(vecs)) if rows is None else np.asarray(rows)
    dim = vecs.shape[1]
    index: faiss.Index
    if len(rows) <= ann_threshold:
        index, kind = faiss.IndexFlatIP(dim), "flat"
    else:
        hnsw = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = ef_construction
        hnsw.hnsw.efSearch = ef_search
        index, kind = hnsw, "hnsw"
    step = 20_000  # adding in blocks keeps faiss's and numpy's temporary buffers small
    for start in range(0, len(rows), step):
        index.add(np.ascontiguousarray(vecs[rows[start : start + step]], dtype=np.float32))
    return VectorIndex(index, kind)


def load_vectors(path: Path, ef_search: int = 128) -> VectorIndex:
    index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = ef_search
        return VectorIndex(index, "hnsw")
    return VectorIndex(index, "flat")  # read_index returns the concrete type, which owns the memory


def recall_at_k(approx: VectorIndex, exact: VectorIndex, queries: np.ndarray, k: int = 10) -> float:
    """Share of the exact top ``k`` that the approximate index also returns."""
    _, want = exact.search(queries, k)
    _, got = approx.search(queries, k)
    hits = sum(len(set(w[w >= 0]) & set(g[g >= 0])) for w, g in zip(want, got, strict=True))
    total = sum(int((w >= 0).sum()) for w in want)
    return hits / total if total else 1.0
