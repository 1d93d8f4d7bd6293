"""Repair received text into whole paragraphs while keeping a map to the original offsets.

Every character of the repaired text remembers the original position it came from, so a
span of repaired text can always be sliced back out of the file as received.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import Lexicon

CJK = "\u3400-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2010-\u2027\u2030-\u205e"
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_WIDE_SPACE = re.compile("[\u3000\u00a0\u2002-\u200a\t]")
_HR = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")  # a Markdown/HTML comment line (<!-- INFO END -->)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})[ \t]*")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|>~])")
_EMPHASIS = re.compile(r"\*+|(?<![A-Za-z0-9])__|__(?![A-Za-z0-9])")
_SPACE_NEAR_CJK = re.compile(f"(?<=[{CJK}{CJK_PUNCT}]) +| +(?=[{CJK}{CJK_PUNCT}])")
_MULTI_SPACE = re.compile(" {2,}")
_TERMINAL = set("。！？!?；;：:…")
_FIELD = re.compile(f"^[{CJK}（）()]{{2,10}}[：:]")


@dataclass
class Mapped:
    """A string whose characters each carry their position in the original text."""

    text: str
    pos: list[int]

    def sub(self, pattern: re.Pattern, repl: str = "") -> Mapped:
        """Replace matches; inserted characters map to the start of what they replace."""
        if not pattern.search(self.text):
            return self
        out, pos, last = [], [], 0
        for m in pattern.finditer(self.text):
            out.append(self.text[last : m.start()])
            pos.extend(self.pos[last : m.start()])
            if repl and m.end() > m.start():
                lead = len(m.group()) - len(m.group().lstrip())
                anchor = self.pos[m.start() + (lead if lead < len(m.group()) else 0)]
                out.append(repl)
                pos.extend([anchor] * len(repl))
            last = m.end()
        out.append(self.text[last:])
        pos.extend(self.pos[last:])
        return Mapped("".join(out), pos)

    def strip(self) -> Mapped:
        left = len(self.text) - len(self.text.lstrip())
        right = len(self.text.rstrip())
        return Mapped(self.text[left:right], self.pos[left:right])


@dataclass
class Line:
    body: Mapped
    heading: int  # Markdown heading level, 0 for none
    hard: bool  # a rule line or document boundary: never join across it
    blank: bool


@dataclass
class Paragraph:
    start: int
    end: int
    heading: int


@dataclass
class Normalised:
    text: str
    offsets: array  # offsets[i] = original position of text[i]; one extra entry at the end
    paragraphs: list[Paragraph]


@lru_cache(maxsize=4)
def _stray_patterns(words: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern, str]]:
    return [(re.compile(f"(?<=[{CJK}]) *\\b{re.escape(w)}\\b *(?=[{CJK}])"), r) for w, r in words]


def _clean_line(raw: str, start: int, lexicon: Lexicon) -> Line:
    line = Mapped(raw, list(range(start, start + len(raw))))
    line = line.sub(_ZERO_WIDTH).sub(_WIDE_SPACE, " ")
    if _HR.match(line.text) or _COMMENT.match(line.text):
        return Line(Mapped("", []), 0, True, True)
    line = line.sub(_QUOTE)
    heading = _HEADING.match(line.text)
    level = len(heading.group(1)) if heading else 0
    if heading:
        line = line.sub(_HEADING)
    line = line.sub(_ESCAPE).sub(_EMPHASIS)
    for pattern, replacement in _stray_patterns(tuple(lexicon.stray_words.items())):
        line = line.sub(pattern, replacement)
    line = line.sub(_SPACE_NEAR_CJK).sub(_MULTI_SPACE, " ").strip()
    return Line(line, level, False, not line.text)


def _heading_like(text: str, lexicon: Lexicon) -> bool:
    """A short marker line without a full stop is a heading, whatever its Markdown."""
    return len(text) <= 40 and "。" not in text and lexicon.match_marker(text) is not None


def _joinable(prev: Line, nxt: Line, lexicon: Lexicon) -> bool:
    """True when a line break (and any blank lines) split one sentence: a page-break artefact."""
    if prev.heading or nxt.heading or prev.hard or nxt.hard:
        return False
    a, b = prev.body.text, nxt.body.text
    if a[-1] in _TERMINAL or _heading_like(a, lexicon):
        return False
    if lexicon.match_marker(b) is not None or _FIELD.match(b) or b.startswith(("——", "—", "-")):
        return False
    return True


def normalise(original: str, lexicon: Lexicon, rewrap: bool = True) -> Normalised:
    """Repair ``original``. With ``rewrap`` a line break that splits a sentence (a page break in a
    text file or PDF) is joined; without it (Word, web pages) every line is its own paragraph."""
    lines: list[Line] = []
    cursor = 0
    for raw in original.splitlines(keepends=True):
        lines.append(_clean_line(raw.rstrip("\r\n"), cursor, lexicon))
        cursor += len(raw)

    paragraphs: list[tuple[Mapped, int]] = []
    previous: Line | None = None  # last non-blank line of the current paragraph
    for line in lines:
        if line.hard:
            previous = None
            continue
        if line.blank:
            continue
        if rewrap and previous is not None and paragraphs and _joinable(previous, line, lexicon):
            merged, level = paragraphs[-1]
            paragraphs[-1] = (Mapped(merged.text + line.body.text, merged.pos + line.body.pos), level)
        else:
            paragraphs.append((line.body, line.heading))
        # The first line of a document is its title: nothing joins onto it.
        previous = line if len(paragraphs) > 1 else Line(line.body, line.heading, True, False)

    text_parts: list[str] = []
    offsets: list[int] = []
    spans: list[Paragraph] = []
    for body, level in paragraphs:
        if text_parts:
            text_parts.append("\n")
            offsets.append(offsets[-1] + 1)
        spans.append(Paragraph(len(offsets), len(offsets) + len(body.text), level))
        text_parts.append(body.text)
        offsets.extend(body.pos)
    offsets.append(offsets[-1] + 1 if offsets else 0)
    # A compact int array: a large corpus keeps one offset per character in memory.
    return Normalised("".join(text_parts), array("i", offsets), spans)
