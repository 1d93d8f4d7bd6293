"""Where every unit, piece and text key of an index sits: laid out whole from units, or spliced from
the previous index document by document.

An index keeps its units in document order (documents by id), so each document's units, pieces,
keys and ``units.json`` records form one block. Adding or removing a document changes the blocks of
the documents it touches (and of documents linked to an entity that changed); a splice takes every
other block from the previous index as it is (``Layout.of_change``), so the cost of a change does
not grow with the corpus's Python work per unit: the previous units are parsed only if a build asks
for one of them (a change of model or tokenizer rules, a vector index built afresh).

The manifest's ``layout`` records each document's unit, piece and byte counts (beside
``documents``) and the ``settings`` that decide units and pieces; a splice needs both, and
``headings.keys.npy`` (each unit's heading key, zeros for none), or the index is laid out whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, groupby
from pathlib import Path

import numpy as np
import orjson

from .config import SearchConfig
from .keys import digests, distinct_keys, text_keys
from .units import SearchUnit, unit_pieces
from .vectors import keys_path

HEADINGS = "headings.keys.npy"
NO_KEY = np.zeros(32, dtype=np.uint8)


def settings(config: SearchConfig) -> dict:
    """What decides an index's units, pieces and lexical texts."""
    return {
        "piece_min_chars": config.piece_min_chars,
        "piece_max_chars": config.piece_max_chars,
        "context_in_text": config.context_in_text,
    }


class HeldUnits:
    """The units of the index at ``folder``, parsed one document's block at a time when asked for."""

    def __init__(self, folder: Path, units: list[int], sizes: list[int]):
        self.data = memoryview((folder / "units.json").read_bytes())
        self.unit_start = np.concatenate([[0], np.cumsum(units)]).astype(np.int64)
        # blocks are joined by commas inside the outer brackets
        self.byte_start = np.concatenate([[1], 1 + np.cumsum(np.asarray(sizes, dtype=np.int64) + 1)]).astype(np.int64)
        if len(self.data) != (int(self.byte_start[-1]) if len(sizes) else 2):
            raise ValueError("units.json does not match the layout")
        self._parsed: dict[int, list[SearchUnit]] = {}

    def block(self, doc: int) -> memoryview:
        return self.data[int(self.byte_start[doc]) : int(self.byte_start[doc + 1]) - 1]

    def __getitem__(self, i: int) -> SearchUnit:
        doc = int(np.searchsorted(self.unit_start, i, side="right")) - 1
        units = self._parsed.get(doc)
        if units is None:
            units = [SearchUnit.from_json(u) for u in orjson.loads(b"[" + bytes(self.block(doc)) + b"]")]
            self._parsed[doc] = units
        return units[i - int(self.unit_start[doc])]


class SplicedUnits(Sequence[SearchUnit]):
    """The units of a spliced index: unit ``i`` is the previous index's unit ``source[i]``, or a new one."""

    def __init__(self, source: np.ndarray, fresh: dict[int, SearchUnit], held: HeldUnits):
        self.source, self.fresh, self.held = source, fresh, held

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        old = int(self.source[i])
        return self.fresh[int(i)] if old < 0 else self.held[old]


@dataclass
class Layout:
    """Everything of an index's units that is per unit or per piece, in index order."""

    units: Sequence[SearchUnit]  # read lazily when spliced
    documents: list[str]  # the documents that have units, in index order
    counts: np.ndarray  # (D,) units per document
    blocks: list[bytes | memoryview] | None  # each document's ``units.json`` records, without brackets
    # (None: made from ``units`` as they are written, so a whole build does not hold them meanwhile)
    table: np.ndarray  # (P, 3) int32: unit, start, end of every piece
    lexical_keys: np.ndarray  # (N, 32) the SHA-256 of each unit's lexical text
    token_rows: np.ndarray  # (N,) the row of the unit in the previous token cache, when known (else -1)
    piece_keys: np.ndarray  # (P, 32) the SHA-256 of each piece's text
    heading_keys: np.ndarray  # (N, 32) the SHA-256 of each unit's heading; zeros for none
    unit_keys: np.ndarray  # (N, 32) what decides each unit's vector (``unit_keys``)
    _sizes: list[int] = field(default_factory=list, init=False, repr=False)  # of the blocks written

    @cached_property
    def piece_start(self) -> np.ndarray:
        """(N + 1,) the first piece of each unit (made once: the table does not change)."""
        counts = np.bincount(self.table[:, 0], minlength=len(self.units)) if len(self.table) else np.zeros(0)
        return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def manifest(self, config: SearchConfig) -> dict:
        starts = np.concatenate([[0], np.cumsum(self.counts)]).astype(np.int64)
        piece_start = self.piece_start
        return {
            "documents": self.documents,
            "layout": {
                "units": self.counts.tolist(),
                "pieces": np.diff(piece_start[starts]).tolist(),
                "bytes": self._sizes,
            },
            "settings": settings(config),
        }

    def _blocks(self) -> Iterator[bytes | memoryview]:
        if self.blocks is not None:
            yield from self.blocks
            return
        starts = np.concatenate([[0], np.cumsum(self.counts)]).tolist()
        for a, b in zip(starts[:-1], starts[1:], strict=True):
            yield orjson.dumps(self.units[a:b])[1:-1]

    def save(self, folder: Path) -> None:
        """Write the pieces, heading keys and ``units.json`` (before ``manifest``, which records the
        size of each document's block)."""
        np.save(folder / "pieces.npy", self.table)
        np.save(folder / HEADINGS, self.heading_keys)
        self._sizes = []
        with open(folder / "units.json", "wb") as out:
            out.write(b"[")
            for i, block in enumerate(self._blocks()):
                if i:
                    out.write(b",")
                out.write(block)
                self._sizes.append(len(block))
            out.write(b"]")

    @classmethod
    def of_units(cls, units: list[SearchUnit], config: SearchConfig) -> Layout:
        """The layout of ``units`` (in index order), every key computed."""
        pieces = [unit_pieces(u, config) for u in units]
        table = piece_table(pieces)
        by_doc = [(doc, list(group)) for doc, group in groupby(units, key=lambda u: u.doc)]
        keys = text_keys([u.text[s:e] for u, spans in zip(units, pieces, strict=True) for s, e in spans])
        headings = heading_keys(units)
        start = np.concatenate([[0], np.cumsum([len(p) for p in pieces])]).astype(np.int64)
        return cls(
            units=units,
            documents=[doc for doc, _ in by_doc],
            counts=np.asarray([len(group) for _, group in by_doc], dtype=np.int64),
            blocks=None,
            table=table,
            lexical_keys=text_keys([u.lexical_text(config.context_in_text) for u in units]),
            token_rows=np.full(len(units), -1, dtype=np.int64),
            piece_keys=keys,
            heading_keys=headings,
            unit_keys=unit_keys(keys, headings, start),
        )

    @classmethod
    def of_change(cls, units: list[SearchUnit], changed: set[str], previous: Path, config: SearchConfig) -> Layout:
        """The layout of the previous index at ``previous`` with the units of the documents ``changed``
        replaced by ``units`` (theirs now, in index order; a document without units is gone).
        ValueError when that index cannot be spliced (``spliceable``)."""
        try:
            return cls._spliced(units, changed, previous, config)
        except OSError as exc:
            raise ValueError(f"the previous index cannot be spliced: {exc}") from None

    @classmethod
    def _spliced(cls, units: list[SearchUnit], changed: set[str], previous: Path, config: SearchConfig) -> Layout:
        manifest = _manifest(previous, config)
        docs: list[str] = manifest["documents"]
        layout = manifest["layout"]
        counts = np.asarray(layout["units"], dtype=np.int64)
        piece_counts = np.asarray(layout["pieces"], dtype=np.int64)
        held = HeldUnits(previous, layout["units"], layout["bytes"])
        old_table = np.load(previous / "pieces.npy")
        n_old = int(counts.sum())
        if old_table.shape != (int(piece_counts.sum()), 3):
            raise ValueError("pieces.npy does not match the layout")
        old_lexical = np.load(previous / "tokens" / "keys.npy")
        old_headings = np.load(previous / HEADINGS)
        old_units = _item_keys(previous / "units.faiss")
        old_pieces = _item_keys(previous / "pieces.faiss")
        if not (len(old_lexical) == len(old_headings) == len(old_units) == n_old and len(old_pieces) == len(old_table)):
            raise ValueError("the previous index's keys do not match its layout")
        fresh = cls.of_units(units, config)
        unit_at = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        piece_at = np.concatenate([[0], np.cumsum(piece_counts)]).astype(np.int64)
        fresh_doc = {doc: i for i, doc in enumerate(fresh.documents)}
        fresh_unit_at = np.concatenate([[0], np.cumsum(fresh.counts)]).astype(np.int64)
        fresh_piece_start = fresh.piece_start
        kept = {doc: i for i, doc in enumerate(docs) if doc not in changed}
        if set(kept) & set(fresh_doc):
            raise ValueError("a document left as it was has new units")
        order = sorted([*kept, *fresh_doc])

        source: list[np.ndarray] = []
        fresh_units: dict[int, SearchUnit] = {}
        blocks: list[bytes | memoryview] = []
        new_counts: list[int] = []
        tables, lexical, headings, unit_keys_, piece_keys_ = [], [], [], [], []
        position = 0
        for doc in order:
            if doc in kept:
                d = kept[doc]
                a, b, pa, pb = unit_at[d], unit_at[d + 1], piece_at[d], piece_at[d + 1]
                rows = old_table[pa:pb].copy()
                rows[:, 0] += position - a
                source.append(np.arange(a, b))
                blocks.append(held.block(d))
                lexical.append(old_lexical[a:b])
                headings.append(old_headings[a:b])
                unit_keys_.append(old_units[a:b])
                piece_keys_.append(old_pieces[pa:pb])
            else:
                d = fresh_doc[doc]
                a, b = fresh_unit_at[d], fresh_unit_at[d + 1]
                pa, pb = fresh_piece_start[a], fresh_piece_start[b]
                rows = fresh.table[pa:pb].copy()
                rows[:, 0] += position - a
                source.append(np.full(b - a, -1))
                fresh_units.update({position + j: fresh.units[a + j] for j in range(b - a)})
                blocks.append(orjson.dumps(fresh.units[a:b])[1:-1])
                lexical.append(fresh.lexical_keys[a:b])
                headings.append(fresh.heading_keys[a:b])
                unit_keys_.append(fresh.unit_keys[a:b])
                piece_keys_.append(fresh.piece_keys[pa:pb])
            tables.append(rows)
            new_counts.append(int(b - a))
            position += int(b - a)
        joined = np.concatenate(source).astype(np.int64) if source else np.zeros(0, np.int64)
        empty = np.zeros((0, 32), dtype=np.uint8)
        return cls(
            units=SplicedUnits(joined, fresh_units, held),
            documents=order,
            counts=np.asarray(new_counts, dtype=np.int64),
            blocks=blocks,
            table=np.concatenate(tables).astype(np.int32) if tables else np.zeros((0, 3), np.int32),
            lexical_keys=np.concatenate(lexical) if lexical else empty,
            token_rows=joined,  # the token cache's rows are the previous index's units
            piece_keys=np.concatenate(piece_keys_) if piece_keys_ else empty,
            heading_keys=np.concatenate(headings) if headings else empty,
            unit_keys=np.concatenate(unit_keys_) if unit_keys_ else empty,
        )


def spliceable(previous: Path | None, config: SearchConfig) -> bool:
    """Whether the index at ``previous`` records what a splice needs, under these settings."""
    if previous is None:
        return False
    try:
        _manifest(previous, config)
    except ValueError:
        return False
    vectors = [keys_path(Path(f"{name}.faiss")).name for name in ("units", "pieces")]
    parts = [HEADINGS, "units.json", "pieces.npy", "tokens/keys.npy", *vectors]
    return all((previous / part).is_file() for part in parts)


def _manifest(previous: Path, config: SearchConfig) -> dict:
    try:
        manifest = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"no readable manifest: {exc}") from None
    layout = manifest.get("layout") if isinstance(manifest, dict) else None
    if not isinstance(layout, dict) or manifest.get("settings") != settings(config):
        raise ValueError("the previous index has no layout under these settings")
    documents = manifest.get("documents")
    parts = [layout.get(k) for k in ("units", "pieces", "bytes")]
    if not isinstance(documents, list) or not all(isinstance(p, list) and len(p) == len(documents) for p in parts):
        raise ValueError("the previous index's layout does not match its documents")
    return manifest


def _item_keys(path: Path) -> np.ndarray:
    """The key of each item of the vectors saved at ``path`` (their stored rows' keys, in item order)."""
    stored = np.load(keys_path(path))
    rows_file = path.with_suffix(".rows.npy")
    return stored[np.load(rows_file)] if rows_file.is_file() else stored


def piece_table(pieces: list[list[tuple[int, int]]]) -> np.ndarray:
    """(P, 3) int32 rows (unit, start, end) of every piece, unit by unit."""
    counts = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    spans = np.fromiter(chain.from_iterable(chain.from_iterable(pieces)), dtype=np.int32, count=2 * int(counts.sum()))
    units = np.repeat(np.arange(len(pieces), dtype=np.int32), counts)
    return np.column_stack([units, spans.reshape(-1, 2)]).astype(np.int32).reshape(-1, 3)


def heading_keys(units: Sequence[SearchUnit]) -> np.ndarray:
    """(N, 32): the SHA-256 of each unit's heading; zeros for a unit without one."""
    out = np.zeros((len(units), 32), dtype=np.uint8)
    has = [i for i, u in enumerate(units) if u.heading()]
    if has:
        out[has] = text_keys([units[i].heading() for i in has])
    return out


def unit_keys(piece_keys: np.ndarray, headings: np.ndarray, piece_start: np.ndarray) -> np.ndarray:
    """(N, 32): per unit, the SHA-256 of its heading's key (zeros: none) and its pieces' keys, which
    decide its vector."""
    n = len(piece_start) - 1
    counts = np.diff(piece_start) + 1
    ends = np.cumsum(counts)
    heading_at = ends - counts
    joined = np.empty((int(ends[-1]) if n else 0, 32), dtype=np.uint8)
    is_piece = np.ones(len(joined), dtype=bool)
    is_piece[heading_at] = False
    joined[heading_at] = headings
    joined[is_piece] = piece_keys
    data = memoryview(joined.tobytes())
    bounds = np.concatenate([[0], ends * 32]).tolist()
    return digests((data[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)), n)


@dataclass
class Texts:
    """The distinct texts the dense model reads (each piece's and heading's, the first occurrence
    first), by key, and which of them each piece and heading reads."""

    keys: np.ndarray  # (T, 32)
    piece_rows: np.ndarray  # (P,)
    heading_rows: np.ndarray  # (N,) -1: no heading
    first_unit: np.ndarray  # (T,) the unit where each text first occurs
    first_piece: np.ndarray  # (T,) and its piece there (-1: the unit's heading)

    @classmethod
    def of(cls, layout: Layout) -> Texts:
        n, table = len(layout.units), layout.table
        has_heading = layout.heading_keys.any(axis=1)
        piece_counts = np.diff(layout.piece_start) if n else np.zeros(0, np.int64)
        counts = piece_counts + has_heading
        ends = np.cumsum(counts)
        size = int(ends[-1]) if n else 0
        heading_at = (ends - 1)[has_heading]
        is_piece = np.ones(size, dtype=bool)
        is_piece[heading_at] = False
        seq = np.empty((size, 32), dtype=np.uint8)
        seq[is_piece] = layout.piece_keys
        seq[heading_at] = layout.heading_keys[has_heading]
        entry_unit = np.repeat(np.arange(n, dtype=np.int64), counts)
        entry_piece = np.full(size, -1, dtype=np.int64)
        entry_piece[is_piece] = np.arange(len(table))
        first, inverse = distinct_keys(seq)
        order = np.argsort(first, kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        rows = rank[inverse]
        heading_rows = np.full(n, -1, dtype=np.int64)
        heading_rows[has_heading] = rows[heading_at]
        starts = first[order]
        return cls(seq[starts], rows[is_piece], heading_rows, entry_unit[starts], entry_piece[starts])

    def text(self, units: Sequence[SearchUnit], table: np.ndarray, i: int) -> str:
        unit = units[int(self.first_unit[i])]
        piece = int(self.first_piece[i])
        if piece < 0:
            return unit.heading()
        _, start, end = table[piece]
        return unit.text[int(start) : int(end)]
