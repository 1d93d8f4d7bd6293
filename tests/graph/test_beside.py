"""A step run beside in a forked child: its result comes back, its failure is raised here, and a
parent that fails first leaves no child behind."""

from __future__ import annotations

import os
import time

import pytest

from graph.beside import Beside


def test_the_child_runs_the_step_in_another_process_and_returns_its_result(tmp_path):
    target = tmp_path / "out.txt"

    def step():
        target.write_text("written", encoding="utf-8")
        return os.getpid(), [1, 2, 3]

    with Beside(step) as beside:
        pid, value = beside.result()
    assert pid != os.getpid() and value == [1, 2, 3]
    assert target.read_text(encoding="utf-8") == "written"


def test_a_failure_in_the_child_is_raised_here_as_one_line():
    def step():
        raise ValueError("disk full")

    with Beside(step) as beside, pytest.raises(RuntimeError, match="^ValueError: disk full$"):
        beside.result()


def test_a_child_that_dies_without_a_result_is_a_failure():
    with Beside(lambda: os._exit(3)) as beside, pytest.raises(RuntimeError, match="without a result"):
        beside.result()


def test_a_parent_that_fails_first_kills_and_reaps_the_child(tmp_path):
    with pytest.raises(KeyError), Beside(lambda: time.sleep(60)) as beside:
        pid = beside._pid
        assert pid > 0
        raise KeyError("the parent's own work failed")
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie is left
