"""Training pairs the documents give for free, for adapting the encoder without labels.

Three kinds, each a text and another that belongs with it:

- a heading and its body: the nearest enclosing title of a unit, and the unit's text after it;
- a task's title and one of its sentences;
- neighbouring sentences of one unit.

A text is never paired with a sentence that merely repeats it (the body of a section usually opens
with its own heading), and every text is clipped to ``max_chars``. The pairs are sampled with a
fixed seed, as evenly across the chosen kinds as the corpus allows (the settings are in
``data/lexicon/search.json`` → ``adapt.pairs``), and :func:`batches` keeps any one text
out of a batch twice, so the other pairs of a batch are true negatives.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .adapt_settings import PairKind, PairSettings
from .units import SearchUnit, UnitKind, split_sentences

_NOT_WORDS = re.compile(r"[\W_\d]+")  # what is left says something: no punctuation, no digits


@dataclass(frozen=True)
class Pair:
    anchor: str
    positive: str
    kind: PairKind


def _squeeze(text: str) -> str:
    return _NOT_WORDS.sub("", text)


def _says(text: str, names: list[str]) -> int:
    """How many characters ``text`` has beyond punctuation, digits and ``names``."""
    for name in names:
        text = text.replace(name, "")
    return len(_squeeze(text))


def _sentences(unit: SearchUnit, settings: PairSettings) -> list[str]:
    """The unit's sentences that say something beyond a date or the departments responsible."""
    spans = unit.sentences if len(unit.sentences) > 1 else split_sentences(unit.text)
    texts = [unit.text[s:e].strip() for s, e in spans]
    return [t[: settings.max_chars] for t in texts if _says(t, unit.departments) >= settings.min_chars]


def _repeats(anchor: str, text: str) -> bool:
    a, t = _squeeze(anchor), _squeeze(text)
    return not a or not t or a in t or t in a


def unit_pairs(unit: SearchUnit, settings: PairSettings) -> Iterator[Pair]:
    """Every pair of each kind one unit gives."""
    sentences = _sentences(unit, settings)
    if unit.context:
        heading = unit.context[-1]
        body = "".join(s for s in sentences if not _repeats(heading, s))[: settings.max_chars]
        if body:
            yield Pair(heading[: settings.max_chars], body, PairKind.HEADING_BODY)
    if unit.kind == UnitKind.TASK and unit.title:
        for sentence in sentences:
            if not _repeats(unit.title, sentence):
                yield Pair(unit.title[: settings.max_chars], sentence, PairKind.TITLE_SENTENCE)
    for first, second in zip(sentences[::2], sentences[1::2], strict=False):
        if not _repeats(first, second):
            yield Pair(first, second, PairKind.NEIGHBOURS)


def mine_pairs(units: Iterable[SearchUnit], settings: PairSettings) -> list[Pair]:
    """Up to ``max_pairs`` distinct pairs of the units' chosen ``kinds``, shared out evenly between
    them (a kind with fewer pairs than its share leaves the rest to the others), in a seeded random
    order."""
    by_kind: dict[PairKind, list[Pair]] = {kind: [] for kind in settings.kinds}
    seen: set[tuple[str, str]] = set()
    for unit in units:
        for pair in unit_pairs(unit, settings):
            if pair.kind in by_kind and (pair.anchor, pair.positive) not in seen:
                seen.add((pair.anchor, pair.positive))
                by_kind[pair.kind].append(pair)
    rng = random.Random(settings.seed)
    for pairs in by_kind.values():
        rng.shuffle(pairs)
    chosen: list[Pair] = []
    kinds = sorted(by_kind, key=lambda kind: len(by_kind[kind]))  # the scarcest kind takes its share first
    for i, kind in enumerate(kinds):
        share = (settings.max_pairs - len(chosen)) // (len(kinds) - i)
        chosen += by_kind[kind][:share]
    rng.shuffle(chosen)
    return chosen


def batches(pairs: list[Pair], size: int) -> list[list[Pair]]:
    """The pairs in order, cut into batches of ``size`` in which no text occurs twice (a pair that
    would repeat one waits for the next batch), so no pair's positive is another's negative."""
    out: list[list[Pair]] = []
    waiting = list(pairs)
    while waiting:
        batch: list[Pair] = []
        texts: set[str] = set()
        later: list[Pair] = []
        for pair in waiting:
            if len(batch) < size and pair.anchor not in texts and pair.positive not in texts:
                batch.append(pair)
                texts.update((pair.anchor, pair.positive))
            else:
                later.append(pair)
        out.append(batch)
        waiting = later
    return out
