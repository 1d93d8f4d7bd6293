"""Entity and relation extraction over one repaired document."""

from __future__ import annotations

from ..lexicon import Lexicon
from ..model import Document, Mention
from .departments import extract_departments
from .figures import extract_figures
from .organisations import extract_organisations
from .places import extract_places
from .policies import TITLE_TYPES, extract_citations, extract_policies
from .programmes import extract_programmes

# When spans overlap the longer one wins; on equal length, the earlier type in this list.
PRIORITY = ["Department", "Policy", "Publication", "Programme", "Organisation", "Place", "Figure"]


def _select(mentions: list[Mention]) -> list[Mention]:
    ranked = sorted(mentions, key=lambda m: (-(m.end - m.start), PRIORITY.index(m.type), m.start))
    taken: list[Mention] = []
    occupied: set[int] = set()
    for m in ranked:
        cells = set(range(m.start, m.end))
        if m.type in TITLE_TYPES or not cells & occupied:
            taken.append(m)
            occupied |= cells
    return sorted(taken, key=lambda m: m.start)


def _owner(doc: Document, pos: int) -> str:
    """Id of the smallest unit holding ``pos`` (a task, a paragraph or a heading)."""
    best, size = "", None
    for unit in doc.units:
        if not unit.start <= pos < unit.end:
            continue
        length = unit.end - unit.start
        # On a tie the paragraph wins: a section whose heading line is also its body text.
        if size is None or length < size or (length == size and unit.kind == "paragraph"):
            best, size = unit.id, length
    return best


def extract(doc: Document, lexicon: Lexicon, known_programmes: set[str]) -> None:
    """Fill ``doc.mentions`` and ``doc.citations``."""
    text = doc.text
    departments = extract_departments(doc)
    organisations = extract_organisations(text, lexicon)
    policies = extract_policies(doc, lexicon, organisations)
    inside_titles = [(p.start, p.end) for p in policies]
    dept_names = {m.surface for m in departments}
    candidates = [
        m
        for m in extract_programmes(text, lexicon, known_programmes)
        + organisations
        + extract_places(text, lexicon)
        + extract_figures(text, lexicon)
        if not any(s <= m.start and m.end <= e for s, e in inside_titles) and m.surface not in dept_names
    ]
    mentions = _select(departments + policies + candidates)
    for m in mentions:
        m.unit = m.unit or _owner(doc, m.start)
    doc.mentions = [m for m in mentions if m.unit]
    doc.citations = extract_citations(doc, lexicon, doc.mentions)
