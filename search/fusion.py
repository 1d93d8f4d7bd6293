"""Score fusion: each signal is normalised over the candidate pool, then weighted and summed.

Raw BM25 scores and cosine similarities live on unrelated scales and their spread changes from
query to query; z-scores put them on one footing, so a weight means the same for every query.
Reciprocal-rank fusion throws the margins away (a clear BM25 winner counts no more than a near
tie) and scored below BM25 alone on the evaluation, so it is offered only for comparison.
"""

from __future__ import annotations

import numpy as np

RRF_K = 60


def normalise(scores: np.ndarray, method: str = "zscore") -> np.ndarray:
    scores = np.asarray(scores, dtype=np.float64)
    if scores.size == 0:
        return scores
    if method == "none":
        return scores
    if method == "zscore":
        std = scores.std()
        return (scores - scores.mean()) / std if std > 1e-9 else np.zeros_like(scores)
    if method == "minmax":
        span = scores.max() - scores.min()
        return (scores - scores.min()) / span if span > 1e-9 else np.zeros_like(scores)
    if method == "rrf":
        ranks = np.empty(len(scores))
        ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
        return 1.0 / (RRF_K + ranks)
    raise ValueError(f"unknown normalisation {method!r} (zscore, minmax, rrf or none)")


def fuse(signals: dict[str, np.ndarray], weights: dict[str, float], method: str = "zscore") -> np.ndarray:
    """Weighted sum of the normalised signals named in ``weights`` (others are ignored).

    The graph signal is already on a 0..1 scale (how specific the recognised entity is), so it is
    added as it is rather than normalised.
    """
    size = len(next(iter(signals.values()))) if signals else 0
    total = np.zeros(size, dtype=np.float64)
    for name, weight in weights.items():
        if weight and name in signals:
            values = signals[name] if name == "graph" else normalise(signals[name], method)
            total += weight * values
    return total
