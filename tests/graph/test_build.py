"""The bundled plan built into a graph: tasks with their departments and links, the hierarchy, source
spans on every edge, and node ids and types exactly as the schema defines them."""

from graph import query
from graph.schema import (
    EDGE_KINDS,
    NODE_KINDS,
    UNIT_TYPES,
    EdgeType,
    NodeType,
    Role,
    document_node_id,
    group_of,
    unit_node_ids,
)
from tests.ingest.test_structure import TASKS

DOC = "jiangxi-cast-reform-2021-2025"


def test_tasks_have_canonical_departments_and_links(plan_graph):
    records = {t.id: t for t in query.tasks(plan_graph)}
    assert len(records) == 33
    expected = {
        k: [d.replace("院士专家服务中心", "省院士专家服务中心").replace("省省", "省") for d in v]
        for k, v in TASKS.items()
    }
    assert {k: r.departments for k, r in records.items()} == expected
    assert records["4.8.2"].lead == "组人部"
    assert "海智计划" in records["4.7.1"].programmes and "海智计划" in records["4.8.2"].programmes
    assert "江西省科学技术普及条例" in records["4.5.1"].policies


def test_hierarchy_and_responsibility_edges(plan_graph):
    def parents(node: str) -> list[str]:
        return [v for _, v, d in plan_graph.out_edges(node, data=True) if d["type"] == EdgeType.PART_OF]

    assert parents(f"task:{DOC}/4.3.2") == [f"section:{DOC}/4.3"]
    assert parents(f"part:{DOC}/4") == [document_node_id(DOC)]
    roles = set(query.departments_of(plan_graph, f"task:{DOC}/4.8.2"))
    assert ("department:组人部", Role.LEAD) in roles and ("department:省院士专家服务中心", Role.SUPPORTING) in roles
    assert any(d["type"] == EdgeType.BASED_ON for _, _, d in plan_graph.out_edges(document_node_id(DOC), data=True))


def test_edges_cite_source_spans(plan_graph, plan_doc):
    for u, _v, d in plan_graph.edges(data=True):
        if d["type"] == EdgeType.RESPONSIBLE_FOR:
            span = d["span"]
            assert plan_doc.original[span["start"] : span["end"]].replace("\n", "") in plan_graph.nodes[u][
                "aliases"
            ] + [plan_graph.nodes[u]["name"]]
        if "sentence_source" in d:
            span = d["sentence_source"]
            original = plan_doc.original[span["start"] : span["end"]]
            assert original[:1] == d["sentence"][:1] and original[-1:] == d["sentence"][-1:]


def test_programme_trace_reaches_departments(plan_graph):
    names = lambda node: {d.name for d in query.departments_behind(plan_graph, node)}  # noqa: E731
    assert names("programme:海智计划") == {"国际部", "组人部", "学会部", "省院士专家服务中心"}
    assert names("programme:三长制") == {"普及部", "省科技馆", "组人部"}


def test_every_node_and_edge_is_of_a_schema_type(plan_graph):
    assert {a["type"] for _, a in plan_graph.nodes(data=True)} <= set(NODE_KINDS)
    assert {d["type"] for _, _, d in plan_graph.edges(data=True)} <= set(EDGE_KINDS)
    assert all(group_of(a["type"]) is not None for _, a in plan_graph.nodes(data=True))


def test_unit_ids_are_the_schema_ids_of_their_doc_and_id(plan_graph):
    units = [(n, a) for n, a in plan_graph.nodes(data=True) if a["type"] in UNIT_TYPES]
    assert units and all(n in unit_node_ids(a["doc"], a["id"]) for n, a in units)


def test_departments_count_their_roles(plan_graph):
    for node, a in plan_graph.nodes(data=True):
        if a["type"] == NodeType.DEPARTMENT:
            tasks = query.department_tasks(plan_graph, node)
            assert a["task_count"] == len(tasks) and a["lead_count"] == sum(t.role == Role.LEAD for t in tasks)


def _between(graph, source: str, target: str) -> list[dict]:
    return [d for _, v, d in graph.out_edges(document_node_id(source), data=True) if v == document_node_id(target)]


def test_citations_join_documents_beside_their_sentence(citing_graph):
    (based,) = _between(citing_graph, "notice", "law-2023")
    assert based["type"] == EdgeType.BASED_ON and based["trigger"] == "根据"
    assert "修订后的《示范促进法》" in based["sentence"] and based["surface"] == "示范促进法"
    assert "2023-06-01" in based["reason"] and "2022-05-10" in based["reason"]
    assert not _between(citing_graph, "notice", "law-2001")
    (implements,) = _between(citing_graph, "plan", "notice")
    assert implements["type"] == EdgeType.IMPLEMENTS and implements["trigger"] == "落实"
    (cites,) = _between(citing_graph, "plan", "law-2023")
    assert cites["type"] == EdgeType.CITES and cites["trigger"] == ""
    assert "2024-02-01" in cites["reason"]


def test_every_citation_is_listed_on_its_document(citing_graph):
    listed = citing_graph.nodes[document_node_id("plan")]["citations"]
    assert [(c["title"], c["doc"], c["relation"]) for c in listed] == [
        ("示范工作实施方案", "notice", EdgeType.IMPLEMENTS),
        ("中华人民共和国示范促进法", "law-2023", EdgeType.CITES),
        ("未收录条例", None, EdgeType.CITES),
    ]
    assert all(c["reason"] for c in listed)
    assert citing_graph.nodes[document_node_id("law-2001")]["citations"] == []


def test_title_variants_are_one_policy_linked_to_the_chosen_version(citing_graph):
    nodes = citing_graph.nodes(data=True)
    policies = [n for n, a in nodes if a["type"] == NodeType.POLICY and "示范促进法" in a["name"]]
    assert policies == ["policy:中华人民共和国示范促进法"]
    same = {
        v: d["reason"] for _, v, d in citing_graph.out_edges(policies[0], data=True) if d["type"] == EdgeType.SAME_AS
    }
    assert list(same) == [document_node_id("law-2023")] and "修订后" in same[document_node_id("law-2023")]
    unmatched = citing_graph.out_edges("policy:未收录条例", data=True)
    assert [d for _, _, d in unmatched if d["type"] == EdgeType.SAME_AS] == []


def test_documents_carry_their_common_names(citing_graph):
    # 中华人民共和国示范促进法 is also 示范促进法, in both its versions; the notice and the plan have none
    aliases = {a["doc"]: a["aliases"] for _, a in citing_graph.nodes(data=True) if a["type"] == NodeType.DOCUMENT}
    assert aliases == {"law-2001": ["示范促进法"], "law-2023": ["示范促进法"], "notice": [], "plan": []}
    assert query.entity_record(citing_graph, "doc:law-2023").aliases == ["示范促进法"]  # shown on its page


_BUILD_TO_STDOUT = """
import sys
import orjson
from graph.build import build_graph
from graph.store import to_json
from ingest.lexicon import load_lexicon
from ingest.pipeline import ingest
from ingest.resolve import resolve

lexicon = load_lexicon()
docs = ingest([sys.argv[1]], lexicon)
data = to_json(build_graph(docs, resolve(docs, lexicon), lexicon))
data["graph"].pop("built")
sys.stdout.buffer.write(orjson.dumps(data))
"""


def test_the_same_corpus_builds_the_same_graph_whatever_the_hash_seed(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.graph.citing_corpus import write_corpus

    folder = write_corpus(tmp_path / "corpus")
    root = Path(__file__).resolve().parents[2]
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _BUILD_TO_STDOUT, str(folder)], cwd=root, env=env, capture_output=True, check=True
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and b"programme:" in outputs[0]
