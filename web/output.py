"""Printing helpers shared by the command modules."""

from __future__ import annotations

import json
import sys


def print_json(data, indent: int | None = 2) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=indent))


def fail(message: str, code: int = 1) -> int:
    """One line on stderr and a non-zero exit code."""
    print(f"policykg: {message}", file=sys.stderr)
    return code
