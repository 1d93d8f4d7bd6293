"""Query expansion for BM25: extra query terms, each with a weight below the query's own words.

Two sources, switched and weighted separately in ``data/lexicon/search.json`` → ``expansion``:

- the graph: an entity named in the query (a programme, a department, an organisation … by any of
  its names) adds the words of its canonical name and its aliases, so 海智 also finds the text that
  writes 海智计划 and a short form finds the passages that spell the name out;
- the corpus (pseudo-relevance feedback): the terms that stand out in the units the dense signal
  ranks best — frequent there, rare in the corpus — so a paraphrase borrows the words the text uses.

The expanded BM25 score is the query's own score plus each extra term's score times its weight.
With ``dense_names`` the dense model's query text also gets the canonical names of its entities.
All are off: on the tune half of the paraphrase set none raised hybrid nDCG@10.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .bm25 import LexicalIndex
from .graph_signal import EntityMatch, EntityTable

Tokens = Callable[[str], list[str]]


@dataclass(frozen=True)
class ExpansionConfig:
    """``aliases``/``feedback`` switch each source on; the weights scale their terms' BM25 scores."""

    aliases: bool = False
    alias_weight: float = 0.5
    dense_names: bool = False  # the canonical names of the query's entities also added to the dense query
    feedback: bool = False
    feedback_weight: float = 0.3
    feedback_units: int = 5  # the dense signal's best units read for terms
    feedback_terms: int = 8  # terms taken from them at most
    feedback_min_units: int = 2  # a term must occur in at least this many of them

    def __post_init__(self) -> None:
        if self.alias_weight < 0 or self.feedback_weight < 0:
            raise ValueError("expansion weights must not be negative")
        if self.feedback_units < 1 or self.feedback_terms < 1 or self.feedback_min_units < 1:
            raise ValueError("expansion feedback_units, feedback_terms and feedback_min_units must be at least 1")


@dataclass(frozen=True)
class Expansion:
    """Extra query terms and the weight of each."""

    terms: dict[str, float]

    def __bool__(self) -> bool:
        return bool(self.terms)


def alias_terms(found: Sequence[EntityMatch], table: EntityTable, tokens: Tokens, query: Sequence[str]) -> list[str]:
    """The words of every name (canonical and aliases) of the entities found in the query that the
    query's own tokens do not already hold, in order of first appearance."""
    own = set(query)
    out: dict[str, None] = {}
    for match in found:
        entity = table.entities[match.node]
        for name in [entity["name"], *entity.get("aliases", [])]:
            for token in tokens(name):
                if token not in own:
                    out.setdefault(token)
    return list(out)


def with_names(content: str, found: Sequence[EntityMatch]) -> str:
    """The dense model's query text followed by the canonical names of its entities it lacks."""
    names = [m.name for m in found if m.name not in content]
    return " ".join([content, *dict.fromkeys(names)])


def inverse_frequency(lexical: LexicalIndex) -> Callable[[str], float]:
    """The IDF of a term over the BM25 index's units (0 for a term no unit holds): its document
    frequency is the length of its column in the index's sparse score matrix."""
    vocab, indptr, size = lexical.retriever.vocab_dict, lexical.retriever.scores["indptr"], lexical.size

    def idf(term: str) -> float:
        column = vocab.get(term)
        n = int(indptr[column + 1] - indptr[column]) if column is not None else 0
        return math.log((size + 1) / (n + 0.5)) if n else 0.0

    return idf


def feedback_terms(
    texts: Sequence[list[str]], idf: Callable[[str], float], query: Sequence[str], config: ExpansionConfig
) -> dict[str, float]:
    """Terms of the feedback units' token lists, scored by the sum over units of (share of the
    unit's tokens) × IDF; those in at least ``feedback_min_units`` units, not in the query, best
    ``feedback_terms`` kept, each weighted relative to the best (1.0)."""
    own = set(query)
    score: dict[str, float] = {}
    units: Counter[str] = Counter()
    for tokens in texts:
        if not tokens:
            continue
        counts = Counter(t for t in tokens if t not in own)
        for term, n in counts.items():
            score[term] = score.get(term, 0.0) + n / len(tokens) * idf(term)
            units[term] += 1
    ranked = [(s, t) for t, s in score.items() if units[t] >= config.feedback_min_units and s > 0]
    ranked.sort(key=lambda st: (-st[0], st[1]))
    ranked = ranked[: config.feedback_terms]
    if not ranked:
        return {}
    best = ranked[0][0]
    return {term: s / best for s, term in ranked}


def expanded_scores(base: np.ndarray, expansion: Expansion, scores: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """``base`` plus each extra term's BM25 scores times its weight."""
    total = np.asarray(base, dtype=np.float64).copy()
    for term, weight in expansion.terms.items():
        if weight:
            total += weight * scores([term])
    return total
