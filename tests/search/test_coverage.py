"""BM25's weight in hybrid search follows how much of the query its best units hold."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from search.config import load_config
from search.expand import inverse_frequency
from search.fusion import Coverage, lexical_coverage
from search.units import SearchUnit, UnitKind, split_sentences
from tests.fixtures.search_index import tiny_searcher

TEXTS = {
    "a": "组建老专家科普报告团，深入基层开展科学知识宣讲。",
    "b": "推进科普信息化建设，提升科普服务能力。",
    "c": "加强学会能力建设，提升学术交流质量。",
}


def unit(key: str, text: str) -> SearchUnit:
    return SearchUnit(f"task:t/{key}", "t", key, UnitKind.TASK, text[:6], [], "", text, split_sentences(text))


def searcher(tiny, coverage: Coverage):
    config = dataclasses.replace(load_config(), coverage=coverage)
    return tiny_searcher(tiny, config, [unit(k, v) for k, v in TEXTS.items()])


def covered_weight(s, query: str, weights: dict[str, float]) -> float:
    tokens = s.tokenizer.query(query)
    pool = np.arange(len(s.index.units))
    return s._covered(weights, tokens, pool, s.index.lexical.scores(tokens).astype(np.float64))["bm25"]


def test_a_query_one_unit_holds_whole_keeps_the_bm25_weight(tiny):
    s = searcher(tiny, Coverage(1.0, 3))
    assert covered_weight(s, "老专家科普报告团", {"bm25": 0.5, "dense": 0.25}) == pytest.approx(0.5)


def test_a_query_its_best_units_hold_in_part_lowers_it_by_their_share(tiny):
    s = searcher(tiny, Coverage(2.0, 1))
    query = "老专家宣讲科普信息化"  # its words are spread over units a and b
    tokens = s.tokenizer.query(query)
    scores = s.index.lexical.scores(tokens)
    best = int(np.argmax(scores))
    share = lexical_coverage(tokens, [s._unit_tokens(best)], inverse_frequency(s.index.lexical))
    assert 0 < share < 1
    assert covered_weight(s, query, {"bm25": 0.5}) == pytest.approx(0.5 * share**2)


def test_switched_on_it_changes_the_ranking_only_of_queries_no_unit_covers(tiny):
    off, on = searcher(tiny, Coverage(0.0, 3)), searcher(tiny, Coverage(1.0, 3))
    whole, part = off.rank("老专家科普报告团"), off.rank("老专家宣讲科普信息化")
    assert np.allclose(on.rank("老专家科普报告团").scores, whole.scores)  # one unit holds every word
    assert not np.allclose(on.rank("老专家宣讲科普信息化").scores, part.scores)


def test_bm25_alone_keeps_its_own_scores(tiny):
    off, on = searcher(tiny, Coverage(0.0, 3)), searcher(tiny, Coverage(1.0, 3))
    query = "老专家宣讲科普信息化"
    assert np.allclose(on.rank(query, mode="bm25").scores, off.rank(query, mode="bm25").scores)
