"""Two graphs holding the same nodes and edges, added in different orders, come out equal."""

from __future__ import annotations

import networkx as nx

from graph.order import node_order, put_in_order
from graph.schema import EdgeType, NodeType
from graph.store import to_json


def _graph(reverse: bool) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(documents=["a", "b"])
    nodes = [
        ("programme:甲", {"type": NodeType.PROGRAMME, "name": "甲"}),
        ("doc:b", {"type": NodeType.DOCUMENT, "doc": "b"}),
        ("task:b/1", {"type": NodeType.TASK, "doc": "b", "order": 0}),
        ("figure:a/5", {"type": NodeType.FIGURE, "doc": "a"}),
        ("doc:a", {"type": NodeType.DOCUMENT, "doc": "a"}),
        ("task:a/1", {"type": NodeType.TASK, "doc": "a", "order": 0}),
        ("task:a/2", {"type": NodeType.TASK, "doc": "a", "order": 1}),
        ("department:乙", {"type": NodeType.DEPARTMENT, "name": "乙"}),
    ]
    edges = [
        ("task:a/1", "doc:a", EdgeType.PART_OF),
        ("task:a/2", "doc:a", EdgeType.PART_OF),
        ("task:b/1", "doc:b", EdgeType.PART_OF),
        ("task:a/1", "programme:甲", "mentions@3"),
        ("task:b/1", "programme:甲", "mentions@9"),
        ("department:乙", "task:b/1", EdgeType.RESPONSIBLE_FOR),
        ("department:乙", "task:a/2", EdgeType.RESPONSIBLE_FOR),
        ("task:a/1", "figure:a/5", "figure"),
    ]
    if reverse:  # units of one document still come in their order
        nodes = nodes[::-1]
        nodes[1], nodes[2] = nodes[2], nodes[1]
        edges = edges[::-1]
    for node, attrs in nodes:
        graph.add_node(node, **attrs)
    for source, target, key in edges:
        graph.add_edge(source, target, key=key)
    return graph


def test_documents_in_corpus_order_with_their_units_then_entities_then_figures():
    assert node_order(_graph(False)) == [
        "doc:a",
        "task:a/1",
        "task:a/2",
        "doc:b",
        "task:b/1",
        "department:乙",
        "programme:甲",
        "figure:a/5",
    ]


def test_the_same_graph_added_in_another_order_is_equal_to_the_byte():
    first, second = _graph(False), _graph(True)
    assert to_json(first) != to_json(second)
    assert to_json(put_in_order(first)) == to_json(put_in_order(second))


def test_edges_follow_the_rank_of_their_other_end():
    graph = put_in_order(_graph(True))
    assert list(graph.successors("department:乙")) == ["task:a/2", "task:b/1"]
    assert list(graph.predecessors("programme:甲")) == ["task:a/1", "task:b/1"]
    assert list(graph.successors("task:a/1")) == ["doc:a", "programme:甲", "figure:a/5"]
