"""Kept folded texts: carried over or folded, they equal folding each text, and a word is found in
exactly the texts whose folded form holds it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.folded_texts import OFFSETS, FoldedTexts
from search.folded_texts import TEXTS as TEXTS_FILE
from search.tokenize import Tokenizer, word_pattern

TEXTS = ["科协ＡＢＣ", "海智计划", "", "学术交流活动\x00后", "𠀀科普ｘ"]


def texts_of(folded: FoldedTexts) -> list[str]:
    data, bounds = folded.data.tobytes(), folded.offsets.tolist()
    return [data[a : b - 1].decode("utf-8", "surrogatepass") for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def test_gathered_texts_equal_folding_each_whether_copied_or_folded():
    first = FoldedTexts.gather(TEXTS, np.full(len(TEXTS), -1), None, Tokenizer.fold_all)
    assert texts_of(first) == [Tokenizer.fold(t) for t in TEXTS]
    later = ["新的ｔｅｘｔ", *TEXTS[3:], TEXTS[0]]
    take = np.asarray([-1, 3, 4, 0])
    again = FoldedTexts.gather(later, take, first, Tokenizer.fold_all)
    assert texts_of(again) == [Tokenizer.fold(t) for t in later]
    assert again.chars.tolist() == np.cumsum([0] + [len(Tokenizer.fold(t)) + 1 for t in later]).tolist()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(alphabet="科协学术交流abＡ\x00 ", max_size=12), max_size=6),
    st.sampled_from(["科协", "术交", "ab", "a"]),
)
def test_holding_finds_a_word_in_exactly_the_texts_that_hold_it(texts, word):
    folded = FoldedTexts.gather(texts, np.full(len(texts), -1), None, Tokenizer.fold_all)
    assert folded.holding(word_pattern([word])).tolist() == [word in Tokenizer.fold(t) for t in texts]


def test_saved_texts_load_back_and_a_damaged_file_is_ignored(tmp_path):
    folded = FoldedTexts.gather(TEXTS, np.full(len(TEXTS), -1), None, Tokenizer.fold_all)
    folded.save(tmp_path)
    loaded = FoldedTexts.load(tmp_path, len(TEXTS))
    assert loaded is not None and texts_of(loaded) == texts_of(folded)
    assert np.array_equal(loaded.chars, folded.chars)
    assert FoldedTexts.load(tmp_path, len(TEXTS) + 1) is None
    np.save(tmp_path / OFFSETS, np.zeros((2, len(TEXTS) + 1), np.int64))
    assert FoldedTexts.load(tmp_path, len(TEXTS)) is None
    assert FoldedTexts.load(tmp_path / "missing", len(TEXTS)) is None


def test_texts_that_do_not_decode_or_end_elsewhere_are_reported():
    folded = FoldedTexts.gather(TEXTS, np.full(len(TEXTS), -1), None, Tokenizer.fold_all)
    broken = FoldedTexts(folded.data.copy(), folded.offsets, folded.chars)
    broken.data[0] = 0xFF  # not UTF-8
    with pytest.raises(ValueError):
        broken.holding(word_pattern(["科协"]))
    shifted = FoldedTexts(folded.data, folded.offsets, folded.chars.copy())
    shifted.chars[1] += 1
    with pytest.raises(ValueError):
        shifted.holding(word_pattern(["科协"]))


def test_a_file_whose_texts_do_not_end_in_nul_is_ignored(tmp_path):
    folded = FoldedTexts.gather(TEXTS, np.full(len(TEXTS), -1), None, Tokenizer.fold_all)
    folded.save(tmp_path)
    data = bytearray((tmp_path / TEXTS_FILE).read_bytes())
    data[int(folded.offsets[1]) - 1] = ord("x")
    (tmp_path / TEXTS_FILE).write_bytes(bytes(data))
    assert FoldedTexts.load(tmp_path, len(TEXTS)) is None
