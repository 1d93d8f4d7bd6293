import io
import json

from web.cli import main


def test_ask_json(built_home, capsys):
    assert main(["ask", "学会部负责哪些任务？", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    keys = {"question", "intent", "answer", "departments", "tasks", "programmes", "policies", "count", "evidence"}
    assert keys <= set(record) and len(record["tasks"]) == 9
    assert {"doc", "id", "label", "title"} <= set(record["tasks"][0])
    assert {"doc", "task", "text", "source"} <= set(record["evidence"][0])


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
