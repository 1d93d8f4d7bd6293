"""docs: the ingested documents, with what each cites and where the citation landed."""

from __future__ import annotations

import argparse

from graph import query
from graph.records import CorpusDocument

from ..output import print_json
from ..state import current


def _print_document(d: CorpusDocument) -> None:
    head = " ".join(p for p in (d.id, d.date, d.number) if p)
    print(f"{head}  《{d.title}》  {d.issuer}  tasks {d.tasks}")
    for c in d.citations:
        print(f"  {c.relation:<10} 《{c.title}》 -> {c.doc or '-'}  ({c.reason})")


def cmd_docs(args: argparse.Namespace) -> int:
    records = query.documents(current().graph)
    if args.json:
        print_json(records)
        return 0
    for d in records:
        _print_document(d)
    return 0


def register(sub) -> None:
    d = sub.add_parser("docs", help="list the ingested documents with their citations")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_docs)
