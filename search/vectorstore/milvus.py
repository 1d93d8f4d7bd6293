"""Vectors in Milvus: one collection per index part (units, pieces) and build, exact (FLAT) up to the
ANN threshold and HNSW above it, as with faiss. The index folder keeps a small descriptor
(``NAME.milvus.json``) naming the server (or milvus-lite folder) and the collection."""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import faiss
import numpy as np

from ..vectors import VectorIndex

if TYPE_CHECKING:
    from pymilvus import MilvusClient

URI_ENV = "POLICYKG_MILVUS_URI"
TOKEN_ENV = "POLICYKG_MILVUS_TOKEN"
LOCAL = "milvus.db"  # default milvus-lite folder inside the index
DESCRIPTOR = ".milvus.json"
FORMAT = "policykg-milvus"
BATCH = 5000  # rows per insert or get
FETCH = 16_384  # rows per get (Milvus caps a request)

_clients: dict[tuple[str, str], MilvusClient] = {}
_clients_lock = threading.Lock()


def _is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://", "grpc://"))


def _client(uri: str) -> MilvusClient:
    """One client per server or local folder in this process (milvus-lite allows one opener)."""
    from pymilvus import MilvusClient

    token = os.environ.get(TOKEN_ENV, "")
    with _clients_lock:
        key = (uri, token)
        if key not in _clients:
            _clients[key] = MilvusClient(uri=uri, token=token) if token else MilvusClient(uri=uri)
        return _clients[key]


def close_clients() -> None:
    """Close every client this process opened (a milvus-lite folder can then be opened elsewhere)."""
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


def _collection(build_id: str, name: str) -> str:
    return "policykg_" + re.sub(r"\W", "_", f"{build_id}_{name}")


def _resolve(folder: Path, uri: str) -> str:
    return uri if _is_server(uri) else str((folder / uri).resolve())


def upload(index: VectorIndex, folder: Path, name: str, build_id: str) -> str:
    """Copy ``index``'s vectors into a new collection and write the descriptor; returns the kind."""
    from pymilvus import DataType

    uri = os.environ.get(URI_ENV) or LOCAL
    client = _client(_resolve(folder, uri))
    collection = _collection(build_id, name)
    if client.has_collection(collection):
        client.drop_collection(collection)
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=index.dim)
    params = client.prepare_index_params()
    settings: dict[str, Any] = {}
    built = index.index
    hnsw = isinstance(built, faiss.IndexHNSW)
    if isinstance(built, faiss.IndexHNSW):  # the graph faiss built: M neighbours per node above level 0
        m = built.hnsw.nb_neighbors(1)  # type: ignore[attr-defined]  # (missing from faiss's stubs)
        settings = {"M": m, "efConstruction": built.hnsw.efConstruction}
    params.add_index(field_name="vector", index_type="HNSW" if hnsw else "FLAT", metric_type="IP", params=settings)
    client.create_collection(collection, schema=schema, index_params=params)
    vectors = index.vectors()
    for start in range(0, len(vectors), BATCH):
        block = vectors[start : start + BATCH]
        client.insert(collection, [{"id": start + i, "vector": v} for i, v in enumerate(block)])
    client.flush(collection)
    kind = f"milvus-{index.kind}"
    descriptor: dict[str, Any] = {"format": FORMAT, "uri": uri, "collection": collection, "kind": kind}
    descriptor |= {"size": index.size, "dim": index.dim}
    (folder / f"{name}{DESCRIPTOR}").write_text(json.dumps(descriptor), encoding="utf-8")
    return kind


@dataclass
class MilvusVectors:
    client: MilvusClient
    collection: str
    kind: str
    count: int
    width: int
    ef_search: int = 128

    @property
    def size(self) -> int:
        return self.count

    @property
    def dim(self) -> int:
        return self.width

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, self.size)
        scores = np.zeros((len(queries), max(k, 0)), np.float32)
        ids = np.full((len(queries), max(k, 0)), -1, np.int64)
        if k <= 0:
            return scores, ids
        params = {"metric_type": "IP", "params": {"ef": max(self.ef_search, k)} if self.kind.endswith("hnsw") else {}}
        data = [np.asarray(q, dtype=np.float32) for q in queries]
        found = self.client.search(self.collection, data=data, limit=k, search_params=params)
        for i, hits in enumerate(found):
            for j, hit in enumerate(hits):
                scores[i, j], ids[i, j] = hit["distance"], hit["id"]
        return scores, ids

    def fetch(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of ``rows``, in that order."""
        out = np.zeros((len(rows), self.dim), np.float32)
        where = {int(r): i for i, r in enumerate(rows)}
        ids = list(where)
        for start in range(0, len(ids), FETCH):
            got = self.client.get(self.collection, ids=ids[start : start + FETCH], output_fields=["vector"])
            for record in got:
                out[where[int(record["id"])]] = record["vector"]
        return out

    def scores(self, query: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        rows = np.arange(self.size) if rows is None else np.asarray(rows)
        if not len(rows):
            return np.zeros(0, np.float32)
        unique, back = np.unique(rows, return_inverse=True)
        return (self.fetch(unique) @ np.asarray(query, dtype=np.float32))[back]


def open_milvus(folder: Path, name: str, ef_search: int = 128) -> MilvusVectors:
    descriptor = json.loads((folder / f"{name}{DESCRIPTOR}").read_text(encoding="utf-8"))
    if descriptor.get("format") != FORMAT:
        raise ValueError(f"{name}{DESCRIPTOR} is not a Milvus descriptor")
    client = _client(_resolve(folder, descriptor["uri"]))
    client.load_collection(descriptor["collection"])
    return MilvusVectors(
        client, descriptor["collection"], descriptor["kind"], descriptor["size"], descriptor["dim"], ef_search
    )


def store_in_milvus(folder: Path, build_id: str, names: tuple[str, ...] = ("units", "pieces")) -> None:
    """Move a built index's faiss vectors into Milvus (no re-encoding): upload, then drop the files."""
    from ..vectors import load_vectors

    for name in names:
        path = folder / f"{name}.faiss"
        upload(load_vectors(path), folder, name, build_id)
        path.unlink()
