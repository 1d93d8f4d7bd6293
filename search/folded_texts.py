"""Every unit's folded lexical text (``Tokenizer.fold``), kept beside its tokens, so that a build
teaching jieba other words finds the texts holding one of them without folding every text again
(folding the full corpus costs seconds; decoding the kept texts and finding the words in them, a
few tenths of one).

``tokens/folded.txt`` holds the texts in UTF-8, each followed by NUL (no user word holds one, so no
match spans two texts), and ``tokens/folded.npy`` where each begins (N + 1): byte offsets in row 0
(to copy a text), character offsets in row 1 (to place a match found in the decoded texts).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .runs import spans

TEXTS, OFFSETS = "folded.txt", "folded.npy"
END = "\x00"


@dataclass
class FoldedTexts:
    data: np.ndarray  # uint8
    offsets: np.ndarray  # (N + 1,) int64: bytes
    chars: np.ndarray  # (N + 1,) int64: characters

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @classmethod
    def load(cls, folder: Path, count: int) -> FoldedTexts | None:
        """The folded texts kept in ``folder``; None when missing, unreadable or not ``count`` of them."""
        try:
            data = np.fromfile(folder / TEXTS, dtype=np.uint8)
            both = np.load(folder / OFFSETS)
        except (OSError, ValueError):
            return None
        if both.shape != (2, count + 1) or both[0, -1] != len(data) or both[:, 0].any():
            return None
        offsets, chars = both
        if (np.diff(chars) < 1).any() or (np.diff(offsets) < np.diff(chars)).any() or data[offsets[1:] - 1].any():
            return None  # every text ends in NUL
        return cls(data, offsets, chars)

    def save(self, folder: Path) -> None:
        self.data.tofile(folder / TEXTS)
        np.save(folder / OFFSETS, np.stack([self.offsets, self.chars]))

    @classmethod
    def gather(
        cls,
        texts: Sequence[str],
        take: np.ndarray,
        previous: FoldedTexts | None,
        fold_all: Callable[[list[str]], list[str]],
    ) -> FoldedTexts:
        """The folded ``texts``: text ``i`` copied from ``previous``'s row ``take[i]`` (the same text)
        where that is >= 0, folded otherwise."""
        if previous is None:
            take = np.full(len(texts), -1, dtype=np.int64)
        fresh = np.flatnonzero(take < 0)
        folded = [text + END for text in fold_all([texts[i] for i in fresh.tolist()])]
        encoded = [text.encode("utf-8", "surrogatepass") for text in folded]
        offsets = _offsets(take, previous.offsets if previous is not None else None, fresh, [len(b) for b in encoded])
        chars = _offsets(take, previous.chars if previous is not None else None, fresh, [len(text) for text in folded])
        data = np.empty(int(offsets[-1]), dtype=np.uint8)
        if previous is not None:
            for start, end, old_start, old_end in spans(take, offsets, previous.offsets):
                data[start:end] = previous.data[old_start:old_end]
        for i, b in zip(fresh.tolist(), encoded, strict=True):
            data[offsets[i] : offsets[i + 1]] = np.frombuffer(b, dtype=np.uint8)
        return cls(data, offsets, chars)

    def holding(self, pattern: re.Pattern[str]) -> np.ndarray:
        """Whether each text holds a match of ``pattern`` (which matches no NUL); ValueError when the
        texts do not decode or do not end where their offsets say (a damaged file)."""
        text = str(self.data.data, "utf-8", "surrogatepass")
        if len(text) != self.chars[-1] or any(text[end] != END for end in (self.chars[1:] - 1).tolist()):
            raise ValueError("folded texts do not match their offsets")
        starts = np.fromiter((m.start() for m in pattern.finditer(text)), dtype=np.int64)
        out = np.zeros(len(self), dtype=bool)
        out[np.searchsorted(self.chars, starts, side="right") - 1] = True
        return out


def _offsets(take: np.ndarray, previous: np.ndarray | None, fresh: np.ndarray, sizes: list[int]) -> np.ndarray:
    """Where each text begins, its size taken from ``previous`` offsets (rows ``take``) or ``sizes``
    (of the texts ``fresh``)."""
    lengths = np.zeros(len(take), dtype=np.int64)
    if previous is not None:
        kept = np.flatnonzero(take >= 0)
        lengths[kept] = previous[take[kept] + 1] - previous[take[kept]]
    lengths[fresh] = sizes
    offsets = np.zeros(len(take) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets
