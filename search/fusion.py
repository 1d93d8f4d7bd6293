"""Score fusion: each signal is normalised over the candidate pool, then weighted and summed.

Raw BM25 scores and cosine similarities live on unrelated scales and their spread changes from
query to query; z-scores put them on one footing, so a weight means the same for every query.
Reciprocal-rank fusion throws the margins away (a clear BM25 winner counts no more than a near
tie) and scored below BM25 alone on the evaluation, so it is offered only for comparison.

A fixed weight trusts a signal as much on a query it cannot read as on one it reads well. With
a ``Confidence`` the weights are scaled per query by each signal's sureness relative to the
others', measured as agreement: how much of its ``top`` candidates the other signals also rank in
their ``top``. When BM25 is sure of passages that neither vector signal ranks, while the two vector
signals agree, fusion follows them. Equal sureness leaves the configured weights as they are. (A
signal's own margin — how far its best candidate leads its ``top``-th in standard deviations —
was measured as the sureness too and lowered nDCG@10: BM25 is most peaked when a rare query word
matches the wrong passage.)

The settings were measured again with the encoder adapted to the corpus, on the paraphrase set's
tune half (hybrid nDCG@10, home of the plan and the rural documents; 0.508 as shipped): confidence
strength 0 / 1 / 3 / 4 gave 0.491 / 0.499 / 0.511 / 0.505, ``top`` 25 or 100 and ``share`` 0.15 or
0.5 changed it by at most 0.003. BM25's hybrid weight at 0.25 instead of 0.5 raised it (0.520; 0.515
against 0.501 with the base encoder) and the development set too, but lowered the tune half on the
home that also holds the government work reports (0.701 -> 0.691, base encoder), so it stays.

Agreement misses a BM25 that is sure for the wrong reason on a small corpus, where a paraphrase
shares one or two words with many passages. ``Coverage`` scales BM25's weight by how much of the
query its best units hold (IDF-weighted; strength 1, best 3 units; base encoder). Chosen on the
tune halves, then each held-out half run once, hybrid nDCG@10 without → with:

| home | tune | held-out |
|---|---|---|
| the plan alone (plan queries) | 0.867 → 0.870 | 0.906 → 0.937 |
| plan and rural documents (their queries) | 0.787 → 0.827 | 0.824 → 0.841 |
| plan, rural and the 52 reports (all queries) | 0.695 → 0.689 | 0.708 → 0.681 |

It is kept for its gain on corpora of one or a few documents, the usual case; on the large home it
costs a little (the last row). The development set stays at 0.983.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

RRF_K = 60


@dataclass(frozen=True)
class Confidence:
    """How weights follow sureness: ``strength`` 0 keeps them fixed, 1 scales them in proportion."""

    strength: float = 0.0
    top: int = 50
    share: float = 1.0  # at most this share of the candidate pool counts as a signal's best

    def best_of(self, pool: int) -> int:
        """How many of a signal's best candidates count: ``top``, but never most of a small pool
        (where every signal's best would hold nearly every candidate and agree by construction)."""
        return max(1, min(self.top, math.ceil(self.share * pool)))

    def __post_init__(self) -> None:
        if self.strength < 0:
            raise ValueError(f"confidence strength must not be negative, not {self.strength}")
        if self.top < 1:
            raise ValueError(f"confidence top must be at least 1, not {self.top}")
        if not 0 < self.share <= 1:
            raise ValueError(f"confidence share must be in (0, 1], not {self.share}")


@dataclass(frozen=True)
class Coverage:
    """How BM25's weight follows how much of the query its best candidates hold: the weight is
    multiplied by the coverage (``lexical_coverage`` over BM25's ``top`` candidates) to the power
    ``strength``; 0 keeps it fixed."""

    strength: float = 0.0
    top: int = 3

    def __post_init__(self) -> None:
        if self.strength < 0:
            raise ValueError(f"coverage strength must not be negative, not {self.strength}")
        if self.top < 1:
            raise ValueError(f"coverage top must be at least 1, not {self.top}")


def lexical_coverage(terms: Iterable[str], candidates: Sequence[Iterable[str]], idf: Callable[[str], float]) -> float:
    """The largest share of the query's distinct ``terms``, each weighted by its IDF, that one of the
    ``candidates`` (each a unit's terms) holds: 1 when a unit holds every term, near 0 when the
    best units match only common words of the query. 1 when no term is in the corpus at all."""
    weights = {term: idf(term) for term in set(terms)}
    total = sum(weights.values())
    if total <= 0:
        return 1.0
    held = [set(unit) for unit in candidates]
    return max((sum(w for term, w in weights.items() if term in unit) / total for unit in held), default=0.0)


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


def _best(scores: np.ndarray, top: int) -> set[int]:
    return set(np.argsort(-np.asarray(scores), kind="stable")[:top].tolist())


def sureness(signals: dict[str, np.ndarray], top: int) -> dict[str, float]:
    """Each signal's agreement with the others: the share of its ``top`` best candidates that
    another signal also ranks in its ``top``, averaged over the other signals."""
    best = {name: _best(values, top) for name, values in signals.items()}
    out = {}
    for name, mine in best.items():
        others = [len(mine & theirs) / max(len(mine), 1) for other, theirs in best.items() if other != name]
        out[name] = sum(others) / len(others) if others else 0.0
    return out


def scaled_weights(
    signals: dict[str, np.ndarray], weights: dict[str, float], confidence: Confidence
) -> dict[str, float]:
    """``weights`` with each normalised signal's weight times (its sureness / the mean sureness)
    to the power ``strength``; the graph lift and signals of equal sureness keep their weight."""
    scored = {n: signals[n] for n, w in weights.items() if w and n in signals and n != "graph"}
    if confidence.strength == 0 or len(scored) < 2:
        return dict(weights)
    sure = sureness(scored, confidence.best_of(len(next(iter(scored.values())))))
    mean = sum(sure.values()) / len(sure)
    if mean <= 1e-9:
        return dict(weights)
    eps = 1e-3 * mean  # a signal with no sureness at all is quietened, not silenced
    return {
        name: weight * (((sure[name] + eps) / (mean + eps)) ** confidence.strength if name in sure else 1.0)
        for name, weight in weights.items()
    }


def fuse(
    signals: dict[str, np.ndarray],
    weights: dict[str, float],
    method: str = "zscore",
    confidence: Confidence | None = None,
) -> np.ndarray:
    """Weighted sum of the normalised signals named in ``weights`` (others are ignored), the weights
    scaled per query by ``confidence`` when given.

    The graph signal is already on a 0..1 scale (how specific the recognised entity is), so it is
    added as it is rather than normalised.
    """
    size = len(next(iter(signals.values()))) if signals else 0
    total = np.zeros(size, dtype=np.float64)
    if confidence is not None and size:
        weights = scaled_weights(signals, weights, confidence)
    for name, weight in weights.items():
        if weight and name in signals:
            values = signals[name] if name == "graph" else normalise(signals[name], method)
            total += weight * values
    return total
