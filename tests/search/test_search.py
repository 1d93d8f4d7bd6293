import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from search.engine import Searcher
from search.errors import IndexMissing, QueryError
from web.cli import main

ROOT = Path(__file__).resolve().parents[2]
RESULT_KEYS = {"rank", "score", "doc", "id", "kind", "title", "text", "departments", "entities", "highlights"}


def ids(response) -> list[str]:
    return [r.id for r in response.results]


@pytest.mark.parametrize(
    "query, task",
    [
        ("远航工程", "4.7.1"),
        ("科技志愿服务", "4.1.7"),
        ("应急科普", "4.5.4"),
        ("科普作品内容审核", "4.5.3"),
        ("科技期刊质量提升", "4.3.3"),
    ],
)
def test_clear_queries_find_the_right_task_first(searcher, query, task):
    assert ids(searcher.search(query, k=5))[0] == task


def test_paraphrase_finds_the_task_that_runs_the_programmes(searcher):
    # No word of the query is in the task's text except 科研/人员-like fragments: the dense signals carry it.
    assert "4.7.1" in ids(searcher.search("资助年轻科研人员出国进修", k=5))
    assert "4.7.1" in ids(searcher.search("海外人才引进", k=3))


def test_natural_questions_rank_like_their_content(searcher):
    plain = ids(searcher.search("智库课题选题", k=3))
    asked = ids(searcher.search("智库课题怎么选题？", k=3))
    assert plain[0] == asked[0] == "4.6.1"


def test_result_contract_highlights_and_links(searcher):
    response = searcher.search("远航工程", k=10)
    data = response.to_dict()
    assert data["query"] == "远航工程" and data["mode"] == "hybrid"
    assert [r["rank"] for r in data["results"]] == list(range(1, len(data["results"]) + 1))
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)
    for r in data["results"]:
        assert RESULT_KEYS <= set(r) and r["kind"] in ("task", "passage")
        assert 1 <= len(r["highlights"]) <= 2
        for start, end in r["highlights"]:
            assert 0 <= start < end <= len(r["text"]) and r["text"][start:end].strip()
    top = data["results"][0]
    assert top["departments"] == ["国际部"]
    assert {"远航工程", "海智计划"} <= {e["name"] for e in top["entities"]}
    assert any("远航工程" in top["text"][s:e] for s, e in top["highlights"])
    json.dumps(data, ensure_ascii=False)  # the whole record is JSON-serialisable


def test_passages_outside_tasks_are_units(searcher):
    response = searcher.search("坚持以学会为主体", k=3)
    top = response.results[0]
    assert top.kind == "passage" and top.id == "3.2.p4" and top.title == "基本原则"


def test_modes_differ_as_designed(searcher):
    query = "资助年轻科研人员出国进修"
    bm25, dense, hybrid = (searcher.search(query, k=10, mode=m) for m in ("bm25", "dense", "hybrid"))
    assert set(bm25.results[0].signals) == {"bm25"}
    assert set(dense.results[0].signals) == {"dense", "sentence"}
    assert {"bm25", "dense", "sentence"} <= set(hybrid.results[0].signals)
    # bm25 returns only units holding a query word; dense ranks every unit by meaning
    assert all(r.signals["bm25"] > 0 for r in bm25.results)
    assert ids(bm25) != ids(dense) and ids(hybrid) != ids(bm25)
    # a word that appears nowhere: bm25 says so, dense still answers
    empty = searcher.search("量子纠缠", mode="bm25")
    assert empty.results == [] and "no unit" in empty.message
    assert len(searcher.search("量子纠缠", mode="dense", k=3).results) == 3


def test_entities_in_the_query_lift_their_units(searcher):
    response = searcher.search("海智", k=5)
    assert [e["name"] for e in response.entities] == ["海智计划"]  # an alias from the lexicon
    linked = {r.id for r in response.results if r.signals.get("graph", 0) > 0}
    assert "4.7.1" in linked and response.results[0].id == "4.7.1"
    dept = searcher.search("组织人事部的工作", k=5)
    assert [e["name"] for e in dept.entities] == ["组人部"]
    assert all("组人部" in r.departments for r in dept.results[:3])


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("？！。……", "punctuation"),
        ("科", "too short"),
        ("哪些？", "question words"),
        ("科" * 501, "too long"),
    ],
)
def test_bad_queries_get_a_clear_message(searcher, query, message):
    with pytest.raises(QueryError, match=message):
        searcher.search(query)


def test_limits_and_folding(searcher):
    assert searcher.search("科技" * 250, k=1).results  # exactly 500 characters is accepted
    with pytest.raises(QueryError, match="mode"):
        searcher.search("科技", mode="fuzzy")
    # traditional characters and full-width forms fold to the document's forms
    assert ids(searcher.search("網絡意識形態安全", k=1)) == ids(searcher.search("网络意识形态安全", k=1))
    assert ids(searcher.search("遠航工程", k=1, mode="bm25")) == ["4.7.1"]


def test_reloaded_index_gives_identical_results(searcher, search_index_path):
    again = Searcher.open(search_index_path)
    for mode in ("bm25", "dense", "hybrid"):
        for query in ("科技志愿服务", "资助年轻科研人员出国进修", "学会部负责哪些任务？"):
            a, b = searcher.search(query, mode=mode).to_dict(), again.search(query, mode=mode).to_dict()
            assert a == b


def _copy_index(index: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    shutil.copytree(index, folder)
    return folder


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexMissing, match="policykg build"):
        Searcher.open(tmp_path / "nothing-here")


@pytest.mark.parametrize(
    "damage",
    [
        lambda f: (f / "manifest.json").write_text("{not json", encoding="utf-8"),
        lambda f: (f / "manifest.json").write_text('{"format": "other"}', encoding="utf-8"),
        lambda f: (f / "units.json").unlink(),
        lambda f: (f / "pieces.npy").write_bytes(b"garbage"),
        lambda f: (f / "units.json").write_text("[]", encoding="utf-8"),
    ],
)
def test_corrupt_index_is_a_clear_error_at_load(search_index_path, tmp_path, damage):
    folder = _copy_index(search_index_path, tmp_path)
    damage(folder)
    with pytest.raises(IndexMissing, match="policykg build"):
        Searcher.open(folder)


@pytest.mark.parametrize("part", ["units.faiss", "pieces.faiss"])
def test_corrupt_vectors_are_a_clear_error_at_query(search_index_path, tmp_path, part):
    folder = _copy_index(search_index_path, tmp_path)
    data = (folder / part).read_bytes()
    (folder / part).write_bytes(data[: len(data) // 3])
    searcher = Searcher.open(folder)
    assert searcher.search("科技志愿服务", mode="bm25").results  # the lexical part still works
    with pytest.raises(IndexMissing, match="policykg build"):
        searcher.search("科技志愿服务", mode="hybrid")


def test_corrupt_bm25_is_a_clear_error(search_index_path, tmp_path):
    folder = _copy_index(search_index_path, tmp_path)
    for f in (folder / "bm25").iterdir():
        f.write_bytes(b"\x00")
    with pytest.raises(IndexMissing, match="policykg build"):
        Searcher.open(folder).search("科技志愿服务", mode="bm25")


def test_bm25_mode_does_not_import_torch(search_index_path):
    code = (
        "import sys\n"
        "from search.engine import Searcher\n"
        f"s = Searcher.open({str(search_index_path)!r})\n"
        "assert s.search('远航工程', mode='bm25').results[0].id == '4.7.1'\n"
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# -- command line ------------------------------------------------------------------------------


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_search_text_and_json(in_search_home, capsys):
    code, out, _ = run(capsys, "search", "远航工程", "-k", "3")
    assert code == 0 and out.splitlines()[0].split()[2] == "4.7.1" and "远航工程" in out
    code, out, _ = run(capsys, "search", "远航工程", "-k", "2", "--mode", "bm25", "--json")
    data = json.loads(out)
    assert code == 0 and data["mode"] == "bm25" and len(data["results"]) == 2
    assert RESULT_KEYS <= set(data["results"][0])


def test_cli_bad_query_is_one_line_and_exit_1(in_search_home, capsys):
    for query in ("？", "x" * 501):
        code, out, err = run(capsys, "search", query)
        assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and err.startswith("policykg: ")


def test_cli_batch_reads_stdin_and_loads_the_model_once(in_search_home, capsys, monkeypatch):
    import io

    from search.encoder import get_encoder

    monkeypatch.setattr(sys, "stdin", io.StringIO("远航工程\n科技志愿服务\n\n？\n应急科普\n"))
    loads = get_encoder.cache_info().misses
    code, out, _ = run(capsys, "search", "--json", "-", "-k", "2")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["query"] for line in lines] == ["远航工程", "科技志愿服务", "？", "应急科普"]
    assert all(set(line) >= {"query", "mode", "results"} for line in lines)
    assert lines[0]["results"][0]["id"] == "4.7.1" and lines[3]["results"][0]["id"] == "4.5.4"
    assert lines[2]["results"] == [] and "punctuation" in lines[2]["error"]
    assert code == 1  # one query failed; the others were answered
    assert get_encoder.cache_info().misses - loads <= 1


def test_cli_missing_index_tells_to_rebuild(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("POLICYKG_HOME", str(tmp_path / "empty-home"))
    code, _, err = run(capsys, "search", "科技志愿服务")
    assert code == 1 and "policykg build" in err and len(err.strip().splitlines()) == 1


def test_failed_build_keeps_the_last_graph_and_index(search_home, tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    shutil.copytree(search_home, home)
    monkeypatch.setenv("POLICYKG_HOME", str(home))
    before = {p.relative_to(home): p.read_bytes() for p in home.rglob("*") if p.is_file()}

    def boom(*args, **kwargs):
        raise ValueError("encoding failed")

    monkeypatch.setattr("search.index.build_index", boom)
    code, _, err = run(capsys, "build", "-q")
    assert code == 1 and "encoding failed" in err
    after = {p.relative_to(home): p.read_bytes() for p in home.rglob("*") if p.is_file()}
    assert after == before  # same files, same bytes, no staged version left behind
    assert Searcher.open().search("远航工程", k=1).results[0].id == "4.7.1"  # the served index still answers


def test_the_web_app_searches_the_served_version(in_search_home):
    from web.app import create_app

    client = create_app({"TESTING": True}).test_client()
    body = client.get("/api/search", query_string={"q": "远航工程", "k": 3}).get_json()
    assert body["results"][0]["id"] == "4.7.1"
    assert client.get("/api/tasks/jiangxi-cast-reform-2021-2025/4.7.1").get_json()["neighbours"]


def test_candidate_pool_path_agrees_on_clear_queries(searcher):
    """Large corpora score a pool of candidates (each signal's best) instead of every unit."""
    from search.config import load_config

    config = load_config()
    pooled = Searcher(searcher.index, type(config)(**{**config.__dict__, "pool_all_below": 0, "pool_per_signal": 10}))
    for query, task in (("远航工程", "4.7.1"), ("科技志愿服务", "4.1.7"), ("应急科普", "4.5.4")):
        for mode in ("bm25", "dense", "hybrid"):
            assert ids(pooled.search(query, k=3, mode=mode))[0] == task
