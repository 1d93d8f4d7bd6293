"""The one loader: a snapshot per built version, reloaded when the version changes and only then."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pytest

from graph.store import GraphMissing
from search.engine import SearchResponse, SearchResult
from web import state
from web.pipeline import build_all


@pytest.fixture(autouse=True)
def fresh_state():
    state.reset()
    yield
    state.reset()


def rebuild(plan) -> None:
    build_all([str(plan)], warn=lambda _: None, progress=False, search_index=False)


@dataclass
class StandIn:
    """A search engine answering every query with one task, recording the queries it saw."""

    seen: list[tuple[str, int]] = field(default_factory=list)

    def search(self, raw: str, k: int = 10) -> SearchResponse:
        self.seen.append((raw, k))
        hit = SearchResult(
            rank=1,
            score=1.0,
            doc="mini",
            id="1.1.2",
            kind="task",
            title="开展学术交流活动",
            text="开展学术交流活动。",
            departments=["学会部"],
            entities=[],
            highlights=[[0, 4]],
            node="task:mini/1.1.2",
            context=[],
        )
        return SearchResponse(raw, "hybrid", [hit])


def test_nothing_built_is_graph_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_HOME", str(tmp_path))
    with pytest.raises(GraphMissing, match="policykg build"):
        state.current()


def test_the_snapshot_is_kept_while_the_version_stays(mini_home):
    data = state.current()
    assert state.current() is data
    assert data.graph.number_of_nodes() > 0 and "task:mini/1.1.1" in data.graph
    assert data.index is data.index and data.entity_view is data.entity_view  # derived once per version
    assert [d["doc"] for d in data.documents] == ["mini"]


def test_a_new_version_is_loaded_once_on_the_next_call(mini_home, mini_plan):
    old = state.current()
    mini_plan.write_text(mini_plan.read_text(encoding="utf-8").replace("学术年会", "学术年会和青年论坛"), "utf-8")
    rebuild(mini_plan)
    new = state.current()
    assert new is not old and new.version.id != old.version.id
    assert "青年论坛" in new.graph.nodes["task:mini/1.1.2"]["text"]
    assert "青年论坛" not in old.graph.nodes["task:mini/1.1.2"]["text"]  # a request on the old one is undisturbed
    assert state.current() is new


def test_without_an_index_there_is_no_search_and_a_warning(mini_home, caplog):
    with caplog.at_level(logging.WARNING, logger="web.state"):
        data = state.current()
        assert data.searcher is None and data.search_fn is None
    assert any("search index unavailable" in r.getMessage() for r in caplog.records)


def test_an_installed_engine_is_used_by_search_and_questions(mini_home):
    engine = StandIn()
    state.install(engine)
    data = state.current()
    assert data.searcher is engine
    assert data.search_fn is not None
    results = data.search_fn("学术交流", 3)
    assert [r.id for r in results] == ["1.1.2"] and engine.seen == [("学术交流", 3)]
    assert data.search_fn("学术交流", 10**6) and engine.seen[-1][1] <= 1000  # k is clamped to the engine's limit
    answer = data.asker.ask("院士工作站有哪些")  # nothing in the graph: the answer falls back to search
    assert answer.status == "search" and engine.seen[-1][0] == "院士工作站有哪些"


def test_an_installed_engine_outlives_a_new_version_until_reset(mini_home, mini_plan):
    engine = StandIn()
    state.install(engine)
    rebuild(mini_plan)
    assert state.current().searcher is engine
    state.reset()
    assert state.current().searcher is None


def test_installing_none_turns_search_off(mini_home):
    state.install(None)
    assert state.current().search_fn is None


def _join_loads() -> None:
    for thread in state.loading():
        thread.join()


def test_a_server_keeps_the_served_snapshot_while_a_new_version_loads(mini_home, mini_plan, monkeypatch):
    import threading

    monkeypatch.setattr(state, "_stale_while_loading", True)
    old = state.current()
    rebuild(mini_plan)
    release, loads = threading.Event(), []
    real = state.load_graph

    def slow(path):
        loads.append(path)
        release.wait()
        return real(path)

    monkeypatch.setattr(state, "load_graph", slow)
    assert state.current() is old and state.current() is old  # answered at once from the served snapshot
    assert len(state.loading()) == 1
    release.set()
    _join_loads()
    new = state.current()
    assert new is not old and new.version != old.version and len(loads) == 1
    assert "searcher" in new.__dict__  # opened in the background too


def test_a_request_that_published_a_version_waits_for_it(mini_home, mini_plan, monkeypatch):
    monkeypatch.setattr(state, "_stale_while_loading", True)
    old = state.current()
    rebuild(mini_plan)
    new = state.current(wait=True)
    assert new.version != old.version and state.current() is new
    _join_loads()


def test_a_failed_background_load_keeps_the_old_snapshot_and_is_tried_again(mini_home, mini_plan, monkeypatch, caplog):
    monkeypatch.setattr(state, "_stale_while_loading", True)
    old = state.current()
    rebuild(mini_plan)
    real = state.load_graph

    def broken(path):
        raise GraphMissing("unreadable")

    monkeypatch.setattr(state, "load_graph", broken)
    with caplog.at_level(logging.ERROR, logger="web.state"):
        assert state.current() is old
        _join_loads()
    assert state.current() is old and any("cannot load version" in r.getMessage() for r in caplog.records)
    _join_loads()
    monkeypatch.setattr(state, "load_graph", real)
    state.current()
    _join_loads()
    assert state.current() is not old


def test_a_process_that_answers_queries_keeps_faiss_to_one_thread_each(mini_home):
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(2)
    try:
        _ = state.current().searcher
        assert faiss.omp_get_max_threads() == 1
    finally:
        faiss.omp_set_num_threads(before)
