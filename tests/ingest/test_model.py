"""Mapping repaired-text positions back to the original file, and positions to their sentences."""

from __future__ import annotations

import pickle
from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.model import Document, Sentence, Span, Unit


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


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12)), max_size=5), max_size=6),
    st.integers(-2, 80),
)
def test_the_sentence_at_a_position_is_the_first_in_unit_order_that_holds_it(spans, pos):
    units = [
        Unit("d", str(i), "item", "", "", 0, 0, None, sentences=[Sentence("", a, a + n) for a, n in sentences])
        for i, sentences in enumerate(spans)
    ]
    doc = Document(id="d", path="", encoding="", original="", text="", offsets=[0], units=units)
    scan = next((s for u in units for s in u.sentences if s.start <= pos < s.end), None)
    assert doc.sentence_at(pos) is scan
    assert "_sentences" not in pickle.loads(pickle.dumps(doc)).__dict__
