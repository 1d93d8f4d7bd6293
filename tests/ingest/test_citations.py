from ingest.citations import resolve_citations
from ingest.document_names import document_aliases
from ingest.lexicon import load_lexicon
from ingest.pipeline import ingest
from ingest.resolve import resolve
from tests.conftest import PLAN, shared

LAW_2002 = "科学技术普及法(2002-06-29)"
LAW_2024 = "科学技术普及法(2024-12-25)"


def _laws():
    return [shared("laws", "行政法", f"{LAW_2002}.md"), shared("laws", "行政法", f"{LAW_2024}.md")]


def _citing(tmp_path, name: str, date: str, sentence: str):
    path = tmp_path / f"{name}.md"
    path.write_text(f"# 某省科普工作要点\n\n（{date}）\n\n一、工作任务\n\n{sentence}\n", encoding="utf-8")
    return path


def test_revised_after_lands_on_the_first_version_after_the_citing_document():
    docs = ingest([PLAN, *_laws()])
    links = [link for link in resolve_citations(docs) if link.citation.key == "科学技术普及法"]
    assert len(links) == 1
    link = links[0]
    assert (link.source, link.target, link.relation) == ("jiangxi-cast-reform-2021-2025", LAW_2024, "based_on")
    assert link.title == "中华人民共和国科学技术普及法" and link.citation.version_rule == "revised_after"
    assert "修订后" in link.reason and "2021-12-22" in link.reason and "2024-12-25" in link.reason
    plan = next(d for d in docs if d.id == link.source)
    sentence = plan.text[link.citation.sentence_start : link.citation.sentence_end]
    assert "根据修订后的《中华人民共和国科学技术普及法》" in sentence
    assert plan.text[link.citation.start : link.citation.end] == "中华人民共和国科学技术普及法"


def test_without_a_request_the_version_in_force_on_the_citing_date(tmp_path):
    early = _citing(tmp_path, "early", "2010年3月1日", "（一）依照《科学技术普及法》开展科普活动。")
    late = _citing(tmp_path, "late", "2025年3月1日", "（一）贯彻落实《中华人民共和国科学技术普及法》。")
    docs = ingest([early, late, *_laws()])
    targets = {link.source: (link.target, link.reason) for link in resolve_citations(docs) if link.target}
    assert targets["early"][0] == LAW_2002 and "2010-03-01" in targets["early"][1]
    assert targets["late"][0] == LAW_2024 and "有效" in targets["late"][1]


def test_a_single_version_is_chosen_and_a_later_one_says_so(tmp_path):
    early = _citing(tmp_path, "early", "2010年3月1日", "（一）依照《科学技术普及法》开展科普活动。")
    docs = ingest([early, shared("laws", "行政法", f"{LAW_2024}.md")])
    (link,) = [link for link in resolve_citations(docs) if link.source == "early"]
    assert link.target == LAW_2024 and "唯一" in link.reason and "晚于引用文件日期（2010-03-01）" in link.reason


def test_a_version_named_in_the_title_wins(tmp_path):
    named = _citing(tmp_path, "named", "2025年3月1日", "（一）学习《中华人民共和国科学技术普及法（2002年）》。")
    docs = ingest([named, *_laws()])
    (link,) = [link for link in resolve_citations(docs) if link.source == "named"]
    assert link.target == LAW_2002 and "2002" in link.reason and link.relation == "cites"


def test_title_variants_of_the_central_document_land_on_it_and_merge(tmp_path):
    central = shared("rural", "central-no1-document-2026.md")
    variants = {
        "spaced": "中共中央 国务院关于锚定农业农村现代化 扎实推进乡村全面振兴的意见",
        "listed": "中共中央、国务院关于锚定农业农村现代化扎实推进乡村全面振兴的意见",
        "joined": "中共中央国务院关于锚定农业农村现代化扎实推进乡村全面振兴的意见",
    }
    paths = [_citing(tmp_path, name, "2026年2月1日", f"（一）落实《{title}》。") for name, title in variants.items()]
    docs = ingest([central, *paths])
    links = {link.source: link for link in resolve_citations(docs)}
    assert {name: links[name].target for name in variants} == dict.fromkeys(variants, "central-no1-document-2026")
    assert {links[name].relation for name in variants} == {"implements"}
    assert {links[name].citation.issuer for name in variants} == {"中共中央、国务院"}
    res = resolve(docs, load_lexicon())
    entities = {res.entity_for("Policy", links[name].title).id for name in variants}
    central_doc = next(d for d in docs if d.id == "central-no1-document-2026")
    assert entities == {f"policy:{central_doc.title}"}


def test_unmatched_titles_and_publications():
    docs = ingest([PLAN])
    links = resolve_citations(docs)
    assert all(link.target is None and link.reason for link in links)
    by_title = {link.title: link.citation for link in links}
    assert by_title["决策咨询专报"].type == "Publication"
    assert by_title["“十四五”时期推进科协系统深化改革重点任务工作方案"].issuer == "中国科协"
    # the plan's own title and its short name 《方案》 are not citations
    assert docs[0].title not in by_title and "方案" not in by_title


def _no1(tmp_path, year: int, date: str):
    """A central No. 1 document of ``year``, issued on ``date``."""
    path = tmp_path / f"no1-{year}.md"
    title = f"中共中央 国务院关于做好{year}年全面推进乡村振兴重点工作的意见"
    path.write_text(f"# {title}\n\n（{date}）\n\n一、粮食生产\n\n（一）稳定粮食播种面积。\n", encoding="utf-8")
    return path


def test_a_common_name_in_running_text_lands_on_the_document_of_that_name(tmp_path):
    central = shared("rural", "central-no1-document-2026.md")
    named = _citing(tmp_path, "named", "2026年2月1日", "（一）认真贯彻落实2026年中央一号文件精神，推进乡村振兴。")
    titled = _citing(
        tmp_path,
        "titled",
        "2026年2月1日",
        "（一）落实《中共中央国务院关于锚定农业农村现代化扎实推进乡村全面振兴的意见》。",
    )
    docs = ingest([central, named, titled])
    links = {link.source: link for link in resolve_citations(docs)}
    assert links["named"].target == links["titled"].target == "central-no1-document-2026"
    assert links["named"].relation == "implements" and links["named"].title == "2026年中央一号文件"
    assert "通称" in links["named"].reason and "通称" not in links["titled"].reason
    citing = next(d for d in docs if d.id == "named")
    sentence = citing.text[links["named"].citation.sentence_start : links["named"].citation.sentence_end]
    assert "认真贯彻落实2026年中央一号文件精神" in sentence


def test_a_common_name_without_a_year_takes_the_one_in_force_and_a_missing_year_lands_nowhere(tmp_path):
    paths = [_no1(tmp_path, 2024, "2024年1月1日"), _no1(tmp_path, 2025, "2025年1月1日")]
    plain = _citing(tmp_path, "plain", "2024年6月1日", "（一）按照《中央一号文件》部署，抓好粮食生产。")
    missing = _citing(tmp_path, "missing", "2026年6月1日", "（一）贯彻2023年中央一号文件精神。")
    docs = ingest([*paths, plain, missing])
    links = {link.source: link for link in resolve_citations(docs)}
    assert links["plain"].target == "no1-2024" and links["plain"].relation == "based_on"
    assert "通称" in links["plain"].reason and "有效" in links["plain"].reason and "2024-06-01" in links["plain"].reason
    assert links["missing"].target is None and links["missing"].title == "2023年中央一号文件"


def test_the_rural_folder_names_the_central_document_and_nothing_in_it_cites_it_by_name():
    docs = ingest([shared("rural")])
    lexicon = load_lexicon()
    central = next(d for d in docs if d.id == "central-no1-document-2026")
    assert document_aliases(central, lexicon) == ["2026年中央一号文件", "中央一号文件"]
    assert [document_aliases(d, lexicon) for d in docs if d is not central] == [[]]
    assert not any(link.target == central.id for link in resolve_citations(docs, lexicon))
