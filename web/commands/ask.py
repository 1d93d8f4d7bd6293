"""ask: questions in natural Chinese, answered from the graph with evidence, else by ranked search."""

from __future__ import annotations

import argparse
import sys

from search.qa.cues import load_cues
from search.qa.model import Answer, QuestionError

from ..output import fail, print_json


def _print(answer: Answer) -> None:
    print(answer.answer)
    if answer.reading and answer.reading.summary:
        print(load_cues().phrase("reading", reading=answer.reading.summary))
    for e in answer.evidence:
        where = f"{e.doc} {e.task}" if e.task else e.doc
        print(f"  [{where} @{e.source.get('start')}-{e.source.get('end')}] {e.text}")


def cmd_ask(args: argparse.Namespace) -> int:
    from web.state import current

    asker = current().asker  # the graph and, when an index is built, ranked search to fall back on
    if args.question == "-":
        for line in sys.stdin:
            question = line.strip()
            if not question:
                continue
            try:
                record = asker.ask(question).to_dict()
            except QuestionError as exc:
                record = {"question": question, "intent": None, "status": "error", "error": str(exc)}
            print_json(record, indent=None) if args.json else print(record.get("answer") or record["error"])
            sys.stdout.flush()
        return 0
    try:
        answer = asker.ask(args.question)
    except QuestionError as exc:
        return fail(str(exc))
    if args.json:
        print_json(answer.to_dict())
    else:
        _print(answer)
    return 0 if answer.status in ("ok", "search") else 1


def register(sub) -> None:
    p = sub.add_parser("ask", help="ask a question in Chinese (- reads one question per line from stdin)")
    p.add_argument("question")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ask)
