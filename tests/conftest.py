"""Shared fixtures. Most tests need a graph, not the search model, so there are three kinds of home:

- ``mini_home`` (per test): a short synthetic plan built without the search index, in well under a
  second; for tests of building, versions and loading.
- ``built_home`` (once per test run): the bundled plan built without the search index, the run's
  ``POLICYKG_HOME``; for the command line and the web app. ``plan_graph`` is its graph.
- ``search_home`` (once per test run): the bundled plan built with the search index (the encoder runs),
  only for tests that exercise search; ``in_search_home`` makes it a test's ``POLICYKG_HOME``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from graph.home import Version

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "data" / "corpus" / "jiangxi-cast-reform-2021-2025.txt"
SHARED = ROOT.parent / "shared" / "corpus"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# A short plan: one part, one section, two tasks with their departments and programmes.
MINI_PLAN = """# 科普工作试点方案

## 一、重点任务

### （一）加强科普能力建设

1. 建设科普教育基地。依托“科创中国”平台，推进基地建设。责任部室（单位）：普及部、学会部。

2. 开展学术交流活动。实施“海智计划”，举办学术年会。责任部室（单位）：学会部。
"""


@contextmanager
def home_env(home: Path) -> Iterator[Path]:
    """``home`` as ``POLICYKG_HOME`` inside the block; the loaded state is forgotten on the way out."""
    from web.state import reset

    old = os.environ.get("POLICYKG_HOME")
    os.environ["POLICYKG_HOME"] = str(home)
    try:
        yield home
    finally:
        if old is None:
            os.environ.pop("POLICYKG_HOME", None)
        else:
            os.environ["POLICYKG_HOME"] = old
        reset()


def build_into(home: Path, paths: list[Path], search_index: bool) -> dict:
    from web.pipeline import build_all

    with home_env(home):
        return build_all([str(p) for p in paths], warn=lambda _: None, progress=False, search_index=search_index)


def served(home: Path) -> Version:
    """The version ``home`` serves."""
    from graph.home import require_version

    with home_env(home):
        return require_version()


@pytest.fixture
def mini_plan(tmp_path) -> Path:
    path = tmp_path / "mini.txt"
    path.write_text(MINI_PLAN, encoding="utf-8")
    return path


@pytest.fixture
def mini_home(tmp_path, mini_plan, monkeypatch) -> Path:
    """This test's ``POLICYKG_HOME``, holding one graph-only build of the short plan."""
    home = tmp_path / "home"
    build_into(home, [mini_plan], search_index=False)
    monkeypatch.setenv("POLICYKG_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def plan_doc():
    from ingest.pipeline import ingest

    return ingest([PLAN])[0]


@pytest.fixture(scope="session")
def built_home(tmp_path_factory) -> Iterator[Path]:
    """The test run's ``POLICYKG_HOME``: the bundled plan's graph, without a search index."""
    home = tmp_path_factory.mktemp("home")
    build_into(home, [PLAN], search_index=False)
    with home_env(home):
        yield home


@pytest.fixture(scope="session")
def plan_graph(built_home):
    from graph.store import load_graph

    return load_graph(served(built_home).graph_path)


@pytest.fixture(scope="session")
def search_home(tmp_path_factory) -> Path:
    """The bundled plan built with its search index (the encoder runs once per test run)."""
    home = tmp_path_factory.mktemp("search-home")
    build_into(home, [PLAN], search_index=True)
    return home


@pytest.fixture
def in_search_home(search_home, monkeypatch) -> Iterator[Path]:
    """``search_home`` as this test's ``POLICYKG_HOME``."""
    from web.state import reset

    monkeypatch.setenv("POLICYKG_HOME", str(search_home))
    reset()
    yield search_home
    reset()


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"shared corpus missing: {path} (tests expect ../shared beside the checkout)")
    return path


@pytest.fixture(scope="module")
def tiny():
    """The small hand-built graph of ``tests/fixtures/graphs.py``, once per test module."""
    from tests.fixtures.graphs import tiny_graph

    return tiny_graph()
