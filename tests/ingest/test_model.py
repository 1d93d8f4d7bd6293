"""Mapping repaired-text positions back to the original file."""

from __future__ import annotations

from array import array

from ingest.model import Document, Span


def _doc() -> Document:
    # "a b" repaired to "ab": text[1] came from original[2]
    return Document(id="d", path="d.txt", encoding="utf-8", original="a b", text="ab", offsets=array("i", [0, 2, 3]))


def test_a_span_covers_the_original_characters_of_the_repaired_ones():
    doc = _doc()
    assert doc.source_span(0, 2) == Span(0, 3)
    assert doc.source_span(1, 2) == Span(2, 3)


def test_an_empty_span_is_the_position_it_starts_at():
    doc = _doc()
    assert doc.source_span(1, 1) == Span(2, 2)
    assert doc.source_span(2, 2) == Span(3, 3)


def test_the_pair_form_gives_the_same_offsets():
    doc = _doc()
    for start, end in [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]:
        span = doc.source_span(start, end)
        assert doc.source_range(start, end) == (span.start, span.end)
