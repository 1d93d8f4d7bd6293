"""The Oxigraph store a build writes: the same triples rdflib builds, read-only, complete or refused."""

import json

import pytest
from rdflib import Graph

from graph.rdf import DEFAULT_BASE, Minter, document_rdf, to_rdf
from graph.store import GraphMissing
from graph.triplestore import MANIFEST, open_store, store_folder, write_store

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
