"""The graph signal: entities named in the query lift the units the graph links them to.

A department, a programme, an organisation, a policy or a place named in the query (by canonical
name, alias or the folded form of either) lifts every unit that mentions it or that the
department is responsible for. The lift is the entity's specificity, an IDF over units in 0..1,
so 海智计划 (two tasks) counts for much more than 江西省 (half the document).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from graph.lookup import fold
from graph.schema import ENTITY_TYPES


@dataclass
class EntityMatch:
    start: int
    end: int
    node: str
    name: str
    weight: float


class EntityTable:
    def __init__(self, entities: list[dict], unit_links: list[list[str]]):
        """``entities``: {"node", "name", "type", "aliases"}; ``unit_links``: linked nodes per unit."""
        self.entities = {e["node"]: e for e in entities}
        self.names: dict[str, set[str]] = {}
        for e in entities:
            for name in [e["name"], *e.get("aliases", [])]:
                key = fold(name).lower()
                if len(key) >= 2:
                    self.names.setdefault(key, set()).add(e["node"])
        self.longest = max((len(k) for k in self.names), default=0)
        members: dict[str, list[int]] = {}
        for i, links in enumerate(unit_links):
            for node in links:
                members.setdefault(node, []).append(i)
        self.units = {node: np.asarray(idx, dtype=np.int64) for node, idx in members.items()}
        self.size = len(unit_links)

    def weight(self, node: str) -> float:
        df = len(self.units.get(node, ()))
        if not df or self.size < 2:
            return 0.0
        return max(0.0, math.log((self.size + 1) / (df + 0.5)) / math.log(self.size + 1))

    def find(self, query: str) -> list[EntityMatch]:
        """Entity names in the (folded) query, longest first, without overlaps."""
        text = fold(query).lower()
        spans = []
        for i in range(len(text)):
            for j in range(min(len(text), i + self.longest), i + 1, -1):
                if text[i:j] in self.names:
                    spans.append((i, j))
        taken: set[int] = set()
        found = []
        for i, j in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
            if taken & set(range(i, j)):
                continue
            taken |= set(range(i, j))
            for node in sorted(self.names[text[i:j]]):
                found.append(EntityMatch(i, j, node, self.entities[node]["name"], self.weight(node)))
        return sorted(found, key=lambda m: (m.start, m.node))

    def signal(self, matches: list[EntityMatch]) -> np.ndarray:
        """Per unit: the largest weight among the matched entities it is linked to."""
        lift = np.zeros(self.size, dtype=np.float64)
        for m in matches:
            idx = self.units.get(m.node)
            if idx is not None and m.weight > 0:
                lift[idx] = np.maximum(lift[idx], m.weight)
        return lift


def entities_from_graph(graph, extra_aliases: dict[str, list[str]] | None = None) -> list[dict]:
    """Entity records for the table; ``extra_aliases`` (canonical name -> aliases, from the lexicon)
    adds the short forms the graph does not record, such as 海智 for 海智计划."""
    extra = extra_aliases or {}
    out = []
    for n, a in graph.nodes(data=True):
        if a.get("type") in ENTITY_TYPES:
            aliases = list(dict.fromkeys([*a.get("aliases", []), *extra.get(a["name"], [])]))
            out.append({"node": n, "name": a["name"], "type": a["type"], "aliases": aliases})
    return out
