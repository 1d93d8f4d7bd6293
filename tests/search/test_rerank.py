"""Re-ranking the fused ranking's head by each unit's best query–sentence similarity."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from search.config import load_config
from search.rerank import RerankConfig, rerank
from search.units import SearchUnit, UnitKind, split_sentences
from tests.fixtures.search_index import tiny_searcher

# A names the query's words across two sentences and is short (BM25 prefers it); B says the query
# in one sentence among three about other things.
TEXTS = {
    "a": "老专家要继续发挥余热，围绕中心服务大局，积极建言献策贡献力量。"
    "科学知识宣讲要常态化开展，形成制度安排并长期坚持不懈。",
    "b": "组建老专家队伍深入开展科学知识宣讲。完善学会治理结构，健全理事会和监事会的议事规则与工作制度。"
    "推动期刊数字化转型，建设覆盖全省的学术资源共享与交流平台体系。"
    "加强对外合作交流，拓展国际视野，引进海外优秀人才团队来赣创新创业。",
    "c": "加强学会能力建设，提升学术交流质量，打造一批高水平的学术会议品牌。",
    "d": "实施青少年科学素质提升行动，开展科技馆进校园活动，培养学生的科学兴趣。",
}
QUERY = "老专家科学知识宣讲"


def unit(key: str, text: str) -> SearchUnit:
    return SearchUnit(
        node=f"task:t/{key}",
        doc="t",
        id=key,
        kind=UnitKind.TASK,
        title=text[:8],
        context=[],
        doc_title="",
        text=text,
        sentences=split_sentences(text),
    )


def searcher(tiny, **rerank_settings):
    config = load_config()
    config = dataclasses.replace(
        config.with_weights("hybrid", bm25=1.0, dense=0.1, sentence=0.1, graph=0.0),
        confidence=None,
        rerank=dataclasses.replace(config.rerank, **rerank_settings),
    )
    return tiny_searcher(tiny, config, [unit(k, v) for k, v in TEXTS.items()])


def test_the_unit_whose_sentence_matches_best_moves_up(tiny):
    before = searcher(tiny, enabled=False).search(QUERY, k=4)
    after = searcher(tiny, enabled=True, top=3, weight=1.0).search(QUERY, k=4)
    assert [r.id for r in before.results][:2] == ["a", "b"]
    assert before.results[1].signals["sentence"] > before.results[0].signals["sentence"]
    assert [r.id for r in after.results][:2] == ["b", "a"]
    scores = [r.score for r in after.results]
    assert scores == sorted(scores, reverse=True)


def test_switched_off_the_ranking_is_the_fused_one(tiny):
    plain = searcher(tiny, enabled=False).rank(QUERY)
    also_plain = searcher(tiny, enabled=False, top=2, weight=5.0).rank(QUERY)
    assert list(plain.units) == list(also_plain.units) and np.allclose(plain.scores, also_plain.scores)
    moved, _ = rerank(plain.scores, plain.signals["sentence"], RerankConfig(enabled=True, top=3, weight=1.0))
    reranked = searcher(tiny, enabled=True, top=3, weight=1.0).rank(QUERY)
    assert list(reranked.units) == list(plain.units[moved])


def test_only_the_head_is_reordered_and_scores_keep_falling():
    fused = np.array([3.0, 2.0, 1.0, 0.5, 0.0])
    sentence = np.array([0.1, 0.2, 0.9, 1.0, 0.0])
    order, scores = rerank(fused, sentence, RerankConfig(enabled=True, top=3, weight=2.0))
    assert list(order[:3]) == [2, 0, 1] and list(order[3:]) == [3, 4]
    assert list(scores) == sorted(scores, reverse=True) and scores[2] == pytest.approx(1.0)
    assert list(scores[3:]) == [0.5, 0.0]


def test_a_weight_of_zero_or_one_candidate_changes_nothing():
    fused = np.array([3.0, 2.0, 1.0])
    order, scores = rerank(fused, np.array([0.0, 0.5, 1.0]), RerankConfig(enabled=True, top=3, weight=0.0))
    assert list(order) == [0, 1, 2] and list(scores) == sorted(scores, reverse=True)
    order, scores = rerank(fused[:1], np.array([1.0]), RerankConfig(enabled=True, top=3))
    assert list(order) == [0] and list(scores) == [3.0]


def test_bad_rerank_settings_are_refused():
    with pytest.raises(ValueError):
        RerankConfig(top=1)
    with pytest.raises(ValueError):
        RerankConfig(weight=-0.5)
