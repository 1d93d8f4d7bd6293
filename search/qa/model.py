"""Typed records of question answering: how a question was read, and the answer with its evidence.

The JSON of an answer is ``Answer.to_dict()``; every field name below is a JSON field name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

from search.engine import SearchResult


class QuestionError(ValueError):
    """An empty or over-long question; the message is one line for the user."""


class AnswerType(StrEnum):
    """What a question asks for."""

    TASKS = "tasks"
    DEPARTMENTS = "departments"
    DOCUMENTS = "documents"
    POLICIES = "policies"
    DEFINITION = "definition"
    FIGURE = "figure"
    CONNECTION = "connection"
    SEARCH = "search"  # nothing the graph can answer: ranked passages


class MentionKind(StrEnum):
    """What a stretch of the question was read as."""

    DEPARTMENT = "department"
    ENTITY = "entity"  # a programme, organisation, policy or place
    TASK = "task"
    DOCUMENT = "document"
    TERM = "term"  # words found in the text but naming nothing in the graph
    UNKNOWN = "unknown"  # a name the graph does not hold
    AMBIGUOUS = "ambiguous"  # part of several names


class Match(StrEnum):
    """How a mention was found."""

    NAME = "name"  # canonical name, id, label or title
    ALIAS = "alias"
    PARTIAL = "partial"  # part of one name (海智 -> 海智计划)
    TEXT = "text"  # occurs in the text of the documents
    SCOPE = "scope"  # 本方案, 这份文件
    NONE = "none"


class Status(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"
    SEARCH = "search"


@dataclass
class Span:
    start: int
    end: int


@dataclass
class Mention:
    """A thing the question names, with where it stands in the question as asked."""

    text: str
    span: Span
    kind: MentionKind
    match: Match
    node: str | None = None
    name: str | None = None  # canonical name (a task: its id; a document: its title)
    type: str | None = None  # node type
    candidates: list[str] = field(default_factory=list)  # names, when unknown or ambiguous
    optional: bool = False  # a term beside other names: it narrows the answer only if it can
    used: bool = True  # False: set aside (a word qualifying a name, or a term that would leave nothing)


@dataclass
class Reading:
    """How a question was understood, step by step, so a wrong answer can be traced."""

    answer: AnswerType
    mentions: list[Mention] = field(default_factory=list)
    role: str | None = None  # lead | supporting
    count: bool = False
    together: bool = False  # 共同, 一起: named things share the answer (departments always do)
    separately: bool = False  # 分别, 或: any of the named things will do
    several: bool = False  # tasks with more than one department
    operation: str = ""  # the graph operations that produced the answer
    summary: str = ""  # one line for people: 学会部 · 配合 · 任务


@dataclass
class TaskRef:
    doc: str
    id: str
    label: str
    title: str
    departments: list[str] = field(default_factory=list)  # lead first


@dataclass
class DocumentRef:
    id: str
    title: str


@dataclass
class EntityRef:
    node: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class PolicyRef:
    title: str
    issuer: str = ""
    relation: str | None = None  # based_on | implements | amends | mentions
    trigger: str | None = None


@dataclass
class FigureRef:
    name: str
    value: float | None
    unit: str
    measure: str
    year: int | None
    context: str
    doc: str


@dataclass
class Evidence:
    doc: str
    task: str | None  # task id, or None for text outside tasks
    text: str
    source: dict[str, int]  # {"start", "end"} in the original file
    node: str = ""


@dataclass
class Answer:
    question: str
    intent: str
    answer: str
    status: Status = Status.OK
    departments: list[str] = field(default_factory=list)
    tasks: list[TaskRef] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)
    policies: list[PolicyRef] = field(default_factory=list)
    count: int | None = None
    evidence: list[Evidence] = field(default_factory=list)
    entities: list[EntityRef] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    paths: list[list[dict[str, str]]] = field(default_factory=list)  # hops: from, relation, verb, to
    figures: list[FigureRef] = field(default_factory=list)
    results: list[SearchResult] = field(default_factory=list)
    documents: list[DocumentRef] = field(default_factory=list)
    reading: Reading | None = None

    def to_dict(self) -> dict:
        return asdict(self)
