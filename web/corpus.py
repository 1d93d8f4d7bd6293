"""The corpus of a version: which source files it was built from, with a copy of each inside it.

``corpus.json`` lists ``{path, sha256, doc, file}`` per document: the path as given to the build,
the SHA-256 of the file's bytes, the document id and the copy under ``sources/SHA256/NAME``. The
copy keeps the file's name, so reading it again gives the same document id and format, and a
later ``add`` or ``remove`` rebuilds the corpus without the original paths.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from graph.home import Version
from graph.store import atomic_write, link_or_copy
from ingest.model import IngestError
from ingest.pipeline import Entry, file_sha256


@dataclass(frozen=True)
class CorpusFile:
    path: str  # as given to the build
    sha256: str  # of the file's bytes
    doc: str  # the document id
    file: str  # the copy, relative to the version folder


def read_corpus(version: Version) -> list[CorpusFile]:
    """The files ``version`` was built from; ValueError when it does not record them."""
    try:
        rows = json.loads(version.corpus_path.read_text(encoding="utf-8"))
        return [CorpusFile(**row) for row in rows]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, TypeError) as exc:
        raise ValueError(
            f"当前版本没有记录语料 (version {version.id} does not record its corpus: {exc.__class__.__name__}; "
            "run `policykg build` first)"
        ) from None


def _copy(source: Path, target: Path) -> None:
    """A hard link when the file system allows it (copies are never changed), else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    link_or_copy(source, target)


def store_corpus(staged: Version, docs: list[Entry], read_from: dict[str, Path]) -> list[CorpusFile]:
    """Copy each document's source file into ``staged`` and write its ``corpus.json``.

    ``read_from`` maps a document's path to an earlier version's copy of it (which never changes),
    to be copied instead of the path; a file copied from elsewhere whose bytes no longer match what
    was ingested is an error, never a silent mix.
    """
    files = []
    for doc in docs:
        source = read_from.get(doc.path, Path(doc.path))
        relative = Path(staged.sources_path.name) / doc.sha256 / source.name
        target = staged.path / relative
        if not target.exists():
            _copy(source, target)
        if doc.path not in read_from and file_sha256(target) != doc.sha256:
            raise IngestError(f"{doc.path}: 文件在导入时被修改 (the file changed while it was being read)")
        files.append(CorpusFile(doc.path, doc.sha256, doc.id, relative.as_posix()))
    payload = json.dumps([asdict(f) for f in files], ensure_ascii=False, indent=1)
    atomic_write(staged.corpus_path, payload.encode("utf-8"))
    return files
