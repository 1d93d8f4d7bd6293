"""Figures: a number with its unit, the year it refers to and what it measures."""

from __future__ import annotations

import re

from ..lexicon import Lexicon
from ..model import Mention

_CLAUSE = re.compile("[，。；：！？,;\n]")


def _measure(before: str, after: str, rules: dict) -> str:
    # What precedes the first number in the clause names the quantity (我省公民具备科学素质比例从…).
    head = re.split(r"\d", before, maxsplit=1)[0]
    head = re.sub(rules["year_pattern"] + "$", "", head)
    changed = True
    while changed and head:
        changed = False
        for word in sorted(rules["connectors_to_strip"], key=len, reverse=True):
            if head.endswith(word) and len(head) > len(word):
                head, changed = head[: -len(word)], True
    if len(head) >= 4:
        return head
    return (head + "…" + after).strip("…")


def extract_figures(text: str, lexicon: Lexicon) -> list[Mention]:
    rules = lexicon.rules["figure"]
    units = lexicon.alternation("figure", "units")
    pattern = re.compile(rf"(?<![\d.〔\[])(\d+(?:\.\d+)?)\s*({units})(?![\d年月日号])")
    out = []
    for m in pattern.finditer(text):
        clause_start = max([c.end() for c in _CLAUSE.finditer(text, 0, m.start())] or [0])
        stop = _CLAUSE.search(text, m.end())
        clause_end = stop.start() if stop else len(text)
        before, after = text[clause_start : m.start()], text[m.end() : clause_end]
        year = re.search(r"(\d{4})\s*年的?$", before)
        attrs = {
            "value": float(m.group(1)) if "." in m.group(1) else int(m.group(1)),
            "unit": m.group(2),
            "measure": _measure(before, after, rules),
            "context": text[clause_start:clause_end],
            "year": int(year.group(1)) if year else None,
        }
        out.append(Mention("Figure", m.group(1) + m.group(2), m.start(), m.end(), "", attrs))
    return out
