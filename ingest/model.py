"""Typed records passed from ingest to graph.

Offsets named ``start``/``end`` inside a :class:`Document` are positions in its
repaired text (``Document.text``); ``Document.source_span`` maps them back to the
original file, so every node and edge can cite the exact source characters.
"""

from __future__ import annotations

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
    """A structural unit: part, section, item (numbered) or paragraph."""

    doc: str
    id: str
    kind: str  # part | section | item | paragraph
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
    type: str  # Department | Programme | Organisation | Policy | Place | Figure
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
class Document:
    id: str
    path: str
    encoding: str
    original: str  # decoded file text (without BOM)
    text: str  # repaired text
    offsets: Sequence[int]  # offsets[i] = position in ``original`` of text[i]; len(text)+1 entries
    title: str = ""
    issuer: str = ""
    number: str = ""
    date: str = ""
    units: list[Unit] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # short policy name -> full title
    warnings: list[str] = field(default_factory=list)

    def source_span(self, start: int, end: int) -> Span:
        """Original-file span covering repaired text[start:end]."""
        if end <= start:
            pos = self.offsets[start]
            return Span(pos, pos)
        return Span(self.offsets[start], self.offsets[end - 1] + 1)

    def unit(self, unit_id: str) -> Unit:
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        raise KeyError(unit_id)

    def sentence_at(self, pos: int) -> Sentence | None:
        for unit in self.units:
            for sent in unit.sentences:
                if sent.start <= pos < sent.end:
                    return sent
        return None


class IngestError(Exception):
    """A document cannot be read; the message is one line meant for the user."""
