"""An index built with ``reuse`` (the previous version's index) equals one built from scratch, and
cuts and encodes only what changed: adding a document, removing it again, renaming an entity. One
spliced from ``reuse`` document by document equals one laid out whole, to the byte."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from graph.schema import EdgeType, NodeType, document_node_id, entity_node_id, unit_node_id
from search.config import load_config
from search.encoder import EncoderInfo
from search.index import build_index, index_source, load_index
from search.layout import HEADINGS, HeldUnits, Layout, spliceable
from search.tokenize import Tokenizer
from search.units import units_from_graph
from tests.fixtures.graphs import HAIZHI, TASK_B, tiny_graph
from tests.fixtures.search_index import CharacterEncoder

QUERIES = ["学术交流活动", "科普教育基地", "学术交流", "科创中国平台", "乡村人才培训", "海智计划年会", "建设"]
OTHER = "other"
OTHER_TITLE = "乡村工作要点"
BASE_NAME = "学术交流活动"  # an organisation the other document names; the plan's task 1.1.2 holds it too


class CountingEncoder(CharacterEncoder):
    info = EncoderInfo("fake", "fake", 256, "float32", 256)

    def __init__(self):
        self.texts: list[str] = []

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:  # type: ignore[override]
        self.texts += texts
        return super().encode(texts)


@pytest.fixture
def encoder(monkeypatch):
    fake = CountingEncoder()
    monkeypatch.setattr("search.index.model_path", lambda model=None: "fake")
    monkeypatch.setattr("search.index.get_encoder", lambda *args: fake)
    return fake


@pytest.fixture
def cuts(monkeypatch):
    """The texts jieba cuts for documents, in order (in this process: an update's lexical part is
    not made in a child)."""
    monkeypatch.setattr("graph.beside.FORKING", False)
    return recorded(monkeypatch, Tokenizer, "document")


def recorded(monkeypatch, owner, name: str) -> list:
    """The argument of every call of the method ``owner.name`` (which still runs), in order."""
    seen: list = []
    method = getattr(owner, name)

    def counting(self, arg):
        seen.append(arg)
        return method(self, arg)

    monkeypatch.setattr(owner, name, counting)
    return seen


def with_other_document(graph):
    """``graph`` plus a second document of two tasks; one names an organisation that is also a
    word of the plan's task 1.1.2, so that task's text must be cut again with the new user word."""
    graph = graph.copy()
    doc = document_node_id(OTHER)
    graph.add_node(doc, type=NodeType.DOCUMENT, name=OTHER_TITLE, doc=OTHER, title=OTHER_TITLE)
    base = entity_node_id(NodeType.ORGANISATION, BASE_NAME)
    graph.add_node(base, type=NodeType.ORGANISATION, name=BASE_NAME, aliases=[])
    texts = ["1. 开展乡村人才培训。依托学术交流活动组织学习。", "2. 举办科技下乡活动，建设农村书屋。"]
    for order, text in enumerate(texts):
        node = unit_node_id(OTHER, "item", str(order + 1), True)
        graph.add_node(
            node,
            type=NodeType.TASK,
            doc=OTHER,
            id=str(order + 1),
            label=f"{order + 1}.",
            title=text.split("。")[0][3:],
            text=text,
            order=order,
            sentences=[[0, len(text), 0, len(text)]],
        )
        graph.add_edge(node, doc, key=EdgeType.PART_OF, type=EdgeType.PART_OF)
    first = unit_node_id(OTHER, "item", "1", True)
    graph.add_edge(first, base, key=EdgeType.MENTIONS, type=EdgeType.MENTIONS)
    return graph


def build(graph, folder, reuse=None):
    return build_index(index_source(graph), folder, "test", progress=False, reuse=reuse)


def assert_same_index(got_folder, want_folder):
    got, want = load_index(got_folder), load_index(want_folder)
    assert [u.to_json() for u in got.units] == [u.to_json() for u in want.units]
    assert got.words == want.words and got.manifest["tokenizer"] == want.manifest["tokenizer"]
    assert np.array_equal(got.pieces, want.pieces)
    tokenizer = Tokenizer(want.words, _config())
    for query in QUERIES:
        tokens = tokenizer.query(query)
        assert np.array_equal(got.lexical.scores(tokens), want.lexical.scores(tokens)), query
        qvec = CharacterEncoder().encode([query])
        for name in ("unit_vectors", "piece_vectors"):
            got_vectors, want_vectors = getattr(got, name), getattr(want, name)
            every = want_vectors.scores(qvec[0])
            assert np.allclose(got_vectors.scores(qvec[0]), every), (query, name)
            got_scores, got_ids = got_vectors.search(qvec, 5)
            want_scores, want_ids = want_vectors.search(qvec, 5)
            # the same ranking: equal scores in order, each the score of the item returned (ties may swap)
            assert np.allclose(got_scores, want_scores) and np.allclose(every[got_ids[0]], got_scores[0]), (query, name)
    assert np.allclose(got.unit_vectors.vectors(), want.unit_vectors.vectors())


def _config():
    from search.config import load_config

    return load_config()


def test_adding_then_removing_a_document_equals_building_from_scratch(tmp_path, encoder):
    plan, both = tiny_graph(), with_other_document(tiny_graph())
    build(plan, tmp_path / "plan")
    build(both, tmp_path / "added", reuse=tmp_path / "plan")
    build(plan, tmp_path / "removed", reuse=tmp_path / "added")
    build(both, tmp_path / "both-scratch")
    build(plan, tmp_path / "plan-scratch")
    assert_same_index(tmp_path / "added", tmp_path / "both-scratch")
    assert_same_index(tmp_path / "removed", tmp_path / "plan-scratch")
    assert {u.doc for u in load_index(tmp_path / "added").units} == {"plan", OTHER}


def test_only_new_texts_and_texts_holding_a_changed_user_word_are_cut_and_encoded(tmp_path, encoder, cuts):
    plan, both = tiny_graph(), with_other_document(tiny_graph())
    build(plan, tmp_path / "plan")
    encoded_before, cut_before = len(encoder.texts), len(cuts)
    stats = build(both, tmp_path / "added", reuse=tmp_path / "plan")
    new_cuts = cuts[cut_before:]
    # the other document's two tasks, and the plan's task holding the new user word
    assert len(new_cuts) == 3 and stats.cut == 3
    assert sum(BASE_NAME in text for text in new_cuts) == 2
    assert sum(OTHER_TITLE in text for text in new_cuts) == 2
    # vectors: only the other document's texts are new
    assert encoder.texts[encoded_before:] and all("乡村" in t or "农村" in t for t in encoder.texts[encoded_before:])
    assert stats.reused > 0
    removed = build(plan, tmp_path / "removed", reuse=tmp_path / "added")
    # removing drops the user word again: only the plan's task holding it is cut; nothing is encoded
    assert removed.cut == 1 and cuts[-1].endswith(plan.nodes[TASK_B]["text"]) and removed.encoded == 0


def test_a_token_cache_without_folded_texts_folds_them_and_cuts_the_same(tmp_path, encoder, cuts):
    plan, both = tiny_graph(), with_other_document(tiny_graph())
    build(plan, tmp_path / "plan")
    for name in ("folded.txt", "folded.npy"):
        (tmp_path / "plan" / "tokens" / name).unlink()
    stats = build(both, tmp_path / "added", reuse=tmp_path / "plan")
    assert stats.cut == 3  # the other document's two tasks, and the plan's task holding the new user word
    build(both, tmp_path / "scratch")
    assert_same_index(tmp_path / "added", tmp_path / "scratch")
    for name in ("folded.txt", "folded.npy"):
        got, want = (tmp_path / folder / "tokens" / name for folder in ("added", "scratch"))
        assert got.read_bytes() == want.read_bytes()


def test_damaged_folded_texts_are_folded_again(tmp_path, encoder, cuts):
    plan, both = tiny_graph(), with_other_document(tiny_graph())
    build(plan, tmp_path / "plan")
    texts = tmp_path / "plan" / "tokens" / "folded.txt"
    texts.write_bytes(b"\xff" + texts.read_bytes()[1:])  # no longer UTF-8, ends where it did
    stats = build(both, tmp_path / "added", reuse=tmp_path / "plan")
    assert stats.cut == 3
    build(both, tmp_path / "scratch")
    assert_same_index(tmp_path / "added", tmp_path / "scratch")
    assert (tmp_path / "added" / "tokens" / "folded.txt").read_bytes() == (
        tmp_path / "scratch" / "tokens" / "folded.txt"
    ).read_bytes()


def test_a_renamed_entity_reaches_the_reused_units(tmp_path, encoder, cuts):
    plan = tiny_graph()
    build(plan, tmp_path / "before")
    renamed = tiny_graph()
    renamed.nodes[HAIZHI]["name"] = "海智人才计划"
    build(renamed, tmp_path / "after", reuse=tmp_path / "before")
    build(renamed, tmp_path / "scratch")
    assert_same_index(tmp_path / "after", tmp_path / "scratch")
    names = {e.name for u in load_index(tmp_path / "after").units for e in u.entities}
    assert "海智人才计划" in names and "海智计划" not in names


def test_a_damaged_token_cache_is_ignored(tmp_path, encoder):
    plan = tiny_graph()
    build(plan, tmp_path / "plan")
    (tmp_path / "plan" / "tokens" / "vocab.json").write_text(json.dumps(["x"]), encoding="utf-8")
    stats = build(plan, tmp_path / "again", reuse=tmp_path / "plan")
    assert stats.cut == stats.units
    assert_same_index(tmp_path / "again", tmp_path / "plan")


def hnsw_builder(tmp_path, monkeypatch):
    """A build into ``tmp_path / name`` whose every index is HNSW, removed rows allowed up to half."""
    import dataclasses

    from search.config import load_config

    monkeypatch.setattr("search.vectors.MAX_REMOVED_SHARE", 0.5)
    config = dataclasses.replace(load_config(), ann_threshold=2)

    def hnsw_build(graph, name, reuse=None):
        return build_index(index_source(graph), tmp_path / name, "test", config=config, progress=False, reuse=reuse)

    return hnsw_build


def test_an_hnsw_index_is_taken_on_with_removed_rows_hidden(tmp_path, encoder, monkeypatch):

    import faiss

    hnsw_build = hnsw_builder(tmp_path, monkeypatch)
    plan, both = tiny_graph(), with_other_document(tiny_graph())
    hnsw_build(plan, "plan")
    hnsw_build(both, "added", reuse=tmp_path / "plan")
    hnsw_build(plan, "removed", reuse=tmp_path / "added")
    hnsw_build(both, "both-scratch")
    hnsw_build(plan, "plan-scratch")
    assert_same_index(tmp_path / "added", tmp_path / "both-scratch")
    assert_same_index(tmp_path / "removed", tmp_path / "plan-scratch")
    removed = load_index(tmp_path / "removed")
    units = removed.unit_vectors
    assert units.kind == "hnsw" and units.size == len(removed.units)
    # the other document's rows are still stored, but never returned
    stored = faiss.read_index(str(tmp_path / "removed" / "units.faiss")).ntotal
    assert stored == len(load_index(tmp_path / "added").units) > units.size
    _, ids = units.search(CharacterEncoder().encode(["乡村人才培训"]), stored)
    assert sorted(ids[0][ids[0] >= 0].tolist()) == list(range(units.size))


def test_the_model_is_loaded_only_when_a_text_is_not_cached(tmp_path, encoder, monkeypatch):
    monkeypatch.setattr("search.index.resolve_dtype", lambda dtype: CountingEncoder.info.dtype)
    plan = tiny_graph()
    build(plan, tmp_path / "plan")
    loads: list[tuple] = []

    def load(*args):
        loads.append(args)
        return encoder

    monkeypatch.setattr("search.index.get_encoder", load)
    stats = build(plan, tmp_path / "again", reuse=tmp_path / "plan")
    assert loads == [] and stats.encoded == 0
    assert_same_index(tmp_path / "again", tmp_path / "plan")
    assert load_index(tmp_path / "again").manifest["model"] == load_index(tmp_path / "plan").manifest["model"]
    build(with_other_document(plan), tmp_path / "added", reuse=tmp_path / "again")
    assert len(loads) == 1


def test_jieba_is_loaded_only_when_a_text_is_cut(tmp_path, encoder, monkeypatch):
    monkeypatch.setattr("graph.beside.FORKING", False)
    plan = tiny_graph()
    build(plan, tmp_path / "plan")
    loads: list[Tokenizer] = []
    load = Tokenizer._load
    monkeypatch.setattr(Tokenizer, "_load", lambda self: loads.append(self) or load(self))
    stats = build(plan, tmp_path / "again", reuse=tmp_path / "plan")
    assert stats.cut == 0 and loads == []  # every text's tokens reused: jieba never loaded
    assert build(with_other_document(plan), tmp_path / "added", reuse=tmp_path / "again").cut > 0
    assert len(loads) == 1
    assert_same_index(tmp_path / "again", tmp_path / "plan")


def test_new_vectors_go_to_a_tail_beside_the_linked_hnsw_graph(tmp_path, encoder, monkeypatch):
    import os

    hnsw_build = hnsw_builder(tmp_path, monkeypatch)
    monkeypatch.setattr("search.vectors.MAX_TAIL_SHARE", 10.0)
    plan, both = tiny_graph(), with_other_document(tiny_graph())
    hnsw_build(plan, "plan")
    hnsw_build(both, "added", reuse=tmp_path / "plan")
    hnsw_build(plan, "removed", reuse=tmp_path / "added")
    hnsw_build(both, "again", reuse=tmp_path / "removed")
    hnsw_build(both, "both-scratch")
    hnsw_build(plan, "plan-scratch")
    for name in ("units", "pieces"):
        graph_files = [tmp_path / v / f"{name}.faiss" for v in ("plan", "added", "removed", "again")]
        assert len({os.stat(f).st_ino for f in graph_files}) == 1  # one graph file, linked by each version
        assert (tmp_path / "added" / f"{name}.tail.faiss").is_file()
    assert_same_index(tmp_path / "added", tmp_path / "both-scratch")
    assert_same_index(tmp_path / "removed", tmp_path / "plan-scratch")
    assert_same_index(tmp_path / "again", tmp_path / "both-scratch")
    added = load_index(tmp_path / "added").unit_vectors
    assert added.kind == "hnsw" and added.tail is not None and added.tail.ntotal == 2
    # with the tail past its share, the next build adds it to the graph
    monkeypatch.setattr("search.vectors.MAX_TAIL_SHARE", 0.0)
    hnsw_build(both, "joined", reuse=tmp_path / "removed")
    joined = load_index(tmp_path / "joined").unit_vectors
    assert joined.tail is None and not (tmp_path / "joined" / "units.tail.faiss").exists()
    assert_same_index(tmp_path / "joined", tmp_path / "both-scratch")


def units_by_document(graph) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for unit in units_from_graph(graph):
        out.setdefault(unit.doc, []).append(unit.to_json())
    return out


def changed_documents(before, after) -> set[str]:
    """The documents whose units differ between two graphs (what a patch of the graph reports)."""
    old, new = units_by_document(before), units_by_document(after)
    return {doc for doc in old.keys() | new.keys() if old.get(doc) != new.get(doc)}


def assert_same_files(got: Path, want: Path) -> None:
    names = sorted(p.relative_to(want) for p in want.rglob("*") if p.is_file())
    assert sorted(p.relative_to(got) for p in got.rglob("*") if p.is_file()) == names
    for name in names:
        if name.name == "manifest.json":
            got_manifest, want_manifest = (json.loads((f / name).read_text(encoding="utf-8")) for f in (got, want))
            got_manifest.pop("built"), want_manifest.pop("built")
            assert got_manifest == want_manifest
        else:
            assert (got / name).read_bytes() == (want / name).read_bytes(), name


def _renamed(graph):
    graph = graph.copy()
    graph.nodes[HAIZHI]["name"] = "海智人才计划"
    return graph


@pytest.mark.parametrize("hnsw", [False, True])
def test_a_spliced_index_equals_one_laid_out_whole(tmp_path, encoder, monkeypatch, hnsw):
    config = dataclasses.replace(load_config(), ann_threshold=2 if hnsw else 50_000)
    monkeypatch.setattr("search.vectors.MAX_REMOVED_SHARE", 0.9)
    plan = tiny_graph()
    both = with_other_document(plan)
    steps = [("added", both), ("removed", plan), ("again", both), ("renamed", _renamed(both)), ("back", plan)]

    def make(graph, name, reuse=None, changed=None):
        source = index_source(graph, changed, reuse, config)
        assert (source.changed is not None) == (changed is not None)
        return build_index(source, tmp_path / name, "test", config=config, progress=False, reuse=reuse)

    make(plan, "start")
    previous, before = tmp_path / "start", plan
    for name, graph in steps:
        changed = changed_documents(before, graph)
        assert changed
        spliced = make(graph, name, previous, changed)
        whole = make(graph, name + "-whole", previous)
        assert spliced == dataclasses.replace(whole, **_timings(spliced), bytes=spliced.bytes)
        assert_same_files(tmp_path / name, tmp_path / (name + "-whole"))
        assert_same_index(tmp_path / name, tmp_path / (name + "-whole"))
        previous, before = tmp_path / name, graph


def _timings(stats) -> dict:
    return {k: getattr(stats, k) for k in ("tokenize_seconds", "encode_seconds", "vectors_seconds", "total_seconds")}


def test_a_splice_parses_only_the_blocks_it_reads(tmp_path, encoder, monkeypatch):
    plan, both = tiny_graph(), with_other_document(tiny_graph())
    build_index(index_source(plan), tmp_path / "plan", "test", progress=False)
    monkeypatch.setattr("graph.beside.FORKING", False)  # every block read is counted here
    parsed = recorded(monkeypatch, HeldUnits, "block")
    source = index_source(both, {OTHER}, tmp_path / "plan")
    stats = build_index(source, tmp_path / "added", "test", progress=False, reuse=tmp_path / "plan")
    # the plan's block is copied once; it is parsed only for the task holding the new user word
    assert stats.units == len(units_from_graph(both)) and stats.cut == 3
    assert len(parsed) <= 2


def test_an_index_without_a_layout_is_laid_out_whole(tmp_path, encoder):
    plan, both = tiny_graph(), with_other_document(tiny_graph())
    build_index(index_source(plan), tmp_path / "plan", "test", progress=False)
    (tmp_path / "plan" / HEADINGS).unlink()
    assert not spliceable(tmp_path / "plan", load_config())
    assert index_source(both, {OTHER}, tmp_path / "plan").changed is None
    with pytest.raises(ValueError):
        Layout.of_change([], {OTHER}, tmp_path / "plan", load_config())
