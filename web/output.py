"""Printing helpers shared by the command modules."""

from __future__ import annotations

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
