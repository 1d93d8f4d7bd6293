"""adapt: train the encoder on the served corpus, then build that corpus' index again with it."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from search.adapt import adapt_served
from search.config import load_config

from ..output import add_build_options
from ..pipeline import rebuild


def _warn(msg: str) -> None:
    print(f"警告 warning: {msg}", file=sys.stderr)


def adapt_and_rebuild(base: str | None, quiet: bool, epochs: int | None = None, max_pairs: int | None = None) -> int:
    """Adapt ``base`` (default: $POLICYKG_MODEL or m3e-small) to the served corpus and serve a new
    version whose index it encoded; prints what was trained and built."""
    settings = load_config().adapt
    if epochs is not None:
        settings = replace(settings, epochs=epochs)
    if max_pairs is not None:
        settings = replace(settings, pairs=replace(settings.pairs, max_pairs=max_pairs))
    model = adapt_served(base, settings, progress=not quiet and sys.stderr.isatty())
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(model.pairs_by_kind.items()))
    loss = " -> ".join(f"{x:.3f}" for x in model.loss)
    print(
        f"adapted {model.base_name} on version {model.version}: {model.pairs} pairs ({kinds}), "
        f"{model.steps} steps, loss {loss}, {model.seconds:.0f} s -> {model.path}"
    )
    summary = rebuild(_warn, progress=not quiet, model=str(model.path))
    i = summary["index"]
    print(f"version {summary['version']}: search index encoded with {model.name}, {i['units']} units -> {i['path']}")
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return number


def cmd_adapt(args: argparse.Namespace) -> int:
    return adapt_and_rebuild(args.model, args.quiet, args.epochs, args.max_pairs)


def register(sub) -> None:
    a = sub.add_parser(
        "adapt",
        help="adapt the embedding model to the served corpus (no labels needed), then rebuild its index with it",
    )
    add_build_options(a)
    a.add_argument(
        "--epochs", type=_positive, help="passes over the training pairs (default: adapt.epochs of search.json)"
    )
    a.add_argument(
        "--max-pairs", type=_positive, help="training pairs at most (default: adapt.pairs.max_pairs of search.json)"
    )
    a.set_defaults(func=cmd_adapt)
