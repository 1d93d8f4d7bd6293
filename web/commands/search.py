"""search: hybrid (BM25 + m3e-small + graph) search over tasks and paragraphs."""

from __future__ import annotations

import argparse
import os
import sys

from search.engine import MODES, Searcher, SearchResponse
from search.errors import EncoderMissing, QueryError

from ..output import fail, print_json


def _searcher(args: argparse.Namespace) -> Searcher:
    return Searcher.open(model=args.model)


def _print_text(response: SearchResponse) -> None:
    if response.message:
        print(response.message)
    for r in response.results:
        depts = f"  [{'、'.join(r.departments)}]" if r.departments else ""
        print(f"{r.rank:>2}. {r.doc} {r.id} ({r.kind}) {r.title}  {r.score:.3f}{depts}")
        for start, end in r.highlights:
            print(f"      {r.text[start:end].strip()}")


def _batch(args: argparse.Namespace) -> int:
    """One query a line on stdin, one JSON object a line on stdout; the model loads once."""
    searcher, failed = _searcher(args), 0
    for line in sys.stdin:
        query = line.rstrip("\n")
        if not query.strip():
            continue
        try:
            response = searcher.search(query, k=args.k, mode=args.mode)
        except QueryError as exc:
            failed += 1
            if args.json:
                print_json({"query": query, "mode": args.mode, "results": [], "error": str(exc)}, indent=None)
            else:
                print(f"# {query}\npolicykg: {exc}")
        else:
            if args.json:
                print_json(response, indent=None)
            else:
                print(f"# {query}")
                _print_text(response)
        sys.stdout.flush()
    return 1 if failed else 0


def cmd_search(args: argparse.Namespace) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        if args.query == "-":
            return _batch(args)
        response = _searcher(args).search(args.query, k=args.k, mode=args.mode)
    except EncoderMissing as exc:
        return fail(str(exc))
    if args.json:
        print_json(response)
    else:
        _print_text(response)
    return 0


def register(sub) -> None:
    s = sub.add_parser(
        "search",
        help="search tasks and paragraphs (hybrid BM25 + dense + graph)",
        description="Search the built index. QUERY '-' reads one query a line from stdin.",
    )
    s.add_argument("query", metavar="QUERY", help="what to look for, or '-' for one query a line on stdin")
    s.add_argument("-k", type=int, default=10, help="number of results (1-1000, default 10)")
    s.add_argument("--mode", choices=MODES, default="hybrid", help="hybrid (default), bm25 or dense")
    s.add_argument("--json", action="store_true", help="JSON output (batch: one object a line)")
    s.add_argument("--model", help="sentence-transformers model folder (default: $POLICYKG_MODEL or m3e-small)")
    s.set_defaults(func=cmd_search)
