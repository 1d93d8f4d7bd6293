"""Highlights: the sentences of a unit that match the query best, as offsets into its text."""

from __future__ import annotations

import re

from .units import split_sentences

_WORD_CHARS = re.compile(r"\s+")


def _lexical(sentence: str, tokens: list[str]) -> float:
    """Share of the query's distinct tokens (weighted by length) that the sentence holds."""
    if not tokens:
        return 0.0
    distinct = set(tokens)
    total = sum(len(t) for t in distinct)
    text = _WORD_CHARS.sub("", sentence).lower()
    return sum(len(t) for t in distinct if t in text) / total


def highlights(
    text: str,
    sentences: list[tuple[int, int]],
    pieces: list[tuple[int, int]],
    piece_scores: list[float] | None,
    tokens: list[str],
    limit: int = 2,
    within: float = 0.9,
) -> list[list[int]]:
    """Up to ``limit`` sentences, in text order: the best one and any scoring ``within`` of it.

    A sentence's score is its lexical overlap with the query plus the dense similarity of the
    piece that holds it (when the dense model was used).
    """
    spans = [(s, e) for s, e in (sentences or split_sentences(text)) if text[s:e].strip()]
    if not spans:
        return [[0, len(text)]] if text else []
    scored = []
    for s, e in spans:
        score = _lexical(text[s:e], tokens)
        if piece_scores is not None:
            dense = [p for (ps, pe), p in zip(pieces, piece_scores, strict=True) if ps <= s < pe]
            score += max(dense) if dense else 0.0
        scored.append((score, s, e))
    best = max(scored)[0]
    if best <= 0:
        return [[spans[0][0], spans[0][1]]]
    top = sorted(scored, key=lambda x: (-x[0], x[1]))[:limit]
    chosen = [(s, e) for score, s, e in top if score >= best * within]
    return [[s, e] for s, e in sorted(chosen)]
