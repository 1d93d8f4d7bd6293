"""add, remove: change the served corpus by a few files, as a new version."""

from __future__ import annotations

import argparse
import sys

from ..output import add_build_options
from ..pipeline import CorpusChange, add_files, remove_document


def _warn(msg: str) -> None:
    print(f"警告 warning: {msg}", file=sys.stderr)


def _print_summary(change: CorpusChange) -> None:
    if change.summary is None:
        return
    s = change.summary["stats"]
    line = f"version {change.summary['version']}: {s.documents} documents, {s.tasks} tasks, {s.edge_count} edges"
    if "index" in change.summary:
        i = change.summary["index"]
        line += f"; search index: {i['units']} units, {i['encoded']} texts encoded, {i['reused']} reused"
    print(line)


def cmd_add(args: argparse.Namespace) -> int:
    change = add_files(args.paths, warn=_warn, progress=not args.quiet, model=args.model)
    for path, holder in change.present:
        print(f"已在语料中 already in the corpus (same content as {holder}): {path}")
    for path in change.added:
        print(f"added {path}")
    _print_summary(change)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    change = remove_document(args.doc, warn=_warn, progress=not args.quiet, model=args.model)
    print(f"removed {change.removed}")
    _print_summary(change)
    return 0


def register(sub) -> None:
    a = sub.add_parser("add", help="add files to the built corpus (files already there by content are skipped)")
    a.add_argument("paths", nargs="+", help="files or folders")
    add_build_options(a)
    a.set_defaults(func=cmd_add)
    r = sub.add_parser("remove", help="remove a document (by id, see `policykg docs`) from the built corpus")
    r.add_argument("doc")
    add_build_options(r)
    r.set_defaults(func=cmd_remove)
