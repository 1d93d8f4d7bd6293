"""Printing helpers and option groups shared by the command modules."""

from __future__ import annotations

import argparse
import json
import sys

from graph.records import to_json


def print_json(data, indent: int | None = 2) -> None:
    """``data`` (records, lists of them or plain JSON values) as JSON on stdout."""
    print(json.dumps(to_json(data), ensure_ascii=False, indent=indent))


def fail(message: str, code: int = 1) -> int:
    """One line on stderr and a non-zero exit code."""
    print(f"policykg: {message}", file=sys.stderr)
    return code


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """The options of every command that builds a version: no progress bar, another embedding model."""
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--model", help="a local sentence-transformers model folder (default: $POLICYKG_MODEL, m3e-small)"
    )
