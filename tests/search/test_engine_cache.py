"""The search engine's caches: a bounded LRU, rankings keyed by the index's build id, query vectors,
and pages built from one ranking giving the same records as a search for the whole list."""

from __future__ import annotations

import json
import shutil

import pytest

from search.cache import LRUCache
from search.engine import Searcher
from search.errors import QueryError


def test_lru_keeps_the_most_recently_used_within_its_bound():
    cache: LRUCache[str, int] = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)  # b goes
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2 and (cache.hits, cache.misses) == (3, 1)
    made = []
    assert cache.get_or_make("d", lambda: made.append("d") or 4) == 4
    assert cache.get_or_make("d", lambda: made.append("again") or 5) == 4 and made == ["d"]
    cache.clear()
    assert len(cache) == 0


def test_a_cache_of_size_zero_keeps_nothing():
    cache: LRUCache[str, int] = LRUCache(0)
    cache.put("a", 1)
    assert cache.get("a") is None and len(cache) == 0
    with pytest.raises(ValueError):
        LRUCache(-1)


@pytest.fixture(scope="module")
def engine(search_index_path):
    s = Searcher.open(search_index_path)
    s.warm()
    return s


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_a_repeated_query_is_ranked_once(engine, mode):
    first = engine.rank("海智计划", mode)
    hits = engine.rankings.hits
    again = engine.rank("海智计划", mode)
    assert again is first and engine.rankings.hits == hits + 1
    assert engine.rank("海智计划", mode, limit=5) is not first  # another window is another entry


def test_a_new_build_of_the_index_is_ranked_afresh(search_index_path, tmp_path):
    """Two searchers sharing one cache: the same query over an index with another build id misses."""
    shared: LRUCache = LRUCache(16)
    old = Searcher.open(search_index_path, rankings=shared)
    copy = tmp_path / "index"
    shutil.copytree(search_index_path, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["build_id"] += "-next"
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    new = Searcher.open(copy, rankings=shared)
    before = old.rank("科普", "bm25")
    misses = shared.misses
    after = new.rank("科普", "bm25")
    assert after is not before and shared.misses == misses + 1 and len(shared) == 2
    assert new.rank("科普", "bm25") is after and old.rank("科普", "bm25") is before


def test_query_vectors_are_encoded_once_per_text(engine, monkeypatch):
    calls = []
    encode = engine.encoder.encode_query
    monkeypatch.setattr(engine.encoder, "encode_query", lambda text: calls.append(text) or encode(text))
    engine.rank("院士专家工作站建设", "dense")
    engine.rank("院士专家工作站建设吗", "dense")  # another query, the same content: the vector is reused
    engine.rank("院士专家工作站建设", "hybrid")
    assert calls == ["院士专家工作站建设"]


def test_pages_of_one_ranking_are_the_search_results(engine):
    whole = engine.search("科技人才", k=30).results
    ranking = engine.rank("科技人才", limit=30)
    pages = [engine.results(ranking, range(start, min(start + 10, len(ranking)))) for start in (0, 10, 20)]
    assert [r for page in pages for r in page] == whole
    assert [r.rank for r in pages[1]] == list(range(11, 21))
    assert engine.nodes(ranking)[:3] == [r.node for r in whole[:3]]


def test_a_refused_query_is_not_cached(engine):
    size = len(engine.rankings)
    with pytest.raises(QueryError):
        engine.rank("哪些")
    with pytest.raises(QueryError):
        engine.rank("科普", limit=0)
    assert len(engine.rankings) == size
