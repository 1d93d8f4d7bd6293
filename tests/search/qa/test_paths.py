from graph.paths import shortest_paths
from search.qa.paths import explain, relation


def test_connections_explained_hop_by_hop(plan_graph):
    found = relation(plan_graph, "programme:海智计划", "department:国际部")
    assert len(found.paths) == 2 and all(len(p) == 2 for p in found.paths)
    first = found.paths[0]
    assert first[0]["verb"] == "提到" and first[1] == {
        "from": "国际部",
        "relation": "responsible_for",
        "verb": "牵头负责",
        "to": "任务4.7.1（拓展国际合作交流渠道，加强引才育才国际化合作）",
    }
    assert found.text.startswith("海智计划与国际部通过任务4.7.1") and found.evidence


def test_explain_is_what_the_path_page_shows(plan_graph):
    paths = shortest_paths(plan_graph, "programme:科技小院", "department:省院士专家服务中心")
    steps, evidence, text = explain(plan_graph, paths)
    assert steps and evidence and "科技小院" in text
