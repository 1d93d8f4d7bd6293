"""faiss vector indexes: exact inner product below a size threshold, HNSW above it.

Vectors are unit length, so inner product is cosine similarity. An index is saved with
``faiss.write_index`` and loaded with ``IO_FLAG_MMAP_IFC``, which memory-maps the stored vectors
instead of reading them; a loaded index is read-only (adding to a mapped index aborts the
process), so :class:`VectorIndex` offers no way to add after loading.

An HNSW graph cannot drop a vector, and rebuilding one costs minutes on a large corpus, so the next
build takes the previous graph as it is (``update_vectors``): rows whose item is gone stay stored but
are never returned, new items go to a tail (``NAME.tail.faiss``) searched exactly beside the graph,
whose file is linked rather than read and written again, and ``NAME.rows.npy`` maps each item to
its stored row; once the tail outgrows a twentieth of the graph it is added to the graph.
``NAME.keys.npy`` names what each stored row holds (a SHA-256, see ``search.index``), so the next
build knows which rows it can keep. Once a tenth of the rows are gone, or the size
crosses the exact/HNSW threshold, the index is built afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from graph.store import link_or_copy

from .keys import match_keys

MAX_REMOVED_SHARE = 0.1  # an updated index with more rows of removed items than this is rebuilt
MAX_TAIL_SHARE = 0.05  # rows added since the HNSW graph was built, beyond which they join the graph


def one_thread_per_query() -> None:
    """faiss's OpenMP team limited to one thread in this process. A query searches one vector at a
    time, and a team per query only waits for cores that other requests (or other work) keep busy:
    on the plan with the rural documents and the reports, with one core busy elsewhere, search took
    38-101 ms (p50, query encoding aside) with two threads and 15-28 ms with one."""
    faiss.omp_set_num_threads(1)


def _flat_view(index: faiss.Index, dim: int) -> np.ndarray:
    """A read-only view of the vectors a flat index (or an HNSW index's storage) holds; no copy."""
    total = int(index.ntotal)
    if total == 0:
        return np.zeros((0, dim), dtype=np.float32)
    stored = index.storage if isinstance(index, faiss.IndexHNSW) else index
    flat = faiss.downcast_index(stored)
    assert isinstance(flat, faiss.IndexFlat), type(flat)  # both kinds keep their vectors in a flat index
    view = faiss.rev_swig_ptr(flat.get_xb(), total * dim).reshape(total, dim)
    view.flags.writeable = False
    return view


@dataclass
class VectorIndex:
    """``index``'s rows, then ``tail``'s: the vectors added since an HNSW graph was built, searched
    exactly beside it (row ``index.ntotal + i`` is the tail's row ``i``). ``source`` is the file
    ``index`` was read from when it is unchanged, so saving links that file instead of writing it."""

    index: faiss.Index
    kind: str  # flat | hnsw
    rows: np.ndarray | None = None  # the stored row of each item; None: item i is row i
    tail: faiss.IndexFlat | None = None
    source: Path | None = None

    @property
    def size(self) -> int:
        return int(self.index.ntotal) if self.rows is None else len(self.rows)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    @property
    def stored(self) -> int:
        """Rows stored, whether an item still uses them or not."""
        return int(self.index.ntotal) + (int(self.tail.ntotal) if self.tail is not None else 0)

    def _stored(self) -> np.ndarray:
        """A read-only view of the graph's stored rows (memory-mapped after ``load``); no copy."""
        return _flat_view(self.index, self.dim)

    def _tail(self) -> np.ndarray:
        return _flat_view(self.tail, self.dim) if self.tail is not None else np.zeros((0, self.dim), np.float32)

    def vectors(self) -> np.ndarray:
        """The items' vectors in item order: a view (no copy) unless the index was updated."""
        stored = self._stored() if self.tail is None else np.concatenate([self._stored(), self._tail()])
        return stored if self.rows is None else stored[self.rows]

    def scores(self, query: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Inner products of ``query`` with the vectors of ``rows`` (every vector when None), in that order."""
        stored = self._stored()
        if self.rows is not None:
            rows = self.rows if rows is None else self.rows[rows]
        if self.tail is None or rows is None:
            return (stored if rows is None else stored[rows]) @ query
        out = np.empty(len(rows), dtype=np.float32)
        graph = rows < len(stored)
        out[graph] = stored[rows[graph]] @ query
        out[~graph] = self._tail()[rows[~graph] - len(stored)] @ query
        return out

    def _items(self) -> np.ndarray:
        """The item of each stored row (-1: a removed item's row), made once."""
        items = self.__dict__.get("_item_of_row")
        if items is None:
            items = np.full(self.stored, -1, dtype=np.int64)
            items[self.rows] = np.arange(len(self.rows))  # type: ignore[arg-type]
            self.__dict__["_item_of_row"] = items
        return items

    def _alive(self) -> np.ndarray:
        """The bitmap of the graph's rows an item still uses, for faiss's selector; made once."""
        bits = self.__dict__.get("_alive_rows")
        if bits is None:
            bits = np.packbits(self._items()[: self.index.ntotal] >= 0, bitorder="little")
            self.__dict__["_alive_rows"] = bits
        return bits

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) of the ``k`` nearest vectors; ids of -1 mark missing neighbours."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64)
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if self.rows is None:
            return self.index.search(queries, k)
        items = self._items()
        graph_items = items[: self.index.ntotal]
        bits = self._alive()  # kept on the index, so alive until the search returns
        selector = faiss.IDSelectorBitmap(len(bits), faiss.swig_ptr(bits))
        if isinstance(self.index, faiss.IndexHNSW):
            params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
            params.efSearch = self.index.hnsw.efSearch
        else:
            params = faiss.SearchParameters()
        params.sel = selector
        scores, ids = self.index.search(queries, min(k, int(self.index.ntotal)), params=params)
        ids = np.where(ids >= 0, graph_items[np.maximum(ids, 0)], -1)
        if self.tail is None:
            return scores, ids
        return _merge(scores, ids, self._tail_search(queries, items[self.index.ntotal :], k), k)

    def _tail_search(self, queries: np.ndarray, tail_items: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Exact (scores, items) of the tail's alive rows, best ``k`` per query."""
        alive = np.flatnonzero(tail_items >= 0)
        scores = queries @ self._tail()[alive].T
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(scores, top, axis=1), tail_items[alive][top]

    def save(self, path: Path) -> None:
        if self.source is not None:
            link_or_copy(self.source, path)
        else:
            faiss.write_index(self.index, str(path))
        if self.tail is not None:
            faiss.write_index(self.tail, str(_tail_path(path)))
        if self.rows is not None:
            np.save(_rows_path(path), self.rows)


def _merge(
    scores: np.ndarray, ids: np.ndarray, other: tuple[np.ndarray, np.ndarray], k: int
) -> tuple[np.ndarray, np.ndarray]:
    """The best ``k`` of two (scores, ids) results per query; missing neighbours (-1) last."""
    all_scores = np.concatenate([scores, other[0]], axis=1)
    all_ids = np.concatenate([ids, other[1]], axis=1)
    ranked = np.where(all_ids >= 0, all_scores, -np.inf)
    top = np.argsort(-ranked, axis=1, kind="stable")[:, :k]
    out_ids = np.take_along_axis(all_ids, top, axis=1)
    out_scores = np.take_along_axis(all_scores, top, axis=1)
    pad = k - out_ids.shape[1]
    if pad > 0:
        out_ids = np.pad(out_ids, ((0, 0), (0, pad)), constant_values=-1)
        out_scores = np.pad(out_scores, ((0, 0), (0, pad)), constant_values=-np.inf)
    return out_scores.astype(np.float32), out_ids


def _tail_path(path: Path) -> Path:
    return path.with_suffix(".tail.faiss")


def _rows_path(path: Path) -> Path:
    return path.with_suffix(".rows.npy")


def keys_path(path: Path) -> Path:
    """Where the SHA-256 of what each stored row of the index at ``path`` holds is kept."""
    return path.with_suffix(".keys.npy")


def _add(index: faiss.Index, vectors: Callable[[np.ndarray], np.ndarray], items: np.ndarray) -> None:
    """Add ``vectors(items)`` in blocks, which keeps faiss's and numpy's temporary buffers small."""
    step = 20_000
    for start in range(0, len(items), step):
        index.add(np.ascontiguousarray(vectors(items[start : start + step]), dtype=np.float32))


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
    _add(index, lambda block: vecs[block], rows)
    return VectorIndex(index, kind)


def load_vectors(path: Path, ef_search: int = 128, mmap: bool = True) -> VectorIndex:
    """The index saved at ``path`` (with its tail, if any); memory-mapped and read-only unless ``mmap`` is false."""
    flags = faiss.IO_FLAG_MMAP_IFC if mmap else 0
    index = faiss.read_index(str(path), flags)
    tail = faiss.read_index(str(_tail_path(path)), flags) if _tail_path(path).exists() else None
    if tail is not None and (not isinstance(tail, faiss.IndexFlat) or tail.d != index.d):
        raise ValueError(f"{_tail_path(path).name} does not fit {path.name}")
    stored = int(index.ntotal) + (int(tail.ntotal) if tail is not None else 0)
    rows = np.load(_rows_path(path)) if _rows_path(path).exists() else None
    if rows is not None and (rows.ndim != 1 or (len(rows) and (rows.min() < 0 or rows.max() >= stored))):
        raise ValueError(f"{_rows_path(path).name} does not fit {path.name}")
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = ef_search
        return VectorIndex(index, "hnsw", rows, tail)
    return VectorIndex(index, "flat", rows, tail)  # read_index returns the concrete type, which owns the memory


def update_vectors(
    previous: Path,
    keys: np.ndarray,
    make: Callable[[np.ndarray], np.ndarray],
    ann_threshold: int,
    ef_search: int = 128,
) -> tuple[VectorIndex, np.ndarray] | None:
    """The HNSW index at ``previous`` taken on for items named by ``keys`` ((N, 32) uint8): an item
    keeps a stored row holding its key, the others' vectors (``make(items)``, in that order) are
    added to the tail, whose rows are searched exactly (the graph file itself is linked, not read or
    written again); once the tail outgrows ``MAX_TAIL_SHARE`` of the graph, it joins the graph.
    Returns the index and the key of each stored row, or None when a fresh build is due (no HNSW
    index there, too many rows removed, or a size the exact index serves)."""
    if len(keys) <= ann_threshold or not previous.is_file() or not keys_path(previous).is_file():
        return None
    old_keys = np.load(keys_path(previous))
    old = load_vectors(previous, ef_search)
    if old.kind != "hnsw" or len(old_keys) != old.stored or old_keys.shape[1:] != keys.shape[1:]:
        return None
    alive = old.rows if old.rows is not None else np.arange(len(old_keys))
    rows = match_keys(keys, old_keys, alive, once=True)
    new = np.flatnonzero(rows < 0)
    total = len(old_keys) + len(new)
    if total - len(keys) > MAX_REMOVED_SHARE * total:
        return None
    rows[new] = np.arange(len(old_keys), total)
    stored_keys = np.concatenate([old_keys, keys[new]])
    old_tail = old._tail()
    graph_rows = int(old.index.ntotal)
    if total - graph_rows > MAX_TAIL_SHARE * graph_rows:
        graph = faiss.read_index(str(previous))  # read whole: it grows
        assert isinstance(graph, faiss.IndexHNSW), type(graph)
        graph.hnsw.efSearch = ef_search
        _add(graph, lambda block: old_tail[block], np.arange(len(old_tail)))
        _add(graph, make, new)
        return VectorIndex(graph, "hnsw", rows), stored_keys
    tail = faiss.IndexFlatIP(old.dim)
    _add(tail, lambda block: old_tail[block], np.arange(len(old_tail)))
    _add(tail, make, new)
    return VectorIndex(old.index, "hnsw", rows, tail if tail.ntotal else None, source=previous), stored_keys


def recall_at_k(approx: VectorIndex, exact: VectorIndex, queries: np.ndarray, k: int = 10) -> float:
    """Share of the exact top ``k`` that the approximate index also returns."""
    _, want = exact.search(queries, k)
    _, got = approx.search(queries, k)
    hits = sum(len(set(w[w >= 0]) & set(g[g >= 0])) for w, g in zip(want, got, strict=True))
    total = sum(int((w >= 0).sum()) for w in want)
    return hits / total if total else 1.0
