"""policykg add / remove: a new version of the served corpus plus or minus some files, equal to a
full build of the same files, idempotent by content, and leaving the served version on failure."""

from __future__ import annotations

import json
import shutil

import pytest

from graph.home import current_version
from tests.conftest import MINI_PLAN, home_env
from web.cli import main
from web.corpus import read_corpus
from web.pipeline import add_files, build_all, remove_document

SECOND = MINI_PLAN.replace("科普工作试点方案", "学会工作方案").replace("举办学术年会", "举办青年论坛")
THIRD = (
    "# 乡村科普行动方案\n\n## 一、主要任务\n\n1. 建设科技小院。依托“科创中国”平台开展服务。责任部室（单位）：农技部。\n"
)
QUERIES = ["科普教育基地", "学术交流", "科技小院", "海智计划"]


def quiet(_msg: str) -> None:
    pass


@pytest.fixture
def corpus(tmp_path) -> dict:
    folder = tmp_path / "corpus"
    folder.mkdir()
    files = {"a": folder / "a.txt", "b": folder / "b.txt", "c": folder / "c.md"}
    for (_, path), text in zip(files.items(), [MINI_PLAN, SECOND, THIRD], strict=True):
        path.write_text(text, encoding="utf-8")
    return files


def docs_json(capsys) -> list:
    capsys.readouterr()
    assert main(["docs", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def snapshot(home) -> dict:
    return {p.relative_to(home): p.read_bytes() for p in home.rglob("*") if p.is_file()}


def rankings() -> tuple[list, list]:
    """Per query, the ranked (document, unit) pairs and their scores."""
    from search.engine import Searcher
    from search.index import load_index

    version = current_version()
    assert version is not None
    searcher = Searcher(load_index(version.index_path))
    order, scores = [], []
    for q in QUERIES:
        results = searcher.search(q, k=10).results
        order.append([(r.doc, r.id) for r in results])
        scores += [r.score for r in results]
    return order, scores


def test_add_remove_and_re_add_equal_a_full_build_with_the_unchanged_vectors_reused(
    tmp_path, corpus, capsys, monkeypatch
):
    with home_env(tmp_path / "full"):
        build_all([str(corpus[d]) for d in "bca"], warn=quiet, progress=False)
        expected_docs, expected_rankings = docs_json(capsys), rankings()

    with home_env(tmp_path / "steps"):
        build_all([str(corpus["a"]), str(corpus["b"])], warn=quiet, progress=False)
        from search.encoder import get_encoder
        from web import pipeline

        get_encoder.cache_clear()  # no model loaded here: the add loads one in a child process
        children = []
        preload = pipeline._preload
        monkeypatch.setattr(pipeline, "_preload", lambda model: children.append(preload(model)) or children[-1])
        from search import index as search_index

        sources = []  # what each change took from the graph for the index
        source_of = search_index.index_source

        def recorded(*args, **kwargs):
            sources.append(source_of(*args, **kwargs))
            return sources[-1]

        monkeypatch.setattr(search_index, "index_source", recorded)
        added = add_files([str(corpus["c"])], warn=quiet, progress=False)
        # only the added document's units are made; the others are spliced from the previous index
        assert sources[-1].changed is not None and "c" in sources[-1].changed
        assert {u.doc for u in sources[-1].units} == {"c"}
        assert children and children[0]._info is not None  # the child was asked for the model
        assert not children[0]._process.is_alive()
        assert added.summary is not None and added.summary["index"]["reused"] > 0
        assert 0 < added.summary["index"]["encoded"] < added.summary["index"]["reused"]
        removed = remove_document("a", warn=quiet, progress=False)
        assert removed.summary is not None and removed.summary["index"]["encoded"] == 0
        assert sources[-1].changed is not None and "a" in sources[-1].changed
        assert "a" not in {u.doc for u in sources[-1].units}
        assert [d["id"] for d in docs_json(capsys)] == ["b", "c"]
        add_files([str(corpus["a"])], warn=quiet, progress=False)
        assert docs_json(capsys) == expected_docs
        assert [d["id"] for d in expected_docs] == ["a", "b", "c"]
        order, scores = rankings()
        # The same ranking; scores differ only by the rounding of texts encoded in other batches.
        assert order == expected_rankings[0] and all(expected_rankings[0])
        assert scores == pytest.approx(expected_rankings[1], abs=1e-2)


def test_the_same_content_twice_is_one_document_and_no_new_version(tmp_path, corpus, capsys):
    with home_env(tmp_path / "home"):
        build_all([str(corpus["a"])], warn=quiet, progress=False, search_index=False)
        served = current_version()
        copy = tmp_path / "renamed.txt"
        shutil.copyfile(corpus["a"], copy)
        capsys.readouterr()
        assert main(["add", "-q", str(copy)]) == 0
        assert "already in the corpus" in capsys.readouterr().out
        assert current_version() == served
        assert [d["id"] for d in docs_json(capsys)] == ["a"]
        # New content next to known content: only the new file is added, once.
        change = add_files([str(corpus["b"]), str(copy), str(corpus["b"])], warn=quiet, search_index=False)
        assert change.added == [str(corpus["b"])] and len(change.present) == 2
        assert [d["id"] for d in docs_json(capsys)] == ["a", "b"]


def test_the_corpus_is_rebuilt_from_the_copies_without_the_original_files(tmp_path, corpus, capsys):
    with home_env(tmp_path / "home"):
        build_all([str(corpus["a"]), str(corpus["b"])], warn=quiet, progress=False, search_index=False)
        before = docs_json(capsys)
        corpus["a"].unlink()
        corpus["b"].unlink()
        add_files([str(corpus["c"])], warn=quiet, search_index=False)
        after = docs_json(capsys)
        assert after[:2] == before and after[2]["id"] == "c"
        version = current_version()
        assert version is not None
        files = read_corpus(version)
        assert [f.doc for f in files] == ["a", "b", "c"]
        assert all((version.path / f.file).is_file() for f in files)


def test_a_failure_during_add_leaves_the_previous_version(tmp_path, corpus, monkeypatch):
    with home_env(tmp_path / "home") as home:
        build_all([str(corpus["a"])], warn=quiet, progress=False, search_index=False)
        served, before = current_version(), snapshot(home)

        def boom(*args, **kwargs):
            raise RuntimeError("graph save failed")

        monkeypatch.setattr("web.pipeline.save_graph", boom)
        with pytest.raises(RuntimeError, match="graph save failed"):
            add_files([str(corpus["b"])], warn=quiet, search_index=False)
        assert current_version() == served
        assert snapshot(home) == before


def test_removing_an_unknown_document_is_one_line_and_exit_1(tmp_path, corpus, capsys):
    with home_env(tmp_path / "home") as home:
        build_all([str(corpus["a"]), str(corpus["b"])], warn=quiet, progress=False, search_index=False)
        before = snapshot(home)
        capsys.readouterr()
        assert main(["remove", "-q", "nope"]) == 1
        err = capsys.readouterr().err
        assert "no document 'nope'" in err and len(err.strip().splitlines()) == 1
        assert "documents: a、b" in err
        assert snapshot(home) == before


def test_an_unknown_document_of_a_large_corpus_is_told_with_the_names_most_like_it():
    from web.corpus import CorpusFile
    from web.pipeline import LISTED, _named_like

    corpus = [CorpusFile(f"{year}.txt", "", str(year), "") for year in range(1990, 2030)]
    told = _named_like("2024年", corpus)
    assert told.startswith("40 documents, similar: 2024") and "policykg docs" in told
    assert len(told.split("、")) <= LISTED


def test_adding_a_missing_file_is_one_line_and_exit_1(tmp_path, corpus, capsys):
    with home_env(tmp_path / "home"):
        build_all([str(corpus["a"])], warn=quiet, progress=False, search_index=False)
        served = current_version()
        capsys.readouterr()
        assert main(["add", "-q", str(tmp_path / "missing.txt")]) == 1
        assert "no such file" in capsys.readouterr().err
        assert current_version() == served


def served_graph():
    from graph.store import load_graph

    version = current_version()
    assert version is not None
    return load_graph(version.graph_path)


def graph_content(graph) -> tuple:
    """Nodes, edges and graph attributes, apart from when and as which version it was built."""
    meta = {k: v for k, v in graph.graph.items() if k not in ("built", "build_id")}
    edges = sorted(
        (u, v, k, json.dumps(a, sort_keys=True, ensure_ascii=False)) for u, v, k, a in graph.edges(keys=True, data=True)
    )
    return meta, dict(graph.nodes(data=True)), edges


def served_triples() -> set:
    from rdflib import Graph

    from graph.triplestore import open_store, store_folder

    version = current_version()
    assert version is not None
    return set(Graph().parse(data=open_store(store_folder(version.path)).dump("application/n-triples"), format="nt"))


def test_changes_of_a_citing_corpus_equal_full_builds_of_the_same_files(tmp_path, capsys, monkeypatch):
    from tests.graph.citing_corpus import write_corpus

    folder = write_corpus(tmp_path / "citing")
    files = {p.stem: str(p) for p in folder.iterdir()}
    order = ["law-2001", "law-2023", "plan", "notice"]
    expected = {}
    for name, names in {"without": order[:3], "with": order}.items():
        with home_env(tmp_path / name):
            build_all([files[n] for n in names], warn=quiet, progress=False, search_index=False)
            expected[name] = graph_content(served_graph()), served_triples(), docs_json(capsys)

    with home_env(tmp_path / "steps"):
        build_all([files[n] for n in order[:3]], warn=quiet, progress=False, search_index=False)

        def whole(*args, **kwargs):
            raise AssertionError("a change of the corpus built the graph whole")

        monkeypatch.setattr("web.pipeline.build_graph", whole)  # each change patches the served graph
        add_files([files["notice"]], warn=quiet, search_index=False)
        graph = served_graph()
        added = graph_content(graph), served_triples(), docs_json(capsys)
        assert added == expected["with"]
        assert "programme:科创中国" in graph
        assert [c["doc"] for c in graph.nodes["doc:plan"]["citations"] if "实施方案" in c["title"]] == ["notice"]
        remove_document("notice", warn=quiet, search_index=False)
        graph = served_graph()
        assert (graph_content(graph), served_triples(), docs_json(capsys)) == expected["without"]
        # The plan's citation of the notice no longer lands, and the notice's own programme is gone.
        cited = [c for c in graph.nodes["doc:plan"]["citations"] if "实施方案" in c["title"]]
        assert cited and all(c["doc"] is None for c in cited)
        assert "programme:科创中国" not in graph
        add_files([files["notice"]], warn=quiet, search_index=False)
        assert (graph_content(served_graph()), served_triples(), docs_json(capsys)) == expected["with"]


def test_a_failure_after_the_store_is_changed_leaves_the_previous_version_byte_identical(tmp_path, corpus, monkeypatch):
    from graph import triplestore

    with home_env(tmp_path / "home") as home:
        build_all([str(corpus["a"])], warn=quiet, progress=False, search_index=False)
        add_files([str(corpus["b"])], warn=quiet, search_index=False)  # served: a version made by a change
        served, before = current_version(), snapshot(home)
        calls = []

        def changed_then_boom(*args, **kwargs):
            calls.append(triplestore.change_store(*args, **kwargs))
            raise RuntimeError("failed after the store")

        monkeypatch.setattr("web.pipeline.change_store", changed_then_boom)
        with pytest.raises(RuntimeError, match="failed after the store"):
            add_files([str(corpus["c"])], warn=quiet, search_index=False)
        assert calls and calls[0].triples > 0
        assert current_version() == served
        assert snapshot(home) == before


def test_a_build_of_the_same_content_twice_keeps_one_document_and_the_next_add_changes_its_graph(
    tmp_path, corpus, capsys, monkeypatch
):
    twice = corpus["a"].parent / "a-again.txt"
    twice.write_bytes(corpus["a"].read_bytes())
    told: list[str] = []
    with home_env(tmp_path / "home"):
        build_all([str(corpus["a"]), str(twice)], warn=told.append, progress=False, search_index=False)
        assert [d["id"] for d in docs_json(capsys)] == ["a"]
        first = corpus["a"]
        said = f"{twice}: 与 {first} 内容相同，只导入一次 (same content as {first})"
        assert [m for m in told if "same content" in m] == [said]

        def whole(*args, **kwargs):
            raise AssertionError("the add built the graph whole")

        monkeypatch.setattr("web.pipeline.build_graph", whole)
        add_files([str(corpus["b"])], warn=quiet, search_index=False)
        assert [d["id"] for d in docs_json(capsys)] == ["a", "b"]
