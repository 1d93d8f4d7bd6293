"""Every unit's BM25 tokens, kept by its text, so the next build cuts only texts that changed.

``index/tokens/`` holds ``keys.npy`` (the SHA-256 of each unit's lexical text, uint8 rows),
``ids.npy``, ``counts.npy`` and ``offsets.npy`` (each unit's bag of tokens: its distinct tokens as
ids into ``vocab.json`` and how often each occurs, unit by unit; a cache without ``counts.npy``
holds each unit's tokens in order, and is read as bags), ``rules.json`` (the tokenizer's rules:
stop words and jieba's version), and each unit's folded text (``search.folded_texts``). A build
reuses a unit's tokens when the served index holds its text under the same rules and the folded
text holds none of the user words added or dropped since (``search.tokenize.word_pattern``); every
other text is cut again. Rows carried over are copied in runs (``search.runs``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .bm25 import TokenTable, bags
from .folded_texts import FoldedTexts
from .keys import match_keys
from .progress import progress_bar
from .runs import spans
from .tokenize import Tokenizer, word_pattern
from .units import SearchUnit

TOKENS = "tokens"


@dataclass
class CachedTokens:
    keys: np.ndarray  # (N, 32) uint8
    table: TokenTable
    words: list[str]  # the user words the tokens were cut with
    rules: dict
    folded: FoldedTexts | None  # None: not kept (every text is folded again)


@dataclass
class Tokenised:
    table: TokenTable
    keys: np.ndarray
    folded: FoldedTexts
    cut: int  # texts cut by jieba (the rest were reused)


def load_tokens(index_folder: Path | None) -> CachedTokens | None:
    """The token cache of the index at ``index_folder``; None when there is none or it is unreadable."""
    if index_folder is None:
        return None
    folder = index_folder / TOKENS
    try:
        keys = np.load(folder / "keys.npy")
        offsets = np.load(folder / "offsets.npy")
        ids = np.load(folder / "ids.npy", mmap_mode="r")
        counts = np.load(folder / "counts.npy", mmap_mode="r") if (folder / "counts.npy").is_file() else None
        vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        rules = json.loads((folder / "rules.json").read_text(encoding="utf-8"))
        words = (index_folder / "words.txt").read_text(encoding="utf-8").split("\n")
    except (OSError, ValueError):
        return None
    if keys.ndim != 2 or len(offsets) != len(keys) + 1 or offsets[-1] != len(ids):
        return None
    if (len(ids) and int(ids.max()) >= len(vocab)) or (counts is not None and len(counts) != len(ids)):
        return None
    table = TokenTable(vocab, ids, counts, offsets) if counts is not None else _as_bags(vocab, ids, offsets)
    words = [w for w in words if w]
    return CachedTokens(keys, table, words, rules, FoldedTexts.load(folder, len(keys)))


def _as_bags(vocab: list[str], ids: np.ndarray, offsets: np.ndarray) -> TokenTable:
    """The table of a cache that kept each unit's tokens in order."""
    return TokenTable(vocab, *bags(np.asarray(ids, dtype=np.int64), np.diff(offsets), len(vocab)))


def save_tokens(index_folder: Path, tokens: Tokenised, tokenizer: Tokenizer) -> None:
    folder = index_folder / TOKENS
    folder.mkdir()
    np.save(folder / "keys.npy", tokens.keys)
    np.save(folder / "ids.npy", tokens.table.ids)
    np.save(folder / "counts.npy", tokens.table.counts)
    np.save(folder / "offsets.npy", tokens.table.offsets)
    (folder / "vocab.json").write_text(json.dumps(tokens.table.vocab, ensure_ascii=False), encoding="utf-8")
    (folder / "rules.json").write_text(json.dumps(tokenizer.rules, ensure_ascii=False), encoding="utf-8")
    tokens.folded.save(folder)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions ``starts[i] .. starts[i] + lengths[i]`` of every ``i``, concatenated."""
    before = np.cumsum(lengths) - lengths
    return np.repeat(starts - before, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)


class LexicalTexts(Sequence[str]):
    """What BM25 reads of each unit (``SearchUnit.lexical_text``), made when first asked for: an
    update reads the texts of the units it cuts, not every unit's."""

    def __init__(self, units: Sequence[SearchUnit], with_context: bool):
        self.units, self.with_context = units, with_context

    def __len__(self) -> int:
        return len(self.units)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self.units[i].lexical_text(self.with_context)


def tokenise(
    texts: Sequence[str],
    keys: np.ndarray,
    known: np.ndarray,
    tokenizer: Tokenizer,
    previous: CachedTokens | None = None,
    progress: bool | None = None,
) -> Tokenised:
    """Every text's search-mode tokens (``keys``: the texts' SHA-256): taken from ``previous`` where
    still valid, cut otherwise. ``known`` is a text's row in ``previous`` when the caller knows it
    (-1: looked up by key)."""
    usable = previous is not None and previous.rules == tokenizer.rules and previous.keys.shape[1:] == (32,)
    take = np.full(len(keys), -1, dtype=np.int64)
    if previous is not None and usable:
        take[:] = known
        unknown = np.flatnonzero(take < 0)
        take[unknown] = match_keys(keys[unknown], previous.keys)
    folded = FoldedTexts.gather(texts, take, previous.folded if previous is not None else None, tokenizer.fold_all)
    changed = set(previous.words) ^ set(tokenizer.words) if previous is not None else set()
    if changed:  # a text holding a word added or dropped since is cut again
        pattern = word_pattern(changed)
        try:
            touched = folded.holding(pattern)
        except ValueError:  # the kept folded texts were damaged: every text is folded again
            folded = FoldedTexts.gather(texts, take, None, tokenizer.fold_all)
            touched = folded.holding(pattern)
        take[touched] = -1
    to_cut = np.flatnonzero(take < 0)
    cut: dict[int, list[str]] = {}
    with progress_bar(len(to_cut), "tokenize", progress, unit="unit") as bar:
        for i in to_cut.tolist():
            cut[i] = tokenizer.document(texts[i])
            bar.update(1)
    return Tokenised(_assemble(take, cut, previous), keys, folded, len(cut))


def _assemble(take: np.ndarray, cut: dict[int, list[str]], previous: CachedTokens | None) -> TokenTable:
    """One table from reused rows of ``previous`` (``take`` >= 0) and freshly cut tokens. The reused
    rows (nearly all of them) are copied in runs, their ids mapped to the new vocabulary in one pass
    (which keeps them ascending: both vocabularies are sorted)."""
    reused = np.flatnonzero(take >= 0)
    none = TokenTable([], np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(1, np.int64))
    old = previous.table if previous is not None and len(reused) else none
    old_vocab = old.vocab
    vocab = sorted([*old_vocab, *set().union(*cut.values()).difference(old_vocab)])
    index = {t: i for i, t in enumerate(vocab)}
    fresh = np.fromiter(cut, dtype=np.int64, count=len(cut))
    fresh_ids, fresh_counts, fresh_offsets = bags(
        np.fromiter((index[t] for i in fresh for t in cut[int(i)]), dtype=np.int64),
        np.fromiter((len(cut[int(i)]) for i in fresh), dtype=np.int64, count=len(fresh)),
        len(vocab),
    )
    lengths = np.zeros(len(take), dtype=np.int64)
    lengths[reused] = old.offsets[take[reused] + 1] - old.offsets[take[reused]]
    lengths[fresh] = np.diff(fresh_offsets)
    offsets = np.zeros(len(take) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    old_to_new = np.fromiter((index[t] for t in old_vocab), dtype=np.int64, count=len(old_vocab))
    old_ids, old_counts = np.asarray(old.ids), np.asarray(old.counts)
    copies = list(spans(take, offsets, old.offsets))
    seen = np.zeros(len(old_vocab), dtype=bool)  # the previous tokens still used
    for _, _, old_start, old_end in copies:
        seen[old_ids[old_start:old_end]] = True
    used = np.zeros(len(vocab), dtype=bool)
    used[old_to_new[seen]] = True
    used[fresh_ids] = True
    final = (np.cumsum(used) - 1).astype(np.int32)  # the id of each used token in the vocabulary kept
    ids = np.empty(int(offsets[-1]), dtype=np.int32)
    counts = np.empty(int(offsets[-1]), dtype=np.int32)
    from_old = final[old_to_new]
    same = np.array_equal(from_old, np.arange(len(old_vocab)))
    for start, end, old_start, old_end in copies:
        counts[start:end] = old_counts[old_start:old_end]
        if same:
            ids[start:end] = old_ids[old_start:old_end]
        else:
            np.take(from_old, old_ids[old_start:old_end], out=ids[start:end])
    if len(fresh):
        at = _ranges(offsets[fresh], lengths[fresh])
        ids[at] = final[fresh_ids]
        counts[at] = fresh_counts
    kept = vocab if used.all() else [t for t, u in zip(vocab, used, strict=True) if u]
    return TokenTable(kept, ids, counts, offsets)
