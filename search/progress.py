"""Progress bars for the long steps of a build, on standard error when it is a terminal."""

from __future__ import annotations

import sys


def progress_bar(total: int, desc: str, enabled: bool | None, unit: str = "chunk"):
    """A tqdm bar; ``enabled`` None means: when standard error is a terminal."""
    from tqdm import tqdm

    show = sys.stderr.isatty() if enabled is None else enabled
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=not show, mininterval=2.0)
