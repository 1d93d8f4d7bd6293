"""How the encoder is adapted to the corpus: the training pairs to mine and the training run.

The values live in ``data/lexicon/search.json`` → ``adapt`` (read by ``search.config``); these
dataclasses give them types and refuse a value that cannot work, with one line naming the setting.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum

SECTION = "adapt"


class PairKind(StrEnum):
    HEADING_BODY = "heading_body"
    TITLE_SENTENCE = "title_sentence"
    NEIGHBOURS = "neighbours"


@dataclass(frozen=True)
class Bound:
    """What a numeric setting accepts: an integer or any number, at least (or, when ``strict``,
    above) ``low``, and below ``high`` when given."""

    integer: bool
    low: float
    strict: bool = False
    high: float | None = None

    def describe(self) -> str:
        kind = "an integer" if self.integer else "a number"
        low = f"{'>' if self.strict else '>='} {self.low:g}"
        return f"{kind} {low}" + (f" and < {self.high:g}" if self.high is not None else "")

    def admits(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int if self.integer else (int, float)):
            return False
        above = value > self.low if self.strict else value >= self.low
        return above and (self.high is None or value < self.high)


def _check(settings: object, where: str, bounds: dict[str, Bound]) -> None:
    for name, bound in bounds.items():
        value = getattr(settings, name)
        if not bound.admits(value):
            raise ValueError(f"search.json {where}.{name} must be {bound.describe()}, not {value!r}")


@dataclass(frozen=True)
class PairSettings:
    """Which pairs the documents give (``search.pairs``): their kinds, how many, and how long."""

    kinds: tuple[PairKind, ...]  # the kinds mined, sharing ``max_pairs`` evenly
    max_pairs: int
    min_chars: int  # shorter texts (a date line, a signature) say too little to pair
    max_chars: int  # texts are clipped to this many characters
    seed: int

    def __post_init__(self) -> None:
        where = f"{SECTION}.pairs"
        _check(
            self,
            where,
            {
                "max_pairs": Bound(True, 2),
                "min_chars": Bound(True, 1),
                "max_chars": Bound(True, 1),
                "seed": Bound(True, 0),
            },
        )
        if self.max_chars < self.min_chars:
            raise ValueError(f"search.json {where}.max_chars must be at least min_chars ({self.min_chars})")
        if not self.kinds or len(set(self.kinds)) != len(self.kinds):
            raise ValueError(f"search.json {where}.kinds must name each kind at most once, and at least one")


@dataclass(frozen=True)
class AdaptSettings:
    """How long and how hard to train."""

    epochs: int
    batch_size: int
    learning_rate: float
    warmup: float  # share of the steps over which the learning rate rises from zero
    max_seq_length: int
    scale: float  # the loss's inverse temperature on cosine similarities
    seed: int
    max_steps: int  # stop after this many steps (0: every batch of every epoch)
    pairs: PairSettings

    def __post_init__(self) -> None:
        _check(
            self,
            SECTION,
            {
                "epochs": Bound(True, 1),
                "batch_size": Bound(True, 2),
                "learning_rate": Bound(False, 0, strict=True, high=1),
                "warmup": Bound(False, 0, high=1),
                "max_seq_length": Bound(True, 8),
                "scale": Bound(False, 0, strict=True),
                "seed": Bound(True, 0),
                "max_steps": Bound(True, 0),
            },
        )


def _fields(data: object, cls: type, where: str) -> dict:
    """The keys of ``data`` for ``cls``: ValueError when it is not an object, or misses or adds one."""
    if data is None:
        raise ValueError(f"search.json lacks the {where} section")
    if not isinstance(data, dict):
        raise ValueError(f"search.json {where} must be an object, not {data!r}")
    names = {f.name for f in fields(cls)}
    if missing := sorted(names - set(data)):
        raise ValueError(f"search.json {where} lacks {', '.join(missing)}")
    if unknown := sorted(set(data) - names):
        raise ValueError(
            f"search.json {where} has unknown settings: {', '.join(unknown)} (known: {', '.join(sorted(names))})"
        )
    return dict(data)


def _kinds(value: object) -> tuple[PairKind, ...]:
    known = [kind.value for kind in PairKind]
    if not isinstance(value, list) or not all(isinstance(v, str) and v in known for v in value):
        raise ValueError(f"search.json {SECTION}.pairs.kinds must be a list of {', '.join(known)}, not {value!r}")
    return tuple(PairKind(v) for v in value)


def parse_adapt(data: object) -> AdaptSettings:
    """The ``adapt`` section of search.json as settings; ValueError (one line) on a bad value."""
    values = _fields(data, AdaptSettings, SECTION)
    pairs = _fields(values["pairs"], PairSettings, f"{SECTION}.pairs")
    values["pairs"] = PairSettings(**{**pairs, "kinds": _kinds(pairs["kinds"])})
    return AdaptSettings(**values)
