"""Re-ranking of the fused ranking's head by sentence-level similarity.

The best ``top`` candidates are ordered again by their fused score blended with their best
query–sentence cosine (both z-scored over those candidates, the cosine times ``weight``), so a unit
with one sentence that says what the query asks can pass units that only share its words. The rest
of the ranking keeps its order below them. Switched and weighted in ``data/lexicon/search.json`` →
``rerank``. Off: over the piece vectors the index already holds (top 30, weight 0.5) it lowered hybrid
nDCG@10 on the paraphrase set's tune half (0.701 -> 0.696) and left the dev set at 0.982.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .fusion import normalise


@dataclass(frozen=True)
class RerankConfig:
    enabled: bool = False
    top: int = 30  # candidates re-ordered
    weight: float = 0.5  # of the sentence cosine's z-score, beside the fused score's

    def __post_init__(self) -> None:
        if self.top < 2:
            raise ValueError(f"rerank top must be at least 2, not {self.top}")
        if self.weight < 0:
            raise ValueError(f"rerank weight must not be negative, not {self.weight}")


def rerank(fused: np.ndarray, sentence: np.ndarray, config: RerankConfig) -> tuple[np.ndarray, np.ndarray]:
    """(positions, scores): the order of the candidates, whose ``fused`` scores are given best first,
    after re-ranking the first ``top`` by the blend with their best ``sentence`` cosine; and each
    one's score in that order. The head's blended scores are shifted to end at its lowest fused
    score, so scores still fall down the whole list."""
    fused = np.asarray(fused, dtype=np.float64)
    n = min(config.top, len(fused))
    if n < 2:
        return np.arange(len(fused)), fused.copy()
    blend = normalise(fused[:n]) + config.weight * normalise(np.asarray(sentence[:n], dtype=np.float64))
    head = np.lexsort((np.arange(n), -blend))
    scores = np.concatenate([blend[head] - blend.min() + fused[n - 1], fused[n:]])
    return np.concatenate([head, np.arange(n, len(fused))]), scores
