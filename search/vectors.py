"""faiss vector indexes: exact inner product below a size threshold, HNSW above it.

Vectors are unit length, so inner product is cosine similarity. An index is saved with
``faiss.write_index`` and loaded with ``IO_FLAG_MMAP_IFC``, which memory-maps the stored vectors
instead of reading them; a loaded index is read-only (adding to a mapped index aborts the
process), so :class:`VectorIndex` offers no way to add after loading.

An HNSW graph cannot drop a vector, and rebuilding one costs minutes on a large corpus, so the next
build takes the previous graph as it is (``update_vectors``): rows whose item is gone stay stored but
are never returned, new items are added at the end, and ``NAME.rows.npy`` maps each item to its
stored row. ``NAME.keys.npy`` names what each stored row holds (a SHA-256, see ``search.index``),
so the next build knows which rows it can keep. Once a tenth of the rows are gone, or the size
crosses the exact/HNSW threshold, the index is built afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from .keys import match_keys

MAX_REMOVED_SHARE = 0.1  # an updated index with more rows of removed items than this is rebuilt


@dataclass
class VectorIndex:
    index: faiss.Index
    kind: str  # flat | hnsw
    rows: np.ndarray | None = None  # the stored row of each item; None: item i is row i

    @property
    def size(self) -> int:
        return int(self.index.ntotal) if self.rows is None else len(self.rows)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def _stored(self) -> np.ndarray:
        """A read-only view of every stored row (memory-mapped after ``load``); no copy."""
        total = int(self.index.ntotal)
        if total == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        stored = self.index.storage if isinstance(self.index, faiss.IndexHNSW) else self.index
        flat = faiss.downcast_index(stored)
        assert isinstance(flat, faiss.IndexFlat), type(flat)  # both kinds keep their vectors in a flat index
        view = faiss.rev_swig_ptr(flat.get_xb(), total * self.dim).reshape(total, self.dim)
        view.flags.writeable = False
        return view

    def vectors(self) -> np.ndarray:
        """The items' vectors in item order: a view (no copy) unless the index was updated."""
        stored = self._stored()
        return stored if self.rows is None else stored[self.rows]

    def scores(self, query: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Inner products of ``query`` with the vectors of ``rows`` (every vector when None), in that order."""
        stored = self._stored()
        if self.rows is not None:
            rows = self.rows if rows is None else self.rows[rows]
        return (stored if rows is None else stored[rows]) @ query

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) of the ``k`` nearest vectors; ids of -1 mark missing neighbours."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64)
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if self.rows is None:
            return self.index.search(queries, k)
        items = np.full(int(self.index.ntotal), -1, dtype=np.int64)
        items[self.rows] = np.arange(len(self.rows))
        bits = np.packbits(items >= 0, bitorder="little")  # alive until the search returns
        selector = faiss.IDSelectorBitmap(len(bits), faiss.swig_ptr(bits))
        if isinstance(self.index, faiss.IndexHNSW):
            params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
            params.efSearch = self.index.hnsw.efSearch
        else:
            params = faiss.SearchParameters()
        params.sel = selector
        scores, ids = self.index.search(queries, k, params=params)
        return scores, np.where(ids >= 0, items[np.maximum(ids, 0)], -1)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))
        if self.rows is not None:
            np.save(_rows_path(path), self.rows)


def _rows_path(path: Path) -> Path:
    return path.with_suffix(".rows.npy")


def keys_path(path: Path) -> Path:
    """Where the SHA-256 of what each stored row of the index at ``path`` holds is kept."""
    return path.with_suffix(".keys.npy")


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


def load_vectors(path: Path, ef_search: int = 128, mmap: bool = True) -> VectorIndex:
    """The index saved at ``path``; memory-mapped and read-only unless ``mmap`` is false."""
    index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC if mmap else 0)
    rows = np.load(_rows_path(path)) if _rows_path(path).exists() else None
    if rows is not None and (rows.ndim != 1 or (len(rows) and (rows.min() < 0 or rows.max() >= index.ntotal))):
        raise ValueError(f"{_rows_path(path).name} does not fit {path.name}")
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = ef_search
        return VectorIndex(index, "hnsw", rows)
    return VectorIndex(index, "flat", rows)  # read_index returns the concrete type, which owns the memory


def update_vectors(
    previous: Path,
    keys: np.ndarray,
    make: Callable[[np.ndarray], np.ndarray],
    ann_threshold: int,
    ef_search: int = 128,
) -> tuple[VectorIndex, np.ndarray] | None:
    """The HNSW index at ``previous`` taken on for items named by ``keys`` ((N, 32) uint8): an item
    keeps a stored row holding its key, the others' vectors (``make(items)``, in that order) are
    added. Returns the index and the key of each stored row, or None when a fresh build is due (no
    HNSW index there, too many rows removed, or a size the exact index serves)."""
    if len(keys) <= ann_threshold or not previous.is_file() or not keys_path(previous).is_file():
        return None
    old_keys = np.load(keys_path(previous))
    old = load_vectors(previous, ef_search, mmap=False)
    if old.kind != "hnsw" or len(old_keys) != old.index.ntotal or old_keys.shape[1:] != keys.shape[1:]:
        return None
    alive = old.rows if old.rows is not None else np.arange(len(old_keys))
    rows = match_keys(keys, old_keys, alive, once=True)
    new = np.flatnonzero(rows < 0)
    total = len(old_keys) + len(new)
    if total - len(keys) > MAX_REMOVED_SHARE * total:
        return None
    rows[new] = np.arange(len(old_keys), total)
    step = 20_000
    for start in range(0, len(new), step):
        old.index.add(np.ascontiguousarray(make(new[start : start + step]), dtype=np.float32))
    stored_keys = np.concatenate([old_keys, keys[new]])
    return VectorIndex(old.index, "hnsw", rows), stored_keys


def recall_at_k(approx: VectorIndex, exact: VectorIndex, queries: np.ndarray, k: int = 10) -> float:
    """Share of the exact top ``k`` that the approximate index also returns."""
    _, want = exact.search(queries, k)
    _, got = approx.search(queries, k)
    hits = sum(len(set(w[w >= 0]) & set(g[g >= 0])) for w, g in zip(want, got, strict=True))
    total = sum(int((w >= 0).sum()) for w in want)
    return hits / total if total else 1.0
