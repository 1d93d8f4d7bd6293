"""Typed records passed from ingest to graph.

Offsets named ``start``/``end`` inside a :class:`Document` are positions in its
repaired text (``Document.text``); ``Document.source_span`` maps them back to the
original file, so every node and edge can cite the exact source characters.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass
class Sentence:
    text: str
    start: int
    end: int


@dataclass
class Unit:
    """A structural unit: a numbered or headed division of the text, or a plain paragraph."""

    doc: str
    id: str
    # plans: part 一、 | section （一） | item 1. | subitem （1）; laws: part 第一编 | chapter 第一章 |
    # section 第一节 | article 第一条; paragraph: text outside numbered units. Markdown headings
    # without numbers take the kind of the rank they open (structure.json: heading_kinds).
    kind: str
    label: str
    title: str
    start: int
    end: int
    parent: str | None
    number: int | None = None
    is_task: bool = False
    departments: list[str] = field(default_factory=list)  # raw names, order kept
    roles: list[str] = field(default_factory=list)  # lead | supporting per department
    department_spans: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class Mention:
    type: str  # Department | Programme | Organisation | Policy | Publication | Place | Figure
    surface: str
    start: int
    end: int
    unit: str  # id of the innermost unit holding the mention
    attrs: dict = field(default_factory=dict)


@dataclass
class Relation:
    """A typed link found by a trigger word (based_on, implements, amends)."""

    type: str
    source_unit: str | None  # None: the document itself
    policy_surface: str
    trigger: str
    start: int  # sentence span
    end: int


@dataclass
class Citation:
    """A document named in 《》 by another: what was written, and what it asks for."""

    title: str  # as written between 《》 (a short name defined by 以下简称 is replaced by its full title)
    key: str  # the normalised title: every way of writing one document's title gives the same key
    type: str  # Policy | Publication
    issuer: str  # the body named before the title or at its head (中共中央国务院关于… → 中共中央、国务院)
    version: str  # the version the title names, as a date prefix ("2024", "2024-12-25"), "" for none
    relation: str  # based_on | implements | amends | cites
    trigger: str  # the word that says so (根据, 落实 …), "" for a plain citation
    version_rule: str  # in_force: the version valid on the citing date; revised_after: 修订后的《…》
    unit: str  # id of the innermost unit holding the citation
    start: int  # the title's span (inside 《》)
    end: int
    sentence_start: int  # the sentence holding it
    sentence_end: int


@dataclass
class Document:
    id: str
    path: str
    encoding: str  # detected text encoding; "" for Word and PDF files
    original: str  # the source's text: the decoded file, or the text extracted from docx/pdf/html
    text: str  # repaired text
    offsets: Sequence[int]  # offsets[i] = position in ``original`` of text[i]; len(text)+1 entries
    format: str = "txt"  # txt | md | docx | pdf | html
    sha256: str = ""  # of the source file's bytes
    title: str = ""
    issuer: str = ""
    number: str = ""
    date: str = ""
    units: list[Unit] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # short policy name -> full title
    warnings: list[str] = field(default_factory=list)

    @property
    def relations(self) -> list[Relation]:
        """Citations that a trigger word types, attached to their task (else to the document)."""
        tasks = {u.id for u in self.units if u.is_task}
        return [
            Relation(
                c.relation,
                c.unit if c.unit in tasks else None,
                c.title,
                c.trigger,
                c.sentence_start,
                c.sentence_end,
            )
            for c in self.citations
            if c.trigger and c.type == "Policy"
        ]

    def source_span(self, start: int, end: int) -> Span:
        """Original-file span covering repaired text[start:end]."""
        return Span(*self.source_range(start, end))

    def source_range(self, start: int, end: int) -> tuple[int, int]:
        """``source_span`` as a plain (start, end) pair, for callers mapping many spans at once."""
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def unit(self, unit_id: str) -> Unit:
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        raise KeyError(unit_id)

    def sentence_at(self, pos: int) -> Sentence | None:
        """The first sentence, in unit order, holding position ``pos`` of the text."""
        index = self.__dict__.get("_sentences")
        if index is None or not index.made_of(self.units):
            index = self.__dict__["_sentences"] = _SentenceIndex(self.units)
        return index.at(pos)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_sentences"}  # an index is made again


class _SentenceIndex:
    """A document's sentences by start, for finding the one holding a position without a scan."""

    def __init__(self, units: list[Unit]):
        self._units = (id(units), len(units))
        ranked = sorted(
            ((s.start, rank, s) for rank, s in enumerate(s for u in units for s in u.sentences)),
            key=lambda item: (item[0], item[1]),
        )
        self._starts = [start for start, _, _ in ranked]
        self._ranked = ranked
        self._longest = max((s.end - s.start for _, _, s in ranked), default=0)

    def made_of(self, units: list[Unit]) -> bool:
        return self._units == (id(units), len(units))

    def at(self, pos: int) -> Sentence | None:
        best: tuple[int, Sentence] | None = None
        i = bisect_right(self._starts, pos) - 1
        while i >= 0 and self._starts[i] > pos - self._longest:  # only a sentence this long can reach
            _, rank, sent = self._ranked[i]
            if pos < sent.end and (best is None or rank < best[0]):
                best = (rank, sent)
            i -= 1
        return best[1] if best is not None else None


class IngestError(Exception):
    """A document cannot be read; the message is one line meant for the user."""
