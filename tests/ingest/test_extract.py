from ingest.lexicon import load_lexicon
from ingest.resolve import resolve


def _names(doc, unit_id, type_):
    res = resolve([doc], load_lexicon())
    return {res.entity_for(type_, m.surface).name for m in doc.mentions if m.unit == unit_id and m.type == type_}


def test_named_programmes_on_the_right_tasks(plan_doc):
    expected = {
        "4.1.4": {"党建强会计划"},
        "4.1.6": {"最美科技工作者"},
        "4.1.8": {"最美科技工作者"},
        "4.1.3": {"科协讲堂", "赣鄱科普大讲堂", "乡村振兴科技云课堂"},
        "4.1.7": {"智惠行动", "三长制", "科普大篷车", "流动科技馆"},
        "4.2.4": {"三长制"},
        "4.3.1": {"科创中国", "揭榜挂帅", "创新吹哨、科协报到"},
        "4.3.2": {"科技小院"},
        "4.5.3": {"科普江西"},
        "1.2.p1": {"网上科协"},
        "4.7.1": {"海智计划", "远航工程", "金蓝领提升行动", "一带一路"},
        "4.8.1": {"数字科协", "网上科技工作者之家"},
        "4.8.2": {"海智计划", "院士工作站", "学会服务站", "全国创新争先奖", "中国青年科技奖"},
        "4.5.2": {"江西省大学生科普动漫创作大赛", "江西省科普微视频大赛"},
    }
    for task, names in expected.items():
        assert names <= _names(plan_doc, task, "Programme"), task


def test_variants_and_short_forms_merge_distinct_things_do_not(plan_doc):
    res = resolve([plan_doc], load_lexicon())
    assert res.entity_for("Programme", "智慧行动").name == "智惠行动"
    assert res.entity_for("Programme", "三长").name == "三长制"
    assert res.entity_for("Programme", "海智工作站").name == "海智计划"
    assert res.entity_for("Programme", "海智计划工作站").name == "海智计划"
    names = {e.name for e in res.entities.values()}
    assert "十三五" not in names and "十四五" not in names


def test_slogans_are_not_programmes(plan_doc):
    programmes = {m.surface for m in plan_doc.mentions if m.type == "Programme"}
    for slogan in ["四个意识", "四个自信", "两个维护", "三性", "四服务", "最后一公里", "一把手", "四个面向", "双减"]:
        assert slogan not in programmes
    # phrases joined by 、 are a name only before a word such as 机制: a goal or a list is not one
    for phrases in ["做示范、勇争先", "作示范、勇争先", "会、展、赛、商", "抗疫情、稳生产"]:
        assert phrases not in programmes


def test_department_aliases_resolve_to_fullest_form(plan_doc):
    res = resolve([plan_doc], load_lexicon())
    assert res.entity_for("Department", "院士专家服务中心").name == "省院士专家服务中心"
    assert res.entity_for("Department", "组人部").name == "组人部"


def test_organisations_places_figures(plan_doc):
    orgs = {m.surface for m in plan_doc.mentions if m.type == "Organisation"}
    for org in [
        "中国科协",
        "省委省政府",
        "省科技厅",
        "省文旅厅",
        "省农业农村厅",
        "省工信厅",
        "省政协",
        "省委人才办",
        "江西省乡村振兴科技联盟",
        "国际技术交易联盟",
    ]:
        assert org in orgs, org
    places = {m.surface for m in plan_doc.mentions if m.type == "Place"}
    assert {"赣州市", "南昌市国家高新区", "德安县"} <= places
    figures = {m.surface: m.attrs for m in plan_doc.mentions if m.type == "Figure"}
    assert figures["9.62%"]["measure"] == "推动我省公民具备科学素质比例" and figures["9.62%"]["year"] == 2020
    assert figures["8.66亿元"]["unit"] == "亿元" and "省政府" in figures["8.66亿元"]["measure"]
    assert figures["101330人"]["value"] == 101330 and "科技志愿者" in figures["101330人"]["measure"]


def test_policies_issuers_and_relations(plan_doc):
    res = resolve([plan_doc], load_lexicon())
    parent = res.entities["policy:“十四五”时期推进科协系统深化改革重点任务工作方案"]
    assert parent.attrs["issuer"] == "中国科协"
    rels = {(r.type, r.source_unit, r.policy_surface) for r in plan_doc.relations}
    assert ("based_on", None, parent.name) in rels
    assert ("implements", "4.5.1", "江西省全民科学素质行动规划纲要实施方案（2021—2025年）") in rels
    assert ("based_on", "4.5.1", "中华人民共和国科学技术普及法") in rels
    assert ("amends", "4.5.1", "江西省科学技术普及条例") in rels
    # the plan's own title and its short name 《方案》 are not a parent policy
    assert not any(r.policy_surface == plan_doc.title for r in plan_doc.relations)


def test_mention_spans_slice_back_to_the_original(plan_doc):
    for m in plan_doc.mentions:
        span = plan_doc.source_span(m.start, m.end)
        original = plan_doc.original[span.start : span.end]
        if m.type in ("Department", "Organisation", "Place"):
            assert original.replace("\n", "") == m.surface, m


def test_programmes_link_across_documents():
    from ingest.pipeline import ingest
    from tests.conftest import PLAN, shared

    docs = ingest([PLAN, shared("rural")])
    res = resolve(docs, load_lexicon())
    by_doc = {}
    for doc in docs:
        for m in doc.mentions:
            if m.type == "Programme":
                by_doc.setdefault(res.entity_for("Programme", m.surface).name, set()).add(doc.id)
    assert {"jiangxi-cast-reform-2021-2025", "rural-revitalization-plan-2024-2027"} <= by_doc["科技小院"]
    # “三北”工程 in one document and “三北” in another are one programme
    assert len(by_doc["三北工程"]) == 2
    central = next(d for d in docs if d.id == "central-no1-document-2026")
    assert central.date == "2026-01-03" and central.issuer.startswith("中共中央")


def test_periodicals_in_title_marks_are_publications(plan_doc):
    titles = {(m.type, m.surface, m.unit) for m in plan_doc.mentions if m.surface == "决策咨询专报"}
    assert titles == {("Publication", "决策咨询专报", "1.4.p2"), ("Publication", "决策咨询专报", "4.6.4")}
    res = resolve([plan_doc], load_lexicon())
    assert res.entity_for("Publication", "决策咨询专报").id == "publication:决策咨询专报"
    assert "policy:决策咨询专报" not in res.entities
    # a report in the form of an official document stays a policy
    policies = {m.surface for m in plan_doc.mentions if m.type == "Policy"}
    assert "“十四五”时期推进科协系统深化改革重点任务工作方案" in policies


def test_launched_campaigns_and_quoted_phrase_names_in_the_rural_plan():
    from ingest.pipeline import ingest
    from tests.conftest import shared

    doc = ingest([shared("rural", "rural-revitalization-plan-2024-2027.md")])[0]
    programmes = {m.surface for m in doc.mentions if m.type == "Programme"}
    # 实施…行动 / 实施…计划 name campaigns; a quoted name of phrases before 机制 or 活动 is one
    assert {"乡村建设行动", "高素质农民培育计划", "结对子、种文化", "听党话、感党恩、跟党走"} <= programmes
    assert "省级土地利用年度计划" not in programmes  # a yearly plan is not a programme


def test_no_programmes_inside_words_of_laws():
    from ingest.pipeline import ingest
    from tests.conftest import shared

    docs = ingest(
        [
            shared("laws", "行政法规", "流动人口计划生育工作条例(2009-05-11).md"),
            shared("laws", "行政法规", "风景名胜区条例(2016-02-06).md"),
        ]
    )
    programmes = {m.surface for doc in docs for m in doc.mentions if m.type == "Programme"}
    # 计划生育 (family planning) and 进行动态监测 hold a suffix but name no programme
    assert not any(name.endswith(("计划", "行动")) for name in programmes), programmes
