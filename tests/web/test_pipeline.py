"""A build writes a new version and switches to it whole; a failed build leaves the last one served."""

from __future__ import annotations

import os

import pytest

from graph.home import build_lock, current_version
from graph.store import load_graph
from web.cli import main
from web.pipeline import build_all, rebuild


def snapshot(home) -> dict:
    return {p.relative_to(home): p.read_bytes() for p in home.rglob("*") if p.is_file()}


def test_a_build_publishes_a_new_version_and_switches(mini_home, mini_plan):
    first = current_version()
    assert first is not None and first.graph_path.exists()
    summary = build_all([str(mini_plan)], warn=lambda _: None, progress=False, search_index=False)
    second = current_version()
    assert second is not None and second.id == summary["version"] != first.id
    assert summary["path"] == str(second.graph_path)
    graph = load_graph(second.graph_path)
    assert graph.graph["build_id"] == second.id and "task:mini/1.1.2" in graph
    assert sorted(os.listdir(mini_home / "versions")) == sorted([first.id, second.id])


def test_a_failure_while_indexing_keeps_the_last_version_and_leaves_nothing(mini_home, mini_plan, monkeypatch):
    before, served = snapshot(mini_home), current_version()

    def boom(*args, **kwargs):
        raise RuntimeError("index build failed")

    monkeypatch.setattr("search.index.build_index", boom)
    with pytest.raises(RuntimeError, match="index build failed"):
        build_all([str(mini_plan)], warn=lambda _: None, progress=False)
    assert current_version() == served
    assert snapshot(mini_home) == before  # no staged version, no changed byte


def test_bad_input_keeps_the_last_version(mini_home, tmp_path, capsys):
    before = snapshot(mini_home)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["build", "-q", str(empty)]) == 1
    assert "empty" in capsys.readouterr().err
    assert snapshot(mini_home) == before


def test_a_build_while_another_runs_is_refused_in_one_line(mini_home, mini_plan, capsys):
    served = current_version()
    with build_lock():
        assert main(["build", "-q", str(mini_plan)]) == 1
    err = capsys.readouterr().err
    assert "another build is running" in err and len(err.strip().splitlines()) == 1
    assert current_version() == served


def test_rebuild_makes_a_new_version_of_the_served_corpus_with_its_index(mini_home, monkeypatch):
    first = current_version()
    assert first is not None
    before = load_graph(first.graph_path)

    def patched(*args, **kwargs):
        raise AssertionError("a rebuild changed the served graph instead of building it whole")

    monkeypatch.setattr("web.pipeline.apply_patch", patched)
    summary = rebuild(warn=lambda _: None, progress=False)
    second = current_version()
    assert second is not None and second.id == summary["version"] != first.id
    assert summary["index"]["units"] > 0 and second.index_path.is_dir()
    after = load_graph(second.graph_path)
    assert sorted(after.nodes) == sorted(before.nodes)


def test_a_build_on_a_terminal_shows_a_bar_per_phase(mini_home, mini_plan, capsys, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    build_all([str(mini_plan)], warn=lambda _: None, progress=True, search_index=False)
    err = capsys.readouterr().err
    assert all(f"{phase}:" in err for phase in ("ingest", "graph", "rdf"))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    build_all([str(mini_plan)], warn=lambda _: None, progress=True, search_index=False)
    assert capsys.readouterr().err == ""


def test_an_add_tells_of_the_new_files_only_and_why_the_corpus_is_read_again(
    mini_home, mini_plan, tmp_path, monkeypatch
):
    from web.pipeline import add_files

    flat = tmp_path / "flat.txt"
    flat.write_text("没有任何编号的一段文字。\n\n又一段文字。\n", encoding="utf-8")
    told: list[str] = []
    build_all([str(mini_plan), str(flat)], warn=told.append, progress=False, search_index=False)
    assert any(str(flat) in m for m in told)  # no structure: said once, when it came in
    other = tmp_path / "other.txt"
    other.write_text("另外一段没有编号的文字。\n", encoding="utf-8")
    told.clear()
    add_files([str(other)], warn=told.append, progress=False, search_index=False)
    assert told and all(str(other) in m for m in told)
    monkeypatch.setattr("web.pipeline.open_store", lambda folder, lexicon: None)  # kept by other ingest code
    third = tmp_path / "third.txt"
    third.write_text("第三段没有编号的文字。\n", encoding="utf-8")
    told.clear()
    add_files([str(third)], warn=told.append, progress=False, search_index=False)
    assert "every document is read again" in told[0]
    assert all(str(third) in m for m in told[1:]) and len(told) > 1
