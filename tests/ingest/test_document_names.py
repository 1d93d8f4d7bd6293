from ingest.document_names import common_names, in_text_citations
from ingest.lexicon import load_lexicon
from ingest.pipeline import ingest

CENTRAL = "中共中央 国务院关于锚定农业农村现代化 扎实推进乡村全面振兴的意见"


def _forms(title: str, issuer: str = "", date: str = "") -> list[str]:
    return [form for n in common_names(title, issuer, date, load_lexicon()) for form in n.forms]


def test_the_central_no1_document_is_named_by_issuers_title_and_month():
    assert _forms(CENTRAL, "中共中央国务院", "2026-01-03") == ["2026年中央一号文件", "中央一号文件"]
    # issued on the last day of the year before: it is the next year's document
    assert _forms("中共中央国务院关于推进社会主义新农村建设的若干意见", "", "2005-12-31")[0] == "2006年中央一号文件"
    assert _forms(CENTRAL, "中共中央国务院", "2026-06-03") == []  # not the year's first document
    assert _forms("中共江西省委 江西省人民政府关于推进乡村全面振兴的意见", "", "2026-01-03") == []
    assert _forms("中共中央关于推进乡村全面振兴的意见", "中共中央", "2026-01-03") == []  # one issuer only


def test_other_classes_take_their_year_ordinal_or_short_name_from_the_title():
    assert _forms("2024年中华人民共和国国务院政府工作报告", "国务院") == ["2024年政府工作报告", "政府工作报告"]
    assert _forms("江西省2024年政府工作报告", "江西省人民政府", "2024-01-20") == []
    plan = "中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要"
    assert _forms(plan) == ["十四五规划", "十四五规划纲要"]
    assert _forms("中华人民共和国科学技术普及法", "全国人民代表大会常务委员会") == ["科学技术普及法", "科普法"]
    assert _forms("“十四五”时期江西省科协系统深化改革重点任务方案（2021-2025）", "江西省科协") == []


def _doc(tmp_path, body: str):
    path = tmp_path / "plan.md"
    path.write_text(f"# 某县乡村振兴工作要点\n\n（2026年2月1日）\n\n一、总体要求\n\n{body}\n", encoding="utf-8")
    (doc,) = ingest([path])
    return doc


def test_a_common_name_after_a_trigger_word_in_running_text_is_a_citation(tmp_path):
    doc = _doc(tmp_path, "认真贯彻落实2026年中央一号文件精神，扎实推进乡村全面振兴。中央一号文件提出了多项举措。")
    (citation,) = in_text_citations(doc, load_lexicon())
    assert doc.text[citation.start : citation.end] == "2026年中央一号文件"
    assert (citation.key, citation.relation, citation.trigger) == ("2026年中央一号文件", "implements", "落实")
    assert doc.text[citation.sentence_start : citation.sentence_end].startswith("认真贯彻落实2026年中央一号文件精神")
    assert citation.unit == "1.p1"  # the paragraph of part 一 that holds it


def test_a_common_name_inside_title_marks_is_left_to_the_title_citation(tmp_path):
    doc = _doc(tmp_path, "按照《2026年中央一号文件》部署，落实各项任务。")
    assert in_text_citations(doc, load_lexicon()) == []
    assert [c.key for c in doc.citations] == ["2026年中央一号文件"]
