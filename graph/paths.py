"""Shortest connections between two entities, through tasks and relations (not document structure)."""

from __future__ import annotations

import networkx as nx

from .schema import STRUCTURE_TYPES, EdgeType

MAX_PATHS = 3


def entity_view(graph: nx.MultiDiGraph) -> nx.Graph:
    """An undirected view of ``graph`` without structure nodes and ``part_of`` edges, which would
    connect everything to everything. Building it reads every edge: callers that ask for many paths
    keep one per loaded graph and pass it in."""
    view: nx.Graph = nx.Graph()
    view.add_nodes_from(n for n, a in graph.nodes(data=True) if a.get("type") not in STRUCTURE_TYPES)
    view.add_edges_from(
        (u, v) for u, v, d in graph.edges(data=True) if d["type"] != EdgeType.PART_OF and u in view and v in view
    )
    return view


def shortest_paths(
    graph: nx.MultiDiGraph, a: str, b: str, limit: int = MAX_PATHS, view: nx.Graph | None = None
) -> list[list[str]]:
    """Up to ``limit`` shortest paths from ``a`` to ``b`` as lists of node ids; [] when unconnected."""
    if view is None:
        view = entity_view(graph)
    if a not in view or b not in view:
        return []
    paths: list[list[str]] = []
    try:
        for path in nx.all_shortest_paths(view, a, b):
            paths.append(path)
            if len(paths) == limit:
                break
    except nx.NetworkXNoPath:
        return []
    return paths
