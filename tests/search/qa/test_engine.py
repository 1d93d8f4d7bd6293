import json

import pytest

from search.qa.engine import Asker
from search.qa.model import QuestionError
from tests.conftest import ROOT

DEV_QA = ROOT.parent / "shared" / "eval" / "dev_qa.jsonl"


@pytest.fixture(scope="module")
def asker(plan_graph):
    return Asker(plan_graph)


def ask(asker, question):
    return asker.ask(question).to_dict()


def test_dev_questions_get_exact_sets_and_counts(asker):
    for line in DEV_QA.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        got = ask(asker, case["q"])
        if "tasks" in case:
            assert sorted(t["id"] for t in got["tasks"]) == sorted(case["tasks"]), case["q"]
        if "departments" in case:
            assert sorted(got["departments"]) == sorted(case["departments"]), case["q"]
        if "count" in case:
            assert got["count"] == case["count"], case["q"]
        assert got["evidence"], case["q"]


def test_department_tasks_with_alias_and_lead_filter(asker):
    got = ask(asker, "院士专家服务中心负责哪些任务？")
    assert got["intent"] == "department_tasks" and got["departments"] == ["省院士专家服务中心"]
    assert [t["id"] for t in got["tasks"]] == ["4.2.2", "4.3.2", "4.8.2"]
    lead = ask(asker, "学会部牵头哪些任务")
    assert [t["id"] for t in lead["tasks"]] == ["4.1.4", "4.2.3", "4.3.1", "4.3.3", "4.4.1", "4.4.2"]
    # every task is justified by its responsibility line, cited in the original file
    for e in got["evidence"]:
        assert "院士专家服务中心" in e["text"] and e["source"]["end"] > e["source"]["start"]


@pytest.mark.parametrize("question", ["海智计划涉及哪些部门？", "海智由哪些部门负责", "海智计划的负责部门是哪个？"])
def test_programme_departments_through_tasks(asker, question):
    got = ask(asker, question)
    assert got["intent"] == "entity_departments"
    assert got["departments"] == ["国际部", "组人部", "学会部", "省院士专家服务中心"]
    assert {t["id"] for t in got["tasks"]} == {"4.7.1", "4.8.2"} and got["programmes"] == ["海智计划"]
    assert any("海智计划" in e["text"] for e in got["evidence"])


def test_partial_organisation_name_and_lead_question(asker):
    got = ask(asker, "科协党校涉及哪些部门")
    assert got["departments"] == ["宣调部", "组人部"]
    got = ask(asker, "科普江西是谁牵头的？")
    assert got["departments"] == ["普及部"] and "牵头" in got["answer"]


def test_shared_and_multi_department_tasks_and_counts(asker):
    got = ask(asker, "组人部和国际部在哪些任务上有合作？")
    assert got["intent"] == "shared_tasks" and [t["id"] for t in got["tasks"]] == ["4.8.2"]
    got = ask(asker, "宣调部一共负责几项任务？")
    assert got["count"] == 7 and "7 项" in got["answer"]
    got = ask(asker, "有多少项任务由多个部门共同负责")
    assert got["intent"] == "multi_department_tasks" and got["count"] == 6


def test_what_is_a_programme(asker):
    got = ask(asker, "什么是三长制？")
    assert got["intent"] == "what_is" and {t["id"] for t in got["tasks"]} == {"4.1.7", "4.2.4"}
    assert any("三长" in e["text"] for e in got["evidence"])


def test_policy_basis_of_document_and_task(asker):
    got = ask(asker, "本方案的依据是什么？")
    titles = [p["title"] for p in got["policies"]]
    assert got["intent"] == "policy_basis" and "“十四五”时期推进科协系统深化改革重点任务工作方案" in titles
    assert any("基础上" in e["text"] for e in got["evidence"])
    got = ask(asker, "任务4.5.1依据哪个文件？")
    rels = {(p["title"], p["relation"]) for p in got["policies"]}
    assert ("中华人民共和国科学技术普及法", "based_on") in rels
    assert ("江西省科学技术普及条例", "amends") in rels


def test_relation_between_two_entities(asker):
    got = ask(asker, "海智计划和国际部有什么关系？")
    assert got["intent"] == "relation" and got["paths"]
    assert all(len(path) == 2 for path in got["paths"])
    assert "任务4.7.1" in got["answer"]


def test_figures_with_context(asker):
    got = ask(asker, "我省公民科学素质比例提高了多少？")
    assert got["intent"] == "figure"
    assert [f["name"] for f in got["figures"]] == ["5.1%", "9.62%"] and got["figures"][1]["year"] == 2020
    got = ask(asker, "省政府投入多少建设省科技馆新馆？")
    assert got["figures"][0]["name"] == "8.66亿元"


def test_unknown_and_misspelt_entities_are_not_guessed(asker):
    got = ask(asker, "海智计化涉及哪些部门？")
    assert got["status"] == "not_found" and got["departments"] == [] and "海智计划" in got["suggestions"]
    got = ask(asker, "火星探测局负责哪些任务？")
    assert got["status"] == "not_found" and got["tasks"] == []


def test_ambiguous_partial_name(asker):
    got = ask(asker, "科协涉及哪些部门")
    assert got["status"] in ("ambiguous", "not_found") and got["departments"] == []


def test_empty_and_over_long_questions(asker):
    with pytest.raises(QuestionError, match="empty"):
        asker.ask("  ？ ")
    with pytest.raises(QuestionError, match="too long"):
        asker.ask("海" * 501)


@pytest.mark.parametrize(
    "question, intent, expected",
    [
        ("普及部一共有几项任务？", "department_tasks", {"count": 6}),
        ("组人部牵头的任务有哪些", "department_tasks", {"tasks": 8}),
        ("哪些工作由办公室负责？", "department_tasks", {"ids": ["4.1.1", "4.8.1"]}),
        ("负责远航工程的是哪个部门", "entity_departments", {"departments": ["国际部"]}),
        ("科技小院这项工作归哪个部门管", "entity_departments", {"departments": ["省院士专家服务中心"]}),
        ("“智慧行动”是哪个部门负责的", "entity_departments", {"departments": ["普及部", "省科技馆"]}),
        ("学会部与国际部有哪些共同任务", "shared_tasks", {"ids": ["4.8.2"]}),
        ("多部门协同的任务有哪些", "multi_department_tasks", {"tasks": 6}),
        ("方案是根据哪些文件制定的", "policy_basis", {}),
        ("修改完善科学技术普及条例这项任务依据什么", "policy_basis", {"ids": ["4.5.1"]}),
        ("科技小院是干什么的", "what_is", {"ids": ["4.3.2"]}),
        ("科技志愿者注册了多少人", "figure", {}),
    ],
)
def test_paraphrased_questions(asker, question, intent, expected):
    got = ask(asker, question)
    assert got["intent"] == intent and got["status"] == "ok" and got["evidence"], got["answer"]
    if "count" in expected:
        assert got["count"] == expected["count"]
    if "tasks" in expected:
        assert len(got["tasks"]) == expected["tasks"]
    if "ids" in expected:
        assert [t["id"] for t in got["tasks"]] == expected["ids"]
    if "departments" in expected:
        assert got["departments"] == expected["departments"]
