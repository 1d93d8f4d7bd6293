"""Check a judged query set before it is used: every phrase must occur, whitespace removed, in the
source files and, with ``--home``, in a unit of the built index, where no two phrases of one query
may fall in the same unit (each would be credited for the one result). The split halves are
listed per type and corpus.

    python -m benchmarks.check_queries benchmarks/data/paraphrase_queries.jsonl [--home DIR]

Exits 1 when a check fails, printing each query and phrase that failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from benchmarks.metrics import Judged, load_queries, squeeze

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (
    ROOT / "data" / "corpus",
    ROOT.parent / "shared" / "corpus" / "rural",
    ROOT.parent / "shared" / "corpus" / "gov-work-reports",
)
SUFFIXES = (".txt", ".md")


def source_texts(folders: list[Path]) -> list[str]:
    files = [f for folder in folders for f in sorted(folder.rglob("*")) if f.suffix in SUFFIXES]
    return [squeeze(f.read_text(encoding="utf-8-sig")) for f in files]


def unit_texts(home: Path) -> list[str]:
    """The text of every search unit in the index built in ``home``, read by the product's loader."""
    os.environ["POLICYKG_HOME"] = str(home)
    from search.index import load_index

    return [squeeze(unit.text) for unit in load_index().units]


def missing(queries: list[Judged], texts: list[str]) -> list[tuple[str, str]]:
    """(query, phrase) for every phrase no text holds."""
    return [(j.query, phrase) for j in queries for phrase, _ in j.rel if not any(phrase in t for t in texts)]


def shared_units(queries: list[Judged], texts: list[str]) -> list[tuple[str, str]]:
    """(query, phrase) for every phrase that falls in a unit an earlier phrase of its query holds."""
    out = []
    for j in queries:
        seen: set[int] = set()
        for phrase, _ in j.rel:
            units = {i for i, t in enumerate(texts) if phrase in t}
            if units & seen:
                out.append((j.query, phrase))
            seen |= units
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file", help="JSON lines: {q, rel: [[phrase, grade], ...], type, corpus, split}")
    p.add_argument("--sources", nargs="+", type=Path, default=list(SOURCES), help="folders of the source files")
    p.add_argument("--home", type=Path, help="also check the units of the index built in this POLICYKG_HOME")
    args = p.parse_args(argv)
    queries = load_queries(Path(args.file))
    failures = [("not in the sources", *miss) for miss in missing(queries, source_texts(args.sources))]
    if args.home:
        units = unit_texts(args.home)
        failures += [("not in the index", *miss) for miss in missing(queries, units)]
        failures += [("in a unit already judged", *shared) for shared in shared_units(queries, units)]
    for problem, query, phrase in failures:
        print(f"{problem}: {phrase}  (query: {query})")
    counts = Counter((j.corpus, j.type, j.split) for j in queries)
    print(f"{len(queries)} queries, {sum(len(j.rel) for j in queries)} phrases, {len(failures)} failed")
    for corpus, kind in dict.fromkeys((c, t) for c, t, _ in counts):
        halves = ", ".join(
            f"{split or 'unsplit'} {n}" for (c, t, split), n in counts.items() if (c, t) == (corpus, kind)
        )
        print(f"  {corpus or '-':<10}{kind or '-':<12}{halves}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
