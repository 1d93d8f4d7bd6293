"""Turn repaired paragraphs into parts, sections, items, tasks and paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .extract.departments import responsibility_names
from .lexicon import Lexicon, Scheme, chinese_number
from .model import Sentence, Unit
from .normalise import Normalised, Paragraph


@dataclass
class _Open:
    unit: Unit
    rank: int
    heading: int  # Markdown level of an unnumbered heading, 0 for numbered units
    own: list[Paragraph] = field(default_factory=list)
    children: int = 0


def split_sentences(text: str, start: int, end: int, enders: str) -> list[Sentence]:
    """Sentences of text[start:end], split after any of ``enders`` or at a line break."""
    out, begin = [], start
    for i in range(start, end):
        ch = text[i]
        if ch in enders or ch == "\n" or i == end - 1:
            stop = i + 1 if ch != "\n" else i
            piece = text[begin:stop]
            lead = len(piece) - len(piece.lstrip())
            if piece.strip():
                out.append(Sentence(piece.strip(), begin + lead, begin + lead + len(piece.strip())))
            begin = i + 1
    return out


def _title(text: str, limit: int) -> str:
    """A unit's title: its first sentence, or its first clause when that sentence runs long."""
    first = re.split("[。！？]", text, maxsplit=1)[0].strip()
    if len(first) > limit:
        clause = re.split("[，；：]", first, maxsplit=1)[0]
        first = clause if len(clause) <= limit else first[:limit] + "…"
    return first


class _Builder:
    """Units from paragraphs in order. Numbered lines open units of their scheme's ranks; in a
    document without numbering, Markdown headings (after the title) open the units instead."""

    def __init__(self, doc_id: str, norm: Normalised, lexicon: Lexicon):
        self.doc_id, self.norm, self.lexicon = doc_id, norm, lexicon
        self.text = norm.text
        lines = [norm.text[p.start : p.end] for p in norm.paragraphs]
        self.scheme: Scheme = lexicon.scheme_for(lines)
        self.by_headings = not any(self.scheme.match(line) for line in lines)
        self.heading_kinds: list[str] = lexicon.structure["heading_kinds"]
        self.units: list[Unit] = []
        self.stack: list[_Open] = []
        self.front: list[Paragraph] = []
        self.closed: list[_Open] = []
        self.ids: set[str] = set()
        self.top_level = 0  # units opened at the top, for the ids of unnumbered ones
        self.limit = lexicon.structure["title_max_chars"]

    def _unique(self, unit_id: str) -> str:
        candidate, n = unit_id, 2
        while candidate in self.ids:
            candidate, n = f"{unit_id}_{n}", n + 1
        self.ids.add(candidate)
        return candidate

    def _close_to(self, rank: int) -> None:
        while self.stack and self.stack[-1].rank >= rank:
            self.closed.append(self.stack.pop())

    def _label(self, kind: str, marker_text: str, number: int) -> str:
        if kind in ("item", "subitem"):
            for open_ in reversed(self.stack):
                if open_.unit.kind == "section" and open_.heading == 0:
                    return f"{open_.unit.label}{number}"
            if self.stack:
                return f"{self.stack[-1].unit.label}{number}"
        return marker_text

    def _push(
        self, kind: str, rank: int, key: str | None, label: str, title: str, para: Paragraph, heading: int
    ) -> None:
        """Open a unit; ``key`` is its number as an id step, None for an unnumbered heading."""
        parent = self.stack[-1] if self.stack else None
        if parent:
            parent.children += 1
        else:
            self.top_level += 1
        number = int(key.split("-")[0]) if key else None
        key = key or f"h{parent.children if parent else self.top_level}"
        unit_id = self._unique(f"{parent.unit.id}.{key}" if parent else key)
        unit = Unit(
            self.doc_id, unit_id, kind, label, title, para.start, para.end, parent.unit.id if parent else None, number
        )
        self.units.append(unit)
        self.stack.append(_Open(unit, rank, heading, [para]))

    def feed(self, para: Paragraph, first: bool) -> None:
        line = self.text[para.start : para.end]
        found = self.scheme.match(line)
        if found:
            marker, m = found
            groups = m.groupdict()
            number = chinese_number(groups["num"]) if groups.get("num") else None
            key = None if number is None else str(number)
            if key and groups.get("sub"):  # 第十七条之一
                key = f"{key}-{chinese_number(groups['sub'])}"
            self._close_to(marker.rank)
            label = self._label(marker.kind, m.group().strip(), number or 0)
            title = _title(line[m.end() :].strip(), self.limit)
            self._push(marker.kind, marker.rank, key, label, title, para, 0)
            return
        if para.heading and (self.stack or (self.by_headings and not first)):
            # An unnumbered sub-heading (### 工作原则) sits one rank below the unit it follows; in a
            # document without numbering every heading but the title opens a unit.
            while self.stack and self.stack[-1].heading and self.stack[-1].heading >= para.heading:
                self.closed.append(self.stack.pop())
            rank = self.stack[-1].rank + 1 if self.stack else 0
            kinds = self.heading_kinds if self.by_headings else self.scheme.ranks
            depth = len(self.stack) if self.by_headings else rank
            if (self.stack or self.by_headings) and depth < len(kinds):
                self._push(kinds[depth], rank, None, line, _title(line, self.limit), para, para.heading)
                return
        if self.stack:
            self.stack[-1].own.append(para)
        else:
            self.front.append(para)

    def finish(self) -> tuple[list[Unit], list[Paragraph]]:
        self._close_to(-1)
        by_id = {u.id: u for u in self.units}
        for open_ in self.closed:  # extend every unit over its descendants
            unit = open_.unit
            unit.end = max([unit.end] + [p.end for p in open_.own])
            parent = by_id.get(unit.parent) if unit.parent else None
            while parent:
                parent.end = max(parent.end, unit.end)
                parent = by_id.get(parent.parent) if parent.parent else None
        return self.units, self.front

    def own_paragraphs(self) -> dict[str, list[Paragraph]]:
        return {o.unit.id: o.own for o in self.closed}


def _assign_responsibility(unit: Unit, own: list[Paragraph], text: str, lexicon: Lexicon) -> None:
    for spec in lexicon.structure["responsibility"]:
        for para in own:
            for line in re.finditer(r"[^\n]+", text[para.start : para.end]):
                m = re.search(spec["pattern"], line.group().strip())
                if not m:
                    continue
                base = para.start + line.start() + (len(line.group()) - len(line.group().lstrip()))
                for name, start, end in responsibility_names(m.string, m.start("names"), m.end("names"), lexicon):
                    if name in unit.departments:
                        continue
                    lead = spec["roles"] == "lead" or (spec["roles"] == "first_lead" and not unit.departments)
                    unit.departments.append(name)
                    unit.roles.append("lead" if lead else "supporting")
                    unit.department_spans.append((base + start, base + end))
    unit.is_task = bool(unit.departments)


def parse_structure(doc_id: str, norm: Normalised, lexicon: Lexicon) -> tuple[list[Unit], list[str]]:
    """Units in document order: numbered units, sub-headings, and paragraphs outside tasks."""
    builder = _Builder(doc_id, norm, lexicon)
    for index, para in enumerate(norm.paragraphs):
        builder.feed(para, index == 0)
    units, front = builder.finish()
    own = builder.own_paragraphs()
    text, enders = norm.text, lexicon.structure["sentence_end"]
    warnings = []
    for unit in units:
        if unit.kind in ("item", "subitem", "section"):
            _assign_responsibility(unit, own.get(unit.id, []), text, lexicon)
    if not any(u.is_task for u in units):
        # Without responsibility lines, the leaf numbered units are the measures of the plan.
        parents = {u.parent for u in units}
        for unit in units:
            if unit.number is not None and unit.id not in parents and unit.kind != "part":
                unit.is_task = True
    if not units:
        warnings.append("未识别到章节结构，按段落导入 (no recognisable structure; ingested as paragraphs)")

    paragraphs: list[Unit] = []
    for k, para in enumerate(front, 1):
        paragraphs.append(_paragraph(doc_id, f"p{k}", None, para, text, enders, lexicon))
    for unit in units:
        if unit.is_task:
            unit.sentences = split_sentences(text, unit.start, unit.end, enders)
            continue
        marker_para, *rest = own.get(unit.id, [])
        unit.sentences = split_sentences(text, marker_para.start, marker_para.end, enders)
        body = rest
        if len(text[marker_para.start : marker_para.end]) > len(unit.label) + len(unit.title) + 2:
            body = [marker_para, *rest]
        for k, para in enumerate(body, 1):
            paragraphs.append(_paragraph(doc_id, f"{unit.id}.p{k}", unit.id, para, text, enders, lexicon))
    ordered = sorted(units + paragraphs, key=lambda u: (u.start, u.kind == "paragraph"))
    return ordered, warnings


def _paragraph(
    doc_id: str, unit_id: str, parent: str | None, para: Paragraph, text: str, enders: str, lexicon: Lexicon
) -> Unit:
    body = text[para.start : para.end]
    return Unit(
        doc_id,
        unit_id,
        "paragraph",
        "",
        _title(body, lexicon.structure["title_max_chars"]),
        para.start,
        para.end,
        parent,
        sentences=split_sentences(text, para.start, para.end, enders),
    )
