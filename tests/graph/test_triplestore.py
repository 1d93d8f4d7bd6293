"""The Oxigraph store a build writes: the same triples rdflib builds, read-only, complete or refused."""

import json

import networkx as nx
import pytest
from rdflib import Graph

from graph import triplestore
from graph.rdf import DEFAULT_BASE, Minter, document_rdf, to_rdf
from graph.schema import EdgeType, NodeType
from graph.store import GraphMissing
from graph.triplestore import MANIFEST, changed_scopes, open_store, store_folder, update_store, write_store

from ..conftest import served


@pytest.fixture(scope="module")
def written(plan_graph, tmp_path_factory):
    folder = tmp_path_factory.mktemp("rdf") / "store"
    info = write_store(plan_graph, folder, "http://example.org/kg/")
    return folder, info


def test_the_store_holds_exactly_the_rdf(plan_graph, written):
    folder, info = written
    store = open_store(folder)
    expected = to_rdf(plan_graph, "http://example.org/kg/")
    dumped = Graph().parse(data=store.dump("application/n-triples"), format="nt")
    assert set(dumped) == set(expected) and info.triples == len(expected)
    assert info.base == "http://example.org/kg/" and info.build_id == plan_graph.graph["build_id"]
    assert json.loads((folder / MANIFEST).read_text())["triples"] == info.triples


@pytest.mark.parametrize("media_type, parser", [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_dumps_parse_back(plan_graph, written, media_type, parser):
    folder, info = written
    body = open_store(folder).dump(media_type)
    assert len(Graph().parse(data=body, format=parser)) == info.triples
    if parser == "json-ld":
        assert "@context" in json.loads(body)
    else:
        assert body.startswith(b"@prefix")


def test_a_build_writes_the_store_into_its_version(built_home, plan_graph):
    store = open_store(store_folder(served(built_home).path))
    assert store.info.triples == len(to_rdf(plan_graph)) and store.info.build_id == plan_graph.graph["build_id"]


def test_writing_into_a_folder_that_is_not_empty_is_refused(plan_graph, tmp_path):
    (tmp_path / "x").write_text("keep me")
    with pytest.raises(FileExistsError):
        write_store(plan_graph, tmp_path)
    assert (tmp_path / "x").read_text() == "keep me"


def test_a_missing_or_broken_store_says_to_build(tmp_path):
    with pytest.raises(GraphMissing, match="policykg build"):
        open_store(tmp_path / "nothing")
    (tmp_path / MANIFEST).write_text("{not json")
    with pytest.raises(GraphMissing, match="unreadable"):
        open_store(tmp_path)
    (tmp_path / MANIFEST).write_text(
        json.dumps(
            {"format": "other", "version": 1, "base": "", "triples": 0, "build_id": None, "seconds": 0, "bytes": 0}
        )
    )
    with pytest.raises(GraphMissing, match="unknown format"):
        open_store(tmp_path)


def test_document_graphs_partition_the_rdf(plan_graph):
    whole = set(to_rdf(plan_graph))
    parts = dict(document_rdf(plan_graph))
    assert set(parts) == {"jiangxi-cast-reform-2021-2025", None}
    union = set().union(*(set(g) for g in parts.values()))
    assert union == whole
    minter = Minter(DEFAULT_BASE)
    undocumented = {str(minter.node(n)) for n, a in plan_graph.nodes(data=True) if not a.get("doc")}
    assert {str(s) for s in parts[None].subjects()} == undocumented


def _graph_of(folder, names):
    from graph.build import build_graph
    from ingest.lexicon import load_lexicon
    from ingest.pipeline import ingest
    from ingest.resolve import resolve
    from tests.graph.citing_corpus import FILES

    folder.mkdir()
    for name in names:
        (folder / name).write_text(FILES[name], encoding="utf-8")
    lexicon = load_lexicon()
    docs = ingest([folder / name for name in names], lexicon)
    return build_graph(docs, resolve(docs, lexicon), lexicon)


def _triples(folder) -> set:
    return set(Graph().parse(data=open_store(folder).dump("application/n-triples"), format="nt"))


@pytest.mark.parametrize("direction", ["add", "remove"])
def test_a_store_changed_by_difference_equals_one_written_whole(tmp_path, direction, monkeypatch):
    monkeypatch.setattr(triplestore, "REWRITE_SHARE", float("inf"))  # a difference however many changed
    monkeypatch.setattr(triplestore, "write_store", _never)
    whole = ["law-2001.md", "law-2023.md", "notice.md", "plan.md"]
    small = _graph_of(tmp_path / "small", [n for n in whole if n != "notice.md"])
    full = _graph_of(tmp_path / "full", whole)
    old, new = (small, full) if direction == "add" else (full, small)
    written_whole(old, tmp_path / "old")
    before = _triples(tmp_path / "old")
    info = update_store(tmp_path / "old", old, new, tmp_path / "changed")
    written_whole(new, tmp_path / "expected")
    assert _triples(tmp_path / "changed") == _triples(tmp_path / "expected") != before
    assert info.triples == open_store(tmp_path / "expected").info.triples
    assert _triples(tmp_path / "old") == before  # the previous store is left as it was
    # The plan's citation of the notice lands only while the notice is there, and the shared entities changed.
    assert {"notice", "plan", None} <= changed_scopes(old, new)
    assert changed_scopes(new, new) == set()


def _never(*args, **kwargs):
    raise AssertionError("written whole")


written_whole = write_store


def test_a_store_most_of_whose_documents_changed_is_written_whole(tmp_path, monkeypatch):
    names = ["law-2001.md", "law-2023.md", "notice.md", "plan.md"]
    old, new = _graph_of(tmp_path / "old-graph", names[:2]), _graph_of(tmp_path / "new-graph", names)
    written_whole(old, tmp_path / "old")
    calls = []
    monkeypatch.setattr(triplestore, "write_store", lambda *args: calls.append(args) or written_whole(*args))
    info = update_store(tmp_path / "old", old, new, tmp_path / "changed")
    assert len(calls) == 1 and calls[0][0] is new  # two new documents of four: more than a quarter
    written_whole(new, tmp_path / "expected")
    assert _triples(tmp_path / "changed") == _triples(tmp_path / "expected")
    assert info.triples == open_store(tmp_path / "expected").info.triples


def test_a_store_under_another_base_is_not_changed_by_difference(tmp_path, plan_graph):
    write_store(plan_graph, tmp_path / "old", "http://example.org/kg/")
    with pytest.raises(ValueError, match="example.org"):
        update_store(tmp_path / "old", plan_graph, plan_graph, tmp_path / "changed", DEFAULT_BASE)


def _scoped_graph():
    graph = nx.MultiDiGraph()
    for doc in ("a", "b", "c"):
        graph.add_node(f"doc:{doc}", type=NodeType.DOCUMENT, name=doc, doc=doc)
        graph.add_node(f"task:{doc}/1", type=NodeType.TASK, name="1", doc=doc, text="任务")
        graph.add_edge(f"task:{doc}/1", f"doc:{doc}", key=EdgeType.PART_OF, type=EdgeType.PART_OF)
    graph.add_node("department:学会部", type=NodeType.DEPARTMENT, name="学会部", aliases=[])
    graph.add_node("organisation:科协", type=NodeType.ORGANISATION, name="科协", aliases=[])
    for doc in ("a", "b", "c"):
        graph.add_edge("department:学会部", f"task:{doc}/1", key="r", type=EdgeType.RESPONSIBLE_FOR, role="lead")
    return graph


def test_changed_scopes_name_each_document_whose_nodes_or_edges_differ():
    old = _scoped_graph()
    assert changed_scopes(old, _scoped_graph()) == set()
    new = _scoped_graph()
    new.nodes["task:a/1"]["text"] = "任务二"  # a unit's attribute: its document
    new.edges["department:学会部", "task:b/1", "r"]["role"] = "supporting"  # an entity's edge: its target's document
    assert changed_scopes(old, new) == changed_scopes(new, old) == {"a", "b"}
    new.add_edge("department:学会部", "organisation:科协", key="x", type=EdgeType.ISSUED_BY)  # between entities
    assert changed_scopes(old, new) == {"a", "b", None}
    new = _scoped_graph()
    new.remove_node("task:c/1")  # its node and both its edges: its document only
    assert changed_scopes(old, new) == changed_scopes(new, old) == {"c"}
    new = _scoped_graph()
    new.nodes["organisation:科协"]["aliases"] = ["中国科协"]
    assert changed_scopes(old, new) == {None}


def test_of_the_shared_entities_only_the_changed_ones_are_compared(tmp_path):
    from graph.triplestore import _differences

    old = _scoped_graph()
    old.add_edge("department:学会部", "organisation:科协", key="x", type=EdgeType.ISSUED_BY)
    new = old.copy()
    new.nodes["organisation:科协"]["aliases"] = ["中国科协"]
    new.add_edge("organisation:科协", "department:学会部", key="y", type=EdgeType.ISSUED_BY)
    scopes, nodes = _differences(old, new)
    assert scopes == {None} and nodes == {"organisation:科协"}
    written_whole(old, tmp_path / "old")
    info = update_store(tmp_path / "old", old, new, tmp_path / "changed")
    written_whole(new, tmp_path / "expected")
    assert _triples(tmp_path / "changed") == _triples(tmp_path / "expected") != _triples(tmp_path / "old")
    assert info.triples == open_store(tmp_path / "expected").info.triples
