"""One SPARQL worker process: opens the Oxigraph store read-only and answers queries one at a time.

Started by :mod:`graph.sparql_pool` as ``python -m graph.sparql_worker STORE MEMORY``. Requests and
answers are frames on stdin and stdout: two big-endian lengths, a JSON header, then a body. The
worker parses, runs and writes each query itself, so the parent can stop any of those steps by
killing the process; ``MEMORY`` (bytes, 0 for none) caps its heap, so a query that would exhaust
the machine's memory ends this process instead.
"""

from __future__ import annotations

import json
import os
import resource
import struct
import sys
from typing import BinaryIO

from pyoxigraph import Store

from .namespaces import PREFIXES
from .sparql_results import write_answer

FRAME_LENGTHS = struct.Struct(">II")


def encode_frame(header: dict, body: bytes = b"") -> bytes:
    head = json.dumps(header, ensure_ascii=False).encode("utf-8")
    return FRAME_LENGTHS.pack(len(head), len(body)) + head + body


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_frame(stream: BinaryIO) -> tuple[dict, bytes] | None:
    lengths = _read_exactly(stream, FRAME_LENGTHS.size)
    if lengths is None:
        return None
    head_size, body_size = FRAME_LENGTHS.unpack(lengths)
    head, body = _read_exactly(stream, head_size), _read_exactly(stream, body_size)
    if head is None or body is None:
        return None
    return json.loads(head), body


def one_line(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def answer(store: Store, request: dict) -> bytes:
    """One request answered as a frame: the rows or triples, or why there are none."""
    try:
        result = store.query(request["query"], prefixes=PREFIXES)
        done = write_answer(result, request["media_type"], request["max_rows"], request.get("columns", ()))
    except SyntaxError as exc:
        return encode_frame({"ok": False, "kind": "malformed", "message": one_line(exc)})
    except Exception as exc:  # noqa: BLE001 - every other failure is reported, the worker lives on
        return encode_frame({"ok": False, "kind": "failed", "message": one_line(exc)})
    header = {"ok": True, "content_type": done.content_type, "count": done.count, "truncated": done.truncated}
    return encode_frame(header, done.body)


def main(argv: list[str]) -> int:
    path, memory = argv[0], int(argv[1])
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # only frames go to the parent
    if memory:
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    try:
        store = Store.read_only(path)
    except Exception as exc:  # noqa: BLE001
        out.write(encode_frame({"ok": False, "kind": "failed", "message": one_line(exc)}))
        out.flush()
        return 1
    out.write(encode_frame({"ok": True, "ready": True}))
    out.flush()
    while (frame := read_frame(sys.stdin.buffer)) is not None:
        out.write(answer(store, frame[0]))
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
