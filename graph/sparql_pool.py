"""A small pool of SPARQL worker processes over one store, with a time limit that really stops a query.

Each query goes to an idle worker (:mod:`graph.sparql_worker`), which parses, runs and writes it.
When the time limit passes the worker is killed (with whatever it was doing) and a fresh one
takes its place on the next query. At most ``workers`` queries run at once and at most ``queue``
more wait for a worker; any query beyond that is turned away at once with :class:`QueryBusy`, so
waiting queries never pile up in the server's request threads.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from .sparql_results import Answer
from .sparql_worker import FRAME_LENGTHS, encode_frame

START_TIMEOUT = 30.0  # seconds for a new worker to open the store
DEFAULT_MEMORY = 2 * 1024**3  # heap per worker, bytes


class SparqlError(ValueError):
    """A query that was not answered; the message is one line, in Chinese and English."""


class QueryRefused(SparqlError):
    """Malformed, an update, or reaching beyond this graph (HTTP 400)."""


class QueryTooLarge(SparqlError):
    """The query text is longer than the limit (HTTP 413)."""


class QueryStopped(SparqlError):
    """The query was stopped before it finished (HTTP 503)."""


class QueryTimeout(QueryStopped):
    """The time limit passed and the query was stopped."""


class QueryBusy(QueryStopped):
    """Every worker is busy and the waiting line is full; try again shortly."""


class QueryFailed(SparqlError):
    """The query parsed but evaluating it failed (HTTP 500)."""


class _Died(Exception):
    pass


class _Worker:
    def __init__(self, store: Path, memory: int):
        args = [sys.executable, "-m", "graph.sparql_worker", str(store), str(memory)]
        self.proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True
        )
        if self.proc.stdin is None or self.proc.stdout is None:
            raise QueryFailed("查询进程无法启动 SPARQL worker has no pipes")
        self._stdin, self._stdout = self.proc.stdin, self.proc.stdout
        self._fd = self._stdout.fileno()
        self._poll = select.poll()  # not select(): a busy server's descriptors pass FD_SETSIZE
        self._poll.register(self._fd, select.POLLIN)
        try:
            header, _ = self._read(time.monotonic() + START_TIMEOUT)
        except (TimeoutError, _Died):
            self.kill()
            raise QueryFailed(f"查询进程无法启动 SPARQL worker did not start on {store}") from None
        if not header.get("ready"):
            self.kill()
            raise QueryFailed(f"无法打开 RDF 存储 cannot open the RDF store: {header.get('message')}")

    def _take(self, size: int, deadline: float) -> bytes:
        data = bytearray()
        while len(data) < size:
            left = deadline - time.monotonic()
            if left <= 0 or not self._poll.poll(left * 1000):
                raise TimeoutError
            chunk = os.read(self._fd, min(size - len(data), 1 << 20))
            if not chunk:
                raise _Died
            data += chunk
        return bytes(data)

    def _read(self, deadline: float) -> tuple[dict, bytes]:
        head_size, body_size = FRAME_LENGTHS.unpack(self._take(FRAME_LENGTHS.size, deadline))
        header = json.loads(self._take(head_size, deadline))
        return header, self._take(body_size, deadline)

    def ask(self, request: dict, deadline: float) -> tuple[dict, bytes]:
        try:
            self._stdin.write(encode_frame(request))
            self._stdin.flush()
        except OSError:
            raise _Died from None
        return self._read(deadline)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._stdin.close()
        self._stdout.close()


def _kill_all(workers: list[_Worker]) -> None:
    for worker in workers:
        worker.kill()
    workers.clear()


@dataclass(frozen=True)
class PoolLimits:
    # A worker is taken until the request thread has read its answer, and under load that thread
    # waits its turn for the interpreter lock far longer than a typical query runs: twice as many
    # workers as cores keep answered queries from holding up the next ones.
    workers: int = max(4, 2 * (os.cpu_count() or 2))
    queue: int = 4  # queries waiting for a worker before new ones are turned away
    memory: int = DEFAULT_MEMORY

    @property
    def admitted(self) -> int:
        """Queries running or waiting at most, each holding a request thread."""
        return self.workers + self.queue

    @classmethod
    def from_env(cls) -> PoolLimits:
        """``$POLICYKG_SPARQL_WORKERS``, ``$POLICYKG_SPARQL_QUEUE`` and ``$POLICYKG_SPARQL_MEMORY_MB``, where set."""
        found = {}
        for name, key, scale in (("workers", "WORKERS", 1), ("queue", "QUEUE", 1), ("memory", "MEMORY_MB", 1024**2)):
            text = os.environ.get(f"POLICYKG_SPARQL_{key}")
            if text:
                value = int(text) if text.isdigit() else -1
                if value < (0 if name == "queue" else 1):
                    raise ValueError(f"POLICYKG_SPARQL_{key} 无效 invalid value '{text}': use a whole number")
                found[name] = value * scale
        return cls(**found)


class QueryPool:
    """Worker processes over the store at ``store``, started when first needed."""

    def __init__(self, store: Path, limits: PoolLimits | None = None):
        self.store = store
        self.limits = limits or PoolLimits.from_env()
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._running = threading.BoundedSemaphore(self.limits.workers)
        self._admitted = threading.BoundedSemaphore(self.limits.admitted)
        self._finalizer = weakref.finalize(self, _kill_all, self._idle)

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _Worker(self.store, self.limits.memory)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def run(self, text: str, media_type: str, timeout: float, max_rows: int, columns: tuple[str, ...] = ()) -> Answer:
        """Parse, run and write one query within ``timeout`` seconds, waiting for a worker included."""
        deadline = time.monotonic() + timeout
        if not self._admitted.acquire(blocking=False):
            raise QueryBusy("服务繁忙，请稍后再试 too many SPARQL queries are running or waiting; try again shortly")
        try:
            if not self._running.acquire(timeout=timeout):
                raise QueryTimeout(f"查询超时：{timeout:g} 秒内没有空闲的查询进程 no worker free within the time limit")
            try:
                request = {"query": text, "media_type": media_type, "max_rows": max_rows, "columns": list(columns)}
                return self._ask(request, deadline, timeout)
            finally:
                self._running.release()
        finally:
            self._admitted.release()

    def _ask(self, request: dict, deadline: float, timeout: float) -> Answer:
        worker = self._take()
        try:
            header, body = worker.ask(request, deadline)
        except TimeoutError:
            worker.kill()
            message = f"查询超时，已在 {timeout:g} 秒后终止 query stopped at the {timeout:g} s time limit"
            raise QueryTimeout(message) from None
        except _Died:
            worker.kill()
            raise QueryStopped(
                "查询进程已终止（可能超出内存上限）the query process died, most likely at its memory limit"
            ) from None
        self._give_back(worker)
        if header["ok"]:
            return Answer(body, header["content_type"], header["count"], header["truncated"])
        if header["kind"] == "malformed":
            raise QueryRefused(f"查询无法解析 malformed query: {header['message']}")
        raise QueryFailed(f"查询执行失败 query failed: {header['message']}")

    def warm(self) -> None:
        """Start one worker now rather than on the first query."""
        self._give_back(self._take())

    def close(self) -> None:
        with self._lock:
            _kill_all(self._idle)
