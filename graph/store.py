"""Save and load the graph as plain JSON (loading never runs code), written atomically."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import networkx as nx
import orjson

from .bulk import long_lived

FORMAT = "policykg-graph"
VERSION = 1
CHUNK = 10_000  # nodes or edges serialised at once


class GraphMissing(Exception):
    """No usable graph on disk; the message tells the user how to build one."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()


@contextmanager
def atomic_open(path: Path) -> Iterator[BinaryIO]:
    """A file handle on a temporary file beside ``path``, renamed into place only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _FILE_MODE)  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def link_or_copy(source: Path, target: Path) -> None:
    """``target`` as a hard link to ``source`` when the file system allows it, else a copy: for files
    a version never changes once written, which later versions share."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def atomic_write(path: Path, data: bytes) -> None:
    with atomic_open(path) as fh:
        fh.write(data)


def _nodes(graph: nx.MultiDiGraph) -> Iterator[dict]:
    # Reserved names keep endpoints apart from attributes such as a unit's own "id".
    return ({**attrs, "_node": n} for n, attrs in graph.nodes(data=True))


def _edges(graph: nx.MultiDiGraph) -> Iterator[dict]:
    return ({**attrs, "_from": u, "_to": v, "_key": k} for u, v, k, attrs in graph.edges(keys=True, data=True))


def _head(graph: nx.MultiDiGraph) -> dict:
    return {"format": FORMAT, "version": VERSION, "graph": dict(graph.graph)}


def to_json(graph: nx.MultiDiGraph) -> dict:
    return {**_head(graph), "nodes": list(_nodes(graph)), "edges": list(_edges(graph))}


def from_json(data: dict) -> nx.MultiDiGraph:
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise GraphMissing("图谱文件格式不符，请重新构建 (graph file has an unknown format; run `policykg build`)")
    graph: nx.MultiDiGraph = nx.MultiDiGraph(**data.get("graph", {}))
    # networkx's own tables filled directly, as ``add_node`` and ``add_edge`` would (an edge's key
    # dictionary is shared by its source's successors and its target's predecessors): twice as fast
    # on a large graph. The parsed records become the attribute dictionaries, less the endpoints.
    tables = vars(graph)
    nodes, succ, pred = tables["_node"], tables["_succ"], tables["_pred"]

    def node(n: object) -> None:
        if n not in nodes:
            nodes[n], succ[n], pred[n] = {}, {}, {}

    for attrs in data["nodes"]:
        n = attrs.pop("_node")
        if n in nodes:
            nodes[n].update(attrs)
        else:
            nodes[n], succ[n], pred[n] = attrs, {}, {}
    for attrs in data["edges"]:
        u, v, key = attrs.pop("_from"), attrs.pop("_to"), attrs.pop("_key")
        node(u)
        node(v)
        keyed = succ[u].get(v)
        if keyed is None:
            keyed = succ[u][v] = pred[v][u] = {}
        keyed[key] = attrs
    return graph


def _write_array(fh: BinaryIO, items: Iterator[dict]) -> None:
    """A JSON array written a chunk of items at a time: fast, and never all the text in memory."""
    fh.write(b"[")
    separator = b""
    while chunk := list(itertools.islice(items, CHUNK)):
        fh.write(separator + orjson.dumps(chunk)[1:-1])
        separator = b","
    fh.write(b"]")


def save_graph(graph: nx.MultiDiGraph, path: Path) -> int:
    """Stream the JSON out: a large corpus never holds the whole serialised text in memory."""
    with atomic_open(path) as fh, long_lived():
        fh.write(orjson.dumps(_head(graph))[:-1] + b',"nodes":')
        _write_array(fh, _nodes(graph))
        fh.write(b',"edges":')
        _write_array(fh, _edges(graph))
        fh.write(b"}")
        return fh.tell()


def load_graph(path: Path) -> nx.MultiDiGraph:
    if not path.exists():
        raise GraphMissing(f"尚未构建图谱 (no graph at {path}; run `policykg build` first)")
    with long_lived():
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise GraphMissing(
                f"图谱文件已损坏，请重新构建 (graph file is unreadable: {exc}; run `policykg build`)"
            ) from None
        return from_json(data)
