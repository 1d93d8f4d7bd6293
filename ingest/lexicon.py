"""Domain knowledge loaded from data files: markers, trigger words, alias tables, gazetteers.

Set ``POLICYKG_LEXICON`` to a folder holding the same files to use another lexicon.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "lexicon"

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> int:
    """Convert 十三 / 三十四 / 一百零五 / 12 to an int."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text}")
    return total + digit


@dataclass(frozen=True)
class Marker:
    rank: int
    kind: str
    pattern: re.Pattern


@dataclass(frozen=True)
class AliasTable:
    """Groups of names: canonical name -> aliases, plus the reverse index."""

    groups: dict[str, tuple[str, ...]]

    def names(self) -> dict[str, str]:
        index = {}
        for canonical, aliases in self.groups.items():
            index[canonical] = canonical
            for alias in aliases:
                index.setdefault(alias, canonical)
        return index


def _read_tsv(path: Path) -> AliasTable:
    groups: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        aliases = tuple(a for a in (cols[1].split("|") if len(cols) > 1 else []) if a)
        groups[cols[0].strip()] = aliases
    return AliasTable(groups)


@dataclass(frozen=True)
class Scheme:
    """A numbering system (a law's 编/章/节/条, a plan's 一、/（一）/1.) with its ranks, outermost first."""

    name: str
    detect: re.Pattern | None  # lines that reveal the scheme; None for the default
    min_lines: int
    ranks: tuple[str, ...]  # unit kind of each rank
    markers: tuple[Marker, ...]

    def match(self, text: str) -> tuple[Marker, re.Match] | None:
        """The numbering marker a line starts with, if any."""
        for marker in self.markers:
            m = marker.pattern.match(text)
            if m:
                return marker, m
        return None


@dataclass(frozen=True)
class Lexicon:
    root: Path
    structure: dict
    rules: dict
    stray_words: dict[str, str]
    formats: dict  # per source format: how its text is extracted
    schemes: tuple[Scheme, ...]  # the last one is the default
    programmes: AliasTable
    organisations: AliasTable
    departments: AliasTable
    places: AliasTable

    def match_marker(self, text: str) -> tuple[Marker, re.Match] | None:
        """The numbering marker of any scheme a line starts with, if any."""
        for scheme in self.schemes:
            found = scheme.match(text)
            if found:
                return found
        return None

    def scheme_for(self, lines: list[str]) -> Scheme:
        """The first scheme whose detect pattern starts enough lines, else the default."""
        for scheme in self.schemes[:-1]:
            hits = 0
            for line in lines:
                hits += bool(scheme.detect and scheme.detect.match(line))
                if hits >= scheme.min_lines:
                    return scheme
        return self.schemes[-1]

    def words(self, *path: str) -> list[str]:
        """A word list from extraction.json, longest first so alternations prefer it."""
        node = self.rules
        for key in path:
            node = node[key]
        return sorted(node, key=len, reverse=True)

    def alternation(self, *path: str) -> str:
        return "|".join(re.escape(w) for w in self.words(*path))


def _schemes(structure: dict) -> tuple[Scheme, ...]:
    return tuple(
        Scheme(
            spec["name"],
            re.compile(spec["detect"]) if "detect" in spec else None,
            spec.get("min_lines", 0),
            tuple(rank["kind"] for rank in spec["ranks"]),
            tuple(
                Marker(rank, spec_rank["kind"], re.compile(pattern))
                for rank, spec_rank in enumerate(spec["ranks"])
                for pattern in spec_rank["patterns"]
            ),
        )
        for spec in structure["schemes"]
    )


# The lexicon's files the ingest reads, and nothing else there (search and question settings live
# beside them): what ingest results depend on besides the code (``ingest.docstore``).
STRUCTURE, EXTRACTION, NORMALISE, FORMATS = "structure.json", "extraction.json", "normalise.json", "formats.json"
TABLES = {kind: f"{kind}.tsv" for kind in ("programmes", "organisations", "departments", "places")}
DOCUMENT_NAMES = "document_names.json"  # read by ``ingest.document_names``
INGEST_FILES = (STRUCTURE, EXTRACTION, NORMALISE, FORMATS, *TABLES.values(), DOCUMENT_NAMES)


@lru_cache(maxsize=4)
def load_lexicon(root: str | None = None) -> Lexicon:
    path = Path(root or os.environ.get("POLICYKG_LEXICON") or DEFAULT_DIR)
    structure = json.loads((path / STRUCTURE).read_text(encoding="utf-8"))
    return Lexicon(
        root=path,
        structure=structure,
        rules=json.loads((path / EXTRACTION).read_text(encoding="utf-8")),
        stray_words=json.loads((path / NORMALISE).read_text(encoding="utf-8"))["stray_words"],
        formats=json.loads((path / FORMATS).read_text(encoding="utf-8")),
        schemes=_schemes(structure),
        **{kind: _read_tsv(path / name) for kind, name in TABLES.items()},
    )
