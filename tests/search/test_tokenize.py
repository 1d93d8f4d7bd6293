"""Folding many texts at once folds each as it would alone; jieba loads once, when first needed."""

from __future__ import annotations

import threading
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from search.config import load_config
from search.tokenize import Tokenizer

texts = st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=30), max_size=8)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_fold_all_equals_folding_each(items):
    assert Tokenizer.fold_all(items) == [Tokenizer.fold(t) for t in items]


def test_fold_all_on_known_forms():
    items = ["ＡＢＣ１２３", "Σ", "ΑΣ", "", "ﬁ科协", "a\x00b"]
    assert Tokenizer.fold_all(items) == ["abc123", "σ", "ας", "", "fi科协", "a\x00b"]


def test_jieba_loads_once_when_the_first_text_is_cut(monkeypatch):
    tokenizer = Tokenizer(["远航工程"], load_config())
    loads = []
    load = Tokenizer._load

    def slow_load(self):
        loads.append(self)
        time.sleep(0.2)  # other threads ask meanwhile
        return load(self)

    monkeypatch.setattr(Tokenizer, "_load", slow_load)
    assert loads == []  # made without loading jieba
    out: list[list[str]] = []
    threads = [threading.Thread(target=lambda: out.append(tokenizer.query("实施远航工程"))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(loads) == 1 and len(out) == 6 and all("远航工程" in tokens for tokens in out)
    tokenizer.ready()
    assert len(loads) == 1
