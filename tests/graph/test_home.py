"""The versioned data directory: staging, the atomic switch, the lock, and what is kept or removed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from graph import trash
from graph.home import (
    BuildBusy,
    build_lock,
    current_version,
    discard,
    graph_path,
    publish,
    require_version,
    stage_version,
)
from graph.store import GraphMissing
from tests.conftest import ROOT


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def build(content: str = "graph"):
    """A complete build: stage, write, publish."""
    with build_lock():
        staged = stage_version()
        staged.graph_path.write_text(content, encoding="utf-8")
        return publish(staged)


def emptied(home) -> bool:
    """Whether the trash is empty once the deletions this process started have ended."""
    for process in trash.deleting:
        process.wait()
    return not any((home / trash.TRASH).iterdir())


def versions(home) -> list[str]:
    return sorted(os.listdir(home / "versions"))


def test_nothing_built_is_none_and_a_clear_error(home):
    assert current_version() is None
    with pytest.raises(GraphMissing, match="policykg build"):
        graph_path()


def test_publish_switches_the_pointer_and_keeps_the_previous_version(home):
    first = build("one")
    assert current_version() == first and graph_path().read_text(encoding="utf-8") == "one"
    assert first.path == home / "versions" / first.id and first.built
    second = build("two")
    assert require_version() == second and graph_path().read_text(encoding="utf-8") == "two"
    pointer = json.loads((home / "current.json").read_text(encoding="utf-8"))
    assert pointer == {"version": second.id, "built": second.built, "previous": first.id}
    assert versions(home) == sorted([first.id, second.id])  # the one replaced stays for its readers
    third = build("three")
    assert versions(home) == sorted([second.id, third.id])  # older ones go


def test_a_staged_version_is_invisible_until_published_and_discard_removes_it(home):
    first = build("one")
    with build_lock():
        staged = stage_version()
        staged.graph_path.write_text("half", encoding="utf-8")
        assert current_version() == first
        discard(staged)
    assert current_version() == first and versions(home) == [first.id]


def test_staging_and_publishing_need_the_lock(home):
    with pytest.raises(RuntimeError, match="lock"):
        stage_version()
    with build_lock():
        staged = stage_version()
    with pytest.raises(RuntimeError, match="lock"):
        publish(staged)


def test_a_second_build_is_refused_while_one_runs(home):
    with build_lock():
        with pytest.raises(BuildBusy, match="another build"):
            with build_lock():
                pass
    with build_lock():  # released: the next build goes ahead
        pass


def test_a_second_process_is_refused_while_one_builds(home):
    code = "from graph.home import build_lock\nwith build_lock():\n    pass\n"
    with build_lock():
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode != 0 and "another build is running" in done.stderr


def test_leftovers_of_a_killed_build_are_removed_by_the_next_build(home):
    first = build("one")
    # A real build process stages a version, half writes it and is killed with SIGKILL.
    code = (
        "import os, signal\n"
        "from graph.home import build_lock, stage_version\n"
        "with build_lock():\n"
        "    staged = stage_version()\n"
        "    (staged.path / 'index').mkdir()\n"
        "    staged.graph_path.write_text('half', encoding='utf-8')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=os.environ, capture_output=True)
    assert done.returncode == -9
    (home / f".current.json.{'x' * 8}.tmp").write_text("{", encoding="utf-8")  # a pointer write cut short
    left = [v for v in versions(home) if v != first.id]
    assert len(left) == 1 and left[0].startswith(".staging-")
    assert current_version() == first  # the killed build changed nothing that is served
    with build_lock():  # the kernel released the dead process's lock; its leftovers go
        assert versions(home) == [first.id]
        assert sorted(os.listdir(home)) == [".trash", "build.lock", "current.json", "versions"]
    assert emptied(home)


def test_the_older_layout_counts_as_not_built_and_is_cleared(home):
    home.mkdir(parents=True)
    (home / "graph.json").write_text("{}", encoding="utf-8")
    (home / "index").mkdir()
    (home / ".index.building-abc").mkdir()
    (home / ".graph.json.abc.staged").write_text("", encoding="utf-8")
    assert current_version() is None
    version = build("new")
    assert sorted(os.listdir(home)) == [".trash", "build.lock", "current.json", "versions"]
    assert current_version() == version and emptied(home)


def test_versions_no_longer_kept_leave_at_once_and_are_deleted_by_another_process(home):
    first, second, third = build("one"), build("two"), build("three")
    assert versions(home) == sorted([second.id, third.id])
    assert trash.deleting and all(p.pid != os.getpid() for p in trash.deleting)
    assert emptied(home) and not (home / "versions" / first.id).exists()


@pytest.mark.parametrize(
    "pointer",
    [
        "{not json",
        "[]",
        '{"version": "../../etc"}',
        '{"version": "20260101T000000-deadbeef"}',  # names a folder that is not there
    ],
)
def test_a_broken_pointer_means_not_built(home, pointer):
    build("one")
    (home / "current.json").write_text(pointer, encoding="utf-8")
    assert current_version() is None
    with pytest.raises(GraphMissing, match="policykg build"):
        graph_path()
