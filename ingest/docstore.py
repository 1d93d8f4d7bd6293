"""Ingested documents kept between builds, by the content of their file.

A build keeps each document's ingest result in a folder of its version (``SHA256.pickle``), its
repaired text (``SHA256.text``), and in ``summaries.pickle`` every document's summary
(``ingest.summary``) with the programme names it discovered, beside ``manifest.json``: the
fingerprint of the ingest code and lexicon that made them, and the programme names every document
was extracted with. A later build of the same corpus plus or minus a few files takes the kept
results instead of reading, repairing and extracting every file again — and of a document whose
result it reuses as it is, only the summary, unless its whole result is asked for. A changed lexicon
or ingest code (another fingerprint) makes the folder unusable, and the build ingests afresh.

The files are written only by builds into the home's own version folders and never changed once
written (a later version links to them), so reading them back is reading what this program wrote.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .lexicon import INGEST_FILES, Lexicon
from .model import Document
from .summary import DocumentSummary

MANIFEST = "manifest.json"
SUMMARIES = "summaries.pickle"
SUFFIX = ".pickle"
TEXT = ".text"
_CODE = Path(__file__).resolve().parent


@dataclass
class Kept:
    """One document's ingest result and the programme names it makes known to the corpus (found in
    its text beyond the lexicon's; a function of the file and the lexicon alone)."""

    doc: Document
    discovered: frozenset[str]


def files_digest(paths: Iterable[Path]) -> str:
    """One digest of files' names and contents (a missing file counts as empty): the fingerprint of
    the code or data something was made by."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b""))
    return digest.hexdigest()


@cache
def _fingerprint(lexicon_root: Path) -> str:
    return files_digest(sorted(_CODE.rglob("*.py")) + [lexicon_root / name for name in INGEST_FILES])


def fingerprint(lexicon: Lexicon) -> str:
    """What ingest results depend on besides the file: the ingest code and the lexicon."""
    return _fingerprint(Path(lexicon.root).resolve())


@dataclass(frozen=True)
class Held:
    """What a version keeps of a document besides its whole result: its summary, and the programme
    names it discovered."""

    summary: DocumentSummary
    discovered: frozenset[str]


def _unpickle(path: Path) -> object:
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None


@dataclass(frozen=True)
class DocumentStore:
    """The kept documents of one version; ``known`` is the programme names they were extracted with,
    ``held`` their summaries by content digest (empty in a folder written before summaries were kept)."""

    folder: Path
    known: frozenset[str]
    held: dict[str, Held]

    def find(self, sha256: str, doc_id: str) -> Kept | None:
        """The kept result for a file of this content read as ``doc_id``, if there is one."""
        kept = _unpickle(self.entry_path(sha256))
        if not isinstance(kept, Kept) or kept.doc.id != doc_id:
            return None
        return kept

    def held_for(self, sha256: str, doc_id: str) -> Held | None:
        """The summary kept for a file of this content read as ``doc_id``, if there is one and its
        whole result is kept too."""
        held = self.held.get(sha256)
        if held is None or held.summary.id != doc_id or not self.entry_path(sha256).is_file():
            return None
        return held

    def text(self, sha256: str) -> str | None:
        """The repaired text of the kept document of this content."""
        try:
            return self.text_path(sha256).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def entry_path(self, sha256: str) -> Path:
        return self.folder / f"{sha256}{SUFFIX}"

    def text_path(self, sha256: str) -> Path:
        return self.folder / f"{sha256}{TEXT}"


def open_store(folder: Path, lexicon: Lexicon) -> DocumentStore | None:
    """The kept documents in ``folder``, or None when there are none made by this code and lexicon."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest["fingerprint"] != fingerprint(lexicon):
            return None
        known = frozenset(manifest["known"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    held = _unpickle(folder / SUMMARIES)
    if not isinstance(held, dict) or not all(isinstance(h, Held) for h in held.values()):
        held = {}
    return DocumentStore(folder, known, held)


def _write(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _linked(target: Path, source: Path) -> bool:
    try:
        os.link(source, target)
        return True
    except OSError:
        return False


def keep_documents(
    folder: Path,
    results: list[tuple[Held, Kept | None]],
    known: frozenset[str],
    lexicon: Lexicon,
    unchanged: DocumentStore | None = None,
    reused: frozenset[str] = frozenset(),
) -> None:
    """Keep every document's result in the new ``folder``: its summary, and its whole result and
    text, linked from the ``unchanged`` store when it is reused from there as it is (``reused``: by
    content digest), else written from the result given."""
    folder.mkdir(parents=True, exist_ok=True)
    held: dict[str, Held] = {}
    for summary, kept in results:
        sha = summary.summary.sha256
        held[sha] = summary
        files = {
            f"{sha}{TEXT}": lambda kept=kept: kept.doc.text.encode("utf-8"),
            f"{sha}{SUFFIX}": lambda kept=kept: pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL),
        }
        for name, data in files.items():
            target = folder / name
            if target.exists():
                continue
            if unchanged is not None and (sha in reused or kept is None) and _linked(target, unchanged.folder / name):
                continue
            if kept is None:
                raise ValueError(f"no kept result of {summary.summary.id} to link")
            _write(target, data())
    _write(folder / SUMMARIES, pickle.dumps(held, protocol=pickle.HIGHEST_PROTOCOL))
    manifest = {"fingerprint": fingerprint(lexicon), "known": sorted(known)}
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
