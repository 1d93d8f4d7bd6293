"""One order of a graph's nodes and edges, whatever order they were added in.

A graph built whole and the same graph made by changing the previous version (``graph.patch``)
hold the same nodes and edges, added in different orders; networkx keeps insertion order, which
then shows in graph.json, in the search index's units and in every list read off the graph. Both
are put in this order, so they are equal to the byte:

- documents in corpus order (``graph.graph["documents"]``), each followed by its units, then the
  corpus's entities by id, then the figures document by document (units and figures of one
  document keep the order they were added in, which is the document's);
- each node's edges by the rank of the node at their other end, in that order.

The dictionaries are reordered in place, so views networkx has cached stay valid.
"""

from __future__ import annotations

from collections.abc import Container

import networkx as nx

from .schema import NodeType


def _reorder(table: dict, items: list) -> None:
    table.clear()
    table.update(items)


def node_order(graph: nx.MultiDiGraph) -> list:
    """The nodes in the order above."""
    docs: dict[str, list] = {doc: [] for doc in graph.graph.get("documents", [])}
    figures: dict[str, list] = {doc: [] for doc in docs}
    entities = []
    for node, attrs in graph.nodes(data=True):
        doc = attrs.get("doc")
        if doc is None:
            entities.append(node)
        elif attrs["type"] == NodeType.FIGURE:
            figures.setdefault(doc, []).append(node)
        elif attrs["type"] == NodeType.DOCUMENT:
            docs.setdefault(doc, []).insert(0, node)
        else:
            docs.setdefault(doc, []).append(node)
    entities.sort()
    return [n for nodes in docs.values() for n in nodes] + entities + [n for nodes in figures.values() for n in nodes]


def put_in_order(graph: nx.MultiDiGraph, settled: Container[str] = ()) -> nx.MultiDiGraph:
    """``graph`` with its nodes and edges in the canonical order (changed in place, and returned).

    ``settled``: documents whose units and figures are known to have their edges in order already
    (kept as they were from a graph in this order: their neighbours are their own document's nodes,
    entities and figures, whose order among themselves no other document changes)."""
    order = node_order(graph)
    rank = {node: i for i, node in enumerate(order)}
    tables = vars(graph)  # networkx's own dictionaries: nodes, successors, predecessors
    nodes, succ, pred = tables["_node"], tables["_succ"], tables["_pred"]
    _reorder(nodes, [(n, nodes[n]) for n in order])
    unsettled = [
        n for n, attrs in nodes.items() if attrs.get("type") == NodeType.DOCUMENT or attrs.get("doc") not in settled
    ]
    for table in (succ, pred):
        _reorder(table, [(n, table[n]) for n in order])
        for node in unsettled:
            neighbours = table[node]
            if len(neighbours) > 1:
                _reorder(neighbours, sorted(neighbours.items(), key=lambda item: rank[item[0]]))
    return graph
