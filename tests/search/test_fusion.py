import json

import numpy as np
import pytest

from ingest.lexicon import DEFAULT_DIR
from search.config import parse_config
from search.fusion import Confidence, Coverage, fuse, lexical_coverage, scaled_weights, sureness

WEIGHTS = {"bm25": 0.5, "dense": 0.25, "sentence": 0.25}


def _with_fusion(fusion: dict) -> dict:
    """The shipped search settings with ``fusion`` in place of theirs."""
    return {**json.loads((DEFAULT_DIR / "search.json").read_text(encoding="utf-8")), "fusion": fusion}


def test_a_confident_signal_outweighs_an_unsure_one():
    # bm25 favours candidate 0, which neither vector signal ranks high; dense and sentence agree on 3
    signals = {
        "bm25": np.array([1.2, 1.1, 1.0, 0.95, 0.9, 1.15]),
        "dense": np.array([0.1, 0.2, 0.3, 0.9, 0.1, 0.1]),
        "sentence": np.array([0.2, 0.2, 0.5, 0.8, 0.2, 0.2]),
    }
    weights = {"bm25": 3.0, "dense": 0.5, "sentence": 0.5}
    assert fuse(signals, weights).argmax() == 0  # fixed weights follow bm25
    conf = Confidence(strength=2.0, top=2)
    scaled = scaled_weights(signals, weights, conf)
    assert scaled["bm25"] < weights["bm25"]
    assert scaled["dense"] > weights["dense"] and scaled["sentence"] > weights["sentence"]
    assert fuse(signals, weights, confidence=conf).argmax() == 3


def test_equal_sureness_gives_the_fixed_weights():
    ranked = np.array([4.0, 3.0, 2.0, 1.0, 0.0])
    signals = {"bm25": ranked * 7, "dense": ranked / 10, "sentence": ranked + 2, "graph": np.zeros(5)}
    weights = {**WEIGHTS, "graph": 0.5}
    conf = Confidence(strength=1.5, top=2)
    assert scaled_weights(signals, weights, conf) == pytest.approx(weights)
    assert fuse(signals, weights, confidence=conf) == pytest.approx(fuse(signals, weights))


def test_strength_zero_or_one_signal_keeps_the_weights():
    signals = {"bm25": np.array([9.0, 0.0, 0.0]), "dense": np.array([0.0, 0.4, 0.45])}
    assert scaled_weights(signals, WEIGHTS, Confidence(0.0, 1)) == WEIGHTS
    assert scaled_weights({"bm25": signals["bm25"]}, WEIGHTS, Confidence(1.0, 1)) == WEIGHTS
    assert scaled_weights(signals, WEIGHTS, Confidence(1.0, 1)) == WEIGHTS  # no agreement at all


def test_sureness_is_the_share_of_top_candidates_the_others_also_rank():
    signals = {"a": np.array([3.0, 2.0, 1.0, 0.0]), "b": np.array([2.0, 3.0, 0.0, 1.0]), "c": np.array([0, 0, 3.0, 2])}
    assert sureness(signals, 2) == {"a": 0.5, "b": 0.5, "c": 0.0}


def test_bad_settings_are_refused_and_the_config_reads_them():
    with pytest.raises(ValueError, match="strength"):
        Confidence(-1.0)
    with pytest.raises(ValueError, match="top"):
        Confidence(1.0, 0)
    with pytest.raises(ValueError, match="share"):
        Confidence(1.0, 5, share=0.0)
    fusion = {"hybrid": WEIGHTS, "confidence": {"strength": 1.0, "top": 5}}
    config = parse_config(_with_fusion(fusion))
    assert config.confidence == Confidence(1.0, 5)
    assert set(config.weights) == {"hybrid"}
    assert parse_config(_with_fusion({"hybrid": WEIGHTS})).confidence is None


def test_a_small_pool_counts_a_share_of_it_as_the_best():
    assert Confidence(2.0, top=50, share=0.25).best_of(60) == 15
    assert Confidence(2.0, top=50, share=0.25).best_of(4000) == 50
    assert Confidence(2.0, top=50).best_of(60) == 50
    # six candidates: with every candidate among each signal's best the signals agree by construction;
    # counting only a share of the pool shows that bm25 stands alone
    signals = {
        "bm25": np.array([1.2, 1.1, 1.0, 0.95, 0.9, 1.15]),
        "dense": np.array([0.1, 0.2, 0.3, 0.9, 0.1, 0.1]),
        "sentence": np.array([0.2, 0.2, 0.5, 0.8, 0.2, 0.2]),
    }
    weights = {"bm25": 3.0, "dense": 0.5, "sentence": 0.5}
    assert scaled_weights(signals, weights, Confidence(2.0, top=6)) == pytest.approx(weights)
    assert scaled_weights(signals, weights, Confidence(2.0, top=6, share=0.34))["bm25"] < weights["bm25"]


IDF = {"老专家": 3.0, "宣讲": 1.0, "科学": 0.5, "不在": 0.0}.__getitem__


def test_coverage_is_the_idf_weighted_share_of_the_query_the_best_unit_holds():
    terms = ["老专家", "宣讲", "科学", "宣讲"]  # a term twice counts once
    assert lexical_coverage(terms, [["老专家", "宣讲", "科学", "其他"]], IDF) == pytest.approx(1.0)
    assert lexical_coverage(terms, [["宣讲", "科学"]], IDF) == pytest.approx(1.5 / 4.5)
    assert lexical_coverage(terms, [["科学"], ["老专家"]], IDF) == pytest.approx(3.0 / 4.5)  # the better unit
    assert lexical_coverage([*terms, "不在"], [["老专家"]], IDF) == pytest.approx(3.0 / 4.5)  # in no unit: no weight
    assert lexical_coverage(terms, [], IDF) == 0.0
    assert lexical_coverage(["不在"], [["科学"]], IDF) == 1.0  # no term the corpus knows: nothing to cover


def test_coverage_settings_are_checked_and_read():
    with pytest.raises(ValueError, match="strength"):
        Coverage(-0.5)
    with pytest.raises(ValueError, match="top"):
        Coverage(1.0, 0)
    config = parse_config(_with_fusion({"hybrid": WEIGHTS, "coverage": {"strength": 2.0, "top": 4}}))
    assert config.coverage == Coverage(2.0, 4) and set(config.weights) == {"hybrid"}
    assert parse_config(_with_fusion({"hybrid": WEIGHTS})).coverage.strength == 0.0  # off unless set
