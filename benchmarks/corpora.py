"""The corpora the benchmarks measure, by short name: the bundled plan and the shared sets beside the checkout."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
CORPORA = {
    "plan": ROOT / "data" / "corpus",
    "reports": SHARED / "gov-work-reports",
    "laws": SHARED / "laws",
}
