"""Shared fixtures: the bundled plan, built once per session into a temporary home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "data" / "corpus" / "jiangxi-cast-reform-2021-2025.txt"
SHARED = ROOT.parent / "shared" / "corpus"
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def plan_doc():
    from ingest.pipeline import ingest

    return ingest([PLAN])[0]


@pytest.fixture(scope="session")
def built_home(tmp_path_factory):
    """A POLICYKG_HOME holding the bundled plan's graph."""
    home = tmp_path_factory.mktemp("home")
    old = os.environ.get("POLICYKG_HOME")
    os.environ["POLICYKG_HOME"] = str(home)
    from web.cli import main

    assert main(["build", "-q"]) == 0
    yield home
    if old is None:
        os.environ.pop("POLICYKG_HOME", None)
    else:
        os.environ["POLICYKG_HOME"] = old


@pytest.fixture(scope="session")
def plan_graph(built_home):
    from graph.store import load_graph

    return load_graph(built_home / "graph.json")


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"shared corpus missing: {path} (tests expect ../shared beside the checkout)")
    return path
