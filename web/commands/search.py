"""search: hybrid (BM25 + m3e-small + graph) search over tasks and paragraphs."""

from __future__ import annotations

import argparse
import json
import os
import sys

from ..output import fail, print_json

MODES = ("hybrid", "bm25", "dense")


def _searcher(args: argparse.Namespace):
    from search.engine import Searcher

    return Searcher.open(model=args.model)


def _print_text(response: dict) -> None:
    if response.get("message"):
        print(response["message"])
    for r in response["results"]:
        depts = f"  [{'、'.join(r['departments'])}]" if r["departments"] else ""
        print(f"{r['rank']:>2}. {r['doc']} {r['id']} ({r['kind']}) {r['title']}  {r['score']:.3f}{depts}")
        for start, end in r["highlights"]:
            print(f"      {r['text'][start:end].strip()}")


def _batch(args: argparse.Namespace) -> int:
    """One query a line on stdin, one JSON object a line on stdout; the model loads once."""
    from search.errors import QueryError

    searcher, failed = _searcher(args), 0
    for line in sys.stdin:
        query = line.rstrip("\n")
        if not query.strip():
            continue
        try:
            out = searcher.search(query, k=args.k, mode=args.mode).to_dict()
        except QueryError as exc:
            failed += 1
            out = {"query": query, "mode": args.mode, "results": [], "error": str(exc)}
        if args.json:
            print(json.dumps(out, ensure_ascii=False), flush=True)
        else:
            print(f"# {query}")
            if out.get("error"):
                print(f"policykg: {out['error']}")
            else:
                _print_text(out)
    return 1 if failed else 0


def cmd_search(args: argparse.Namespace) -> int:
    from search.errors import EncoderMissing

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        if args.query == "-":
            return _batch(args)
        response = _searcher(args).search(args.query, k=args.k, mode=args.mode).to_dict()
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
