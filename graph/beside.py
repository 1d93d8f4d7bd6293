"""A step run in a forked child process beside the parent's own work, on the other core.

A change of the corpus writes the graph file while its RDF store and search index are made: the
child reads only what is already in memory (it sees the parent's memory as it was at the fork,
without a copy) and sends back a small result. The step must be plain Python: a library running
threads of its own (a database, a thread pool) may hold a lock at the fork that the child then waits
on for ever. A failure in the child is raised in the parent as
one line; a parent that fails first kills the child and reaps it.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")
FORKING = hasattr(os, "fork")  # off: every step runs in the calling process


class Beside(Generic[T]):
    """``fn()`` running in a child process (``with Beside(fn) as step: ... step.result()``), or in
    this one when asked (not ``apart``) or where processes cannot fork."""

    def __init__(self, fn: Callable[[], T], apart: bool = True):
        self._fn = fn
        self._apart = apart
        self._pid = 0
        self._fd = -1
        self._done: tuple[bool, object] | None = None

    def __enter__(self) -> Beside[T]:
        if not (self._apart and FORKING):
            return self
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, send the outcome, and leave without the parent's exit handlers
            os.close(read)
            status = 1
            try:
                payload: tuple[bool, object] = (True, self._fn())
                status = 0
            except BaseException as exc:  # noqa: BLE001 - every failure goes to the parent as a message
                payload = (False, f"{type(exc).__name__}: {exc}")
            try:
                with os.fdopen(write, "wb") as out:
                    out.write(pickle.dumps(payload))
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._fd = pid, read
        return self

    def result(self) -> T:
        """What ``fn`` returned; RuntimeError with the child's message when it failed."""
        if self._done is None:
            self._done = self._collect() if self._pid else (True, self._fn())
        ok, value = self._done
        if not ok:
            raise RuntimeError(str(value))
        return value  # type: ignore[return-value]

    def _collect(self) -> tuple[bool, object]:
        with os.fdopen(self._fd, "rb") as pipe:
            data = pipe.read()
        self._fd = -1
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        try:
            done = pickle.loads(data)
        except (EOFError, pickle.UnpicklingError):
            return False, f"the child process ended without a result (status {status})"
        return done if isinstance(done, tuple) and len(done) == 2 else (False, "the child process sent no result")

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._pid:  # the parent failed before asking for the result: the child goes too
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
