"""Safe highlighting of text for the pages: every piece is escaped, highlights are <mark>."""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

Spans = Iterable[tuple[int, int] | list[int]]


def merge_spans(spans: Spans, length: int) -> list[tuple[int, int]]:
    """Sorted, clamped, non-overlapping [start, end) spans."""
    out: list[list[int]] = []
    for s, e in sorted((max(0, int(s)), min(length, int(e))) for s, e in spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the terms (two characters or more) occur in ``text``."""
    spans = []
    for term in {t for t in terms if t and len(t) >= 2}:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(term), text)]
    return spans


def segments(text: str, spans: Spans) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, highlighted) pairs."""
    out, pos = [], 0
    for s, e in merge_spans(spans, len(text)):
        if s > pos:
            out.append((text[pos:s], False))
        out.append((text[s:e], True))
        pos = e
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def marked(text: str, spans: Spans) -> Markup:
    """HTML for ``text`` with ``spans`` in <mark>; every piece of text is escaped."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(piece) if hit else escape(piece) for piece, hit in segments(text, spans)
    )


def snippet(text: str, spans: Spans, width: int = 180) -> Markup:
    """A window of about ``width`` characters around the first highlight, marked and escaped."""
    merged = merge_spans(spans or [], len(text))
    if len(text) <= width:
        return marked(text, merged)
    first = merged[0][0] if merged else 0
    start = max(0, min(first - width // 4, len(text) - width))
    end = start + width
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in merged if e > start and s < end]
    return Markup("{}{}{}").format(
        "…" if start else "", marked(text[start:end], inside), "…" if end < len(text) else ""
    )
