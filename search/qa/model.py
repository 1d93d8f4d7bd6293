"""Typed records of question answering: the parsed question and the answer with its evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


class QuestionError(ValueError):
    """An empty or over-long question; the message is one line for the user."""


@dataclass
class Slot:
    """An entity slot of a question and what it resolved to."""

    text: str
    nodes: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    question: str  # as asked
    folded: str  # after folding and trimming
    intent: str
    slots: dict[str, Slot] = field(default_factory=dict)
    count: bool = False
    lead_only: bool = False


@dataclass
class Evidence:
    doc: str
    task: str | None  # task id, or None for text outside tasks
    text: str
    source: dict  # {"start", "end"} in the original file
    node: str = ""


@dataclass
class Answer:
    question: str
    intent: str
    answer: str
    status: str = "ok"  # ok | not_found | ambiguous | search
    departments: list[str] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)
    policies: list[dict] = field(default_factory=list)
    count: int | None = None
    evidence: list[Evidence] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    paths: list[list[dict]] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)
