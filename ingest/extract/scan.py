"""Shared text scanning helpers for the extractors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..lexicon import Lexicon


def find_all(text: str, names: Iterable[str]) -> Iterator[tuple[int, int, str]]:
    """Every occurrence of every name, longest names first (overlaps resolved later)."""
    for name in sorted(set(names), key=len, reverse=True):
        if len(name) < 2:
            continue
        start = text.find(name)
        while start >= 0:
            yield start, start + len(name), name
            start = text.find(name, start + 1)


def quoted(text: str, lexicon: Lexicon) -> Iterator[tuple[int, int]]:
    """(start, end) of the inner text of each quotation on one line."""
    for left, right in lexicon.rules["quotes"]:
        if left == right:
            for line in re.finditer(r"[^\n]+", text):
                positions = [line.start() + m.start() for m in re.finditer(re.escape(left), line.group())]
                for a, b in zip(positions[::2], positions[1::2], strict=False):
                    yield a + 1, b
        else:
            for m in re.finditer(f"{re.escape(left)}([^{re.escape(left + right)}\\n]{{1,40}}){re.escape(right)}", text):
                yield m.start(1), m.end(1)


class BoundaryScanner:
    """Find where an unquoted name starts by scanning left to a punctuation mark or function word.

    Quotes may sit inside a name (江西“2+6+N”产业…行动计划) but two quotations back to back
    are two names."""

    def __init__(self, lexicon: Lexicon, max_chars: int = 30):
        self.by_length: dict[int, set[str]] = {}
        for word in lexicon.words("boundaries"):
            self.by_length.setdefault(len(word), set()).add(word)
        self.max_chars = max_chars
        self.name_chars = re.compile('[\u4e00-\u9fff“”"A-Za-z0-9+·]')

    def left_edge(self, text: str, end: int, floor: int = 0) -> int | None:
        """Start of the name ending at ``end``; None when no edge lies within reach."""
        i = end
        lowest = max(floor, end - self.max_chars)
        while i > lowest and self.name_chars.match(text[i - 1]) and not text.startswith("”“", i - 1):
            if any(text[i - n : i] in words for n, words in self.by_length.items() if i - n >= lowest):
                break
            i -= 1
        if i == lowest > floor and self.name_chars.match(text[i - 1]):
            return None
        return i


def excluded(name: str, patterns: Iterable[str]) -> bool:
    return any(re.search(p, name) for p in patterns)


def strip_quotes(name: str) -> str:
    return re.sub('[“”"「」『』]', "", name)
