"""BM25 over jieba tokens with bm25s: a sparse matrix, saved as .npy files and loaded memory-mapped.

The matrix is computed here from each unit's bag of tokens (its distinct token ids and how often
each occurs), whole-array (bm25s's own indexing counts document by document in Python), with bm25s's
defaults (Lucene BM25, k1 1.5, b 0.75, float32), and handed to a ``bm25s.BM25`` that saves, loads and
scores it. The vocabulary is sorted, so the same tokens give the same matrix however they were
gathered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

logging.getLogger("bm25s").setLevel(logging.WARNING)

# bm25s cannot index an empty corpus or empty documents' vocabulary; a placeholder token that no
# query can produce (it holds a space) keeps every row and every document valid.
PLACEHOLDER = " "


@dataclass
class TokenTable:
    """Every unit's bag of tokens as ids into ``vocab``: unit ``i`` holds the distinct tokens
    ``ids[offsets[i]:offsets[i + 1]]`` (ascending), each ``counts[...]`` times."""

    vocab: list[str]
    ids: np.ndarray  # int32
    counts: np.ndarray  # int32
    offsets: np.ndarray  # (N + 1,) int64

    @classmethod
    def from_tokens(cls, docs: list[list[str]]) -> TokenTable:
        vocab = sorted({t for tokens in docs for t in tokens})
        index = {t: i for i, t in enumerate(vocab)}
        ids = np.fromiter((index[t] for tokens in docs for t in tokens), dtype=np.int64)
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        return cls(vocab, *bags(ids, lengths, len(vocab)))

    def __len__(self) -> int:
        return len(self.offsets) - 1


def bags(ids: np.ndarray, lengths: np.ndarray, vocab_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, counts, offsets) of the bags of token sequences given unit by unit (``lengths[i]`` ids
    each, all below ``vocab_size``): per unit, its distinct ids ascending and how often each occurs."""
    docs = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    width = max(vocab_size, 1)
    docs *= width
    docs += ids
    pairs, counts = _counted(docs)
    unit, term = np.divmod(pairs, width)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.bincount(unit, minlength=len(lengths)), out=offsets[1:])
    return term.astype(np.int32), counts.astype(np.int32), offsets


def _counted(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``values``, sorted, and how often each occurs (``np.unique(..., return_counts=True)``
    with fewer copies of arrays of millions). Sorts ``values``."""
    values.sort()
    first = np.ones(len(values), dtype=bool)
    np.not_equal(values[1:], values[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return values[starts], np.diff(starts, append=len(values))


PACKED_LIMIT = 2**63  # keys (token, document, count) packed into one int64 below this
BLOCK = 1 << 20  # pairs scored at a time


def _by_token(terms: np.ndarray, docs: np.ndarray, tf: np.ndarray, n_docs: int) -> tuple[np.ndarray, ...]:
    """(tokens, documents, counts) of the (token, document) pairs in token order, then document order:
    one sort of int64 keys that carry the count, when they fit in one (else an argsort). Takes
    ``terms`` over as the keys."""
    spread = int(tf.max()) + 1 if len(tf) else 1
    packed = (int(terms.max()) + 1 if len(terms) else 1) * n_docs * spread < PACKED_LIMIT
    key = terms
    key *= n_docs
    key += docs
    if packed:
        key *= spread
        key += tf
        key.sort()
        tf = key % spread
        key //= spread
    else:
        order = np.argsort(key)  # the (token, document) pairs are distinct
        key, tf = key[order], tf[order]
    rows = key % n_docs
    key //= n_docs
    return key, rows, tf


def _matrix(table: TokenTable, k1: float, b: float) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """(vocab, data, indices, indptr) of the CSC score matrix (columns: tokens; rows: documents).
    Arrays as long as the corpus's pairs are changed in place where they can be: making them costs
    more than the arithmetic."""
    distinct = np.diff(table.offsets)
    empty = np.flatnonzero(distinct == 0)
    if len(table) == 0:
        empty = np.zeros(1, dtype=np.int64)
        distinct = np.zeros(1, dtype=np.int64)
    vocab = table.vocab
    docs = np.repeat(np.arange(len(distinct), dtype=np.int64), distinct)
    terms = table.ids.astype(np.int64)
    tf = np.asarray(table.counts)
    if len(empty):
        vocab = sorted([*vocab, PLACEHOLDER])
        shift = vocab.index(PLACEHOLDER)
        terms = np.concatenate([np.where(terms >= shift, terms + 1, terms), np.full(len(empty), shift)])
        docs = np.concatenate([docs, empty])
        tf = np.concatenate([tf, np.ones(len(empty), dtype=tf.dtype)])
    n_docs = len(distinct)
    lengths = np.bincount(docs, weights=tf, minlength=n_docs)  # tokens per document (exact in float64)
    cols, rows, tf = _by_token(terms, docs, tf, n_docs)
    del terms, docs
    df = np.bincount(cols, minlength=len(vocab))
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    scale = k1 * ((1 - b) + b * lengths / lengths.mean())
    data = np.empty(len(rows), dtype=np.float32)
    for start in range(0, len(rows), BLOCK):  # in blocks, whose buffers are used again
        end = start + BLOCK
        counts = tf[start:end].astype(np.float32).astype(np.float64)
        share = scale[rows[start:end]]
        share += counts
        np.divide(counts, share, out=share)  # tf / (scale + tf)
        share *= idf[cols[start:end]]
        data[start:end] = share
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    return vocab, data, rows.astype(np.int32), indptr


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25, size: int):
        self.retriever = retriever
        self.size = size

    @classmethod
    def build(cls, docs: list[list[str]]) -> LexicalIndex:
        return cls.from_table(TokenTable.from_tokens(docs))

    @classmethod
    def from_table(cls, table: TokenTable) -> LexicalIndex:
        retriever = bm25s.BM25()
        vocab, data, indices, indptr = _matrix(table, retriever.k1, retriever.b)
        retriever.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": max(len(table), 1)}
        retriever.vocab_dict = {t: i for i, t in enumerate(vocab)}
        retriever.vocab_dict[""] = len(vocab)  # as bm25s adds for queries with no known token
        retriever.unique_token_ids_set = set(retriever.vocab_dict.values())
        retriever.nonoccurrence_array = None
        return cls(retriever, len(table))

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every document for the query tokens (zeros when none is known)."""
        if not tokens or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        vocab = self.retriever.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(known), dtype=np.float32)[: self.size]

    def holds(self, term: str, unit: int) -> bool:
        """Whether document ``unit`` holds ``term``: its row is in the term's column, whose rows are
        in ascending order. The empty term and the placeholder of empty documents are in none."""
        column = self.retriever.vocab_dict.get(term)
        if column is None or term in ("", PLACEHOLDER):
            return False
        scores = self.retriever.scores
        start, end = int(scores["indptr"][column]), int(scores["indptr"][column + 1])
        rows = scores["indices"][start:end]
        at = int(np.searchsorted(rows, unit))
        return at < len(rows) and int(rows[at]) == unit

    def save(self, folder: Path) -> None:
        self.retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(folder), mmap=True), size)
