import json
import os

import pytest

from graph.home import require_version
from tests.conftest import PLAN
from web.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_tasks_json_contract(built_home, capsys):
    code, out, _ = run(capsys, "tasks", "--json")
    records = json.loads(out)
    assert code == 0 and len(records) == 33
    keys = {
        "doc",
        "id",
        "label",
        "title",
        "text",
        "departments",
        "lead",
        "programmes",
        "organisations",
        "policies",
        "source",
    }
    assert keys <= set(records[0])
    original = PLAN.read_text(encoding="utf-8")
    for r in records:
        chunk = original[r["source"]["start"] : r["source"]["end"]]
        squeeze = lambda t: "".join(t.split())  # noqa: E731
        assert squeeze(chunk).startswith(squeeze(r["text"])[:6]) and chunk.rstrip().endswith("。")
        assert r["lead"] == r["departments"][0]


def test_tasks_doc_filter_and_unknown_doc(built_home, capsys):
    code, out, _ = run(capsys, "tasks", "--doc", "jiangxi-cast-reform-2021-2025")
    assert code == 0 and len(out.strip().splitlines()) == 33
    code, _, err = run(capsys, "tasks", "--doc", "nope")
    assert code == 1 and "unknown document" in err


def test_entity_found_alias_partial_and_unknown(built_home, capsys):
    code, out, _ = run(capsys, "entity", "海智", "--json")
    record = json.loads(out)
    assert code == 0 and record["name"] == "海智计划"
    assert {d["name"] for d in record["departments"]} == {"国际部", "组人部", "学会部", "省院士专家服务中心"}
    code, out, _ = run(capsys, "entity", "学会部")
    assert code == 0 and "4.4.2" in out
    code, _, err = run(capsys, "entity", "海智计化")
    assert code == 1 and "海智计划" in err and len(err.strip().splitlines()) == 1


def test_stats(built_home, capsys):
    code, out, _ = run(capsys, "stats", "--json")
    s = json.loads(out)
    assert code == 0 and s["documents"] == 1 and s["tasks"] == 33 and s["nodes"]["Department"] == 8


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.txt", None, "no such file"),
        ("empty.txt", b"", "empty"),
        ("bin.txt", b"\x00\x01\x02\x03" * 100, "binary"),
        ("bad.txt", bytes(range(0x80, 0x100)) * 4, "encoding"),
        ("x.docx", b"PK\x03\x04", "supported"),
    ],
)
def test_bad_input_is_refused_and_keeps_the_last_graph(built_home, tmp_path, capsys, name, content, message):
    served = require_version()
    before = served.graph_path.read_bytes()
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    code, _, err = run(capsys, "build", "-q", str(bad))
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1
    assert require_version() == served and served.graph_path.read_bytes() == before


def test_unstructured_text_is_ingested_as_paragraphs_with_a_warning(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("POLICYKG_HOME", str(tmp_path / "home"))
    note = tmp_path / "note.md"
    note.write_text("会议纪要\n\n今天讨论了科普工作。\n\n下一步加强宣传。\n", encoding="utf-8")
    code, out, err = run(capsys, "build", "-q", str(note))
    assert code == 0 and "no recognisable structure" in err and "0 tasks" in out
    assert require_version().graph_path.exists()


def test_build_with_a_missing_model_fails_cleanly_and_keeps_the_build(built_home, capsys):
    served = require_version()
    before = served.graph_path.read_bytes()
    code, _, err = run(capsys, "build", "-q", "--model", str(built_home / "no-such-model"))
    assert code == 1 and "model" in err and len(err.strip().splitlines()) == 1
    assert require_version() == served and served.graph_path.read_bytes() == before
    assert not [p for p in os.listdir(built_home / "versions") if p.startswith(".")]  # nothing staged is left


def test_docs_lists_documents_with_their_landed_citations(citing_home, capsys):
    code, out, _ = run(capsys, "docs", "--json")
    docs = {d["id"]: d for d in json.loads(out)}
    assert code == 0 and sorted(docs) == ["law-2001", "law-2023", "notice", "plan"]
    plan = docs["plan"]
    assert {"title", "issuer", "number", "date", "path", "sha256", "tasks", "citations"} <= set(plan)
    assert plan["date"] == "2024-02-01" and plan["tasks"] == 1 and len(plan["sha256"]) == 64
    assert [(c["doc"], c["relation"]) for c in plan["citations"]] == [
        ("notice", "implements"),
        ("law-2023", "cites"),
        (None, "cites"),
    ]
    (revised,) = docs["notice"]["citations"]
    assert revised["doc"] == "law-2023" and revised["relation"] == "based_on" and "修订后" in revised["reason"]
    code, out, _ = run(capsys, "docs")
    assert code == 0 and "《示范促进法》 -> law-2023" in out and "《未收录条例》 -> -" in out


def test_entity_shows_the_document_a_policy_is(citing_home, capsys):
    code, out, _ = run(capsys, "entity", "示范促进法")
    assert code == 0 and "same_as    law-2023 《中华人民共和国示范促进法》 2023-06-01" in out
    code, out, _ = run(capsys, "entity", "示范促进法", "--json")
    (link,) = json.loads(out)["documents"]
    assert link["doc"] == "law-2023" and "2022-05-10" in link["reason"]


def test_ask_which_documents_cite_a_document(citing_home, capsys):
    code, out, _ = run(capsys, "ask", "哪些文件引用了示范促进法", "--json")
    answer = json.loads(out)
    assert code == 0 and answer["status"] == "ok"
    assert [d["id"] for d in answer["documents"]] == ["notice", "plan"]
    assert {e["doc"] for e in answer["evidence"]} == {"notice", "plan"}
    code, out, _ = run(capsys, "ask", "示范基地建设计划有哪些文件引用", "--json")
    answer = json.loads(out)
    assert answer["status"] == "not_found" and answer["documents"] == [] and "没有" in answer["answer"]
