"""Department mentions: the names on each task's responsibility line, with their spans."""

from __future__ import annotations

from ..model import Document, Mention


def extract_departments(doc: Document) -> list[Mention]:
    out = []
    for unit in doc.units:
        lines = zip(unit.departments, unit.roles, unit.department_spans, strict=True)
        for order, (name, role, (start, end)) in enumerate(lines):
            out.append(Mention("Department", name, start, end, unit.id, {"role": role, "order": order}))
    return out
