"""Entity lookup by canonical name, alias, folded or partial name, with suggestions for near misses."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.lookup import EntityIndex, fold
from graph.schema import NodeType
from tests.fixtures.graphs import HAIZHI, KECHUANG, LAW, POPULAR, tiny_graph


@pytest.fixture(scope="module")
def index() -> EntityIndex:
    return EntityIndex(tiny_graph())


def test_fold_drops_quotes_spaces_and_full_width():
    assert fold("“科创 中国”") == "科创中国" and fold("《ＡＢＣ》") == "ABC"


@pytest.mark.parametrize(
    "query, nodes",
    [
        ("科创中国", [KECHUANG]),  # canonical
        ("科创", [KECHUANG]),  # alias
        ("「科创中国」", [KECHUANG]),  # quoted
        ("科普法", [LAW]),  # a policy's alias
        ("海智计", [HAIZHI]),  # partial
        ("普及", [POPULAR, LAW]),  # partial and ambiguous: shortest name first
    ],
)
def test_lookup(index, query, nodes):
    assert index.lookup(query).nodes == nodes


def test_a_misspelling_gets_suggestions_not_a_guess(index):
    match = index.lookup("海智计化")
    assert match.nodes == [] and "海智计划" in match.suggestions
    assert index.lookup("   ").nodes == [] and index.lookup("   ").suggestions == []


def test_one_character_is_never_a_partial_match(index):
    assert index.lookup("科").nodes == []


def test_types_limit_what_is_found():
    programmes = EntityIndex(tiny_graph(), (NodeType.PROGRAMME,))
    assert programmes.lookup("普及部").nodes == [] and programmes.lookup("海智").nodes == [HAIZHI]


@pytest.mark.parametrize(
    "name, node",
    [
        ("海智计划", "programme:海智计划"),
        ("海智", "programme:海智计划"),
        ("海智工作站", "programme:海智计划"),
        ("院士专家服务中心", "department:省院士专家服务中心"),
        ("科协党校", "organisation:江西省科协党校"),
        ("智慧行动", "programme:智惠行动"),
        ("“科创中国”", "programme:科创中国"),
    ],
)
def test_the_plans_aliases_and_partial_names(plan_graph, name, node):
    assert EntityIndex(plan_graph).lookup(name).nodes == [node]


def _named_documents() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for year in ("2025", "2026"):
        title = f"中共中央 国务院关于{year}年农村工作的意见"
        aliases = ["中央一号文件", f"{year}年中央一号文件"]
        graph.add_node(f"doc:no1-{year}", type=NodeType.DOCUMENT, name=title, doc=f"no1-{year}", aliases=aliases)
    graph.add_node("policy:农村工作意见", type=NodeType.POLICY, name="农村工作意见", aliases=["2025年中央一号文件"])
    return graph


def test_documents_are_found_by_their_whole_title_or_common_name_only():
    index = EntityIndex(_named_documents())
    assert index.lookup("中央一号文件").nodes == ["doc:no1-2025", "doc:no1-2026"]
    assert index.lookup("2026年 中央一号文件").nodes == ["doc:no1-2026"]
    assert index.lookup("中共中央 国务院关于2026年农村工作的意见").nodes == ["doc:no1-2026"]
    assert index.lookup("2025年中央一号文件").nodes == ["policy:农村工作意见"]  # an entity of the name comes first
    assert index.lookup("农村工作的意见").nodes == []  # a part of a title finds no document
    assert index.lookup("农村工作").nodes == ["policy:农村工作意见"]  # but still an entity


def test_an_entity_named_like_a_document_is_found_alone(citing_graph):
    assert EntityIndex(citing_graph).lookup("示范促进法").nodes == ["policy:中华人民共和国示范促进法"]
