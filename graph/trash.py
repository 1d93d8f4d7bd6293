"""Deleting what a home no longer keeps, off the path of the command that let it go.

A large version is thousands of files (every document's source copy and ingest result); deleting
them took longer than the rest of adding one document. ``discard`` renames such a folder into the
home's ``.trash/`` at once (a rename in the same file system), and ``empty`` starts a detached
process that deletes what the trash holds (``python -m graph.trash FOLDER``), so the command
returns without waiting for it. What a deletion that was cut short leaves is deleted the next time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

TRASH = ".trash"
_ROOT = Path(__file__).resolve().parent.parent
deleting: list[subprocess.Popen] = []  # the deletions this process started (tests wait for them)


def discard(root: Path, path: Path) -> None:
    """Move ``path`` into ``root``'s trash, or delete it here when it cannot be moved."""
    trash = root / TRASH
    try:
        trash.mkdir(exist_ok=True)
        os.rename(path, trash / f"{path.name}-{uuid.uuid4().hex[:8]}")
    except OSError:
        remove(path)


def empty(root: Path) -> None:
    """Delete what ``root``'s trash holds, in a detached process."""
    trash = root / TRASH
    if not trash.is_dir() or not any(trash.iterdir()):
        return
    deleting.append(
        subprocess.Popen(
            [sys.executable, "-m", "graph.trash", str(trash)],
            cwd=_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    )


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    folder = Path(argv[0])
    for entry in list(folder.iterdir()) if folder.is_dir() else ():
        remove(entry)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
