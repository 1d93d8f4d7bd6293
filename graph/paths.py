"""Shortest connections between two entities, through tasks and relations (not document structure)."""

from __future__ import annotations

import networkx as nx

# Structure (part_of) and figures would connect everything to everything; leave them out.
SKIP_NODES = ("Document", "Part", "Section", "Item", "Figure")
MAX_PATHS = 3

_views: dict[int, tuple[nx.MultiDiGraph, nx.Graph]] = {}


def entity_view(graph: nx.MultiDiGraph) -> nx.Graph:
    """An undirected view of ``graph`` without structure nodes and ``part_of`` edges (cached per graph)."""
    cached = _views.get(id(graph))
    if cached is not None and cached[0] is graph:
        return cached[1]
    keep = [n for n, a in graph.nodes(data=True) if a.get("type") not in SKIP_NODES]
    view = nx.Graph()
    view.add_nodes_from(keep)
    for u, v, d in graph.edges(data=True):
        if d["type"] != "part_of" and u in view and v in view:
            view.add_edge(u, v)
    _views.clear()  # one graph is live at a time; a rebuilt graph replaces the old view
    _views[id(graph)] = (graph, view)
    return view


def shortest_paths(graph: nx.MultiDiGraph, a: str, b: str, limit: int = MAX_PATHS) -> list[list[str]]:
    """Up to ``limit`` shortest paths from ``a`` to ``b`` as lists of node ids; [] when unconnected."""
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
