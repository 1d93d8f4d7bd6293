"""The corpora the benchmarks measure, by short name: the bundled plan and the shared sets beside the checkout."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
CORPORA = {
    "plan": ROOT / "data" / "corpus",
    "reports": SHARED / "gov-work-reports",
    "laws": SHARED / "laws",
}


def run_each(module: str, corpus: str, child_args: list[str], report: Callable[[dict], None]) -> int:
    """Measure each corpus named by ``corpus`` (or ``all``) in a fresh process of ``module --one``, so
    one corpus's peak memory never counts towards the next, and print each child's JSON with ``report``."""
    names = list(CORPORA) if corpus == "all" else [corpus]
    for name in names:
        if not CORPORA[name].exists():
            print(f"{name}: corpus not found at {CORPORA[name]}", file=sys.stderr)
            return 1
        cmd = [sys.executable, "-m", module, "--one", "--corpus", name, *child_args]
        done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        if done.returncode != 0:
            print(f"{name}: benchmark failed (exit {done.returncode})", file=sys.stderr)
            return done.returncode
        report(json.loads(done.stdout.strip().splitlines()[-1]))
    return 0
