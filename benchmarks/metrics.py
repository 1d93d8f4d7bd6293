"""Search-quality metrics in the format of ``shared/eval/README.md``.

A result is relevant with GRADE when its whole text, whitespace removed, holds PHRASE (whitespace
removed); each phrase counts once, at its first matching result.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    return _SPACE.sub("", text)


@dataclass(frozen=True)
class Judged:
    query: str
    rel: tuple[tuple[str, int], ...]
    type: str = ""  # paraphrase | question | keyword | cross, where the set labels its queries
    corpus: str = ""  # plan | rural | reports
    split: str = ""  # tune | heldout


def load_queries(path: Path) -> list[Judged]:
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rel = tuple((squeeze(p), int(g)) for p, g in row["rel"])
            labels = (row.get(field, "") for field in ("type", "corpus", "split"))
            out.append(Judged(row["q"], rel, *labels))
    return out


def first_hits(texts: list[str], rel: tuple[tuple[str, int], ...]) -> dict[int, int]:
    """Phrase index -> 1-based rank of the first result holding it."""
    hits: dict[int, int] = {}
    for rank, text in enumerate(texts, start=1):
        flat = squeeze(text)
        for i, (phrase, _) in enumerate(rel):
            if i not in hits and phrase in flat:
                hits[i] = rank
    return hits


def ndcg(texts: list[str], rel, k: int = 10) -> float:
    hits = first_hits(texts[:k], rel)
    dcg = sum((2 ** rel[i][1] - 1) / math.log2(rank + 1) for i, rank in hits.items())
    ideal = sum((2**g - 1) / math.log2(r + 2) for r, g in enumerate(sorted((g for _, g in rel), reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def recall(texts: list[str], rel, k: int = 5) -> float:
    answers = [i for i, (_, g) in enumerate(rel) if g == 2]
    if not answers:
        return 0.0
    hits = first_hits(texts[:k], rel)
    return sum(1 for i in answers if i in hits) / len(answers)


def reciprocal_rank(texts: list[str], rel, k: int = 10) -> float:
    hits = first_hits(texts[:k], rel)
    ranks = [rank for i, rank in hits.items() if rel[i][1] == 2]
    return 1.0 / min(ranks) if ranks else 0.0


def score(texts: list[str], judged: Judged) -> dict[str, float]:
    return {
        "ndcg@10": ndcg(texts, judged.rel),
        "recall@5": recall(texts, judged.rel),
        "mrr": reciprocal_rank(texts, judged.rel),
    }
