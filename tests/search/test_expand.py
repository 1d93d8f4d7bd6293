"""Query expansion: an entity's other names and the feedback units' terms as weighted BM25 terms."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from search.bm25 import LexicalIndex
from search.config import load_config
from search.expand import (
    Expansion,
    ExpansionConfig,
    alias_terms,
    expanded_scores,
    feedback_terms,
    inverse_frequency,
    with_names,
)
from search.fusion import fuse
from tests.fixtures.search_index import tiny_searcher


def with_expansion(**changes):
    config = load_config()
    return dataclasses.replace(config, expansion=dataclasses.replace(config.expansion, **changes))


@pytest.fixture(scope="module")
def plain(tiny):
    return tiny_searcher(tiny, with_expansion(aliases=False, feedback=False))


def test_an_alias_in_the_query_adds_its_canonical_names_terms(tiny, plain):
    found = plain.index.entities.find("科普法")
    assert [m.name for m in found] == ["科学技术普及法"]
    assert alias_terms(found, plain.index.entities, plain.tokenizer.query, ["科普法"]) == ["科学技术普及法"]
    # a canonical name in the query adds its aliases, and never a word the query already holds
    found = plain.index.entities.find("海智计划")
    assert alias_terms(found, plain.index.entities, plain.tokenizer.query, ["海智计划"]) == ["海智"]


def test_alias_expansion_finds_the_unit_that_writes_the_name_out(tiny, plain):
    assert plain.search("科普法", mode="bm25").results == []
    expanded = tiny_searcher(tiny, with_expansion(aliases=True, alias_weight=0.5))
    results = expanded.search("科普法", mode="bm25").results
    assert [r.id for r in results] == ["1.1.1"]
    direct = expanded.index.lexical.scores(["科学技术普及法"])[0]
    assert results[0].signals["bm25"] == pytest.approx(0.5 * direct, abs=1e-4)


def test_feedback_terms_are_shared_by_the_feedback_units_and_weighted_by_rarity():
    idf = {"基地": 2.0, "科普": 1.0, "年会": 3.0, "建设": 0.5}.get
    texts = [["科普", "基地", "建设"], ["科普", "基地", "年会"], ["建设", "科普"]]
    config = ExpansionConfig(feedback_terms=2, feedback_min_units=2)
    terms = feedback_terms(texts, lambda t: idf(t, 0.0), ["科普"], config)
    # 年会 is rarest but in one unit only; 科普 is the query's own word
    assert list(terms) == ["基地", "建设"]
    assert terms["基地"] == 1.0 and 0 < terms["建设"] < 1.0
    assert feedback_terms([[], ["科普"]], lambda t: 1.0, ["科普"], config) == {}


def test_inverse_frequency_counts_the_units_holding_a_term():
    lexical = LexicalIndex.build([["科普", "基地"], ["科普", "年会"], ["科普"]])
    idf = inverse_frequency(lexical)
    assert idf("年会") > idf("科普") > 0
    assert idf("没有的词") == 0.0


def test_expanded_scores_add_each_terms_scores_times_its_weight():
    lexical = LexicalIndex.build([["科普", "基地"], ["年会"], ["基地", "年会"]])
    base = lexical.scores(["科普"])
    total = expanded_scores(base, Expansion({"年会": 0.5, "基地": 0.0}), lexical.scores)
    assert np.allclose(total, base + 0.5 * lexical.scores(["年会"]))
    assert not Expansion({})


def test_feedback_adds_the_dense_best_units_terms_to_bm25(tiny):
    config = with_expansion(feedback=True, feedback_units=2, feedback_min_units=1, feedback_weight=1.0)
    searcher = tiny_searcher(tiny, config)
    found = searcher.index.entities.find("学术交流")
    qvec = searcher._query_vector("学术交流")
    expansion = searcher._expansion(searcher.tokenizer.query("学术交流"), found, qvec)
    assert expansion and max(expansion.terms.values()) == 1.0
    assert not {"学术", "交流", "学术交流"} & set(expansion.terms)


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_switches_off_rank_by_the_fused_signals_alone(plain, mode):
    ranking = plain.rank("科普基地建设", mode)
    tokens = plain.tokenizer.query("科普基地建设")
    if "bm25" in ranking.signals:
        assert np.allclose(ranking.signals["bm25"], plain.index.lexical.scores(tokens)[ranking.units])
    weights = plain.config.weights[mode]
    method = plain.config.normalise if sum(1 for w in weights.values() if w) > 1 else "none"
    fused = fuse(ranking.signals, weights, method, plain.config.confidence)
    assert np.allclose(ranking.scores, fused)
    assert list(ranking.scores) == sorted(ranking.scores, reverse=True)


def test_dense_names_add_the_canonical_names_the_query_lacks(tiny, plain):
    found = plain.index.entities.find("科普法和海智计划")
    assert with_names("科普法和海智计划", found) == "科普法和海智计划 科学技术普及法"
    named = tiny_searcher(tiny, with_expansion(dense_names=True))
    assert not np.allclose(named.rank("科普法", "dense").scores, plain.rank("科普法", "dense").scores)


def test_bad_expansion_settings_are_refused():
    with pytest.raises(ValueError):
        ExpansionConfig(alias_weight=-1)
    with pytest.raises(ValueError):
        ExpansionConfig(feedback_units=0)
