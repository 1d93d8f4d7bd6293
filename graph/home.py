"""Where built data lives: ``$POLICYKG_HOME`` (default: a git-ignored folder in the checkout), in versions.

Layout::

    current.json             the version being served: {"version": ID, "built": time, "previous": ID}
    build.lock               held (flock) by the one build running in this home
    versions/ID/             one complete build: graph.json, index/ (the search index), corpus.json
                             sources/ (the files it was built from, by content), documents/
                             (their ingest results, by content), …
    versions/.staging-ID/    a build in progress, renamed to versions/ID once complete
    .trash/                  versions no longer kept, being deleted by a detached process

A build takes the lock, stages a new version, renames it into ``versions/`` and then replaces
``current.json`` (a temporary file renamed over it), so a reader sees the old version or the new
one, whole, and a build that fails or is killed leaves the old one served. Two versions are kept:
the current one and the one it replaced, which a reader that loaded it before the switch may still
be reading. Anything else under ``versions/`` — staging folders of killed builds, older versions —
is removed when the next build takes the lock and again after each switch (moved to ``.trash/``
at once, deleted by a detached process: ``graph.trash``).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import trash
from .store import GraphMissing, atomic_write

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = ROOT / "data" / "corpus"

POINTER = "current.json"
LOCK = "build.lock"
VERSIONS = "versions"
STAGING = ".staging-"
# Files of the layout before versions (one graph.json and index/ at the top), and their temporaries.
LEGACY = ("graph.json", "index")
LEGACY_TEMPORARY = (".graph.json.", ".index.")
_ID = re.compile(r"\d{8}T\d{6}-[0-9a-f]{8}")


class BuildBusy(Exception):
    """Another build holds this home's lock."""


@dataclass(frozen=True)
class Version:
    """One build's folder. ``built`` is when it was switched in (empty while it is being staged)."""

    id: str
    path: Path
    built: str = ""

    @property
    def graph_path(self) -> Path:
        return self.path / "graph.json"

    @property
    def index_path(self) -> Path:
        return self.path / "index"

    @property
    def corpus_path(self) -> Path:
        """The manifest of the source files this version was built from."""
        return self.path / "corpus.json"

    @property
    def documents_path(self) -> Path:
        """Its documents' ingest results, kept for the next build (``ingest.docstore``)."""
        return self.path / "documents"

    @property
    def sources_path(self) -> Path:
        """Copies of those files, by content: ``sources/SHA256/NAME``."""
        return self.path / "sources"


def home() -> Path:
    path = Path(os.environ.get("POLICYKG_HOME") or ROOT / ".policykg")
    path.mkdir(parents=True, exist_ok=True)
    return path


def versions_dir() -> Path:
    return home() / VERSIONS


def _pointer() -> dict:
    try:
        data = json.loads((home() / POINTER).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _valid_id(value: object) -> str | None:
    return value if isinstance(value, str) and _ID.fullmatch(value) else None


def current_version() -> Version | None:
    """The version being served, or None when nothing is built (or the pointer names no folder)."""
    pointer = _pointer()
    version_id = _valid_id(pointer.get("version"))
    if version_id is None:
        return None
    path = versions_dir() / version_id
    if not path.is_dir():
        return None
    return Version(version_id, path, str(pointer.get("built") or ""))


def require_version() -> Version:
    """The version being served; ``GraphMissing`` (telling the user to build) when there is none."""
    version = current_version()
    if version is None:
        raise GraphMissing(f"尚未构建图谱 (nothing built in {home()}; run `policykg build` first)")
    return version


def graph_path() -> Path:
    """The current version's graph file; ``GraphMissing`` when nothing is built."""
    return require_version().graph_path


# -- building: one at a time, staged aside, switched in whole ----------------------------------------
_held: set[Path] = set()  # homes whose lock this process holds


@contextmanager
def exclusive(path: Path, busy: Exception) -> Iterator[None]:
    """Hold an ``flock`` on ``path`` (created when missing), or raise ``busy`` at once when another holds it.

    The kernel releases the lock when its holder exits, even when killed, so a crash never blocks the next run.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextmanager
def build_lock() -> Iterator[None]:
    """Hold this home's build lock (``build.lock``), after removing what killed builds left; ``BuildBusy`` if taken."""
    root = home()
    with exclusive(root / LOCK, BuildBusy(f"另一个构建正在进行 (another build is running in {root}; try again later)")):
        _held.add(root)
        try:
            _remove_leftovers(root)
            yield
        finally:
            _held.discard(root)


def _require_lock() -> Path:
    root = home()
    if root not in _held:
        raise RuntimeError(f"the build lock of {root} is not held; use build_lock()")
    return root


def stage_version() -> Version:
    """A new, empty version folder to build into (under the lock); publish or discard it."""
    _require_lock()
    version_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    path = versions_dir() / f"{STAGING}{version_id}"
    path.mkdir(parents=True)
    return Version(version_id, path)


def publish(staged: Version) -> Version:
    """Move a complete staged version into place and serve it; keep the one it replaces, drop older ones."""
    root = _require_lock()
    final = versions_dir() / staged.id
    os.rename(staged.path, final)
    _sync_dir(final.parent)
    before = current_version()
    built = datetime.now().astimezone().isoformat(timespec="seconds")
    pointer = {"version": staged.id, "built": built, "previous": before.id if before else None}
    atomic_write(root / POINTER, json.dumps(pointer).encode("utf-8"))
    _sync_dir(root)
    _remove_leftovers(root)
    return Version(staged.id, final, built)


def discard(staged: Version) -> None:
    """Remove a staged version that will not be published."""
    shutil.rmtree(staged.path, ignore_errors=True)


def _sync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_leftovers(root: Path) -> None:
    """Everything under ``versions/`` but the current and previous version, and the older layout's
    files; folders are moved to the trash at once and deleted by a detached process (``graph.trash``)."""
    pointer = _pointer()
    keep = {v for v in (_valid_id(pointer.get("version")), _valid_id(pointer.get("previous"))) if v}
    folder = root / VERSIONS
    for entry in folder.iterdir() if folder.is_dir() else ():
        if entry.name not in keep:
            trash.discard(root, entry)
    for entry in root.iterdir():
        temporary = entry.name.startswith(LEGACY_TEMPORARY) or entry.name.startswith(f".{POINTER}.")
        if entry.name in LEGACY or temporary:
            trash.discard(root, entry)
    trash.empty(root)
