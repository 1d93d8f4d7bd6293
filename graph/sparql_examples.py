"""The SPARQL editor's example queries, from ``data/sparql/examples.json``, filled in from the built graph.

An example names slots (``{{department}}``); each slot is a SPARQL query in the same file that
picks a value from whatever corpus was built (the department with the most tasks, say). Its
``?value`` goes into the example's query written as SPARQL, its ``?label`` into the title. An
example whose slots find nothing in this graph (or not within ``SLOT_TIMEOUT``) is left out.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from .home import ROOT
from .sparql_pool import QueryPool, SparqlError
from .sparql_results import JSON_RESULTS

log = logging.getLogger(__name__)

EXAMPLES_PATH = ROOT / "data" / "sparql" / "examples.json"
_SLOT = re.compile(r"\{\{(\w+)\}\}")
SLOT_TIMEOUT = 10.0  # seconds for each slot query


@dataclass(frozen=True)
class Example:
    key: str
    title: str
    query: str
    slots: dict[str, str] = field(default_factory=dict)  # slot name -> the label filled in


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    query: str

    @property
    def slots(self) -> list[str]:
        return sorted(set(_SLOT.findall(self.title + self.query)))


def _text(value: str | list[str]) -> str:
    return "\n".join(value) + "\n" if isinstance(value, list) else value


def load_templates(path: Path = EXAMPLES_PATH) -> tuple[dict[str, str], list[Template]]:
    """The slot queries and the example templates."""
    data = json.loads(path.read_text(encoding="utf-8"))
    slots = {name: _text(q) for name, q in data["slots"].items()}
    templates = [Template(e["key"], e["title"], _text(e["query"])) for e in data["examples"]]
    for t in templates:
        unknown = [s for s in t.slots if s not in slots]
        if unknown:
            raise ValueError(f"{path}: example '{t.key}' uses undefined slots {', '.join(unknown)}")
    return slots, templates


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def sparql_term(term: dict) -> str:
    """A SPARQL JSON results term written as SPARQL syntax."""
    if term["type"] == "uri":
        return f"<{term['value']}>"
    literal = f'"{_escape(term["value"])}"'
    if "xml:lang" in term:
        return f"{literal}@{term['xml:lang']}"
    if "datatype" in term:
        return f"{literal}^^<{term['datatype']}>"
    return literal


def _fill(text: str, values: dict[str, str]) -> str:
    return _SLOT.sub(lambda m: values[m.group(1)], text)


def build_examples(pool: QueryPool, path: Path = EXAMPLES_PATH) -> list[Example]:
    """The examples that this graph can answer, their slots filled from it."""
    slot_queries, templates = load_templates(path)
    picked: dict[str, dict | None] = {}
    for name in sorted({s for t in templates for s in t.slots}):
        try:
            answer = pool.run(slot_queries[name], JSON_RESULTS, SLOT_TIMEOUT, 1)
        except SparqlError as exc:  # too slow on this corpus, say: the examples that need it are left out
            log.warning("SPARQL example slot %s not filled: %s", name, exc)
            picked[name] = None
            continue
        rows = json.loads(answer.body)["results"]["bindings"]
        picked[name] = rows[0] if rows and "value" in rows[0] else None
    out = []
    for t in templates:
        rows = {s: picked[s] for s in t.slots}
        if any(r is None for r in rows.values()):
            continue
        labels = {s: (r.get("label") or r["value"])["value"] for s, r in rows.items()}
        terms = {s: sparql_term(r["value"]) for s, r in rows.items()}
        out.append(Example(t.key, _fill(t.title, labels), _fill(t.query, terms), labels))
    return out
