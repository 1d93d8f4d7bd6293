"""Exact-match evaluation of `policykg ask` on a question file.

    python -m benchmarks.ask_quality ../shared/eval/dev_qa.jsonl

Each line holds a question and one or more of: tasks (exact set of task ids), departments
(exact set of canonical names), count, policy_contains (substring of a cited policy title).
The graph is built from the bundled corpus into a temporary home unless --home is given.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

CHECKS = ("tasks", "departments", "count", "policy_contains")


def check(expected: dict, got: dict) -> list[str]:
    """Names of the expectations the answer misses."""
    misses = []
    if "tasks" in expected and sorted(t["id"] for t in got["tasks"]) != sorted(expected["tasks"]):
        misses.append("tasks")
    if "departments" in expected and sorted(got["departments"]) != sorted(expected["departments"]):
        misses.append("departments")
    if "count" in expected and got["count"] != expected["count"]:
        misses.append("count")
    if "policy_contains" in expected and not any(expected["policy_contains"] in p["title"] for p in got["policies"]):
        misses.append("policy_contains")
    if not got["evidence"]:
        misses.append("evidence")
    return misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file")
    parser.add_argument("--home", help="an already built POLICYKG_HOME")
    args = parser.parse_args(argv)
    os.environ["POLICYKG_HOME"] = args.home or tempfile.mkdtemp(prefix="policykg-ask-")
    from graph.home import BUNDLED_CORPUS, graph_path
    from graph.store import load_graph
    from search.qa.engine import Asker
    from web.pipeline import build_all

    if not args.home:
        build_all([str(BUNDLED_CORPUS)], warn=lambda m: print(m, file=sys.stderr), progress=False)
    asker = Asker(load_graph(graph_path()))
    cases = [json.loads(line) for line in open(args.file, encoding="utf-8") if line.strip()]
    passed = 0
    for case in cases:
        got = asker.ask(case["q"]).to_dict()
        misses = check(case, got)
        passed += not misses
        status = "ok  " if not misses else "MISS"
        print(f"{status} {got['intent']:<24} {case['q']}  {' '.join(misses)}")
    print(f"{passed}/{len(cases)} questions answered exactly with evidence")
    return 0


if __name__ == "__main__":
    sys.exit(main())
