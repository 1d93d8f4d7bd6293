"""The cue words of questions, from ``data/lexicon/questions.json`` (or ``$POLICYKG_LEXICON``).

Cue words are data: what each word signals is decided here once, as a table from a folded word
to a ``Cue``. Words that only mean something next to another (多 + 部门, 多少 + 人, 这份 + 方案) are
composed from their lists, so no list holds a phrase it could build.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from graph.lookup import fold
from ingest.lexicon import DEFAULT_DIR

from .model import AnswerType


class CueKind(StrEnum):
    WHICH = "which"  # 哪些, 什么: asks which
    COUNT = "count"  # 几, 多少: asks how many
    NOUN = "noun"  # 任务, 部门: what is asked for, once an interrogative binds it
    ASK = "ask"  # 谁, 几项, 是什么: asks for an answer type on its own
    ROLE = "role"  # 牵头, 配合
    TOGETHER = "together"  # 共同, 一起: the named things share the answer
    SEPARATELY = "separately"  # 分别, 或: any of the named things
    SEVERAL = "several"  # 多个部门: tasks with more than one department
    MENTION = "mention"  # 提到, 涉及: the words after it must occur in the text
    SCOPE = "scope"  # 本方案: the document(s) in view
    FIGURE_VERB = "figure_verb"  # 提高了 (多少)
    FILLER = "filler"  # carries nothing for the answer


@dataclass(frozen=True)
class Cue:
    kind: CueKind
    answer: AnswerType | None = None  # NOUN, ASK
    count: bool = False  # ASK: asks how many (几项)
    role: str | None = None  # ROLE: lead | supporting


@dataclass(frozen=True)
class Cues:
    words: dict[str, Cue]
    labels: dict[AnswerType, str]
    phrases: dict[str, str]
    max_chars: int
    generic_share: float  # a word in more than this share of tasks is too broad to stand for a name
    near_miss_cutoff: float  # difflib ratio for "did you mean"
    content_tags: frozenset[str]  # jieba part-of-speech tags of content words
    name_suffix_min: int  # a last character shared by this many names of one type marks a name (…部)
    fillers: tuple[str, ...] = ()  # filler words, longest first
    aspect: tuple[str, ...] = ()  # 了, 过: the word before one is a verb, not a term

    def phrase(self, key: str, **values: object) -> str:
        return self.phrases[key].format(**values)


def questions_path() -> Path:
    folder = os.environ.get("POLICYKG_LEXICON")
    return (Path(folder) if folder else DEFAULT_DIR) / "questions.json"


def _table(data: dict) -> dict[str, Cue]:
    """Folded word -> cue. Earlier entries win, so explicit lists come before composed words."""
    words: dict[str, Cue] = {}

    def add(word: str, cue: Cue) -> None:
        key = fold(word)
        if key:
            words.setdefault(key, cue)

    counts = data["interrogatives"]["count"]
    for word in data["interrogatives"]["which"]:
        add(word, Cue(CueKind.WHICH))
    for word in counts:
        add(word, Cue(CueKind.COUNT))
    for role, listed in data["roles"].items():
        for word in listed:
            add(word, Cue(CueKind.ROLE, role=role))
    answers = data["answers"]
    for name, spec in answers.items():
        answer = AnswerType(name)
        for word in spec.get("asks", []):
            add(word, Cue(CueKind.ASK, answer, count=word.startswith(tuple(counts))))
        for word in spec.get("nouns", []):
            if len(word) > 1:
                add(word, Cue(CueKind.NOUN, answer))
    for key, kind in (
        ("together", CueKind.TOGETHER),
        ("separately", CueKind.SEPARATELY),
        ("mention", CueKind.MENTION),
        ("whole_document", CueKind.SCOPE),
        ("filler", CueKind.FILLER),
    ):
        for word in data[key]:
            add(word, Cue(kind))
    for word in answers["figure"].get("verbs", []):
        add(word, Cue(CueKind.FIGURE_VERB))
    # Composed: a one-character noun or unit counts only right after an interrogative (哪些事, 多少人),
    # "several" words only before a department noun, deictic words only before a document noun.
    which = data["interrogatives"]["which"]
    for name, spec in answers.items():
        for noun in (n for n in spec.get("nouns", []) if len(n) == 1):
            for q in which + counts:
                add(q + noun, Cue(CueKind.ASK, AnswerType(name), count=q in counts))
    for unit in answers["figure"].get("units", []):
        for q in counts:
            add(q + unit, Cue(CueKind.ASK, AnswerType.FIGURE, count=True))
    for modifier in data["several"]:
        for noun in answers["departments"]["nouns"]:
            add(modifier + noun, Cue(CueKind.SEVERAL))
    for deictic in data["deictic"]:
        for noun in answers["documents"]["nouns"]:
            add(deictic + noun, Cue(CueKind.SCOPE))
    return words


@lru_cache(maxsize=4)
def _load(path: str) -> Cues:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Cues(
        words=_table(data),
        labels={AnswerType(k): v["label"] for k, v in data["answers"].items()},
        phrases=data["phrases"],
        max_chars=data["max_chars"],
        generic_share=data["generic_share"],
        near_miss_cutoff=data["near_miss_cutoff"],
        content_tags=frozenset(data["content_tags"]),
        name_suffix_min=data["name_suffix_min"],
        fillers=tuple(sorted({fold(w) for w in data["filler"]}, key=len, reverse=True)),
        aspect=tuple(data["aspect"]),
    )


def load_cues() -> Cues:
    return _load(str(questions_path()))
