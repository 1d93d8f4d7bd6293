"""BM25 over jieba tokens with bm25s: a sparse matrix, saved as .npy files and loaded memory-mapped."""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

logging.getLogger("bm25s").setLevel(logging.WARNING)


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25, size: int):
        self.retriever = retriever
        self.size = size

    @classmethod
    def build(cls, docs: list[list[str]]) -> LexicalIndex:
        retriever = bm25s.BM25()
        # bm25s cannot index an empty corpus or empty documents' vocabulary; a placeholder token
        # that no query can produce (it holds a space) keeps every row and every document valid.
        retriever.index([tokens or [" "] for tokens in docs] or [[" "]], show_progress=False)
        return cls(retriever, len(docs))

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every document for the query tokens (zeros when none is known)."""
        if not tokens or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        vocab = self.retriever.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(known), dtype=np.float32)[: self.size]

    def save(self, folder: Path) -> None:
        self.retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(folder), mmap=True), size)
