import difflib

import networkx as nx

from graph.schema import NodeType, document_node_id
from search.qa.mentions import NameTable, Texts, Words, similarity
from search.qa.model import Match


def forms(found):
    return [(f.form, [n.node for n in f.named]) for f in found]


def test_names_aliases_task_ids_labels_and_titles_are_found(mini_graph):
    names = NameTable(mini_graph, suffix_min=3)
    found = forms(names.find("科普部和学会部在1.1.2与(一)1里做什么"))
    assert ("科普部", ["department:普及部"]) in found
    assert ("学会部", ["department:学会部"]) in found
    assert ("1.1.2", ["task:mini/1.1.2"]) in found
    assert ("(一)1", ["task:mini/1.1.1"]) in found  # labels are folded like the question
    held = names.forms["科普部"]
    assert held == {"department:普及部": Match.ALIAS}
    assert names.forms["建设科普教育基地"] == {"task:mini/1.1.1": Match.NAME}


def test_a_number_does_not_match_inside_a_longer_number(mini_graph):
    names = NameTable(mini_graph, suffix_min=3)
    assert not names.find("1.1.23")
    assert not names.find("21.1.2")
    assert forms(names.find("任务1.1.2。"))[0][0] == "1.1.2"


def test_partial_names_near_misses_and_name_endings(mini_graph):
    names = NameTable(mini_graph, suffix_min=2)
    assert names.containing("海智") == ["programme:海智计划"]
    assert names.containing("科普") == ["department:普及部", "programme:科普教育基地"]  # shortest name first
    assert names.near("海智计化", 0.7) == ["海智计划"]
    assert names.near("火星探测局", 0.7) == []
    assert names.near("会学部", 0.7) == ["学会部"]  # the right characters in the wrong order
    assert "学会部" not in names.near("火星部", 0.7)  # one shared character is not close
    assert names.looks_like_name("火星部")  # 普及部, 学会部: "部" ends department names
    assert not names.looks_like_name("内部")  # too short to be a name of its own
    assert not NameTable(mini_graph, suffix_min=3).looks_like_name("火星部")


def test_texts_tell_terms_of_the_text_from_parts_of_names(mini_graph):
    texts = Texts(mini_graph)
    assert texts.tasks_containing("学术年会") == ["task:mini/1.1.2"]
    assert texts.share("学会部") == 1.0 and texts.share("学术年会") == 0.5
    # "科创" occurs only inside the name 科创中国; "基地" also on its own (推进基地建设)
    assert not texts.occurs_outside("科创", ["科创中国"])
    assert texts.occurs_outside("基地", ["科普教育基地"])


def test_words_know_content_from_verbs():
    words = Words(frozenset({"n", "vn", "l", "nz"}))
    assert words.has_content("应急科普") and words.has_content("意识形态")
    assert not words.has_content("作为") and not words.has_content("落在")
    assert words.bounds("科技期刊建设") == [0, 4, 6]


def test_similarity_counts_swapped_characters_but_not_a_lone_shared_one():
    assert similarity("调宣部", "宣调部") == 1.0
    assert similarity("海智计化", "海智计划") == 0.75
    assert similarity("财务部", "宣调部") < 0.5


def test_documents_are_found_by_common_names_and_a_shared_name_is_the_latest_version():
    g = nx.MultiDiGraph()
    no1 = "中共中央 国务院关于{}扎实推进乡村全面振兴的意见"
    rows = [
        ("no1-2025", no1.format("进一步深化农村改革"), "中共中央、国务院", "2025-01-01"),
        ("no1-2026", no1.format("锚定农业农村现代化"), "中共中央、国务院", "2026-01-03"),
        ("law-2002", "中华人民共和国科学技术普及法", "全国人民代表大会常务委员会", "2002-06-29"),
        ("law-2024", "中华人民共和国科学技术普及法", "全国人民代表大会常务委员会", "2024-12-25"),
    ]
    for doc, title, issuer, date in rows:
        g.add_node(document_node_id(doc), type=NodeType.DOCUMENT, doc=doc, title=title, issuer=issuer, date=date)
    names = NameTable(g, suffix_min=3)
    assert names.forms["2025年中央一号文件"] == {document_node_id("no1-2025"): Match.ALIAS}
    assert names.forms["中央一号文件"] == {document_node_id("no1-2026"): Match.ALIAS}
    assert names.forms["科普法"] == {document_node_id("law-2024"): Match.ALIAS}
    assert names.forms["中华人民共和国科学技术普及法"] == {document_node_id("law-2024"): Match.NAME}
    assert forms(names.find("科普法被哪些文件引用")) == [("科普法", [document_node_id("law-2024")])]


def test_texts_search_the_joined_corpus_as_each_unit_on_its_own():
    g = nx.MultiDiGraph()
    texts = ["科技小院建设", "院建", "建设科技小院，科技小院", "", "小院\x00科技"]
    for i, text in enumerate(texts):
        kind = NodeType.TASK if i % 2 == 0 else NodeType.PARAGRAPH
        g.add_node(f"unit:{i}", type=kind, doc="d", order=i, text=text)
    table = Texts(g)
    folded = [t for _, _, t in table.units]
    for term in ["科技小院", "院建", "小院", "设科", "科技", "建设", "院科", "\x00", "火星", "院，科"]:
        holding = [i for i, t in enumerate(folded) if term in t]
        assert table.containing(term) == holding, term
        assert table.occurs(term) == bool(holding), term
        tasks = [table.units[i][0] for i in holding if table.units[i][1] == NodeType.TASK]
        assert table.tasks_containing(term) == tasks, term
    assert not table.occurs("院科")  # never across two units
    assert table.occurs_outside("小院", ["科技小院"])  # 小院 on its own in the last unit
    assert not table.occurs_outside("院建", ["科技小院建设", "院建"])


def test_similarity_is_never_below_difflib_and_near_compares_only_reachable_lengths(mini_graph):
    for a, b in [("调宣部", "宣调部"), ("海智计化", "海智计划"), ("科普部", "科学技术普及部"), ("部部", "部")]:
        assert similarity(a, b) >= difflib.SequenceMatcher(None, a, b).ratio()
    names = NameTable(mini_graph, suffix_min=3)
    cutoff = 0.7
    for text in ["海智计化", "会学部", "火星部", "科普教育基"]:
        slow = sorted(((similarity(text, f), f) for f in names.entity_forms), key=lambda s: (-s[0], s[1]))
        close = [f for score, f in slow if score >= cutoff][:5]
        expected = list(dict.fromkeys(names.display(n) for f in close for n in sorted(names.entity_forms[f])))
        assert names.near(text, cutoff) == expected
