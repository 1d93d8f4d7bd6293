"""Organisations: lexicon names plus prefix + body + suffix patterns (省科技厅, 全国企业科协联合会)."""

from __future__ import annotations

import re

from ..lexicon import Lexicon
from ..model import Mention
from .scan import excluded, find_all


def _pattern(lexicon: Lexicon) -> re.Pattern:
    rules = lexicon.rules["organisation"]
    stop = re.escape(rules["body_stop_chars"]) + r"\d\s"
    return re.compile(
        f"(?<![{rules['prefix_not_after']}])(?:{lexicon.alternation('organisation', 'prefixes')})"
        f"[^{stop}]{{0,{rules['max_body_chars']}}}?"
        f"(?:{lexicon.alternation('organisation', 'suffixes')})"
    )


def _extend(text: str, end: int, lexicon: Lexicon) -> int:
    """Grow 省科协 into 省科协科技智库学术委员会 when a compound suffix follows closely."""
    rules = lexicon.rules["organisation"]
    stop = re.escape(rules["body_stop_chars"] + rules["prefix_not_after"])
    window = re.match(f"[^{stop}\\d\\s]{{0,{rules['extension_max_chars']}}}", text[end:])
    best = end
    for suffix in rules["extensions"]:
        pos = window.group().rfind(suffix) if window else -1
        if pos >= 0:
            best = max(best, end + pos + len(suffix))
    return best


def extract_organisations(text: str, lexicon: Lexicon) -> list[Mention]:
    rules = lexicon.rules["organisation"]
    out = [Mention("Organisation", n, s, e, "") for s, e, n in find_all(text, lexicon.organisations.names())]
    for m in _pattern(lexicon).finditer(text):
        end = _extend(text, m.end(), lexicon)
        name = text[m.start() : end]
        if not excluded(name, rules["exclude"]):
            out.append(Mention("Organisation", name, m.start(), end, ""))
    return out
