"""The character-run table never says a term the text holds is absent, and rules out terms with a
run the text lacks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import search.qa.grams as grams
from search.qa.grams import CharGrams

alphabet = st.sampled_from(list("科技志愿服务农村创新中国计划ab1\x00"))
texts = st.text(alphabet=alphabet, max_size=60)


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_every_part_of_the_text_may_be_held(text, data):
    table = CharGrams(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert table.may_hold(text[start:end])


@settings(max_examples=300, deadline=None)
@given(texts, st.text(alphabet=alphabet, max_size=8))
def test_a_term_ruled_out_is_not_in_the_text(text, term):
    if not CharGrams(text).may_hold(term):
        assert term not in text


def test_terms_with_a_run_the_text_lacks_are_ruled_out():
    table = CharGrams("实施科技志愿服务行动，推进农村科普。")
    assert table.may_hold("科技志愿") and table.may_hold("农村") and table.may_hold("")
    assert not table.may_hold("服务科技")  # every pair but 务科 is in the text, and 务科 is not
    assert not table.may_hold("海智计划")
    assert table.may_hold("村科普")  # across two words of the text


def test_runs_across_the_hashed_chunks_are_kept(monkeypatch):
    monkeypatch.setattr(grams, "_CHUNK", 4)
    text = "科技志愿服务农村创新中国计划"
    table = CharGrams(text)
    assert all(table.may_hold(text[i : i + n]) for n in (2, 3, 5) for i in range(len(text) - n + 1))
