"""Document title, issuing body, document number and issue date from the front matter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Lexicon
from .normalise import Normalised


@dataclass
class Metadata:
    title: str = ""
    issuer: str = ""
    number: str = ""
    date: str = ""


def _lines(norm: Normalised) -> list[tuple[str, int]]:
    return [(norm.text[p.start : p.end], p.heading) for p in norm.paragraphs]


def _iso(m: re.Match) -> str:
    return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"


def _date(head: list[tuple[str, int]], tail: list[tuple[str, int]], spec: dict) -> str:
    """The latest adoption or amendment date the front matter of a law lists, else the first date a
    pattern finds in the front matter or the closing lines."""
    versions = []
    for pattern in map(re.compile, spec["version_date_patterns"]):
        for line, _ in head:
            m = pattern.search(line)
            while m:  # front-matter lines may have been joined into one paragraph
                versions.append(_iso(m))
                m = pattern.match(line, m.end())
    if versions:
        return max(versions)
    for pattern in spec["date_patterns"]:
        for line, _ in head + tail:
            m = re.search(pattern, line)
            if m:
                return _iso(m)
    return ""


def _issuer(head: list[tuple[str, int]], title: str, lexicon: Lexicon) -> str:
    for pattern in lexicon.structure["issuer_lines"]:
        for line, _ in head:
            m = re.search(pattern, line)
            if m:
                return ((m.groupdict().get("place") or "") + m["issuer"]).strip()
    # Fall back to the first known organisation named in the title (国务院政府工作报告).
    known = sorted(lexicon.organisations.names(), key=len, reverse=True)
    hits = [(title.find(name), name) for name in known if name in title]
    return lexicon.organisations.names()[min(hits)[1]] if hits else ""


def extract_metadata(norm: Normalised, lexicon: Lexicon, first_unit_start: int | None) -> Metadata:
    lines = _lines(norm)
    limit = first_unit_start if first_unit_start is not None else len(norm.text)
    head = [(t, h) for (t, h), p in zip(lines, norm.paragraphs, strict=False) if p.start < limit][:12] or lines[:12]
    spec = lexicon.structure
    title = ""
    for line, _ in head:
        m = re.match(spec["notice_title"], line)
        if m:
            title = m["title"]
            break
    if not title:
        issuer_line = [re.compile(p) for p in spec["issuer_lines"]]
        for line, heading in head:
            if heading == 1 and not any(p.search(line) for p in issuer_line):
                title = line
                break
    if not title and head:
        title = head[0][0]
    number = re.search(spec["document_number"], "\n".join(t for t, _ in head))
    return Metadata(
        title=title.strip(),
        issuer=_issuer(head, title, lexicon),
        number=re.sub(r"\s+", "", number.group()) if number else "",
        date=_date(head, lines[-6:], spec),
    )
