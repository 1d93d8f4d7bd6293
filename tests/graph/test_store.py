"""The graph file: plain JSON, written atomically, refused with a clear message when unusable."""

from __future__ import annotations

import os
import stat

import networkx as nx
import pytest

from graph.store import CHUNK, GraphMissing, atomic_open, atomic_write, from_json, load_graph, save_graph, to_json


def tiny() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(build_id="b1")
    graph.add_node("task:d/1.1", type="Task", id="1.1", text="任务", source={"start": 0, "end": 2})
    graph.add_node("department:学会部", type="Department", name="学会部")
    graph.add_edge("department:学会部", "task:d/1.1", key="r0", type="responsible_for", role="lead")
    graph.add_edge("department:学会部", "task:d/1.1", key="r1", type="responsible_for", role="supporting")
    return graph


def test_round_trip_keeps_attributes_parallel_edges_and_reserved_names(tmp_path):
    graph, path = tiny(), tmp_path / "graph.json"
    assert save_graph(graph, path) == path.stat().st_size
    again = load_graph(path)
    assert again.graph == {"build_id": "b1"}
    assert dict(again.nodes(data=True)) == dict(graph.nodes(data=True))  # a unit's own "id" survives
    assert sorted(again.edges(keys=True, data=True)) == sorted(graph.edges(keys=True, data=True))


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "graph.json"
    atomic_write(path, b"old")
    with pytest.raises(RuntimeError):
        with atomic_open(path) as fh:
            fh.write(b"half of the new")
            raise RuntimeError("disk full")
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["graph.json"]


def test_written_files_get_the_usual_permissions(tmp_path):
    path = tmp_path / "graph.json"
    atomic_write(path, b"{}")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_unknown_format_is_refused():
    data = to_json(tiny())
    with pytest.raises(GraphMissing, match="unknown format"):
        from_json({**data, "version": 99})
    with pytest.raises(GraphMissing, match="unknown format"):
        from_json({**data, "format": "something-else"})


@pytest.mark.parametrize("content", [None, b"{not json", b"\xff\xfe\x00garbage", b"[1, 2]"])
def test_missing_or_unreadable_files_tell_the_user_to_build(tmp_path, content):
    path = tmp_path / "graph.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(GraphMissing, match="policykg build"):
        load_graph(path)


@pytest.mark.parametrize("size", [0, 1, CHUNK, CHUNK + 1])
def test_the_file_written_in_chunks_is_the_graph_as_json(tmp_path, size):
    import json

    graph = nx.MultiDiGraph(built="t", documents=["甲"])
    for i in range(size):
        graph.add_node(f"n{i}", name=f"节点{i}", sentences=[[0, 1, 2, 3]])
        graph.add_edge(f"n{i}", "n0", key=f"k{i}", type="part_of", span={"start": i, "end": i + 1})
    path = tmp_path / "graph.json"
    written = save_graph(graph, path)
    assert written == path.stat().st_size
    assert json.loads(path.read_text(encoding="utf-8")) == to_json(graph)
    back = load_graph(path)
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert list(back.edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))


def test_a_loaded_graph_behaves_as_one_made_edge_by_edge(tmp_path):
    graph = nx.MultiDiGraph(documents=["a"])
    graph.add_node("doc:a", type="Document", name="甲")
    graph.add_edge("task:a/1", "doc:a", key="part_of", type="part_of")
    graph.add_edge("task:a/1", "programme:乙", key="mentions@3", type="mentions")
    graph.add_edge("task:a/1", "programme:乙", key="mentions@9", type="mentions")
    save_graph(graph, tmp_path / "g.json")
    loaded = load_graph(tmp_path / "g.json")
    assert to_json(loaded) == to_json(graph)
    assert list(loaded.predecessors("programme:乙")) == ["task:a/1"]
    loaded.remove_edge("task:a/1", "programme:乙", key="mentions@3")
    assert list(loaded.in_edges("programme:乙", keys=True)) == [("task:a/1", "programme:乙", "mentions@9")]
    loaded.remove_node("task:a/1")
    assert loaded.in_degree("doc:a") == 0 and loaded.out_degree("programme:乙") == 0
    loaded.add_edge("doc:a", "programme:乙", key="cites", type="cites")
    assert loaded.has_edge("doc:a", "programme:乙", key="cites") and "doc:a" in loaded.pred["programme:乙"]
