"""Programmes, brands, campaigns, platforms and awards.

Three sources: quoted names that a suffix or the surrounding words mark as a programme (a slogan
such as “四个意识” is neither; a name of phrases joined by 、 is one when a word such as 机制 follows
it), unquoted names ending in a programme suffix that carry a proper prefix, follow a verb that
launches them (实施…行动) or stand in a list beside a known programme, and every name of the
programme lexicon.
"""

from __future__ import annotations

import re

from ..lexicon import Lexicon
from ..model import Mention
from .scan import BoundaryScanner, excluded, find_all, quoted, strip_quotes


def _endswith(name: str, suffixes: list[str]) -> bool:
    return any(name.endswith(s) for s in suffixes)


def _suffix_len(name: str, suffixes: list[str]) -> int:
    return max((len(s) for s in suffixes if name.endswith(s)), default=0)


def _by_suffix(name: str, lexicon: Lexicon) -> str | None:
    """Programme or Organisation by the longer matching suffix (全国人民代表大会 is a body, not an event);
    a suffix alone with one character before it (管制, 研制) names nothing."""
    programme = _suffix_len(name, lexicon.rules["programme"]["suffixes"])
    organisation = _suffix_len(name, lexicon.rules["organisation"]["suffixes"])
    if organisation > programme:
        return "Organisation"
    return "Programme" if programme and len(name) - programme >= 2 else None


def _strip_tail(name: str, rules: dict) -> str:
    for tail in rules["tails_to_strip"]:
        rest = name[: -len(tail)]
        if name.endswith(tail) and _endswith(rest, rules["suffixes"]):
            return rest
    return name


def _strip_qualifier(name: str, rules: dict) -> tuple[str, int]:
    for q in rules["qualifiers_to_strip"]:
        if name.startswith(q):
            return name[len(q) :], len(q)
    return name, 0


def _in_context(text: str, start: int, end: int, before: list[str], after: list[str]) -> bool:
    """A quoted name right after 实施/打造… or right before 品牌/平台… is a programme."""
    return any(text.startswith(w, start - 1 - len(w)) for w in before) or any(
        text.startswith(w, end + 1) for w in after
    )


def _compound(name: str, text: str, end: int, spec: dict) -> bool:
    """“创新吹哨、科协报到”机制: short phrases joined by 、 or ， followed by a word naming what they are."""
    parts = re.split(f"[{spec['separators']}]", name)
    low, high = spec["part_chars"]
    if len(parts) < 2 or not all(low <= len(p) <= high for p in parts):
        return False
    return any(text.startswith(w, end + 1) for w in spec["followed_by"])


def _quoted(text: str, lexicon: Lexicon, known: set[str]) -> list[Mention]:
    rules = lexicon.rules["programme"]
    org_prefixes = lexicon.words("organisation", "prefixes")
    unquoted = lexicon.words("programme", "unquoted_suffixes")
    before, after = lexicon.words("programme", "context_before"), lexicon.words("programme", "context_after")
    curated = lexicon.programmes.names()
    out = []
    for start, end in quoted(text, lexicon):
        name = text[start:end].strip()
        if _compound(name, text, end, rules["compound"]):
            out.append(Mention("Programme", name, start, end, ""))
            continue
        follow = next((s for s in unquoted if text.startswith(s, end + 1)), None)
        if (
            follow
            and name not in curated
            and not _endswith(name, rules["suffixes"])
            and not excluded(name, rules["exclude"])
        ):
            # “三北”工程 is the 三北工程; “科普中国”行动 names 科普中国, a name of the lexicon
            out.append(Mention("Programme", name + follow, start, end + 1 + len(follow), ""))
            continue
        if name in known:
            out.append(Mention("Programme", name, start, end, ""))
            continue
        if excluded(name, rules["exclude"]) or re.search(f"[{rules['body_stop_chars']}]", name):
            continue
        stripped = _strip_tail(name, rules)
        kind = _by_suffix(stripped, lexicon)
        if kind == "Programme":
            out.append(Mention("Programme", stripped, start, start + len(stripped), ""))
        elif kind == "Organisation" and any(name.startswith(p) for p in org_prefixes):
            out.append(Mention("Organisation", name, start, end, ""))
        elif _suffix_len(name, rules["suffixes"]) == 0 and _in_context(text, start, end, before, after):
            out.append(Mention("Programme", name, start, end, ""))
    return out


def _unquoted(text: str, lexicon: Lexicon, known: set[str], proper: list[str]) -> list[Mention]:
    rules = lexicon.rules["programme"]
    launch = tuple(lexicon.words("programme", "launch_verbs"))
    launched_suffixes = tuple(rules["launch_suffixes"])
    scanner = BoundaryScanner(lexicon)
    suffix = re.compile(
        f"(?:{lexicon.alternation('programme', 'unquoted_suffixes')})(?![{rules['suffix_not_before']}])"
    )
    out = []
    for m in suffix.finditer(text):
        left = scanner.left_edge(text, m.end())
        if left is None:
            continue
        raw = text[left : m.end()]
        name, skipped = _strip_qualifier(strip_quotes(raw), rules)
        if len(name) < rules["unquoted_min_chars"] or excluded(name, rules["exclude"]):
            continue
        if _by_suffix(name, lexicon) != "Programme" or re.search(f"[{rules['body_stop_chars']}]", name):
            continue
        if text.endswith("等", 0, left):  # "…等引才育才工程": a category, not a name
            continue
        listed = _listed_beside(text, left, m.end(), known)
        # 深入实施种业振兴行动: a campaign or plan that a verb launches (工程 may be mere works); a quoted
        # part (科技志愿服务“智惠行动”) is the name itself and is found as such
        launched = text.endswith(launch, 0, left) and name.endswith(launched_suffixes) and raw == strip_quotes(raw)
        if name in known or listed or launched or any(name.startswith(p) for p in proper):
            out.append(Mention("Programme", name, left + skipped, m.end(), ""))
    return out


def _listed_beside(text: str, start: int, end: int, known: set[str]) -> bool:
    """True when the span sits in a 、-list next to a known programme."""
    items = []
    if text.endswith("、", 0, start):
        items.append(re.split("[、，。；：等]", text[max(0, start - 30) : start - 1])[-1])
    if text.startswith("、", end):
        items.append(re.split("[、，。；：等]", text[end + 1 : end + 30])[0])
    return any(strip_quotes(item) in known for item in items)


def extract_programmes(text: str, lexicon: Lexicon, known: set[str]) -> list[Mention]:
    """Programme (and quoted organisation) mentions; ``known`` holds names found anywhere so far."""
    proper = (
        lexicon.words("programme", "proper_prefixes")
        + lexicon.words("organisation", "prefixes")
        + list(lexicon.places.names())
    )
    mentions = _quoted(text, lexicon, known)
    names = known | {m.surface for m in mentions if m.type == "Programme"}
    mentions += _unquoted(text, lexicon, names, proper)
    names |= {m.surface for m in mentions if m.type == "Programme"}
    mentions += [Mention("Programme", n, s, e, "") for s, e, n in find_all(text, names)]
    return mentions
