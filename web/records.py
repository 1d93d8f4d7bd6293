"""Typed records the pages and the JSON API show, beyond the graph's own (``graph.records``).

The API returns these through ``graph.records.to_json``; ``web.openapi`` describes them from their
type hints, so the document and the responses cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from graph.records import (
    CorpusDocument,
    DocumentJoin,
    DocumentRecord,
    OutlineEntry,
    PolicyRecord,
    Source,
    TaskRecord,
    UnitRef,
)
from graph.schema import EdgeType, NodeType, Role
from search.engine import SearchResult
from search.qa.model import Evidence
from search.units import UnitKind


@dataclass
class EntityRef:
    """Any node with its name and the page that shows it."""

    node: str
    name: str
    type: NodeType
    url: str


@dataclass
class RoleRef(EntityRef):
    """A department with its role on a task."""

    role: Role


@dataclass
class Citation(EntityRef):
    """A policy a document rests on, with the sentence that cites it."""

    relation: EdgeType
    sentence: str


@dataclass
class DocumentRef:
    doc: str
    title: str
    node: str


@dataclass
class UnitDetail(UnitRef):
    """A unit's page: its text, where it sits, who is responsible and what it links to."""

    text: str
    source: Source
    document: DocumentRef
    roles: list[RoleRef]
    entities: dict[NodeType, list[EntityRef]]  # linked entities by type, in the schema's order
    parents: list[UnitRef]  # enclosing units, outermost first


@dataclass
class RelatedTask(UnitRef):
    shared: list[str]  # names of the entities both tasks link to


@dataclass
class Neighbour(UnitRef):
    score: float


@dataclass
class TaskDetail(TaskRecord):
    related: list[RelatedTask]
    neighbours: list[Neighbour]


@dataclass
class PolicyDetail(PolicyRecord):
    issued_by: list[EntityRef] = field(default_factory=list)
    same_as: list[EntityRef] = field(default_factory=list)


@dataclass
class DocumentDetail(DocumentRecord):
    tasks: list[UnitRef]
    cites: list[Citation]


# -- documents ----------------------------------------------------------------------------------
@dataclass
class DocumentOverview(CorpusDocument):
    """A row of the documents page: a document, its counts, what it cites and what cites it."""

    node: str
    url: str
    units: int  # every unit: tasks, paragraphs and the structure holding them
    cited_by: list[DocumentJoin]


@dataclass
class DocumentPage(DocumentOverview):
    """A document's page: its outline and its citations of other ingested documents, each with the
    sentence and the reason for the version chosen."""

    outline: list[OutlineEntry]
    cites: list[DocumentJoin]


@dataclass
class DocumentAdded:
    """An uploaded document: added (201), or already held with the same content (200)."""

    id: str
    title: str
    tasks: int
    version: str  # the version serving it


@dataclass
class DocumentRemoved:
    """A removed document and the version served without it."""

    id: str
    title: str
    version: str
    documents: int  # documents left


# -- the responsibility matrix ------------------------------------------------------------------
@dataclass
class MatrixDepartment:
    node: str
    name: str
    lead: int
    supporting: int
    total: int


@dataclass
class MatrixTask(UnitRef):
    roles: dict[str, Role]  # department name -> role
    lead: int
    total: int


@dataclass
class MatrixTotals:
    tasks: int
    departments: int
    lead: int
    supporting: int


@dataclass
class MatrixRecord:
    doc: str | None
    departments: list[MatrixDepartment]  # most lead roles first
    tasks: list[MatrixTask]
    totals: MatrixTotals


# -- the explorer's network ---------------------------------------------------------------------
@dataclass
class NetworkNode:
    id: str
    label: str
    title: str
    type: NodeType
    doc: str | None
    url: str


@dataclass
class NetworkEdge:
    from_: str
    to: str
    type: EdgeType
    role: Role | None


@dataclass
class NetworkRecord:
    doc: str | None
    types: list[NodeType]
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]


# -- paths between two entities -----------------------------------------------------------------
@dataclass
class PathStep:
    from_: str
    relation: EdgeType
    verb: str
    to: str


@dataclass
class PathRecord:
    from_: EntityRef
    to: EntityRef
    found: bool
    answer: str
    nodes: list[list[EntityRef]]  # each shortest path, node by node
    steps: list[list[PathStep]]
    evidence: list[Evidence]


# -- search -------------------------------------------------------------------------------------
@dataclass
class Filters:
    doc: str | None = None
    department: str | None = None
    programme: str | None = None
    kind: UnitKind | None = None

    def params(self) -> dict[str, str]:
        """The filters that are set, as query parameters."""
        return {k: str(v) for k, v in vars(self).items() if v}


@dataclass
class Hit(SearchResult):
    """A search result with what the graph knows about its unit, and its page."""

    lead: str | None = None
    programmes: list[str] = field(default_factory=list)
    source: Source | None = None
    url: str | None = None


@dataclass
class SearchPage:
    query: str
    k: int
    page: int
    filters: Filters
    total: int
    pages: int
    results: list[Hit]


# -- status and errors --------------------------------------------------------------------------
@dataclass
class Health:
    status: Literal["ok"]
    graph: Literal["ready", "missing"]
    version: str | None = None  # the served build's version id
    built: str | None = None  # when that build was switched in (ISO 8601)


@dataclass
class ErrorBody:
    error: str


@dataclass
class NotFoundBody(ErrorBody):
    """No single entity by that name: the closest names, or the several it could be."""

    suggestions: list[str]
    candidates: list[str]
