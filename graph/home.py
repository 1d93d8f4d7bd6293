"""Where built data lives: ``$POLICYKG_HOME``, by default a git-ignored folder in the checkout."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = ROOT / "data" / "corpus"


def home() -> Path:
    path = Path(os.environ.get("POLICYKG_HOME") or ROOT / ".policykg")
    path.mkdir(parents=True, exist_ok=True)
    return path


def graph_path() -> Path:
    return home() / "graph.json"
