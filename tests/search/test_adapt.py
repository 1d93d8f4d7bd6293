"""The encoder adapted to the corpus: pairs mined from units, a tiny training run that installs a
loadable model with its manifest, and which model builds and queries use."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from search.adapt import adapt_units, prune_models
from search.adapt_settings import PairKind
from search.config import load_config
from search.encoder import (
    ADAPTED_ENV,
    ADAPTED_MANIFEST,
    MODEL_ENV,
    adapted_model_path,
    default_model_path,
    index_model_path,
    model_path,
)
from search.pairs import Pair, batches, mine_pairs, unit_pairs
from search.units import SearchUnit, UnitKind, units_from_graph
from tests.conftest import home_env

PAIRS = load_config().adapt.pairs


def _unit(text: str, title: str, context: list[str], kind: UnitKind = UnitKind.TASK, departments=()) -> SearchUnit:
    return SearchUnit(
        node=f"task:d/{title}",
        doc="d",
        id=title,
        kind=kind,
        title=title,
        context=context,
        doc_title="方案",
        text=text,
        sentences=[],
        departments=list(departments),
    )


TASK = _unit(
    "1. 建设科普教育基地。依托科创中国平台，推进科普基地建设。组织专家编写科普读物，面向公众发放。"
    "责任部室（单位）：普及部、学会部。",
    "建设科普教育基地",
    ["重点任务", "加强科普能力建设"],
    departments=["普及部", "学会部"],
)


def test_a_task_gives_a_pair_of_each_kind_and_no_pair_repeats_its_anchor():
    pairs = list(unit_pairs(TASK, PAIRS))
    by_kind = {kind: [p for p in pairs if p.kind == kind] for kind in PairKind}
    assert [p.anchor for p in by_kind[PairKind.HEADING_BODY]] == ["加强科普能力建设"]
    assert by_kind[PairKind.HEADING_BODY][0].positive.startswith("1. 建设科普教育基地。依托科创中国平台")
    # the title's own line is not one of its sentences; the departments' line says nothing else
    assert [p.positive for p in by_kind[PairKind.TITLE_SENTENCE]] == [
        "依托科创中国平台，推进科普基地建设。",
        "组织专家编写科普读物，面向公众发放。",
    ]
    assert [(p.anchor, p.positive) for p in by_kind[PairKind.NEIGHBOURS]] == [
        ("1. 建设科普教育基地。", "依托科创中国平台，推进科普基地建设。")
    ]
    assert all("责任部室" not in p.positive and "责任部室" not in p.anchor for p in pairs)


def test_a_passage_gives_no_title_pairs_and_texts_are_clipped():
    passage = _unit("到2025年，建成科普基地二十个。" + "科" * 300, "保障措施", ["保障措施"], UnitKind.PASSAGE)
    pairs = list(unit_pairs(passage, replace(PAIRS, max_chars=40)))
    assert {p.kind for p in pairs} == {PairKind.HEADING_BODY, PairKind.NEIGHBOURS}
    assert all(len(p.anchor) <= 40 and len(p.positive) <= 40 for p in pairs)


def test_pairs_from_the_tiny_graph_are_of_every_kind(tiny):
    units = units_from_graph(tiny)
    pairs = mine_pairs(units, PAIRS)
    titles = {u.title for u in units if u.kind == UnitKind.TASK}
    headings = {u.context[-1] for u in units if u.context}
    assert {p.kind for p in pairs} == set(PairKind)
    assert all(p.anchor in titles for p in pairs if p.kind == PairKind.TITLE_SENTENCE)
    assert all(p.anchor in headings for p in pairs if p.kind == PairKind.HEADING_BODY)


def test_the_sample_is_seeded_and_shared_out_between_kinds():
    units = [
        _unit(f"第{i}项。推进第{i}批科普基地建设。组织第{i}批专家编写读物。", f"任务{i}号基地建设", [f"第{i}部分"])
        for i in range(20)
    ]
    settings = replace(PAIRS, max_pairs=30, seed=3)
    pairs = mine_pairs(units, settings)
    assert pairs == mine_pairs(units, settings)
    assert pairs != mine_pairs(units, replace(settings, seed=4))
    counts = {kind: sum(p.kind == kind for p in pairs) for kind in PairKind}
    assert counts == {PairKind.HEADING_BODY: 10, PairKind.TITLE_SENTENCE: 10, PairKind.NEIGHBOURS: 10}
    assert len(set(pairs)) == len(pairs)


def test_only_the_chosen_kinds_are_mined_and_they_share_the_pairs():
    units = [
        _unit(f"第{i}项。推进第{i}批科普基地建设。组织第{i}批专家编写读物。", f"任务{i}号基地建设", [f"第{i}部分"])
        for i in range(20)
    ]
    chosen = (PairKind.TITLE_SENTENCE, PairKind.NEIGHBOURS)
    pairs = mine_pairs(units, replace(PAIRS, kinds=chosen, max_pairs=30))
    counts = {kind: sum(p.kind == kind for p in pairs) for kind in PairKind}
    assert counts == {PairKind.HEADING_BODY: 0, PairKind.TITLE_SENTENCE: 15, PairKind.NEIGHBOURS: 15}


def test_a_batch_never_holds_a_text_twice():
    chain = [Pair(f"s{i}", f"s{i + 1}", PairKind.NEIGHBOURS) for i in range(7)]
    out = batches(chain, 3)
    assert sorted((p.anchor, p.positive) for b in out for p in b) == [(p.anchor, p.positive) for p in chain]
    for batch in out:
        texts = [t for p in batch for t in (p.anchor, p.positive)]
        assert len(texts) == len(set(texts)) and len(batch) <= 3


# -- training and which model is used ---------------------------------------------------------


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A home holding one adapted model, trained for two steps of two pairs."""
    home = tmp_path_factory.mktemp("adapt-home")
    units = [
        _unit(
            f"{i}. 推进第{i}批科普基地建设。组织第{i}批专家编写科普读物。面向第{i}个社区开展科普讲座活动。",
            f"建设第{i}批科普教育基地",
            [f"加强第{i}方面科普能力建设"],
        )
        for i in range(1, 7)
    ]
    settings = replace(load_config().adapt, batch_size=2, max_steps=2, max_seq_length=32)
    with home_env(home):
        model = adapt_units(units, "v1", model_path(), settings)
    return home, model


def test_a_training_run_installs_a_model_with_its_manifest_that_loads(trained):
    from search.encoder import Encoder

    home, model = trained
    assert model.path == home / "models" / model.name and model.name.startswith("m3e-small-adapted-")
    manifest = json.loads((model.path / ADAPTED_MANIFEST).read_text(encoding="utf-8"))
    assert manifest["base"] == default_model_path() and manifest["base_name"] == "m3e-small"
    assert manifest["steps"] == 2 and manifest["epochs"] == 1 and manifest["version"] == "v1"
    assert manifest["pairs"] == sum(manifest["pairs_by_kind"].values()) >= 4
    assert len(manifest["loss"]) == 1 and manifest["loss"][0] > 0
    assert manifest["documents"] == ["d"]
    assert not [p for p in (home / "models").iterdir() if p.name.startswith(".staging-")]
    vectors = Encoder(str(model.path)).encode(["科普基地建设"])
    assert vectors.shape == (1, 512)


def test_builds_use_the_adapted_model_only_when_present_and_switched_on(trained, tmp_path, monkeypatch):
    home, model = trained
    monkeypatch.delenv(MODEL_ENV, raising=False)
    monkeypatch.delenv(ADAPTED_ENV, raising=False)
    with home_env(tmp_path):  # a home without one: the packaged model
        assert adapted_model_path() is None and model_path() == default_model_path()
    with home_env(home):
        assert model_path() == str(model.path)
        monkeypatch.setenv(ADAPTED_ENV, "0")
        assert adapted_model_path() is None and model_path() == default_model_path()
        monkeypatch.setenv(ADAPTED_ENV, "1")
        monkeypatch.setenv(MODEL_ENV, default_model_path())  # an explicit model wins
        assert model_path() == default_model_path()
        assert model_path(str(model.path)) == str(model.path)


def test_queries_are_encoded_with_the_model_the_index_records(trained, monkeypatch):
    home, model = trained
    monkeypatch.delenv(MODEL_ENV, raising=False)
    with home_env(home):
        base = {"path": default_model_path(), "name": "m3e-small"}
        assert index_model_path(base) == default_model_path()  # though an adapted model is present now
        assert index_model_path({"path": str(model.path)}) == str(model.path)
        monkeypatch.setenv(ADAPTED_ENV, "0")
        assert index_model_path({"path": str(model.path)}) == str(model.path)  # switched off since the build
        assert index_model_path({"path": "/nonexistent/model"}) == default_model_path()


def test_an_index_built_with_the_adapted_model_names_it_and_its_searcher_uses_it(trained, tiny, tmp_path, monkeypatch):
    from search.engine import Searcher
    from search.index import build_index, index_source, load_index

    home, model = trained
    monkeypatch.delenv(MODEL_ENV, raising=False)
    monkeypatch.delenv(ADAPTED_ENV, raising=False)
    with home_env(home):
        build_index(index_source(tiny), tmp_path / "index", "b1", progress=False)
        searcher = Searcher(load_index(tmp_path / "index"))
        assert searcher.index.manifest["model"]["name"] == model.name
        assert searcher.encoder.info.path == str(model.path)
        assert searcher.search("科普基地", k=3, mode="dense").results


def test_pruning_keeps_the_newest_model_and_removes_leftovers(trained):
    home, model = trained
    with home_env(home):
        leftover = home / "models" / ".staging-m3e-small-adapted-old"
        leftover.mkdir()
        assert prune_models() == [leftover.name]
        assert Path(model.path).is_dir()
