"""Properties of the whole ingest pipeline on arbitrary text: it never crashes and never loses text.

Reading, normalising, structuring and extracting either succeed or raise ``IngestError`` with a
one-line message. On success every unit and mention slices back to the original, and every
character of the received text survives except what normalisation is documented to drop:

- whitespace (spaces, tabs, line breaks, full-width and other wide spaces) and zero-width
  characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen);
- Markdown markup: heading ``#``, quote ``>``, emphasis ``*`` / ``__``, escaping backslashes;
- whole rule lines (``---``, ``***``, ``___``) and whole comment lines (``<!-- … -->``), once
  their zero-width characters are gone;
- a stray English word between Chinese characters (data/lexicon/normalise.json), which is
  replaced by its Chinese word.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.lexicon import load_lexicon
from ingest.model import Document, IngestError
from ingest.pipeline import ingest

LEXICON = load_lexicon()
ZERO_WIDTH = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
MARKUP = set("#>*_\\")
DROPPED_LINE = re.compile(r"^\s*(?:([-*_])(\s*\1){2,}|<!--.*-->)\s*$")
STRAY = re.compile("|".join(rf"\b{re.escape(w)}\b" for w in LEXICON.stray_words))

# Pieces of real policy text that exercise the structure and extraction rules.
FRAGMENTS = [
    "一、",
    "二、总体要求",
    "（一）",
    "（二）加强组织领导。",
    "1.",
    "2. ",
    "（1）",
    "第一条",
    "第二章 总则",
    "第三节",
    "责任部室：",
    "责任部室：学会部、组宣部",
    "牵头单位：省科协办公室；配合单位：科普部",
    "根据《中华人民共和国科学技术普及法》",
    "落实《全民科学素质行动规划纲要（2021—2035年）》",
    "海智计划",
    "科创中国",
    "到2025年，培育100个",
    "。",
    "，",
    "\r\n",
    "\n",
    "\n\n",
    "\f",
    "\ufeff",
    "\u3000\u3000",
    "ＡＢＣ１２３",
    "# ",
    "> ",
    "**",
    "---\n",
    "<!-- 注 -->\n",
    " and ",
    "- 第 3 页 -\n",
]
TEXT_CHARS = st.characters(exclude_categories=("Cs",))
PIECES = st.one_of(st.sampled_from(FRAGMENTS), st.text(TEXT_CHARS, max_size=12))
DOCUMENTS = st.lists(PIECES, min_size=1, max_size=40).map("".join)


def _run(text: str, encoding: str) -> Document | None:
    """Ingest ``text`` written in ``encoding``; None when ingest refuses it with a one-line error."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.txt"
        path.write_bytes(text.encode(encoding))
        try:
            (doc,) = ingest([path], LEXICON)
        except IngestError as exc:
            message = str(exc)
            assert message and "\n" not in message
            return None
    return doc


def _droppable(original: str) -> set[int]:
    """Positions of ``original`` that normalisation may drop (see the module docstring)."""
    allowed = {i for i, ch in enumerate(original) if ch.isspace() or ch in ZERO_WIDTH or ch in MARKUP}
    cursor = 0
    for line in original.splitlines(keepends=True):
        if DROPPED_LINE.match("".join(ch for ch in line.rstrip("\r\n") if ch not in ZERO_WIDTH)):
            allowed |= set(range(cursor, cursor + len(line)))
        cursor += len(line)
    for m in STRAY.finditer(original):
        allowed |= set(range(m.start(), m.end()))
    return allowed


def _check(doc: Document) -> None:
    original, text, offsets = doc.original, doc.text, doc.offsets
    assert len(offsets) == len(text) + 1
    replacements = set(LEXICON.stray_words.values())
    for i, ch in enumerate(text):
        assert 0 <= offsets[i] < len(original)
        if not ch.isspace() and ch not in replacements:
            assert original[offsets[i]] == ch, (i, ch)
    # every unit and mention is a span of the repaired text that maps inside the original
    spans = [(u.start, u.end) for u in doc.units] + [(m.start, m.end) for m in doc.mentions]
    for start, end in spans:
        assert 0 <= start <= end <= len(text)
        source = doc.source_span(start, end)
        assert 0 <= source.start <= source.end <= len(original)
    for m in doc.mentions:
        assert text[m.start : m.end] == m.surface
    # nothing but the droppable characters is lost
    kept_positions = set(offsets[: len(text)])
    lost = [(p, original[p]) for p in range(len(original)) if p not in kept_positions]
    allowed = _droppable(original)
    assert [(p, ch) for p, ch in lost if p not in allowed] == []


def _received(text: str, doc: Document) -> str:
    """What the reader should hand on: the file's text without a leading byte-order mark."""
    return text[1:] if doc.encoding == "utf-8-sig" else text


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(DOCUMENTS)
def test_utf8_ingest_never_crashes_and_keeps_the_text(text):
    doc = _run(text, "utf-8")
    if doc is None:
        return
    assert doc.original == _received(text, doc)
    _check(doc)


@SETTINGS
@given(DOCUMENTS)
def test_gb18030_ingest_never_crashes_and_keeps_the_text(text):
    # GB18030 encodes every code point outside the surrogates
    doc = _run(text, "gb18030")
    if doc is None:
        return
    if doc.encoding == "gb18030":
        assert doc.original == text
    _check(doc)


def test_refusals_are_one_line_ingest_errors():
    # the properties above accept a refusal only as IngestError; these inputs must be refused
    for text in ["", " \n\t", "\x00\x01\x02 binary", "\x01" * 50 + "正文"]:
        assert _run(text, "utf-8") is None, repr(text)
