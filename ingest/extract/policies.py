"""Policies cited in 《》, their issuers, short names, and the relations trigger words express."""

from __future__ import annotations

import re

from ..lexicon import Lexicon
from ..model import Document, Mention, Relation

_CLAUSE = re.compile("[，。；！？\n]")


def _titles(text: str):
    """(start, end) of the inner text of each outermost 《…》, nesting allowed."""
    depth, begin = 0, 0
    for i, ch in enumerate(text):
        if ch == "《":
            if depth == 0:
                begin = i + 1
            depth += 1
        elif ch == "》" and depth:
            depth -= 1
            if depth == 0:
                yield begin, i


def _issuer(text: str, start: int, issuers: list[Mention]) -> str:
    for org in issuers:
        if org.end == start - 1:
            return org.surface
    return ""


def extract_policies(doc: Document, lexicon: Lexicon, organisations: list[Mention]) -> list[Mention]:
    """Policy mentions; short names defined by （以下简称…） are recorded on the document."""
    rules = lexicon.rules["policy"]
    text, out = doc.text, []
    for start, end in _titles(text):
        title = re.sub(r"\s+", "", text[start:end])
        alias = re.match(rules["alias_definition"], text[end + 1 : end + 30])
        if alias:
            doc.aliases[alias["alias"]] = title
        out.append(Mention("Policy", title, start, end, "", {"issuer": _issuer(text, start, organisations)}))
    own = {doc.title} | {s for s, full in doc.aliases.items() if full == doc.title}
    own |= set(rules["self_reference"])
    for m in out:
        m.surface = doc.aliases.get(m.surface, m.surface)
        m.attrs["self"] = m.surface in own
    return out


def _trigger(clause: str, at: int, end: int, triggers: dict) -> tuple[str, str] | None:
    """The relation a clause expresses about the title spanning [at, end) of the clause."""
    modifiers = triggers["not_followed_by"]
    for word in triggers["based_on"]:
        if word == "基础上" and word in clause[end:]:
            return "based_on", word
    best = None
    for relation in ("based_on", "implements", "amends"):
        for word in triggers[relation]:
            pos = clause.rfind(word, 0, at)
            if pos >= 0 and clause.startswith(tuple(modifiers), pos + len(word)):
                continue  # 修订后的《…》 names a revised text; it is not an amendment
            if pos >= 0 and (best is None or pos + len(word) > best[0]):
                best = (pos + len(word), relation, word)
    return (best[1], best[2]) if best else None


def extract_relations(doc: Document, lexicon: Lexicon, policies: list[Mention]) -> list[Relation]:
    triggers = lexicon.rules["relations"]
    text, out = doc.text, []
    for m in policies:
        if m.attrs.get("self"):
            continue
        stop = _CLAUSE.search(text, m.end)
        clause_start = max([c.end() for c in _CLAUSE.finditer(text, 0, m.start)] or [0])
        clause_end = stop.start() if stop else len(text)
        clause = text[clause_start:clause_end]
        found = _trigger(clause, m.start - 1 - clause_start, m.end + 1 - clause_start, triggers)
        if found:
            owner = m.unit if doc.unit(m.unit).is_task else None
            sentence = doc.sentence_at(m.start)
            span = (sentence.start, sentence.end) if sentence else (clause_start, clause_end)
            out.append(Relation(found[0], owner, m.surface, found[1], *span))
    return out
