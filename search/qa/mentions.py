"""What the words of a question name: every name the graph holds, found by longest match, and
what a leftover word is — part of one name, a term of the text, a near miss, or nothing.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.lookup import fold
from graph.schema import ENTITY_TYPES, LEAF_UNIT_TYPES, EdgeType, NodeType
from ingest.document_names import name_forms
from ingest.lexicon import Lexicon, load_lexicon

from .grams import CharGrams
from .model import Match

_DIGIT = re.compile(r"\d")
_SEPARATOR = "\x00"  # between the texts joined for searching (a text holding one has it as a space)


@dataclass(frozen=True)
class Named:
    node: str
    match: Match  # NAME or ALIAS


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    form: str
    named: tuple[Named, ...]


class NameTable:
    """Every canonical name, alias, task id, label and title, and document title and common name
    (2026年中央一号文件, 科普法: ``ingest.document_names``), folded."""

    def __init__(self, graph: nx.MultiDiGraph, suffix_min: int, lexicon: Lexicon | None = None):
        lexicon = lexicon or load_lexicon()
        self.graph = graph
        endings: Counter[tuple[str, str]] = Counter()
        self.forms: dict[str, dict[str, Match]] = {}  # folded form -> node -> how
        self.entity_forms: dict[str, set[str]] = {}  # forms of entities only, for partial names
        for node, a in graph.nodes(data=True):
            type_ = a.get("type")
            if type_ in ENTITY_TYPES:
                target = self.document_of(node) or node
                for form, how in [(a["name"], Match.NAME), *((x, Match.ALIAS) for x in a.get("aliases", []))]:
                    self._add(form, target, how)
                    self.entity_forms.setdefault(fold(form), set()).add(target)
                endings[(type_, fold(a["name"])[-1:])] += 1
            elif type_ == NodeType.TASK:
                for form in (a["id"], a["label"], a["title"]):
                    self._add(form, node, Match.NAME)
            elif type_ == NodeType.DOCUMENT:
                self._add(a["title"], node, Match.NAME)
                for form in name_forms(a["title"], a.get("issuer", ""), a.get("date", ""), lexicon):
                    self._add(form, node, Match.ALIAS)
        self._latest_versions()
        self.longest = max((len(f) for f in self.forms), default=0)
        # Last characters that mark names of a type (学会部, 国际部 … -> 部): a word ending so is a name.
        self.suffixes = {end for (_, end), n in endings.items() if n >= suffix_min and end}

    def _add(self, form: str, node: str, how: Match) -> None:
        key = fold(form)
        if len(key) >= 2:
            held = self.forms.setdefault(key, {})
            if held.get(node) != Match.NAME:
                held[node] = how

    def _latest_versions(self) -> None:
        """A form naming several documents and nothing else (versions of a law, the yearly 中央一号文件)
        names the latest of them: the one in force now."""
        for form, held in self.forms.items():
            nodes = list(held)
            if len(nodes) > 1 and all(self.graph.nodes[n].get("type") == NodeType.DOCUMENT for n in nodes):
                latest = max(nodes, key=lambda n: (self.graph.nodes[n].get("date") or "", n))
                self.forms[form] = {latest: held[latest]}

    def document_of(self, node: str) -> str | None:
        """The document a policy name stands for, when the graph holds that document."""
        return next(
            (v for _, v, d in self.graph.out_edges(node, data=True) if d["type"] == EdgeType.SAME_AS),
            None,
        )

    def display(self, node: str) -> str:
        a = self.graph.nodes[node]
        return str(a["id"] if a["type"] == NodeType.TASK else a.get("name") or a.get("title", node))

    def find(self, text: str) -> list[Found]:
        """Every occurrence of every form in ``text`` (overlapping; the reader picks the longest)."""
        out = []
        for start in range(len(text)):
            for end in range(min(len(text), start + self.longest), start + 1, -1):
                form = text[start:end]
                held = self.forms.get(form)
                if held and _bounded(text, start, end):
                    out.append(Found(start, end, form, tuple(Named(n, m) for n, m in sorted(held.items()))))
        return out

    def containing(self, part: str) -> list[str]:
        """Entities one of whose names holds ``part``, shortest name first."""
        nodes = {n for form, held in self.entity_forms.items() if part in form for n in held}
        return sorted(nodes, key=lambda n: (len(self.display(n)), n))

    def forms_of(self, nodes: list[str]) -> list[str]:
        wanted = set(nodes)
        return [form for form, held in self.entity_forms.items() if held & wanted]

    def looks_like_name(self, text: str) -> bool:
        return len(text) >= 3 and text[-1] in self.suffixes

    def near(self, text: str, cutoff: float) -> list[str]:
        """Names close to a misspelt ``text``: a wrong character (海智计化 -> 海智计划) or the right
        characters in the wrong order (调宣部 -> 宣调部). Only forms of a length that can reach
        ``cutoff`` are compared (two strings share at most the shorter one's characters)."""
        wanted = Counter(text)
        scored = [
            (similarity(text, form, wanted), form)
            for form in self.entity_forms
            if _length_bound(len(text), len(form)) >= cutoff
        ]
        close = [form for score, form in sorted(scored, key=lambda s: (-s[0], s[1])) if score >= cutoff][:5]
        return list(dict.fromkeys(self.display(n) for form in close for n in sorted(self.entity_forms[form])))


def similarity(a: str, b: str, counted: Counter[str] | None = None) -> float:
    """The share of characters both hold, counted with repeats and in any order, so a swapped pair
    of characters still counts as close (2 × shared / total length). It is never below difflib's
    ratio, which counts only characters in the same order. ``counted``: ``Counter(a)`` if made."""
    if not a and not b:
        return 0.0
    common = sum(((counted if counted is not None else Counter(a)) & Counter(b)).values())
    return 2 * common / (len(a) + len(b))


def _length_bound(n: int, m: int) -> float:
    """The highest similarity two strings of lengths ``n`` and ``m`` can have."""
    return 2 * min(n, m) / (n + m) if n + m else 0.0


def _bounded(text: str, start: int, end: int) -> bool:
    """A name that begins or ends with a digit must not run on into more digits (4.1.1 in 4.1.10)."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if _DIGIT.match(text[start]) and (_DIGIT.match(before) or before == "."):
        return False
    runs_on = _DIGIT.match(after) or (after == "." and text[end + 1 : end + 2].isdigit())
    return not (_DIGIT.match(text[end - 1]) and runs_on)


class Texts:
    """The folded text of every task and paragraph: where terms are looked for.

    The texts are also kept joined into one string (with a character no text holds between them),
    so that a term is looked for by one substring search over the corpus rather than one per unit,
    and a term with a run of characters no text holds is not searched for at all (``CharGrams``)."""

    def __init__(self, graph: nx.MultiDiGraph):
        units = [(n, a) for n, a in graph.nodes(data=True) if a.get("type") in LEAF_UNIT_TYPES]
        units.sort(key=lambda u: (u[1].get("doc", ""), u[1].get("order", 0), u[0]))
        self.units = [(n, a["type"], fold(a.get("text", "")).replace(_SEPARATOR, " ")) for n, a in units]
        self.task_count = sum(1 for _, t, _ in self.units if t == NodeType.TASK)
        self._joined = _SEPARATOR.join(text for _, _, text in self.units)
        self._grams = CharGrams(self._joined)
        self._starts = [0]  # where each unit begins in the joined text, and where a next one would
        for _, _, text in self.units:
            self._starts.append(self._starts[-1] + len(text) + 1)

    def _hits(self, term: str, every: bool = True) -> Iterator[tuple[int, int]]:
        """(unit, offset in its text) of the occurrences of ``term`` in unit order: every one, or
        (``every`` false) the first in each unit that holds it."""
        if not term:
            yield from ((u, 0) for u in range(len(self.units)))
            return
        if _SEPARATOR in term or not self._grams.may_hold(term):  # no text holds it
            return
        at = self._joined.find(term)
        while at >= 0:
            unit = bisect.bisect_right(self._starts, at) - 1
            yield unit, at - self._starts[unit]
            at = self._joined.find(term, at + 1 if every else self._starts[unit + 1])

    def containing(self, term: str) -> list[int]:
        """Indices (into ``units``) of the units whose text holds ``term``, in order."""
        return [unit for unit, _ in self._hits(term, every=False)]

    def occurs(self, term: str) -> bool:
        return next(self._hits(term), None) is not None

    def tasks_containing(self, term: str) -> list[str]:
        return [self.units[i][0] for i in self.containing(term) if self.units[i][1] == NodeType.TASK]

    def share(self, term: str) -> float:
        """The share of tasks whose text holds ``term``."""
        return len(self.tasks_containing(term)) / self.task_count if self.task_count else 0.0

    def occurs_outside(self, term: str, forms: list[str]) -> bool:
        """Whether ``term`` occurs somewhere that is not inside one of ``forms`` (names holding it)."""
        holders = [(form, k) for form in forms for k in positions(form, term)]
        for unit, i in self._hits(term):
            text = self.units[unit][2]
            if not any(i >= k and text.startswith(form, i - k) for form, k in holders):
                return True
        return False


def positions(text: str, part: str) -> list[int]:
    out, i = [], text.find(part)
    while i >= 0:
        out.append(i)
        i = text.find(part, i + 1)
    return out


class Words:
    """jieba words with their part of speech, loaded on first use (a second or so)."""

    def __init__(self, content_tags: frozenset[str]):
        self.content_tags = content_tags
        self._cut: Callable[[str], list[Any]] | None = None
        self._lock = threading.Lock()

    def cut(self, text: str) -> list[tuple[str, str]]:
        with self._lock:
            if self._cut is None:
                import jieba
                import jieba.posseg

                jieba.setLogLevel(logging.WARNING)
                self._cut = jieba.posseg.POSTokenizer(jieba.Tokenizer()).lcut
            cut = self._cut
        return [(w.word, w.flag) for w in cut(text)]

    def has_content(self, text: str) -> bool:
        """Whether ``text`` holds a noun-like word (not only verbs, particles, numbers)."""
        return any(flag in self.content_tags for _, flag in self.cut(text))

    def bounds(self, text: str) -> list[int]:
        """Offsets where words of ``text`` begin, and its end."""
        out, at = [], 0
        for word, _ in self.cut(text):
            out.append(at)
            at += len(word)
        return [*out, len(text)]
