"""jieba tokens for BM25: the domain lexicon and graph entity names as user words, stop words out.

Documents are cut in search mode (whole words and their dictionary sub-words, so a query for a
part of a long name still matches); queries are cut precisely. Both are folded (NFKC, lower case)
so full-width and half-width forms meet.

Each user word's frequency is taken from jieba's own dictionary alone and the dictionary's total is
left as it was, so how a text is cut depends only on the words it contains: a build that teaches
jieba other words needs to cut again only the texts holding a word added or dropped
(:func:`word_pattern`), and reuses the tokens of every other text.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jieba

from ingest.lexicon import DEFAULT_DIR

from .config import SearchConfig
from .normalise import content_chars

jieba.setLogLevel(logging.WARNING)

LEXICON_FILES = ("programmes.tsv", "organisations.tsv", "departments.tsv", "places.tsv")
_JOIN = "\x00"
MAX_WORD_CHARS = 12  # longer names (policy titles) stay split so their parts remain searchable


def lexicon_aliases(folder: Path = DEFAULT_DIR) -> dict[str, list[str]]:
    """Canonical name -> aliases, from the domain lexicon's name tables."""
    groups: dict[str, list[str]] = {}
    for name in LEXICON_FILES:
        path = folder / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                cols = line.split("\t")
                aliases = [a.strip() for a in (cols[1].split("|") if len(cols) > 1 else []) if a.strip()]
                groups.setdefault(cols[0].strip(), []).extend(aliases)
    return groups


def lexicon_words(folder: Path = DEFAULT_DIR) -> list[str]:
    """Canonical names and aliases from the domain lexicon's name tables."""
    return [w for canonical, aliases in lexicon_aliases(folder).items() for w in [canonical, *aliases]]


def user_words(names: Iterable[str]) -> list[str]:
    """The names worth teaching jieba: 2..12 content characters, folded, deduplicated, sorted."""
    out = set()
    for name in names:
        word = unicodedata.normalize("NFKC", name).strip().lower()
        if 2 <= len(word) <= MAX_WORD_CHARS and content_chars(word) == word:
            out.add(word)
    return sorted(out)


class Tokenizer:
    def __init__(self, words: list[str], config: SearchConfig):
        self.words = words
        self.stop = config.stop_words
        self.question = config.question_words
        self._query_drop = config.stop_words | config.question_words
        self._cutter: jieba.Tokenizer | None = None
        self._loading = threading.Lock()

    @property
    def _jieba(self) -> jieba.Tokenizer:
        """jieba with the user words, loaded when the first text is cut (half a second): a change of
        the corpus that reuses every text's tokens never loads it."""
        if self._cutter is None:
            with self._loading:
                if self._cutter is None:
                    self._cutter = self._load()
        return self._cutter

    def _load(self) -> jieba.Tokenizer:
        cutter = jieba.Tokenizer()
        cutter.initialize()
        total = cutter.total
        freqs = [cutter.suggest_freq(word, False) for word in self.words]  # before any is added
        for word, freq in zip(self.words, freqs, strict=True):
            cutter.add_word(word, freq)
        cutter.total = total
        return cutter

    def ready(self) -> None:
        """Load jieba now (a server does before its first query)."""
        _ = self._jieba

    @property
    def signature(self) -> str:
        return hashlib.sha1("\n".join(self.words).encode("utf-8")).hexdigest()[:16]

    @property
    def rules(self) -> dict:
        """What else decides the cut of a text besides its words: jieba's version and the stop words."""
        stop = hashlib.sha1("\n".join(sorted(self.stop)).encode("utf-8")).hexdigest()[:16]
        return {"jieba": jieba.__version__, "stop_words": stop}

    @staticmethod
    def fold(text: str) -> str:
        return unicodedata.normalize("NFKC", text).lower()

    @classmethod
    def fold_all(cls, texts: list[str]) -> list[str]:
        """``fold`` of each text, in one call over the texts joined by NUL: no normal form or case
        mapping joins a character with NUL, so each part folds as it would alone."""
        if any(_JOIN in text for text in texts):
            return [cls.fold(text) for text in texts]
        return cls.fold(_JOIN.join(texts)).split(_JOIN) if texts else []

    def _keep(self, token: str, drop: frozenset[str]) -> bool:
        return bool(token.strip()) and token not in drop and content_chars(token) != ""

    def document(self, text: str) -> list[str]:
        """Search-mode tokens of a unit's text."""
        return [t for t in self._jieba.cut_for_search(self.fold(text)) if self._keep(t, self.stop)]

    def query(self, text: str) -> list[str]:
        """Precise tokens of a (folded) query, without stop words, question words and particles."""
        return [t for t in self._jieba.cut(self.fold(text)) if self._keep(t, self._query_drop)]

    def content(self, text: str) -> str:
        """The query without question words, particles and punctuation: what the dense model reads
        (empty when nothing else is left)."""
        kept = [t for t in self._jieba.cut(self.fold(text)) if t not in self.question and content_chars(t)]
        return "".join(kept)


def word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern finding any of ``words`` (user words: no NUL) in folded texts."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return re.compile("|".join(re.escape(w) for w in ordered))
