"""Exact-match evaluation of `policykg ask`: question files, and a bank of generated paraphrases.

    python -m benchmarks.ask_quality ../shared/eval/dev_qa.jsonl
    python -m benchmarks.ask_quality tests/search/qa/staff_questions.jsonl
    python -m benchmarks.ask_quality --bank [--misses 20]

A question file holds one JSON object a line: ``q`` and one or more expectations — ``tasks``
(exact set of task ids), ``departments`` (exact set of canonical names), ``count``,
``policy_contains`` (part of a cited policy's title), ``documents`` (document ids), ``figure`` (a
figure's text), ``entity`` (a named entity's name), ``pair`` (two names a connection joins),
``suggestions`` (names offered), ``status``, ``fallback`` (only ranked search can answer).
Lines marked ``"heldout": true`` are scored apart.

The bank asks every phrasing in ``benchmarks/ask_templates.json`` of every department, programme,
department pair, department and programme, and document of the built graph. Its gold answers are
computed here from the graph's edges, independently of the question reader, and its accuracy is
printed per kind. The graph is built from the bundled corpus (without the search index) into a
temporary home unless --home is given.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from graph.schema import REFERENCE_EDGES, EdgeType, NodeType, Role

TEMPLATES = Path(__file__).with_name("ask_templates.json")


def check(expected: dict, got: dict) -> list[str]:
    """Names of the expectations the answer (``Answer.to_dict()``) misses."""
    misses = []
    if "tasks" in expected and sorted(t["id"] for t in got["tasks"]) != sorted(expected["tasks"]):
        misses.append("tasks")
    if "departments" in expected and sorted(got["departments"]) != sorted(expected["departments"]):
        misses.append("departments")
    if "count" in expected and got["count"] != expected["count"]:
        misses.append("count")
    if "policy_contains" in expected and not any(expected["policy_contains"] in p["title"] for p in got["policies"]):
        misses.append("policy_contains")
    if "documents" in expected and sorted(d["id"] for d in got["documents"]) != sorted(expected["documents"]):
        misses.append("documents")
    if "figure" in expected and not any(f["name"] == expected["figure"] for f in got["figures"]):
        misses.append("figure")
    if "entity" in expected and not any(e["name"] == expected["entity"] for e in got["entities"]):
        misses.append("entity")
    if "pair" in expected and not (got["paths"] and {e["name"] for e in got["entities"]} == set(expected["pair"])):
        misses.append("pair")
    if "suggestions" in expected and not set(expected["suggestions"]) <= set(got["suggestions"]):
        misses.append("suggestions")
    if "status" in expected and got["status"] != expected["status"]:
        misses.append("status")
    if expected.get("fallback") and got["status"] not in ("search", "not_found"):
        misses.append("fallback")
    gold = [expected.get(k) for k in ("tasks", "departments", "count", "policy_contains", "figure", "pair")]
    if any(gold) and not got["evidence"]:  # something to show: each member needs its sentence
        misses.append("evidence")
    return misses


# -- the generated bank ------------------------------------------------------------------------------
@dataclass
class Truth:
    """What the graph says, read straight from its nodes and edges."""

    tasks: dict[str, str] = field(default_factory=dict)  # task node -> id
    names: dict[str, str] = field(default_factory=dict)  # node -> canonical name
    aliases: dict[str, list[str]] = field(default_factory=dict)
    departments: list[str] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    roles: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))  # dept -> task -> role
    mentioned_by: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # entity -> tasks

    @classmethod
    def of(cls, graph: nx.MultiDiGraph) -> Truth:
        t = cls()
        for node, a in graph.nodes(data=True):
            type_ = a.get("type")
            if type_ == NodeType.TASK:
                t.tasks[node] = a["id"]
            elif type_ == NodeType.DOCUMENT:
                t.documents.append(node)
            if "name" in a:
                t.names[node] = a["name"]
                t.aliases[node] = list(a.get("aliases", []))
            if type_ == NodeType.DEPARTMENT:
                t.departments.append(node)
            elif type_ == NodeType.PROGRAMME:
                t.programmes.append(node)
        for u, v, d in graph.edges(data=True):
            if d["type"] == EdgeType.RESPONSIBLE_FOR:
                t.roles[u][v] = d["role"]
            elif d["type"] in REFERENCE_EDGES and u in t.tasks:
                t.mentioned_by[v].add(u)
        return t

    def ids(self, tasks: set[str]) -> list[str]:
        return sorted(self.tasks[n] for n in tasks)

    def of_dept(self, dept: str, role: str | None = None) -> set[str]:
        return {task for task, r in self.roles[dept].items() if role is None or r == role}

    def depts_of(self, tasks: set[str], role: str | None = None) -> list[str]:
        return sorted(self.names[d] for d in self.departments if self.of_dept(d, role) & tasks)


def bank(graph: nx.MultiDiGraph, templates: dict[str, list[str]]) -> Iterator[dict]:
    """Every phrasing of every kind, with the gold answer computed from the graph."""
    t = Truth.of(graph)

    def ask(kind: str, expected: dict, **names: str) -> Iterator[dict]:
        for template in templates[kind]:
            yield {"kind": kind, "q": template.format(**names), **expected}

    for dept in t.departments:
        name = t.names[dept]
        yield from ask("dept_tasks", {"tasks": t.ids(t.of_dept(dept))}, dept=name)
        yield from ask("dept_lead_tasks", {"tasks": t.ids(t.of_dept(dept, Role.LEAD))}, dept=name)
        yield from ask("dept_supporting_tasks", {"tasks": t.ids(t.of_dept(dept, Role.SUPPORTING))}, dept=name)
        yield from ask("dept_count", {"count": len(t.of_dept(dept))}, dept=name)
        for alias in t.aliases[dept]:
            yield from ask("dept_alias_tasks", {"tasks": t.ids(t.of_dept(dept))}, alias=alias)
    for prog in t.programmes:
        name, tasks = t.names[prog], t.mentioned_by[prog]
        yield from ask("prog_departments", {"departments": t.depts_of(tasks)}, prog=name)
        yield from ask("prog_tasks", {"tasks": t.ids(tasks)}, prog=name)
        yield from ask("prog_lead_departments", {"departments": t.depts_of(tasks, Role.LEAD)}, prog=name)
        yield from ask("prog_department_count", {"count": len(t.depts_of(tasks))}, prog=name)
        for alias in t.aliases[prog]:
            yield from ask("prog_alias_departments", {"departments": t.depts_of(tasks)}, alias=alias)
        if tasks:
            for dept in t.departments:
                gold = {"tasks": t.ids(t.of_dept(dept) & tasks)}
                yield from ask("dept_prog_tasks", gold, dept=t.names[dept], prog=name)
    for a, b in itertools.combinations(t.departments, 2):
        shared = t.of_dept(a) & t.of_dept(b)
        yield from ask("pair_shared_tasks", {"tasks": t.ids(shared)}, a=t.names[a], b=t.names[b])
        yield from ask("pair_count", {"count": len(shared)}, a=t.names[a], b=t.names[b])
    if len(t.documents) == 1:  # 本方案 names the one document there is
        every = set(t.tasks)
        yield from ask("doc_department_count", {"count": len(t.depts_of(every))})
        yield from ask("doc_task_count", {"count": len(every)})


# -- running -----------------------------------------------------------------------------------------
def evaluate(asker, cases: list[dict], show: int) -> dict[str, list[int]]:
    """(passed, total) per kind; prints the first ``show`` misses."""
    scores: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    shown = 0
    for case in cases:
        got = asker.ask(case["q"]).to_dict()
        misses = check(case, got)
        kind = case.get("kind", "all") + (" (held out)" if case.get("heldout") else "")
        scores[kind][0] += not misses
        scores[kind][1] += 1
        if misses and shown < show:
            shown += 1
            reading = (got.get("reading") or {}).get("summary", "")
            print(f"MISS {kind:<24} {case['q']}  [{' '.join(misses)}]  {got['intent']} · {reading}")
    return scores


def report(scores: dict[str, list[int]]) -> None:
    def row(kind: str, passed: int, asked: int) -> None:
        print(f"{kind:<36}{passed:>7}{asked:>7}{passed / max(asked, 1):>9.1%}")

    print(f"{'kind':<36}{'exact':>7}{'asked':>7}{'share':>9}")
    for kind, (passed, asked) in sorted(scores.items()):
        row(kind, passed, asked)
    held = [s for kind, s in scores.items() if kind.endswith("(held out)")]
    if held:
        row("all held out", sum(s[0] for s in held), sum(s[1] for s in held))
    if len(scores) > 1:
        row("all", sum(s[0] for s in scores.values()), sum(s[1] for s in scores.values()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help="question files (JSON lines)")
    parser.add_argument("--bank", action="store_true", help="ask the generated paraphrase bank")
    parser.add_argument("--home", help="an already built POLICYKG_HOME")
    parser.add_argument("--misses", type=int, default=20, help="print at most this many misses")
    args = parser.parse_args(argv)
    if not args.files and not args.bank:
        parser.error("give a question file or --bank")
    os.environ["POLICYKG_HOME"] = args.home or tempfile.mkdtemp(prefix="policykg-ask-")
    from graph.home import BUNDLED_CORPUS, require_version
    from graph.store import load_graph
    from search.qa.engine import Asker
    from web.pipeline import build_all

    if not args.home:
        build_all([str(BUNDLED_CORPUS)], warn=lambda m: print(m, file=sys.stderr), progress=False, search_index=False)
    graph = load_graph(require_version().graph_path)
    asker = Asker(graph)
    for path in args.files:
        cases = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
        print(f"== {path}")
        report(evaluate(asker, cases, args.misses))
    if args.bank:
        templates = json.loads(TEMPLATES.read_text(encoding="utf-8"))
        templates.pop("comment", None)
        print("== generated bank")
        report(evaluate(asker, list(bank(graph, templates)), args.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
