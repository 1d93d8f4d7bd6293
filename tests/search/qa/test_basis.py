from search.qa.basis import policy_basis
from search.qa.cues import load_cues
from search.qa.model import Status
from tests.graph.citing_corpus import build_citing_graph

DOC = "doc:jiangxi-cast-reform-2021-2025"
TASK = "task:jiangxi-cast-reform-2021-2025/{}"


def test_the_documents_basis(plan_graph):
    basis = policy_basis(plan_graph, [], [DOC], load_cues())
    assert "“十四五”时期推进科协系统深化改革重点任务工作方案" in [p.title for p in basis.policies]
    assert basis.status == Status.OK and any("基础上" in e.text for e in basis.evidence)
    assert policy_basis(plan_graph, [], [], load_cues()).policies == basis.policies  # no document named: all


def test_a_task_cites_its_own_or_inherits_its_documents(plan_graph):
    basis = policy_basis(plan_graph, [TASK.format("4.5.1")], [], load_cues())
    cited = {(p.title, p.relation) for p in basis.policies}
    assert ("中华人民共和国科学技术普及法", "based_on") in cited and ("江西省科学技术普及条例", "amends") in cited
    assert "修订《江西省科学技术普及条例》" in basis.text  # the schema's label of amends
    inherited = policy_basis(plan_graph, [TASK.format("4.3.3")], [], load_cues())
    assert "没有直接引用上位文件" in inherited.text and inherited.policies


def test_documents_a_document_cites_are_not_its_basis(tmp_path):
    graph = build_citing_graph(tmp_path)
    assert any(v == "doc:notice" for _, v in graph.out_edges("doc:plan"))  # the documents are joined
    basis = policy_basis(graph, [], ["doc:plan"], load_cues())
    assert basis.status == Status.NOT_FOUND and basis.policies == []
    own = policy_basis(graph, ["task:plan/1.1"], [], load_cues())
    assert [(p.title, p.relation) for p in own.policies] == [("示范工作实施方案", "implements")]
