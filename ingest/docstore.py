"""Ingested documents kept between builds, by the content of their file.

A build keeps each document's ingest result in a folder of its version (``SHA256.pickle``) with
``manifest.json``: the fingerprint of the ingest code and lexicon that made them, and the programme
names every document was extracted with. A later build of the same corpus plus or minus a few files
reads the kept documents instead of reading, repairing and extracting every file again; a changed
lexicon or ingest code (another fingerprint) makes the folder unusable, and the build ingests afresh.

The files are written only by builds into the home's own version folders and never changed once
written (a later version links to them), so reading them back is reading what this program wrote.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .lexicon import INGEST_FILES, Lexicon
from .model import Document

MANIFEST = "manifest.json"
SUFFIX = ".pickle"
_CODE = Path(__file__).resolve().parent


@dataclass
class Kept:
    """One document's ingest result and the programme names it makes known to the corpus (found in
    its text beyond the lexicon's; a function of the file and the lexicon alone)."""

    doc: Document
    discovered: frozenset[str]


@cache
def _fingerprint(lexicon_root: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(_CODE.rglob("*.py")) + [lexicon_root / name for name in INGEST_FILES]
    for path in files:
        digest.update(path.name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b""))
    return digest.hexdigest()


def fingerprint(lexicon: Lexicon) -> str:
    """What ingest results depend on besides the file: the ingest code and the lexicon."""
    return _fingerprint(Path(lexicon.root).resolve())


@dataclass(frozen=True)
class DocumentStore:
    """The kept documents of one version; ``known`` is the programme names they were extracted with."""

    folder: Path
    known: frozenset[str]

    def find(self, sha256: str, doc_id: str) -> Kept | None:
        """The kept result for a file of this content read as ``doc_id``, if there is one."""
        path = self.folder / f"{sha256}{SUFFIX}"
        try:
            with path.open("rb") as fh:
                kept = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        if not isinstance(kept, Kept) or kept.doc.id != doc_id:
            return None
        return kept

    def entry_path(self, sha256: str) -> Path:
        return self.folder / f"{sha256}{SUFFIX}"


def open_store(folder: Path, lexicon: Lexicon) -> DocumentStore | None:
    """The kept documents in ``folder``, or None when there are none made by this code and lexicon."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest["fingerprint"] != fingerprint(lexicon):
            return None
        return DocumentStore(folder, frozenset(manifest["known"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _link_or_write(target: Path, kept: Kept, source: Path | None) -> None:
    if source is not None:
        try:
            os.link(source, target)
            return
        except OSError:
            pass
    tmp = target.with_name(f".{target.name}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(kept, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, target)


def keep_documents(
    folder: Path, kept: list[Kept], known: frozenset[str], lexicon: Lexicon, unchanged: dict[str, Path]
) -> None:
    """Keep ``kept`` in the new ``folder``; ``unchanged`` maps a content digest to an earlier
    version's file holding exactly that result, which is linked rather than written again."""
    folder.mkdir(parents=True, exist_ok=True)
    for entry in kept:
        target = folder / f"{entry.doc.sha256}{SUFFIX}"
        if not target.exists():
            _link_or_write(target, entry, unchanged.get(entry.doc.sha256))
    manifest = {"fingerprint": fingerprint(lexicon), "known": sorted(known)}
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
