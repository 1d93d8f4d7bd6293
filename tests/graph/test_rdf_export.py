import csv
import io
import json
import zipfile

import networkx as nx
import pytest
from rdflib import Graph

from graph.export import FORMATS, bundle, column_types, export, flatten
from graph.rdf import to_rdf
from web.cli import main

RDF_PARSERS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt"}


@pytest.fixture(scope="module")
def rdf(plan_graph):
    return to_rdf(plan_graph)


@pytest.mark.parametrize("name", list(RDF_PARSERS))
def test_rdf_exports_parse_back_to_the_same_triples(plan_graph, rdf, name):
    (data,) = export(plan_graph, name, rdf=rdf).values()
    back = Graph().parse(data=data, format=RDF_PARSERS[name])
    assert len(back) == len(rdf) > 5000
    assert set(back) == set(rdf)  # no blank nodes, so the sets compare directly


def test_jsonld_has_a_context_with_the_vocabularies(plan_graph, rdf):
    (data,) = export(plan_graph, "jsonld", rdf=rdf).values()
    context = json.loads(data)["@context"]
    assert context["pkg"] == "https://policykg.example/ns#"
    assert context["org"] == "http://www.w3.org/ns/org#" and context["skos"].endswith("/skos/core#")


def test_graphml_loads_in_networkx_with_scalar_attributes(plan_graph):
    (data,) = export(plan_graph, "graphml").values()
    loaded = nx.read_graphml(io.BytesIO(data))
    assert loaded.number_of_nodes() == plan_graph.number_of_nodes()
    assert loaded.number_of_edges() == plan_graph.number_of_edges()
    task = loaded.nodes["task:jiangxi-cast-reform-2021-2025/4.8.2"]
    assert (
        task["type"] == "Task" and task["unit_id"] == "4.8.2" and task["label"].endswith("加强对科技工作者的联系服务")
    )
    assert isinstance(task["source_start"], int) and isinstance(task["order"], int)
    assert json.loads(loaded.nodes["department:省院士专家服务中心"]["aliases"]) == ["院士专家服务中心"]
    roles = {d["role"] for _, _, d in loaded.edges(data=True) if d["type"] == "responsible_for"}
    assert roles == {"lead", "supporting"}
    for _, attrs in loaded.nodes(data=True):
        assert all(isinstance(v, str | int | float | bool) for v in attrs.values())


def _table(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_neo4j_csv_has_the_headers_neo4j_admin_expects(plan_graph):
    files = export(plan_graph, "neo4j-csv")
    assert set(files) == {"nodes.csv", "relationships.csv"}
    nodes, rels = _table(files["nodes.csv"]), _table(files["relationships.csv"])
    assert nodes[0][:4] == ["id:ID", "name", "type", ":LABEL"]
    assert rels[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert {"order:int", "source_start:int", "aliases:string[]", "value:double"} <= set(nodes[0])
    assert {"order:int", "span_start:int", "role", "sentence"} <= set(rels[0])
    assert all(":" not in h or h.split(":")[1] in ("ID", "LABEL", "int", "double", "string[]") for h in nodes[0])
    assert len(nodes) - 1 == plan_graph.number_of_nodes() and len(rels) - 1 == plan_graph.number_of_edges()
    ids = [row[0] for row in nodes[1:]]
    assert len(set(ids)) == len(ids) and {r[0] for r in rels[1:]} | {r[1] for r in rels[1:]} <= set(ids)
    assert {r[2] for r in rels[1:]} >= {"PART_OF", "RESPONSIBLE_FOR", "MENTIONS", "BASED_ON"}
    dept = next(dict(zip(nodes[0], row, strict=True)) for row in nodes[1:] if row[0] == "department:省院士专家服务中心")
    assert dept[":LABEL"] == "Department" and dept["aliases:string[]"] == "院士专家服务中心"


def test_flattening_gives_one_type_per_column():
    flat = flatten(
        {"id": "4.1", "label": "（一）1", "span": {"start": 1, "end": 2}, "year": None, "tags": ["a"], "path": "/x"}
    )
    assert flat == {"unit_id": "4.1", "marker": "（一）1", "span_start": 1, "span_end": 2, "tags": ["a"]}
    types = column_types([{"value": 1, "x": "a", "l": ["a;b"]}, {"value": 2.5, "x": 3, "l": ["c"]}])
    assert types == {"l": "string", "value": "float", "x": "string"}


def test_bundle_zips_several_files():
    assert bundle({"a.ttl": b"x"}) == b"x"
    with zipfile.ZipFile(io.BytesIO(bundle({"nodes.csv": b"a", "relationships.csv": b"b"}))) as zf:
        assert sorted(zf.namelist()) == ["nodes.csv", "relationships.csv"]


def test_export_command_writes_every_format(built_home, tmp_path, capsys):
    for name in FORMATS:
        target = tmp_path / ("neo4j" if name == "neo4j-csv" else f"out.{name}")
        assert main(["export", "--format", name, "-o", str(target)]) == 0
        out = capsys.readouterr().out
        assert f"exported {name}" in out
        if name in RDF_PARSERS:
            triples = int(out.split(": ")[1].split(" triples")[0])
            assert len(Graph().parse(target, format=RDF_PARSERS[name])) == triples
    assert (tmp_path / "neo4j" / "nodes.csv").exists() and (tmp_path / "neo4j" / "relationships.csv").exists()
    assert nx.read_graphml(tmp_path / "out.graphml").number_of_nodes() > 200
    assert main(["export", "--format", "ttl", "-o", str(tmp_path), "--base", "http://example.org/kg/"]) == 0
    assert "http://example.org/kg/" in (tmp_path / "policykg.ttl").read_text(encoding="utf-8")


def test_export_command_errors_are_one_line(tmp_path, capsys, monkeypatch, built_home):
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert main(["export", "--format", "neo4j-csv", "-o", str(target)]) == 1
    assert "not a directory" in capsys.readouterr().err
    assert main(["export", "--format", "ttl", "-o", str(tmp_path / "x.ttl"), "--base", "nope"]) == 1
    assert "base IRI" in capsys.readouterr().err
    monkeypatch.setenv("POLICYKG_HOME", str(tmp_path / "empty"))
    assert main(["export", "--format", "ttl", "-o", str(tmp_path / "x.ttl")]) == 1
    err = capsys.readouterr().err
    assert "policykg build" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.ttl").exists()
