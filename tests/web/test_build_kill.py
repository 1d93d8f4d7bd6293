"""A real ``policykg build`` killed half-way while the server answers readers: they keep getting the
old version, whole; the next build clears what the killed one left and publishes, and readers move to
the new version once it is switched in."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from graph.home import STAGING, VERSIONS, current_version
from tests.conftest import MINI_PLAN, ROOT, build_into, home_env
from web.app import create_app
from web.commands.serve import start_background

QUERY = "科普"  # a word of MINI_PLAN
WAIT_S = 180  # a generous bound for a build on a busy machine


@dataclass
class Readers:
    """Threads asking /healthz and /api/search in a loop until stopped: every status, served version and
    the documents each search answered from."""

    base: str
    statuses: list[tuple[str, int | str]] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)  # of /healthz answers
    documents: list[frozenset[str]] = field(default_factory=list)  # of search answers
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        self.threads = [
            threading.Thread(target=self._loop, args=(p,)) for p in ("healthz", "api/search?q=" + quote(QUERY))
        ]
        for t in self.threads:
            t.start()

    def _loop(self, path: str) -> None:
        while not self.stop.is_set():
            try:
                with urllib.request.urlopen(self.base + path, timeout=60) as response:
                    status, body = response.status, json.loads(response.read())
            except urllib.error.HTTPError as exc:
                self.statuses.append((path, exc.code))
                continue
            except OSError as exc:
                self.statuses.append((path, f"{type(exc).__name__}: {exc}"))
                continue
            if path == "healthz":
                self.versions.append(body["version"])
            elif body["results"]:
                self.documents.append(frozenset(r["doc"] for r in body["results"]))
            else:
                status = "no results"
            self.statuses.append((path, status))

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()


@pytest.fixture
def served_home(tmp_path, mini_plan) -> Iterator[tuple[Path, str]]:
    """A home with the short plan built (search index included), served on loopback: (home, base URL)."""
    home = tmp_path / "home"
    build_into(home, [mini_plan], search_index=True)
    with home_env(home):
        server, base = start_background(create_app(), threads=4)
        try:
            yield home, base
        finally:
            server.close()


def documents(folder: Path) -> list[str]:
    """A few short plans for the next build."""
    folder.mkdir()
    paths = []
    for n, title in enumerate(("科普工作试点方案", "科普能力提升方案", "学会服务改进方案")):
        path = folder / f"plan-{n}.txt"
        path.write_text(MINI_PLAN.replace("科普工作试点方案", title), encoding="utf-8")
        paths.append(str(path))
    return paths


def build(home: Path, paths: list[str], log: Path) -> subprocess.Popen:
    """``policykg build PATHS`` in ``home``, its messages written to ``log``."""
    env = {**os.environ, "POLICYKG_HOME": str(home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "web.cli", "build", *paths], cwd=ROOT, env=env, stdout=out, stderr=out
        )


def staged(home: Path) -> list[Path]:
    return sorted((home / VERSIONS).glob(f"{STAGING}*"))


def wait_until(done, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def test_a_build_killed_half_way_leaves_readers_on_the_old_version_and_the_next_build_clears_up(served_home, tmp_path):
    home, base = served_home
    old = current_version()
    assert old is not None
    paths = documents(tmp_path / "next")
    log = tmp_path / "build.log"

    readers = Readers(base)
    try:
        proc = build(home, paths, log)
        try:
            # Half-way: the staged version holds its graph, its RDF store and search index are being written.
            wait_until(
                lambda: any((s / "graph.json").exists() for s in staged(home)) or proc.poll() is not None, "a graph"
            )
            assert proc.poll() is None, f"the build ended before it could be killed: {log.read_text()}"
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait()
        wait_until(lambda: len(readers.versions) >= 3, "readers after the kill")
    finally:
        readers.finish()

    assert proc.returncode == -signal.SIGKILL
    assert readers.statuses and all(status == 200 for _, status in readers.statuses), readers.statuses
    assert set(readers.versions) == {old.id}
    old_documents = set(readers.documents)
    assert len(old_documents) == 1
    assert current_version() == old
    assert staged(home), "the killed build left its staged version behind"

    readers = Readers(base)
    try:
        proc = build(home, paths, log)
        assert proc.wait(timeout=WAIT_S) == 0, log.read_text()
        new = current_version()
        assert new is not None and new.id != old.id
        wait_until(lambda: readers.versions and readers.versions[-1] == new.id, "readers on the new version")
        seen = len(readers.documents)
        wait_until(lambda: len(readers.documents) >= seen + 2, "searches after the switch")
    finally:
        readers.finish()

    assert readers.statuses and all(status == 200 for _, status in readers.statuses), readers.statuses
    switched = readers.versions.index(new.id)
    assert set(readers.versions[:switched]) <= {old.id}  # the old version, whole, until the switch
    assert set(readers.versions[switched:]) == {new.id}  # then the new one, never back
    new_documents = readers.documents[-1]
    assert new_documents not in old_documents
    first_new = readers.documents.index(new_documents)  # searches answer wholly from one version, in order
    assert set(readers.documents[:first_new]) <= old_documents
    assert set(readers.documents[first_new:]) == {new_documents}
    assert staged(home) == []
    assert {p.name for p in (home / VERSIONS).iterdir()} == {old.id, new.id}
