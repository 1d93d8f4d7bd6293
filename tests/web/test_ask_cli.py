import io
import json

from web.cli import main


def test_ask_json(built_home, capsys):
    assert main(["ask", "学会部负责哪些任务？", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    keys = {"question", "intent", "answer", "status", "departments", "tasks", "programmes", "policies", "count"}
    assert keys | {"evidence", "documents", "reading"} <= set(record) and len(record["tasks"]) == 9
    assert {"doc", "id", "label", "title", "departments"} <= set(record["tasks"][0])
    assert {"doc", "task", "text", "source"} <= set(record["evidence"][0])
    assert record["reading"]["summary"] == "学会部 · 任务"


def test_ask_prints_the_answer_the_reading_and_the_evidence(built_home, capsys):
    assert main(["ask", "国际部配合了哪些任务"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("国际部配合的任务共 1 项：4.8.2")
    assert out[1] == "理解为：国际部 · 配合 · 任务"
    assert "4.8.2 @" in out[2] and "国际部" in out[2]


def test_ask_batch_reads_stdin_and_reports_bad_lines(built_home, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("普及部负责哪些任务？\n\n" + "问" * 600 + "\n三长制涉及哪些部门？\n"))
    assert main(["ask", "--json", "-"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["status"] for r in lines] == ["ok", "error", "ok"]
    assert lines[2]["departments"] == ["普及部", "省科技馆", "组人部"]


def test_ask_errors_exit_non_zero(built_home, capsys):
    assert main(["ask", " "]) == 1
    assert "empty" in capsys.readouterr().err
    assert main(["ask", "海智计化涉及哪些部门"]) == 1
    assert "海智计划" in capsys.readouterr().out


def test_ask_falls_back_to_ranked_search_with_the_built_index(in_search_home, capsys, monkeypatch):
    assert main(["ask", "碳达峰相关任务有哪些", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["status"] == "search" and record["intent"] == "search"
    assert record["results"] and record["evidence"] and "索引不可用" not in record["answer"]
    monkeypatch.setattr("sys.stdin", io.StringIO("碳达峰相关任务有哪些\n学会部牵头哪些任务\n"))
    assert main(["ask", "--json", "-"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["status"] for r in lines] == ["search", "ok"]
