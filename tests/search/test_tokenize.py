"""Folding many texts at once folds each as it would alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from search.tokenize import Tokenizer

texts = st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=30), max_size=8)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_fold_all_equals_folding_each(items):
    assert Tokenizer.fold_all(items) == [Tokenizer.fold(t) for t in items]


def test_fold_all_on_known_forms():
    items = ["ＡＢＣ１２３", "Σ", "ΑΣ", "", "ﬁ科协", "a\x00b"]
    assert Tokenizer.fold_all(items) == ["abc123", "σ", "ας", "", "fi科协", "a\x00b"]
