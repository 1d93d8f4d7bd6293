"""Errors the command line and the web API turn into a one-line message (exit 1 / HTTP 400)."""

from __future__ import annotations

from graph.store import GraphMissing


class QueryError(ValueError):
    """The query cannot be searched (empty, punctuation only, too short or too long)."""


class IndexMissing(GraphMissing):
    """No usable search index on disk; the message tells the user to run ``policykg build``."""


class EncoderMissing(RuntimeError):
    """The sentence-embedding model cannot be found or loaded."""
