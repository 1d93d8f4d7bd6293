"""The searcher: a query in, ranked units out, with the evidence that put them there."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from graph.records import to_json

from .cache import RANKINGS_KEPT, LRUCache
from .config import SearchConfig, load_config
from .encoder import Encoder, get_encoder, index_model_path
from .errors import IndexMissing, QueryError
from .expand import Expansion, alias_terms, expanded_scores, feedback_terms, inverse_frequency, with_names
from .fusion import fuse, lexical_coverage
from .graph_signal import EntityMatch
from .highlight import highlights
from .index import REBUILD, SearchIndex, load_index
from .normalise import check_query
from .rerank import rerank
from .tokenize import Tokenizer
from .units import LinkedEntity, UnitKind

MODES = ("hybrid", "bm25", "dense")
MAX_K = 1000
VECTORS_CACHED = 4096  # query vectors kept per searcher (2 KB each for a 512-dimension model)
UNITS_TOKENISED = 4096  # units' BM25 tokens kept for pseudo-relevance feedback


@dataclass
class SearchResult:
    rank: int
    score: float
    doc: str
    id: str
    kind: UnitKind
    title: str
    text: str
    departments: list[str]
    entities: list[LinkedEntity]
    highlights: list[list[int]]
    node: str
    context: list[str]
    signals: dict[str, float] = field(default_factory=dict)


@dataclass
class SearchResponse:
    query: str
    mode: str
    results: list[SearchResult]
    entities: list[dict] = field(default_factory=list)  # recognised in the query
    message: str | None = None

    def to_dict(self) -> dict:
        return to_json(self)


@dataclass(frozen=True)
class Ranking:
    """A query's units in rank order with their scores, before any result record is built: what the
    cache keeps, so a page or a filter makes records (and highlights) only for the units it shows."""

    query: str  # as searched (folded)
    mode: str
    tokens: tuple[str, ...]
    units: np.ndarray  # unit indices, best first
    scores: np.ndarray  # the fused score of each
    signals: dict[str, np.ndarray]  # each signal's value for each
    pieces: tuple[np.ndarray, np.ndarray] | None  # where each unit's piece scores start, the scores
    entities: list[dict]  # recognised in the query
    message: str | None = None

    def __len__(self) -> int:
        return len(self.units)


class Searcher:
    """Loads the index once; dense parts (faiss, torch, the model) load on the first dense query.

    Rankings are cached by (the index's build id, query, mode, limit) and query vectors by their
    text; pass one ``rankings`` cache to every searcher of a process so they share its bound."""

    def __init__(
        self,
        index: SearchIndex,
        config: SearchConfig | None = None,
        model: str | None = None,
        rankings: LRUCache | None = None,
    ):
        self.index = index
        self.config = config or load_config()
        self.rankings: LRUCache = LRUCache(RANKINGS_KEPT) if rankings is None else rankings
        self.vectors: LRUCache = LRUCache(VECTORS_CACHED)
        self.unit_tokens: LRUCache = LRUCache(UNITS_TOKENISED)
        self._model = model
        self._encoder: Encoder | None = None
        self._tokenizer: Tokenizer | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        folder: Path | None = None,
        model: str | None = None,
        config: SearchConfig | None = None,
        rankings: LRUCache | None = None,
    ):
        return cls(load_index(folder), config, model, rankings)

    @property
    def tokenizer(self) -> Tokenizer:
        with self._lock:
            if self._tokenizer is None:
                self._tokenizer = Tokenizer(self.index.words, self.config)
                if self._tokenizer.signature != self.index.manifest.get("tokenizer"):
                    raise IndexMissing(f"搜索索引与词表不符 (search index was cut with other words; {REBUILD})")
        return self._tokenizer

    @property
    def encoder(self) -> Encoder:
        with self._lock:
            if self._encoder is None:
                built = self.index.manifest["model"]
                path = index_model_path(built, self._model)  # the model the index was built with
                # Queries are encoded in float32 whatever the index used: bfloat16 pays off only on
                # large batches (AMX), and the two agree to a cosine of 0.9998 on this model.
                encoder = get_encoder(path, "float32", built["max_seq_length"])
                if encoder.info.dim != built["dim"] or encoder.info.name != built["name"]:
                    raise IndexMissing(
                        f"搜索索引用的是另一个模型 (index was built with {built['name']} ({built['dim']} dims), "
                        f"this model is {encoder.info.name} ({encoder.info.dim}); {REBUILD})"
                    )
                self._encoder = encoder
        return self._encoder

    def warm(self, dense: bool = True) -> None:
        """Load everything a query needs now rather than on the first query."""
        _ = self.index.lexical
        self.tokenizer.ready()
        if dense:
            _ = self.encoder, self.index.unit_vectors, self.index.piece_vectors

    # -- scoring -----------------------------------------------------------------------------

    def _pool(self, bm25: np.ndarray | None, qvec: np.ndarray | None, lift: np.ndarray | None) -> np.ndarray:
        """The candidate units: all of them for small corpora, else the union of each signal's best."""
        n = len(self.index.units)
        if n <= self.config.pool_all_below:
            return np.arange(n)
        k = self.config.pool_per_signal
        parts = []
        if bm25 is not None:
            top = np.argpartition(-bm25, min(k, n - 1))[:k]
            parts.append(top[bm25[top] > 0])
        if qvec is not None:
            _, ids = self.index.unit_vectors.search(qvec, k)
            parts.append(ids[0][ids[0] >= 0])
            _, pids = self.index.piece_vectors.search(qvec, k)
            parts.append(self.index.pieces[pids[0][pids[0] >= 0], 0].astype(np.int64))
        if lift is not None and lift.any():
            lifted = np.flatnonzero(lift)
            parts.append(lifted[np.argsort(-lift[lifted], kind="stable")][:k])
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def _piece_rows(self, pool: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the pool's pieces, and where each unit's run of rows starts."""
        starts, ends = self.index.piece_start[pool], self.index.piece_start[pool + 1]
        lengths = ends - starts
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        rows = np.repeat(starts - offsets, lengths) + np.arange(lengths.sum())
        return rows, offsets

    def _expansion(self, tokens: list[str], found: list[EntityMatch], qvec: np.ndarray | None) -> Expansion:
        """Extra BM25 terms for the query: its entities' other names, and the terms that stand out
        in the units the dense signal ranks best (each source as ``config.expansion`` switches it)."""
        config = self.config.expansion
        terms: dict[str, float] = {}
        if config.aliases and found:
            for term in alias_terms(found, self.index.entities, self.tokenizer.query, tokens):
                terms[term] = config.alias_weight
        if config.feedback and qvec is not None:
            _, ids = self.index.unit_vectors.search(qvec, config.feedback_units)
            texts = [self._unit_tokens(int(i)) for i in ids[0] if i >= 0]
            idf = inverse_frequency(self.index.lexical)
            for term, share in feedback_terms(texts, idf, [*tokens, *terms], config).items():
                terms[term] = config.feedback_weight * share
        return Expansion(terms)

    def _unit_tokens(self, unit: int) -> list[str]:
        text = self.index.units[unit].lexical_text(self.config.context_in_text)
        return self.unit_tokens.get_or_make(unit, lambda: self.tokenizer.document(text))

    def _signals(
        self, tokens, qvec, lift, mode: str, expansion: Expansion
    ) -> tuple[np.ndarray, dict[str, np.ndarray], tuple[np.ndarray, np.ndarray] | None]:
        weights = self.config.weights[mode]
        bm25 = None
        if weights.get("bm25"):
            bm25 = self.index.lexical.scores(tokens)
            if expansion:
                bm25 = expanded_scores(bm25, expansion, self.index.lexical.scores)
        lift = lift if weights.get("graph") else None
        pool = self._pool(bm25, qvec, lift)
        signals: dict[str, np.ndarray] = {}
        piece_scores = None
        if bm25 is not None:
            signals["bm25"] = bm25[pool].astype(np.float64)
        if qvec is not None and len(pool):
            q = qvec[0]
            units, pieces = self.index.unit_vectors, self.index.piece_vectors
            if len(pool) == len(self.index.units):  # every unit: no gathering, one pass over the vectors
                offsets = self.index.piece_start[:-1]
                signals["dense"] = units.scores(q).astype(np.float64)
                values = pieces.scores(q)
            else:
                rows, offsets = self._piece_rows(pool)
                signals["dense"] = units.scores(q, pool).astype(np.float64)
                values = pieces.scores(q, rows)
            signals["sentence"] = np.maximum.reduceat(values, offsets).astype(np.float64)
            piece_scores = (offsets, values)
        if lift is not None:
            signals["graph"] = lift[pool]
        return pool, signals, piece_scores

    # -- the query ---------------------------------------------------------------------------

    def rank(self, raw: str, mode: str = "hybrid", limit: int = MAX_K) -> Ranking:
        """The query's best ``limit`` units in rank order, from the cache when this index ranked the
        same query before; no result record is built (``results`` does that for the ranks shown)."""
        if mode not in MODES:
            raise QueryError(f"未知检索方式 unknown mode '{mode}' (one of: {', '.join(MODES)})")
        if not 1 <= limit <= MAX_K:
            raise QueryError(f"结果数须在 1 到 {MAX_K} 之间 (k must be between 1 and {MAX_K})")
        key = (self.index.manifest.get("build_id"), raw, mode, limit)
        return self.rankings.get_or_make(key, lambda: self._rank(raw, mode, limit))

    def _rank(self, raw: str, mode: str, limit: int) -> Ranking:
        query = check_query(raw, self.config)
        tokens = self.tokenizer.query(query)
        content = self.tokenizer.content(query)
        if not content:
            raise QueryError("查询只有疑问词，请说明要找什么 (the query holds only question words)")
        weights = self.config.weights[mode]
        graph = bool(weights.get("graph"))
        aliases = self.config.expansion.aliases or self.config.expansion.dense_names
        found = self.index.entities.find(query) if graph or aliases else []
        lift = self.index.entities.signal(found) if found and graph else None
        dense = bool(weights.get("dense") or weights.get("sentence"))
        if dense and self.config.expansion.dense_names and found:
            content = with_names(content, found)
        qvec = self._query_vector(content) if dense else None
        expansion = self._expansion(tokens, found, qvec) if weights.get("bm25") else Expansion({})
        pool, signals, piece_scores = self._signals(tokens, qvec, lift, mode, expansion)
        entities = [{"node": m.node, "name": m.name, "start": m.start, "end": m.end} for m in found]
        if mode == "bm25":  # lexical search returns only units holding a query word
            keep = signals["bm25"] > 0
            pool, signals = pool[keep], {"bm25": signals["bm25"][keep]}
            if not len(pool):
                msg = "没有单元包含查询中的词 (no unit holds any of the query's words)"
                return Ranking(query, mode, tuple(tokens), pool, pool.astype(np.float64), {}, None, entities, msg)
        # a single signal keeps its own scale (a BM25 score means something); several are normalised
        several = sum(1 for w in weights.values() if w) > 1
        method = self.config.normalise if several else "none"
        if several and "bm25" in signals and self.config.coverage.strength and len(pool):
            weights = self._covered(weights, tokens, pool, signals["bm25"])
        fused = fuse(signals, weights, method, self.config.confidence)
        order = np.lexsort((pool, -fused))
        if self.config.rerank.enabled and "sentence" in signals:
            moved, scores = rerank(fused[order], signals["sentence"][order], self.config.rerank)
            order, fused = order[moved], np.empty_like(fused)
            fused[order] = scores
        order = order[:limit]
        pieces = (piece_scores[0][order], piece_scores[1]) if piece_scores is not None else None
        return Ranking(
            query,
            mode,
            tuple(tokens),
            pool[order],
            fused[order],
            {name: v[order] for name, v in signals.items()},
            pieces,
            entities,
        )

    def _covered(self, weights: dict[str, float], tokens: list[str], pool: np.ndarray, bm25: np.ndarray) -> dict:
        """``weights`` with BM25's scaled by how much of the query its best candidates hold."""
        coverage = self.config.coverage
        lexical, terms = self.index.lexical, set(tokens)
        best = [int(pool[i]) for i in np.argsort(-bm25, kind="stable")[: coverage.top] if bm25[i] > 0]
        held = [{term for term in terms if lexical.holds(term, unit)} for unit in best]
        share = lexical_coverage(tokens, held, inverse_frequency(lexical))
        return {**weights, "bm25": weights["bm25"] * share**coverage.strength}

    def _query_vector(self, content: str) -> np.ndarray:
        return self.vectors.get_or_make(content, lambda: self.encoder.encode_query(content))

    def nodes(self, ranking: Ranking) -> list[str]:
        """The graph node of each ranked unit, best first."""
        return [self.index.units[u].node for u in ranking.units]

    def results(self, ranking: Ranking, ranks: Iterable[int]) -> list[SearchResult]:
        """Result records, highlights included, for the given positions of the ranking (0 = best)."""
        return [self._result(ranking, i) for i in ranks]

    def search(self, raw: str, k: int = 10, mode: str = "hybrid") -> SearchResponse:
        ranking = self.rank(raw, mode, k)
        results = self.results(ranking, range(len(ranking)))
        return SearchResponse(ranking.query, mode, results, ranking.entities, ranking.message)

    def _result(self, ranking: Ranking, i: int) -> SearchResult:
        unit_idx = ranking.units[i]
        unit = self.index.units[unit_idx]
        pieces = self.index.pieces_of(unit_idx)
        scores = None
        if ranking.pieces is not None:  # the unit's run of piece scores starts at its offset
            offsets, values = ranking.pieces
            scores = [float(v) for v in values[offsets[i] : offsets[i] + len(pieces)]]
        marks = highlights(
            unit.text,
            unit.sentences,
            pieces,
            scores,
            list(ranking.tokens),
            self.config.max_highlights,
            self.config.highlight_within,
        )
        return SearchResult(
            rank=i + 1,
            score=round(float(ranking.scores[i]), 4),
            doc=unit.doc,
            id=unit.id,
            kind=unit.kind,
            title=unit.title,
            text=unit.text,
            departments=list(unit.departments),
            entities=list(unit.entities),
            highlights=marks,
            node=unit.node,
            context=list(unit.context),
            signals={name: round(float(v[i]), 4) for name, v in ranking.signals.items()},
        )
