"""Titles cited in 《》: policies and publications, their issuers and short names, and the
citation each makes — typed by a trigger word, with the version it asks for."""

from __future__ import annotations

import re

from ..lexicon import Lexicon
from ..model import Citation, Document, Mention
from ..titles import title_issuer, title_key

_CLAUSE = re.compile("[，。；！？\n]")
TITLE_TYPES = ("Policy", "Publication")


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


def _issuer(start: int, issuers: list[Mention]) -> str:
    for org in issuers:
        if org.end == start - 1:
            return org.surface
    return ""


def _title_type(key: str, rules: dict) -> str:
    """A periodical or report (《决策咨询专报》, 《科技日报》) is a publication; a title in the form of an
    official document (关于…的报告) stays a policy."""
    if any(form in key for form in rules["document_forms"]):
        return "Policy"
    return "Publication" if any(key.endswith(s) for s in rules["publication_suffixes"]) else "Policy"


def extract_policies(doc: Document, lexicon: Lexicon, organisations: list[Mention]) -> list[Mention]:
    """Policy and publication mentions; short names defined by （以下简称…） are recorded on the document."""
    rules = lexicon.rules["policy"]
    text, out = doc.text, []
    for start, end in _titles(text):
        title = re.sub(r"\s+", "", text[start:end])
        alias = re.match(rules["alias_definition"], text[end + 1 : end + 30])
        if alias:
            doc.aliases[alias["alias"]] = title
        out.append(Mention("Policy", title, start, end, "", {"issuer": _issuer(start, organisations)}))
    own_key = title_key(doc.title, lexicon).key
    own = {s for s, full in doc.aliases.items() if full == doc.title} | set(rules["self_reference"])
    for m in out:
        m.surface = doc.aliases.get(m.surface, m.surface)
        key = title_key(m.surface, lexicon).key
        m.attrs["self"] = m.surface in own or key == own_key
        m.type = _title_type(key, lexicon.rules["citation"])
    return out


def relation_trigger(clause: str, at: int, end: int, triggers: dict) -> tuple[str, str] | None:
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


def _citation(doc: Document, m: Mention, lexicon: Lexicon) -> Citation:
    text = doc.text
    triggers = lexicon.rules["relations"]
    stop = _CLAUSE.search(text, m.end)
    clause_start = max([c.end() for c in _CLAUSE.finditer(text, 0, m.start)] or [0])
    clause_end = stop.start() if stop else len(text)
    clause = text[clause_start:clause_end]
    found = relation_trigger(clause, m.start - 1 - clause_start, m.end + 1 - clause_start, triggers)
    before = text[clause_start : m.start - 1]
    revised = any(before.endswith(w) for w in lexicon.rules["citation"]["revised_after"])
    sentence = doc.sentence_at(m.start)
    span = (sentence.start, sentence.end) if sentence else (clause_start, clause_end)
    key = title_key(m.surface, lexicon)
    return Citation(
        title=m.surface,
        key=key.key,
        type=m.type,
        issuer=m.attrs.get("issuer") or title_issuer(m.surface, lexicon),
        version=key.version,
        relation=found[0] if found else "cites",
        trigger=found[1] if found else "",
        version_rule="revised_after" if revised else "in_force",
        unit=m.unit,
        start=m.start,
        end=m.end,
        sentence_start=span[0],
        sentence_end=span[1],
    )


def extract_citations(doc: Document, lexicon: Lexicon, titles: list[Mention]) -> list[Citation]:
    """One citation per title in 《》 that is not the document's own."""
    return [_citation(doc, m, lexicon) for m in titles if m.type in TITLE_TYPES and not m.attrs.get("self")]
