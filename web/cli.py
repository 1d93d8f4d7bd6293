"""The ``policykg`` command line. Each module in ``COMMAND_MODULES`` adds its own subcommands."""

from __future__ import annotations

import argparse
import importlib
import sys

from graph.home import BuildBusy
from graph.store import GraphMissing
from ingest.model import IngestError
from search.errors import EncoderMissing

from .output import fail

# Each module defines ``register(subparsers)``, setting ``func`` on the parsers it adds.
COMMAND_MODULES = [
    "web.commands.graph",
    "web.commands.docs",
    "web.commands.corpus",
    "web.commands.ask",
    "web.commands.rdf",
    "web.commands.serve",
    "web.commands.search",
    "web.commands.adapt",
]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="policykg", description="Chinese policy documents as a knowledge graph.")
    sub = p.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (IngestError, GraphMissing, EncoderMissing, BuildBusy, ValueError) as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return fail("interrupted", 130)


if __name__ == "__main__":
    sys.exit(main())
