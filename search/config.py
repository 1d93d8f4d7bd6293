"""Search settings from ``data/lexicon/search.json`` (or ``$POLICYKG_LEXICON/search.json``)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.lexicon import DEFAULT_DIR

from .adapt_settings import AdaptSettings, parse_adapt
from .expand import ExpansionConfig
from .fusion import Confidence, Coverage
from .rerank import RerankConfig


@dataclass(frozen=True)
class SearchConfig:
    stop_words: frozenset[str]
    question_words: frozenset[str]
    adapt: AdaptSettings  # adapting the encoder to the corpus: its training pairs and run
    min_chars: int = 2
    max_chars: int = 500
    piece_min_chars: int = 24
    piece_max_chars: int = 160
    context_in_text: bool = True
    batch_size: int = 64
    max_seq_length: int = 256
    dtype: str = "auto"
    ann_threshold: int = 50_000
    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef_search: int = 128
    pool_all_below: int = 2000
    pool_per_signal: int = 200
    normalise: str = "zscore"
    weights: dict[str, dict[str, float]] = field(default_factory=dict)
    confidence: Confidence | None = None  # per-query weighting of the fused signals by their sureness
    coverage: Coverage = Coverage()  # BM25's weight by how much of the query its best units hold
    expansion: ExpansionConfig = ExpansionConfig()  # extra BM25 query terms from the graph and the corpus
    rerank: RerankConfig = RerankConfig()  # the ranking's head re-ordered by sentence similarity
    max_highlights: int = 2
    highlight_within: float = 0.9

    def with_weights(self, mode: str, **weights: float) -> SearchConfig:
        """A copy with some weights of ``mode`` replaced (used by the ablation benchmark)."""
        new = {**self.weights, mode: {**self.weights.get(mode, {}), **weights}}
        return SearchConfig(**{**self.__dict__, "weights": new})


def config_path() -> Path:
    folder = os.environ.get("POLICYKG_LEXICON")
    return Path(folder) / "search.json" if folder else DEFAULT_DIR / "search.json"


def parse_config(data: dict) -> SearchConfig:
    section = lambda name: data.get(name, {})  # noqa: E731
    return SearchConfig(
        stop_words=frozenset(data.get("stop_words", [])),
        question_words=frozenset(data.get("question_words", [])),
        adapt=parse_adapt(data.get("adapt")),
        **section("query"),
        **section("units"),
        **section("encoder"),
        **section("vectors"),
        **section("retrieval"),
        normalise=section("fusion").get("normalise", "zscore"),
        weights={
            k: dict(v)
            for k, v in section("fusion").items()
            if isinstance(v, dict) and k not in ("confidence", "coverage")
        },
        confidence=Confidence(**section("fusion")["confidence"]) if "confidence" in section("fusion") else None,
        coverage=Coverage(**section("fusion").get("coverage", {})),
        expansion=ExpansionConfig(**section("expansion")),
        rerank=RerankConfig(**section("rerank")),
        max_highlights=section("highlight").get("max_sentences", 2),
        highlight_within=section("highlight").get("within", 0.9),
    )


@lru_cache(maxsize=4)
def _load(path: str) -> SearchConfig:
    return parse_config(json.loads(Path(path).read_text(encoding="utf-8")))


def load_config() -> SearchConfig:
    return _load(str(config_path()))
