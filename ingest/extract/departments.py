"""Department mentions: the names on each task's responsibility line, with their spans."""

from __future__ import annotations

import re

from ..lexicon import Lexicon
from ..model import Document, Mention

BLANK = "\0"  # stands in for markup, keeping every position; it separates names
EDGES = " 。.（）()"  # stripped from both ends of a name


def responsibility_names(line: str, start: int, end: int, lexicon: Lexicon) -> list[tuple[str, int, int]]:
    """The department names in ``line[start:end]`` with their positions in ``line``.

    Markup (tags such as ``<br/>``, character references such as ``&nbsp;``, link targets, web addresses;
    ``responsibility_markup``) is blanked first, then the rest is split at ``name_separators`` and at the
    blanks, so names joined only by markup come apart; a piece that is not shaped as a name
    (``department_name``: a Chinese character, no label colon) is left out.
    """
    structure = lexicon.structure
    text = re.sub(structure["responsibility_markup"], lambda m: BLANK * len(m.group()), line[start:end])
    shaped = re.compile(structure["department_name"])
    names: list[tuple[str, int, int]] = []
    pos = 0
    for cut in [*re.finditer(f"{structure['name_separators']}|{BLANK}+", text), None]:
        piece = text[pos : cut.start() if cut else len(text)]
        name = piece.strip(EDGES)
        if name and shaped.search(name) and name not in (n for n, _, _ in names):
            at = start + pos + piece.index(name)
            names.append((name, at, at + len(name)))
        if cut:
            pos = cut.end()
    return names


def extract_departments(doc: Document) -> list[Mention]:
    out = []
    for unit in doc.units:
        lines = zip(unit.departments, unit.roles, unit.department_spans, strict=True)
        for order, (name, role, (start, end)) in enumerate(lines):
            out.append(Mention("Department", name, start, end, unit.id, {"role": role, "order": order}))
    return out
