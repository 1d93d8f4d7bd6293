import json

import pytest

from graph import query
from graph.lookup import EntityIndex
from graph.store import GraphMissing, load_graph, save_graph
from tests.ingest.test_structure import TASKS


def test_tasks_have_canonical_departments_and_links(plan_graph):
    records = {t["id"]: t for t in query.tasks(plan_graph)}
    assert len(records) == 33
    expected = {
        k: [d.replace("院士专家服务中心", "省院士专家服务中心").replace("省省", "省") for d in v]
        for k, v in TASKS.items()
    }
    assert {k: r["departments"] for k, r in records.items()} == expected
    assert records["4.8.2"]["lead"] == "组人部"
    assert "海智计划" in records["4.7.1"]["programmes"] and "海智计划" in records["4.8.2"]["programmes"]
    assert "江西省科学技术普及条例" in records["4.5.1"]["policies"]


def test_hierarchy_and_responsibility_edges(plan_graph):
    doc = "jiangxi-cast-reform-2021-2025"
    task = f"task:{doc}/4.3.2"
    parents = [v for _, v, d in plan_graph.out_edges(task, data=True) if d["type"] == "part_of"]
    assert parents == [f"section:{doc}/4.3"]
    assert [v for _, v, d in plan_graph.out_edges(f"part:{doc}/4", data=True) if d["type"] == "part_of"] == [
        f"doc:{doc}"
    ]
    roles = {
        (u, d["role"])
        for u, _, d in plan_graph.in_edges(f"task:{doc}/4.8.2", data=True)
        if d["type"] == "responsible_for"
    }
    assert ("department:组人部", "lead") in roles and ("department:省院士专家服务中心", "supporting") in roles
    assert any(d["type"] == "based_on" for _, _, d in plan_graph.out_edges(f"doc:{doc}", data=True))


def test_edges_cite_source_spans(plan_graph, plan_doc):
    for u, _v, d in plan_graph.edges(data=True):
        if d["type"] == "responsible_for":
            span = d["span"]
            assert plan_doc.original[span["start"] : span["end"]].replace("\n", "") in plan_graph.nodes[u][
                "aliases"
            ] + [plan_graph.nodes[u]["name"]]
        if "sentence_source" in d:
            span = d["sentence_source"]
            original = plan_doc.original[span["start"] : span["end"]]
            assert original[:1] == d["sentence"][:1] and original[-1:] == d["sentence"][-1:]


def test_programme_trace_reaches_departments(plan_graph):
    record = query.entity_record(plan_graph, "programme:海智计划")
    assert {d["name"] for d in record["departments"]} == {"国际部", "组人部", "学会部", "省院士专家服务中心"}
    record = query.entity_record(plan_graph, "programme:三长制")
    assert {d["name"] for d in record["departments"]} == {"普及部", "省科技馆", "组人部"}


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
def test_lookup_aliases_and_partial_names(plan_graph, name, node):
    assert EntityIndex(plan_graph).lookup(name).nodes == [node]


def test_lookup_misspelling_suggests(plan_graph):
    match = EntityIndex(plan_graph).lookup("海智计化")
    assert match.nodes == [] and "海智计划" in match.suggestions


def test_store_round_trip_and_corruption(plan_graph, tmp_path):
    path = tmp_path / "g.json"
    save_graph(plan_graph, path)
    again = load_graph(path)
    assert sorted(again.nodes) == sorted(plan_graph.nodes)
    assert again.number_of_edges() == plan_graph.number_of_edges()
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "policykg-graph"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(GraphMissing, match="policykg build"):
        load_graph(path)
    with pytest.raises(GraphMissing, match="policykg build"):
        load_graph(tmp_path / "missing.json")
