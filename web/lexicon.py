"""The words the pages use, from ``data/lexicon/pages.json`` (or ``$POLICYKG_LEXICON/pages.json``):
example queries filled in from the built graph, and what marks a question."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx

from graph.schema import NodeType
from ingest.lexicon import DEFAULT_DIR

SLOT = re.compile(r"\{(\w+?)(\d*)\}")  # {Programme} the most linked programme, {Programme2} the second


@dataclass(frozen=True)
class PageWords:
    examples: tuple[str, ...]
    question_marks: tuple[str, ...]
    question_words: tuple[str, ...]


def words_path() -> Path:
    folder = os.environ.get("POLICYKG_LEXICON")
    return (Path(folder) if folder else DEFAULT_DIR) / "pages.json"


@lru_cache(maxsize=4)
def _load(path: str) -> PageWords:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return PageWords(
        tuple(data.get("examples", [])), tuple(data.get("question_marks", [])), tuple(data.get("question_words", []))
    )


def page_words() -> PageWords:
    return _load(str(words_path()))


def most_linked(graph: nx.MultiDiGraph, type_: str) -> list[str]:
    """Names of the entities of ``type_``, the most linked first."""
    nodes = [n for n, a in graph.nodes(data=True) if a.get("type") == type_]
    nodes.sort(key=lambda n: (-graph.degree(n), graph.nodes[n]["name"]))
    return [graph.nodes[n]["name"] for n in nodes]


def examples(graph: nx.MultiDiGraph, templates: tuple[str, ...]) -> list[str]:
    """The templates with their slots filled from ``graph``; those it cannot fill are left out."""
    ranked: dict[str, list[str]] = {}
    out = []
    for template in templates:
        filled = template
        for m in SLOT.finditer(template):
            type_, rank = m.group(1), int(m.group(2) or 1)
            if type_ not in NodeType.__members__.values():
                raise ValueError(f"{words_path()}: unknown node type in example slot {m.group(0)}")
            names = ranked.setdefault(type_, most_linked(graph, type_))
            if len(names) < rank:
                break
            filled = filled.replace(m.group(0), names[rank - 1], 1)
        else:
            out.append(filled)
    return out


def looks_like_question(text: str, intent: str | None) -> bool:
    """A question the graph understood, or one by its end mark or question words."""
    words = page_words()
    stripped = text.strip()
    return (
        (intent is not None and intent != "search")
        or stripped.endswith(words.question_marks)
        or any(w in stripped for w in words.question_words)
    )
