"""Build, save and load the search index: the ``index/`` folder of a built version.

Layout of ``index/`` (see ``graph.home`` for the versions around it)::

    manifest.json    format, version, build id, model, counts, vector index kinds
    units.json       the units' records (text, sentences, context, departments, entities, links)
    pieces.npy       int32 rows (unit, start, end): the pieces the dense model read, unit by unit
    headings.keys.npy  the SHA-256 of each unit's heading (zeros: none), so an update can splice
                     (``search.layout``: the manifest also records each document's counts)
    words.txt        the user words jieba was taught, so queries are cut as documents were
    entities.json    entity names and aliases for the graph signal
    bm25/            bm25s matrix (memory-mapped on load)
    tokens/          every unit's tokens and folded text by the SHA-256 of its text (``search.token_cache``),
                     which the next build reuses for texts that did not change
    units.faiss      one vector per unit (pooled over its pieces and its heading)
    pieces.faiss     one vector per piece (max-pooled per unit at query time)
    NAME.keys.npy    what each stored vector holds (SHA-256), so the next build keeps an HNSW index's
                     rows and adds only new ones; NAME.rows.npy: each item's stored row, once updated
                     (``search.vectors``)
    cache/           every encoded text's raw vector by the text's SHA-256 (``search.vector_cache``),
                     which the next build reuses for texts that did not change (in segments: the
                     previous index's, linked, and one of the texts this build encoded)
                     (with $POLICYKG_VECTOR_STORE=milvus: units/pieces.milvus.json naming the collections)

The index is written into the staged version with its graph and switched in with it, so a failed
build leaves the last good pair served; loading checks every part and raises :class:`IndexMissing`
with a message telling the user to run ``policykg build``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import orjson

from graph.beside import Beside
from graph.bulk import long_lived
from graph.home import require_version

from .bm25 import LexicalIndex
from .config import SearchConfig, load_config
from .encoder import Encoder, get_encoder, model_path, normalise_rows, resolve_dtype
from .errors import IndexMissing
from .graph_signal import EntityTable, entities_from_graph
from .layout import Layout, Texts, spliceable
from .progress import progress_bar
from .token_cache import LexicalTexts, load_tokens, save_tokens, tokenise
from .tokenize import Tokenizer, lexicon_aliases, lexicon_words, user_words
from .units import SearchUnit, units_from_graph
from .vector_cache import RawVectors, cached_vectors, save_cache
from .vectors import VectorIndex, build_vectors, keys_path, update_vectors
from .vectorstore import VectorStore, open_vectors, save_vectors

FORMAT = "policykg-search"
VERSION = 1
REBUILD = "run `policykg build`"


def index_path() -> Path:
    """The current version's index folder; ``GraphMissing`` when nothing is built."""
    return require_version().index_path


@dataclass
class BuildStats:
    units: int
    pieces: int
    encoded: int  # distinct texts sent to the model (pieces and headings, deduplicated)
    reused: int  # distinct texts whose vectors came from the previous index instead
    cut: int  # units jieba cut (the others' tokens came from the previous index)
    tokenize_seconds: float
    encode_seconds: float
    vectors_seconds: float
    total_seconds: float
    bytes: int
    unit_vectors: str
    piece_vectors: str

    @property
    def chunks_per_second(self) -> float:
        return self.encoded / self.encode_seconds if self.encode_seconds else 0.0


@dataclass
class SearchIndex:
    folder: Path
    manifest: dict
    units: list[SearchUnit]
    pieces: np.ndarray  # (P, 3) int32: unit, start, end
    piece_start: np.ndarray  # (N + 1,) first piece of each unit
    words: list[str]
    entities: EntityTable
    _lexical: LexicalIndex | None = None
    _unit_vectors: VectorStore | None = None
    _piece_vectors: VectorStore | None = None

    @property
    def lexical(self) -> LexicalIndex:
        if self._lexical is None:
            self._lexical = _guard(lambda: LexicalIndex.load(self.folder / "bm25", len(self.units)))
            if self._lexical.retriever.scores["num_docs"] != max(len(self.units), 1):
                raise IndexMissing(f"搜索索引不完整 (BM25 part does not match the units; {REBUILD})")
        return self._lexical

    def _vectors(self, name: str, size: int) -> VectorStore:
        ef = self.manifest.get("hnsw_ef_search", 128)
        vec = _guard(lambda: open_vectors(self.folder, name, ef))
        if vec.size != size or vec.dim != self.manifest["model"]["dim"]:
            raise IndexMissing(f"搜索索引不完整 ({name} does not match the units; {REBUILD})")
        return vec

    @property
    def unit_vectors(self) -> VectorStore:
        if self._unit_vectors is None:
            self._unit_vectors = self._vectors("units", len(self.units))
        return self._unit_vectors

    @property
    def piece_vectors(self) -> VectorStore:
        if self._piece_vectors is None:
            self._piece_vectors = self._vectors("pieces", len(self.pieces))
        return self._piece_vectors

    def pieces_of(self, unit: int) -> list[tuple[int, int]]:
        rows = self.pieces[self.piece_start[unit] : self.piece_start[unit + 1]]
        return [(int(s), int(e)) for _, s, e in rows]


def _guard(load):
    try:
        return load()
    except IndexMissing:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable part means the same thing to the user
        raise IndexMissing(f"搜索索引已损坏 (search index is unreadable: {exc}; {REBUILD})") from None


def encode_texts(encoder: Encoder, texts: list[str], config: SearchConfig, progress: bool | None = None) -> np.ndarray:
    """Raw (not normalised) vectors of ``texts``, shortest first in blocks so batches pad little."""
    order = np.argsort([len(t) for t in texts], kind="stable")
    out = np.zeros((len(texts), encoder.info.dim), dtype=np.float32)
    block = config.batch_size * 16
    with progress_bar(len(texts), "encode", progress) as bar:
        for start in range(0, len(texts), block):
            idx = order[start : start + block]
            out[idx] = encoder.encode([texts[i] for i in idx], batch_size=config.batch_size)
            bar.update(len(idx))
    return out


def _unit_vectors(
    raw_vectors: RawVectors,
    units: Sequence[SearchUnit],
    table: np.ndarray,
    piece_start: np.ndarray,
    texts: Texts,
    which: np.ndarray | None = None,
) -> np.ndarray:
    """The vectors of the units ``which`` (default: all): each the token-weighted mean of its pieces'
    (and heading's) mean-pooled vectors.

    m3e pools by averaging token vectors, so weighting each piece by its token count (about its
    character count plus two special tokens) reproduces pooling over the whole unit, less the
    attention across piece boundaries; the whole text is thus read once, in short pieces.
    """
    piece_rows, heading_rows = texts.piece_rows, texts.heading_rows
    if which is None:
        which, raw = np.arange(len(units)), raw_vectors.fill()
    else:  # only the texts these units read
        read = [piece_rows[piece_start[i] : piece_start[i + 1]] for i in which]
        heads = heading_rows[which]
        raw = raw_vectors.fill(np.concatenate([*read, heads[heads >= 0]]).astype(np.int64))
    out = np.zeros((len(which), raw.shape[1]), dtype=np.float32)
    for j, i in enumerate(which.tolist()):
        start, end = piece_start[i], piece_start[i + 1]
        weights = (table[start:end, 2] - table[start:end, 1] + 2).astype(np.float32)
        vec = weights @ raw[piece_rows[start:end]]
        total = weights.sum()
        if heading_rows[i] >= 0:
            hw = len(units[i].heading()) + 2
            vec += hw * raw[heading_rows[i]]
            total += hw
        out[j] = vec / total
    return normalise_rows(out)


def _vector_index(
    previous: Path | None,
    name: str,
    keys: np.ndarray,
    make: Callable[[np.ndarray], np.ndarray],
    build: Callable[[], VectorIndex],
    config: SearchConfig,
) -> tuple[VectorIndex, np.ndarray]:
    """The vectors ``name``, taking on the previous index's HNSW graph when it can (``make(items)``:
    the vectors of items it lacks), else ``build()``; with the key of each stored row."""
    if previous is not None:
        updated = update_vectors(previous / f"{name}.faiss", keys, make, config.ann_threshold, config.hnsw_ef_search)
        if updated is not None:
            return updated
    return build(), keys


def _store_vectors(
    folder: Path,
    build_id: str,
    previous: Path | None,
    raw: RawVectors,
    layout: Layout,
    texts: Texts,
    config: SearchConfig,
) -> tuple[str, str]:
    """Save the unit and piece vectors with the key of each stored row; returns their kinds.
    Memory: one matrix at a time is alive beside ``raw``; each is freed once its index is saved."""
    vec_args = (config.ann_threshold, config.hnsw_m, config.hnsw_ef_construction, config.hnsw_ef_search)
    units, table, piece_start, piece_rows = layout.units, layout.table, layout.piece_start, texts.piece_rows
    uv, stored = _vector_index(
        previous,
        "units",
        layout.unit_keys,
        lambda which: _unit_vectors(raw, units, table, piece_start, texts, which),
        lambda: build_vectors(_unit_vectors(raw, units, table, piece_start, texts), *vec_args),
        config,
    )
    unit_kind = save_vectors(uv, folder, "units", build_id)
    np.save(keys_path(folder / "units.faiss"), stored)
    del uv, stored
    pv, stored = _vector_index(
        previous,
        "pieces",
        layout.piece_keys,
        lambda which: normalise_rows(raw.fill(piece_rows[which])[piece_rows[which]]),
        lambda: build_vectors(normalise_rows(raw.fill()), *vec_args, rows=piece_rows),  # normalises ``raw`` in place
        config,
    )
    piece_kind = save_vectors(pv, folder, "pieces", build_id)
    np.save(keys_path(folder / "pieces.faiss"), stored)
    return unit_kind, piece_kind


def _recorded_model(reuse: Path | None, path: str, dtype: str, max_seq_length: int) -> dict | None:
    """The model record of the index at ``reuse`` when it was built with this model, precision and
    length, so a build whose texts are all cached need not load the model to name it."""
    try:
        built = json.loads((reuse / "manifest.json").read_text(encoding="utf-8")).get("model") if reuse else None
    except (OSError, ValueError, AttributeError):
        return None
    wanted = {"path": path, "dtype": dtype, "max_seq_length": max_seq_length}
    if not isinstance(built, dict) or any(built.get(k) != v for k, v in wanted.items()):
        return None
    return built if isinstance(built.get("dim"), int) and built.get("name") == Path(path).name else None


def _same_model(reuse: Path | None, model: dict) -> Path | None:
    """``reuse`` when the index there was built with ``model``."""
    if reuse is None:
        return None
    try:
        built = json.loads((reuse / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return reuse if isinstance(built, dict) and built.get("model") == model else None


@dataclass
class IndexSource:
    """What the index needs from the graph, so a large graph can be freed before encoding: every
    unit, or (``changed`` set) only the units of the documents changed since the index it updates."""

    units: list[SearchUnit]
    entities: list[dict]
    changed: set[str] | None = None


def index_source(
    graph: nx.MultiDiGraph,
    changed: set[str] | None = None,
    reuse: Path | None = None,
    config: SearchConfig | None = None,
) -> IndexSource:
    """The graph's units and entities; when the documents ``changed`` since the index at ``reuse``
    are known and that index can be spliced, only those documents' units."""
    with long_lived():  # a record per unit and entity, all kept
        entities = entities_from_graph(graph, lexicon_aliases())
        if changed is not None and spliceable(reuse, config or load_config()):
            return IndexSource(units_from_graph(graph, changed), entities, set(changed))
        return IndexSource(units_from_graph(graph), entities)


def build_index(
    source: IndexSource,
    folder: Path,
    build_id: str,
    model: str | None = None,
    config: SearchConfig | None = None,
    progress: bool | None = None,
    reuse: Path | None = None,
) -> BuildStats:
    """Write a complete index into ``folder`` (new or empty), taking the tokens and vectors of texts
    the index at ``reuse`` (if any) already cut and encoded (vectors only from the same model), and,
    for a source of changed documents only, every other document's units as that index holds them."""
    config = config or load_config()
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty")
    entities = source.entities
    with long_lived():
        if source.changed is None:
            layout = Layout.of_units(source.units, config)
        elif reuse is None:
            raise ValueError("an index of changed documents needs the index they changed")
        else:
            layout = Layout.of_change(source.units, source.changed, reuse, config)
    units = layout.units
    words = user_words(lexicon_words() + [n for e in entities for n in [e["name"], *e["aliases"]]])
    # An update cuts few texts and encodes few: its lexical part is made in a child process beside
    # the vectors. A whole build keeps one process (a child would copy the units it reads).
    apart = source.changed is not None
    with Beside(lambda: _write_lexical(layout, words, folder, reuse, config, progress), apart=apart) as lexical_part:
        path, dtype = model_path(model), resolve_dtype(config.dtype)
        load = lambda: get_encoder(path, dtype, config.max_seq_length)  # noqa: E731
        texts = Texts.of(layout)
        t0 = time.perf_counter()
        # The model is loaded only when a text is not in the cache of an index built with it.
        model_info = _recorded_model(reuse, path, dtype, config.max_seq_length) or asdict(load().info)
        keys = texts.keys
        raw = cached_vectors(reuse, model_info, keys, model_info["dim"])
        missing = np.flatnonzero(~raw.hits.found)
        if len(missing):
            encoder = load()
            if asdict(encoder.info) != model_info:  # the recorded model is not the one there now
                model_info, missing = asdict(encoder.info), np.arange(len(keys))
                raw = cached_vectors(None, model_info, keys, encoder.info.dim)
            wanted = [texts.text(units, layout.table, i) for i in missing.tolist()]
            raw.matrix[missing] = encode_texts(encoder, wanted, config, progress)
        save_cache(folder, model_info, keys, raw)
        encode_seconds = time.perf_counter() - t0

        t0 = time.perf_counter()
        previous = _same_model(reuse, model_info)
        unit_kind, piece_kind = _store_vectors(folder, build_id, previous, raw, layout, texts, config)
        del raw
        vectors_seconds = time.perf_counter() - t0
        layout.save(folder)
        _write_json(folder / "entities.json", entities)
        (folder / "words.txt").write_text("\n".join(words), encoding="utf-8")
        lexical = lexical_part.result()

    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "build_id": build_id,
        "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "model": model_info,
        "units": len(units),
        "pieces": len(layout.table),
        "encoded": len(missing),
        "reused": len(keys) - len(missing),
        "cut": lexical.cut,
        "vectors": {"units": unit_kind, "pieces": piece_kind},
        "hnsw_ef_search": config.hnsw_ef_search,
        "tokenizer": lexical.signature,
        **layout.manifest(config),
    }
    # The manifest goes last: a folder without one is never taken for an index.
    _write_json(folder / "manifest.json", manifest)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return BuildStats(
        units=len(units),
        pieces=len(layout.table),
        encoded=len(missing),
        reused=len(keys) - len(missing),
        cut=lexical.cut,
        tokenize_seconds=lexical.seconds,
        encode_seconds=encode_seconds,
        vectors_seconds=vectors_seconds,
        total_seconds=time.perf_counter() - started,
        bytes=size,
        unit_vectors=unit_kind,
        piece_vectors=piece_kind,
    )


@dataclass
class _LexicalPart:
    cut: int  # texts jieba cut
    seconds: float
    signature: str  # the tokenizer's


def _write_lexical(
    layout: Layout, words: list[str], folder: Path, reuse: Path | None, config: SearchConfig, progress: bool | None
) -> _LexicalPart:
    """Write the BM25 matrix and the token cache of ``layout``'s units into ``folder``."""
    tokenizer = Tokenizer(words, config)
    t0 = time.perf_counter()
    with long_lived():  # the tokens cut stay alive until the table is made
        lexical = LexicalTexts(layout.units, config.context_in_text)
        tokens = tokenise(lexical, layout.lexical_keys, layout.token_rows, tokenizer, load_tokens(reuse), progress)
    LexicalIndex.from_table(tokens.table).save(folder / "bm25")
    save_tokens(folder, tokens, tokenizer)
    return _LexicalPart(tokens.cut, time.perf_counter() - t0, tokenizer.signature)


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def load_index(folder: Path | str | None = None) -> SearchIndex:
    folder = Path(folder) if folder else index_path()
    manifest_file = folder / "manifest.json"
    if not manifest_file.exists():
        raise IndexMissing(f"尚未建立搜索索引 (no search index at {folder}; {REBUILD} first)")
    manifest = _guard(lambda: json.loads(manifest_file.read_text(encoding="utf-8")))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise IndexMissing(f"搜索索引格式不符 (search index has an unknown format; {REBUILD})")
    with long_lived():
        units = _guard(lambda: [SearchUnit.from_json(u) for u in orjson.loads((folder / "units.json").read_bytes())])
    pieces = _guard(lambda: np.load(folder / "pieces.npy"))
    entities = _guard(lambda: json.loads((folder / "entities.json").read_text(encoding="utf-8")))
    words = _guard(lambda: (folder / "words.txt").read_text(encoding="utf-8").split("\n"))
    if len(units) != manifest.get("units") or pieces.ndim != 2 or len(pieces) != manifest.get("pieces"):
        raise IndexMissing(f"搜索索引不完整 (search index parts do not match its manifest; {REBUILD})")
    counts = np.bincount(pieces[:, 0], minlength=len(units)) if len(pieces) else np.zeros(len(units), np.int64)
    if len(counts) != len(units) or (len(units) and counts.min() < 1):
        raise IndexMissing(f"搜索索引不完整 (pieces do not cover every unit; {REBUILD})")
    piece_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    table = EntityTable(entities, [u.links for u in units])
    return SearchIndex(folder, manifest, units, pieces, piece_start, [w for w in words if w], table)
