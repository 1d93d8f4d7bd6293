import pytest

from ingest.pipeline import ingest
from tests.conftest import shared

# Every task of the plan with the departments its 责任部室（单位） line names, in order.
TASKS = {
    "4.1.1": ["办公室"],
    "4.1.2": ["组人部"],
    "4.1.3": ["组人部"],
    "4.1.4": ["学会部"],
    "4.1.5": ["组人部", "学会部"],
    "4.1.6": ["宣调部"],
    "4.1.7": ["普及部", "省科技馆"],
    "4.1.8": ["宣调部", "组人部"],
    "4.2.1": ["组人部", "学会部"],
    "4.2.2": ["省院士专家服务中心"],
    "4.2.3": ["学会部"],
    "4.2.4": ["组人部"],
    "4.2.5": ["组人部"],
    "4.3.1": ["学会部"],
    "4.3.2": ["省院士专家服务中心"],
    "4.3.3": ["学会部"],
    "4.4.1": ["学会部"],
    "4.4.2": ["学会部"],
    "4.5.1": ["普及部"],
    "4.5.2": ["普及部"],
    "4.5.3": ["普及部"],
    "4.5.4": ["普及部"],
    "4.5.5": ["普及部"],
    "4.5.6": ["省科技馆"],
    "4.6.1": ["宣调部"],
    "4.6.2": ["宣调部"],
    "4.6.3": ["宣调部"],
    "4.6.4": ["宣调部"],
    "4.7.1": ["国际部"],
    "4.7.2": ["国际部"],
    "4.8.1": ["组人部", "办公室"],
    "4.8.2": ["组人部", "学会部", "国际部", "院士专家服务中心"],
    "4.8.3": ["宣调部"],
}

SECTIONS = {
    "4.1": "加强和改进省科协系统政治思想建设",
    "4.2": "健全覆盖广泛的科协组织体系",
    "4.3": "推动学会服务科技创新区域体系",
    "4.4": "推进学会治理现代化",
    "4.5": "推动科普公共服务供给侧改革",
    "4.6": "推进智库建设服务党委政府科学决策",
    "4.7": "增进我省对国际科技界的开放信任合作",
    "4.8": "提升科协团结联系服务能力",
}


def test_all_33_tasks_with_raw_departments_in_order(plan_doc):
    tasks = {u.id: u for u in plan_doc.units if u.is_task}
    assert {k: v.departments for k, v in tasks.items()} == TASKS
    for unit in tasks.values():
        assert unit.roles[0] == "lead" and set(unit.roles[1:]) <= {"supporting"}


def test_parts_sections_and_labels(plan_doc):
    parts = [u for u in plan_doc.units if u.kind == "part"]
    assert [p.id for p in parts] == ["1", "2", "3", "4", "5"]
    assert parts[3].title == "重点任务及举措"
    sections = {u.id: u.title for u in plan_doc.units if u.kind == "section" and u.id.startswith("4.")}
    assert sections == SECTIONS
    task = plan_doc.unit("4.3.2")
    assert (task.label, task.title, task.parent) == ("（三）2", "服务乡村振兴", "4.3")
    # numbered items outside part 四 have no responsibility line: principles, safeguards
    assert not plan_doc.unit("3.1").is_task and plan_doc.unit("3.1").title == "指导思想"
    assert [u.id for u in plan_doc.units if u.parent == "5"] == ["5.1", "5.2", "5.3"]


def test_task_text_is_whole_and_spans_slice_back(plan_doc):
    task = plan_doc.unit("4.1.8")
    text = plan_doc.text[task.start : task.end]
    assert text.startswith("8.强化思想阵地意识") and text.endswith("责任部室（单位）：宣调部、组人部。")
    assert "发挥省科协党校等阵地功能" in text
    span = plan_doc.source_span(task.start, task.end)
    assert plan_doc.original[span.start : span.end].startswith("8. 强化思想阵地意识")
    assert plan_doc.original[span.start : span.end].endswith("宣调部、组人部。")


def test_sentences_cover_the_task(plan_doc):
    task = plan_doc.unit("4.2.2")
    assert task.sentences[0].text == "2.推动园区、高新企业成立科协组织。"
    assert task.sentences[-1].text == "责任部室（单位）：省院士专家服务中心。"
    for s in task.sentences:
        assert plan_doc.text[s.start : s.end] == s.text


def test_rural_plan_sections():
    doc = ingest([shared("rural", "rural-revitalization-plan-2024-2027.md")])[0]
    assert doc.title == "乡村全面振兴规划（2024—2027年）" and doc.date == "2025-01-22"
    sections = [u for u in doc.units if u.kind == "section" and u.number]
    assert len(sections) == 34 and sections[-1].label == "（三十四）"
    assert doc.unit("5.13").title == "壮大乡村人才队伍"
    assert doc.unit("1.h1").title == "工作原则"
    # without responsibility lines the numbered leaves are the plan's measures
    assert len([u for u in doc.units if u.is_task]) == 34


def test_central_document_parses():
    doc = ingest([shared("rural", "central-no1-document-2026.md")])[0]
    assert len([u for u in doc.units if u.kind == "part"]) >= 6
    assert doc.unit("6.27").title == "改进农村工作方式方法"


def test_government_work_report_sections():
    doc = ingest([shared("gov-work-reports", "2021.txt")])[0]
    assert doc.title == "2021年中华人民共和国国务院政府工作报告"
    assert doc.issuer == "国务院" and doc.date == "2021-03-05"
    assert "政府工作报告" in doc.text.split("\n")[1]
    parts = [u for u in doc.units if u.kind == "part"]
    assert [p.title for p in parts][:3] == [
        "2020年工作回顾",
        "“十三五”时期发展成就和“十四五”时期主要目标任务",
        "2021年重点工作",
    ]
    assert len([u for u in doc.units if u.kind == "section"]) == 8
    assert "人民满意" in doc.text


@pytest.mark.parametrize("year", ["1954", "1978", "2000", "2025"])
def test_other_reports_parse_without_error(year):
    doc = ingest([shared("gov-work-reports", f"{year}.txt")])[0]
    assert doc.units and doc.title


def test_law_chapters_articles_and_clauses():
    law = ingest([shared("laws", "行政法", "科学技术普及法(2024-12-25).md")])[0]
    chapters = [u for u in law.units if u.kind == "chapter"]
    assert [c.label for c in chapters][:2] == ["第一章", "第二章"] and chapters[0].title == "总则"
    article = law.unit("2.14")
    assert (article.kind, article.label, article.parent, article.is_task) == ("article", "第十四条", "2", True)
    assert law.text[article.start : article.end].startswith("第十四条各级人民政府领导科普工作")
    assert "<!--" not in law.text  # the corpus's comment line is not text
    arbitration = ingest([shared("laws", "诉讼与非诉讼程序法", "仲裁法(2017-09-01).md")])[0]
    section = arbitration.unit("4.1")
    assert (section.kind, section.label, section.title) == ("section", "第一节", "申请和受理")
    article = arbitration.unit("4.1.21")
    # （一）… lines enumerate the article's clauses: they belong to its text and open no unit
    assert "（三）属于仲裁委员会的受理范围。" in arbitration.text[article.start : article.end]
    assert {u.kind for u in arbitration.units} == {"paragraph", "chapter", "section", "article"}


def test_articles_with_a_suffix_number_keep_dotted_ids():
    law = ingest([shared("laws", "刑法", "刑法.md")])[0]
    extra = next(u for u in law.units if u.label == "第十七条之一")
    assert extra.id.endswith(".17-1") and extra.number == 17
    ids = [u.id for u in law.units]
    assert len(ids) == len(set(ids))


def test_markdown_headings_structure_a_document_without_numbering(tmp_path):
    path = tmp_path / "memo.md"
    path.write_text(
        "# 科普工作调研报告\n\n## 基本情况\n\n全省共有科普基地120个。\n\n### 存在问题\n\n基层力量薄弱。\n\n"
        "## 工作建议\n\n加强科普队伍建设。\n",
        encoding="utf-8",
    )
    doc = ingest([path])[0]
    assert doc.title == "科普工作调研报告" and not doc.warnings
    assert [(u.kind, u.id, u.title, u.parent) for u in doc.units] == [
        ("paragraph", "p1", "科普工作调研报告", None),
        ("part", "h1", "基本情况", None),
        ("paragraph", "h1.p1", "全省共有科普基地120个", "h1"),
        ("section", "h1.h1", "存在问题", "h1"),
        ("paragraph", "h1.h1.p1", "基层力量薄弱", "h1.h1"),
        ("part", "h2", "工作建议", None),
        ("paragraph", "h2.p1", "加强科普队伍建设", "h2"),
    ]


def test_a_document_without_structure_is_paragraphs(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("会议纪要\n\n今天讨论了科普工作。\n\n下一步加强宣传。\n", encoding="utf-8")
    doc = ingest([path])[0]
    assert [(u.kind, u.id) for u in doc.units] == [("paragraph", "p1"), ("paragraph", "p2"), ("paragraph", "p3")]
    assert "no recognisable structure" in doc.warnings[0]
