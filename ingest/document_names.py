"""Common names of documents: 中央一号文件, 2026年政府工作报告, 十四五规划, 科普法.

A common name belongs to a class of documents defined by rules over their metadata (title pattern,
issuers, month of issue) in ``document_names.json`` of the lexicon; a yearly class also names each
document with its year (2026年中央一号文件). A document matching a class gets the names as aliases,
and a citation written with a common name — in 《》 or, for classes so marked, in running text after
a trigger word (认真贯彻落实中央一号文件精神) — is resolved through them (``ingest.citations``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .extract.policies import relation_trigger
from .lexicon import DOCUMENT_NAMES, Lexicon
from .model import Citation, Document
from .titles import title_issuer, title_key

_SPACE = re.compile(r"\s+")
_CLAUSE = re.compile("[，。；！？\n]")
_OPENING_YEAR = re.compile(r"^(\d{4})年")
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class NameClass:
    names: tuple[str, ...]  # templates: {field} is filled from the title pattern's named group
    title: re.Pattern
    issuers: frozenset[str]  # the exact set of issuers; empty: any
    months: frozenset[int]  # months of the issue date; empty: any
    yearly: bool
    next_year_months: frozenset[int]  # an issue date in these months counts for the next year
    in_text: bool  # cited in running text too, not only in 《》


@dataclass(frozen=True)
class CommonName:
    name: str  # 中央一号文件
    year: str  # "2026" for a yearly class, else ""
    in_text: bool

    @property
    def forms(self) -> tuple[str, ...]:
        """The name with its year first (2026年中央一号文件), then without."""
        return (f"{self.year}年{self.name}", self.name) if self.year else (self.name,)


@lru_cache(maxsize=4)
def _classes(root: Path) -> tuple[NameClass, ...]:
    spec = json.loads((root / DOCUMENT_NAMES).read_text(encoding="utf-8"))
    return tuple(
        NameClass(
            names=tuple(c["names"]),
            title=re.compile(c["title"]),
            issuers=frozenset(c.get("issuers", [])),
            months=frozenset(c.get("months", [])),
            yearly=c.get("yearly", False),
            next_year_months=frozenset(c.get("next_year_months", [])),
            in_text=c.get("in_text", False),
        )
        for c in spec["classes"]
    )


def name_classes(lexicon: Lexicon) -> tuple[NameClass, ...]:
    return _classes(lexicon.root)


def _issuers(title: str, issuer: str, lexicon: Lexicon) -> frozenset[str]:
    listed = title_issuer(title, lexicon) or title_issuer(f"{issuer}{lexicon.rules['citation']['issuer_end']}", lexicon)
    return frozenset(p for p in listed.split("、") if p)


def _year(cls: NameClass, title: str, date: str) -> str:
    opening = _OPENING_YEAR.match(title)
    if opening:
        return opening[1]
    if not date:
        return ""
    year, month = int(date[:4]), int(date[5:7] or 0) if len(date) >= 7 else 0
    return str(year + 1 if month in cls.next_year_months else year)


def common_names(title: str, issuer: str, date: str, lexicon: Lexicon) -> list[CommonName]:
    """The common names of a document with this title, issuer and issue date (ISO, may be "")."""
    plain = _SPACE.sub("", title)
    out: list[CommonName] = []
    for cls in name_classes(lexicon):
        found = cls.title.search(plain)
        if not found or (cls.issuers and _issuers(title, issuer, lexicon) != cls.issuers):
            continue
        if cls.months and not (len(date) >= 7 and int(date[5:7]) in cls.months):
            continue
        year = _year(cls, plain, date) if cls.yearly else ""
        fields = found.groupdict(default="")
        for template in cls.names:
            name = template.format(**fields)
            if name and name != plain and (not cls.yearly or year):
                out.append(CommonName(name, year, cls.in_text))
    return out


def name_forms(title: str, issuer: str, date: str, lexicon: Lexicon) -> list[str]:
    """Every form of every common name of a document with this title, issuer and issue date."""
    return [form for n in common_names(title, issuer, date, lexicon) for form in n.forms]


def document_aliases(doc: Document, lexicon: Lexicon) -> list[str]:
    return name_forms(doc.title, doc.issuer, doc.date, lexicon)


def _in_text_pattern(lexicon: Lexicon) -> re.Pattern | None:
    names = sorted({n for c in name_classes(lexicon) if c.in_text for n in c.names if not _FIELD.search(n)}, key=len)
    if not names:
        return None
    alternation = "|".join(re.escape(n) for n in reversed(names))
    return re.compile(rf"(?:(?P<year>\d{{4}})年度?)?(?P<name>{alternation})")


def in_text_citations(doc: Document, lexicon: Lexicon) -> list[Citation]:
    """Common names in running text (outside 《》) that a trigger word before them in the clause makes
    a citation: 认真贯彻落实2026年中央一号文件精神 implements 2026年中央一号文件."""
    pattern = _in_text_pattern(lexicon)
    if pattern is None:
        return []
    text, out = doc.text, []
    titled = [(c.start, c.end) for c in doc.citations]
    for found in pattern.finditer(text):
        start, end = found.span()
        if any(s <= start and end <= e for s, e in titled):
            continue
        clause_start = max([c.end() for c in _CLAUSE.finditer(text, 0, start)] or [0])
        stop = _CLAUSE.search(text, end)
        clause = text[clause_start : stop.start() if stop else len(text)]
        trigger = relation_trigger(clause, start - clause_start, end - clause_start, lexicon.rules["relations"])
        owner = next(((u.id, s) for u in doc.units for s in u.sentences if s.start <= start < s.end), None)
        if trigger is None or owner is None:
            continue
        unit, sentence = owner
        written = found.group()
        out.append(
            Citation(
                title=written,
                key=title_key(written, lexicon).key,
                type="Policy",
                issuer="",
                version="",
                relation=trigger[0],
                trigger=trigger[1],
                version_rule="in_force",
                unit=unit,
                start=start,
                end=end,
                sentence_start=sentence.start,
                sentence_end=sentence.end,
            )
        )
    return out
