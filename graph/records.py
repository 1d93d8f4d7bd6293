"""Typed records the graph's queries return, and their one conversion to JSON.

Everything past the graph (command line ``--json``, the JSON API, its OpenAPI document) works on
these dataclasses; ``to_json`` turns any of them into plain JSON values at the edge. A field whose
name would clash with a Python keyword ends in ``_`` (``from_``), which its JSON name drops.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from .schema import EdgeType, NodeType, Role

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


def json_name(field_name: str) -> str:
    """The JSON key of a dataclass field: ``from_`` -> ``from``."""
    return field_name[:-1] if field_name.endswith("_") else field_name


def to_json(value: Any) -> Any:
    """Dataclasses (nested, in lists or dicts) as JSON values; enums as their values."""
    if is_dataclass(value) and not isinstance(value, type):
        return {json_name(f.name): to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(to_json(k)): to_json(v) for k, v in value.items()}
    return value


def from_attrs(cls: type[T], attrs: dict[str, Any], **given: Any) -> T:
    """A record of ``cls`` from node attributes: each field from ``given`` or the attribute of its name
    (fields with a default may be missing)."""
    names = {f.name for f in fields(cls)}
    return cls(**{**{k: v for k, v in attrs.items() if k in names}, **given})


@dataclass
class Source:
    """Character offsets [start, end) in the original file."""

    start: int
    end: int


@dataclass
class UnitRef:
    """A unit of a document (task, paragraph, part …) by its document, id and node."""

    doc: str
    id: str
    node: str
    label: str
    title: str
    type: NodeType


@dataclass
class RoleTask(UnitRef):
    """A task with one department's role on it."""

    role: Role


@dataclass
class TaskRecord:
    doc: str
    id: str
    node: str
    label: str
    title: str
    text: str
    departments: list[str]  # lead first, in the order of the responsibility line
    lead: str | None
    programmes: list[str]
    organisations: list[str]
    policies: list[str]
    places: list[str]
    source: Source


@dataclass
class Mention:
    """A unit (or a whole document, then ``id`` is None) that mentions or cites an entity."""

    doc: str
    id: str | None
    node: str
    label: str
    title: str
    type: NodeType
    relation: EdgeType
    sentence: str
    sentence_source: Source | None


@dataclass
class DepartmentTrace:
    """A department behind the tasks that mention an entity."""

    name: str
    node: str
    tasks: list[RoleTask]


@dataclass
class NodeRecord:
    node: str
    type: NodeType
    name: str


@dataclass
class DepartmentRecord(NodeRecord):
    aliases: list[str]
    lead_count: int
    task_count: int
    tasks: list[RoleTask]


@dataclass
class EntityRecord(NodeRecord):
    """A programme, organisation, place (or policy): where it is mentioned and who is behind it."""

    aliases: list[str]
    mentions: list[Mention]
    departments: list[DepartmentTrace]


@dataclass
class DocumentLink:
    """An ingested document a policy is (or a citation landed on), and why that version."""

    doc: str
    node: str
    title: str
    date: str
    reason: str


@dataclass
class DocumentJoin(DocumentLink):
    """A citation between two ingested documents: the other document, the relation, why that
    version, and the sentence of the citing document that says so."""

    relation: EdgeType
    sentence: str
    sentence_source: Source | None


@dataclass
class OutlineEntry(UnitRef):
    """A unit of a document's outline (part, section, item or task) with the units it holds."""

    children: list[OutlineEntry]


@dataclass
class PolicyRecord(EntityRecord):
    issuer: str | None = None
    documents: list[DocumentLink] = field(default_factory=list)  # the ingested versions it is


@dataclass
class FigureRecord(NodeRecord):
    doc: str
    value: float
    unit: str
    measure: str
    context: str
    year: int | None
    mentions: list[Mention]
    departments: list[DepartmentTrace]


@dataclass
class DocumentRecord(NodeRecord):
    doc: str
    title: str
    issuer: str
    number: str
    date: str
    path: str
    encoding: str
    chars: int
    warnings: list[str]
    mentions: list[Mention]
    departments: list[DepartmentTrace]
    aliases: list[str] = field(default_factory=list, kw_only=True)  # common names: 中央一号文件 …


@dataclass
class DocumentCitation:
    """A title a document cites: as written, the ingested document it landed on (None when none
    matched), the relation and why that document was chosen."""

    title: str
    doc: str | None
    relation: EdgeType
    reason: str


@dataclass
class CorpusDocument:
    """One ingested document of the corpus with its task count and what it cites."""

    id: str
    title: str
    issuer: str
    number: str
    date: str
    path: str
    sha256: str
    tasks: int
    citations: list[DocumentCitation]


AnyEntityRecord = DepartmentRecord | EntityRecord | PolicyRecord | FigureRecord | DocumentRecord


@dataclass
class Stats:
    documents: int
    tasks: int
    nodes: dict[str, int]  # node type -> count, documents counted apart
    edges: dict[str, int]  # edge type -> count
    node_count: int
    edge_count: int
    built: str | None
