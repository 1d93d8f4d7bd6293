"""Find entities by canonical name, alias or partial name; suggest close names otherwise."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import networkx as nx

from .schema import ENTITY_TYPES, NodeType


def fold(text: str) -> str:
    """Full-width to half-width, quotes and spaces removed: the form names are compared in."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s“”\"'‘’《》「」]", "", text)


@dataclass
class Match:
    nodes: list[str] = field(default_factory=list)  # one: resolved; several: ambiguous, shortest name first
    suggestions: list[str] = field(default_factory=list)  # close names when nothing matched


class EntityIndex:
    """Entities of ``types`` by their folded names and aliases; documents (unless ``types`` holds them
    too) by their whole title or one of their common names (中央一号文件) that no entity has, never
    by a part of one."""

    def __init__(self, graph: nx.MultiDiGraph, types: tuple[str, ...] = ENTITY_TYPES):
        self.graph = graph
        self.names: dict[str, set[str]] = {}
        self.documents: dict[str, set[str]] = {}
        for node, attrs in graph.nodes(data=True):
            if attrs.get("type") in types:
                table = self.names
            elif attrs.get("type") == NodeType.DOCUMENT:
                table = self.documents
            else:
                continue
            for name in [attrs["name"], *attrs.get("aliases", [])]:
                table.setdefault(fold(name), set()).add(node)

    def display(self, node: str) -> str:
        return self.graph.nodes[node]["name"]

    def lookup(self, query: str) -> Match:
        key = fold(query)
        if not key:
            return Match()
        for table in (self.names, self.documents):  # an entity of the name first, as before documents had names
            if key in table:
                return Match(sorted(table[key]))
        # A partial name (科协党校 -> 江西省科协党校); several holders make the name ambiguous.
        inside = {n for name, nodes in self.names.items() if key in name for n in nodes}
        if len(key) >= 2 and inside:
            return Match(sorted(inside, key=lambda n: (len(self.display(n)), n)))
        near = difflib.get_close_matches(key, list(self.names), n=5, cutoff=0.5)
        return Match([], sorted({self.display(n) for name in near for n in self.names[name]}))
