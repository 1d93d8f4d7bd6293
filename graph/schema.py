"""The graph's vocabulary, defined once: node types, edge types and roles, with Chinese labels.

Every module that reads or writes the graph imports its names from here instead of repeating
string literals or slicing tuples by position. Adding a node type is one entry in ``NODE_KINDS``
(its label, colour and which page shows it); the groups below are derived from that table.

The enums are ``StrEnum``s: a member equals its string value, so graph attributes stay plain JSON
strings and ``attrs["type"] == NodeType.TASK`` works on loaded graphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class NodeType(StrEnum):
    DOCUMENT = "Document"
    PART = "Part"
    SECTION = "Section"
    ITEM = "Item"
    TASK = "Task"
    PARAGRAPH = "Paragraph"
    DEPARTMENT = "Department"
    PROGRAMME = "Programme"
    ORGANISATION = "Organisation"
    POLICY = "Policy"
    PUBLICATION = "Publication"
    PLACE = "Place"
    FIGURE = "Figure"


class EdgeType(StrEnum):
    PART_OF = "part_of"
    RESPONSIBLE_FOR = "responsible_for"
    MENTIONS = "mentions"
    BASED_ON = "based_on"
    IMPLEMENTS = "implements"
    AMENDS = "amends"
    ISSUED_BY = "issued_by"
    SAME_AS = "same_as"
    CITES = "cites"


class Role(StrEnum):
    LEAD = "lead"
    SUPPORTING = "supporting"


class Group(StrEnum):
    """What a node is, which decides the page that shows it."""

    DOCUMENT = "document"  # /documents/DOC
    UNIT = "unit"  # a numbered or plain piece of a document: /tasks/DOC/ID
    ENTITY = "entity"  # a named thing shared across documents: /entities/ID
    FIGURE = "figure"  # a number with its unit, found in one document: /entities/ID


@dataclass(frozen=True)
class NodeKind:
    type: NodeType
    label: str  # Chinese name shown to users
    colour: str  # CSS colour of the explorer and the chips
    group: Group
    explorer: bool = True  # offered as a filter in the graph explorer
    explorer_default: bool = False  # shown by default there
    size: int = 12  # node size in the explorer (grown by degree)
    shape: str = "dot"  # vis-network shape in the explorer; a box carries its name inside


NODE_KINDS: dict[NodeType, NodeKind] = {
    k.type: k
    for k in (
        NodeKind(NodeType.DOCUMENT, "文档", "#475569", Group.DOCUMENT, size=26),
        NodeKind(NodeType.PART, "部分", "#94a3b8", Group.UNIT, explorer=False),
        NodeKind(NodeType.SECTION, "章节", "#94a3b8", Group.UNIT, explorer=False),
        NodeKind(NodeType.ITEM, "条目", "#94a3b8", Group.UNIT, explorer=False),
        NodeKind(NodeType.TASK, "任务", "#2563eb", Group.UNIT, explorer_default=True, size=14),
        NodeKind(NodeType.PARAGRAPH, "段落", "#64748b", Group.UNIT, size=10),
        NodeKind(NodeType.DEPARTMENT, "部门", "#dc2626", Group.ENTITY, explorer_default=True, size=22, shape="box"),
        NodeKind(NodeType.PROGRAMME, "项目/品牌", "#16a34a", Group.ENTITY, explorer_default=True),
        NodeKind(NodeType.ORGANISATION, "机构", "#9333ea", Group.ENTITY, explorer_default=True),
        NodeKind(NodeType.POLICY, "政策文件", "#d97706", Group.ENTITY, explorer_default=True),
        NodeKind(NodeType.PUBLICATION, "出版物", "#0f766e", Group.ENTITY, explorer_default=True),
        NodeKind(NodeType.PLACE, "地点", "#0891b2", Group.ENTITY, explorer_default=True),
        NodeKind(NodeType.FIGURE, "数据", "#db2777", Group.FIGURE, size=8),
    )
}


@dataclass(frozen=True)
class EdgeKind:
    type: EdgeType
    label: str  # Chinese name of the relation
    verb: str  # how a sentence joining two nodes says it ("A 负责 B")
    policy_relation: bool = False  # a document or unit resting on a cited policy


EDGE_KINDS: dict[EdgeType, EdgeKind] = {
    k.type: k
    for k in (
        EdgeKind(EdgeType.PART_OF, "属于", "属于"),
        EdgeKind(EdgeType.RESPONSIBLE_FOR, "负责", "负责"),
        EdgeKind(EdgeType.MENTIONS, "提到", "提到"),
        EdgeKind(EdgeType.BASED_ON, "依据", "依据", policy_relation=True),
        EdgeKind(EdgeType.IMPLEMENTS, "落实", "落实", policy_relation=True),
        EdgeKind(EdgeType.AMENDS, "修订", "修订", policy_relation=True),
        EdgeKind(EdgeType.ISSUED_BY, "发布机构", "由…发布"),
        EdgeKind(EdgeType.SAME_AS, "即", "即"),
        EdgeKind(EdgeType.CITES, "引用", "引用"),
    )
}

ROLE_LABELS: dict[Role, str] = {Role.LEAD: "牵头", Role.SUPPORTING: "配合"}
LEAD_VERB = "牵头负责"  # the verb of a responsible_for edge whose role is lead

# Structural unit kinds written by ingest (``Unit.kind``) and the node type each becomes.
# A unit that closes with a responsibility line is a Task whatever its kind.
UNIT_KINDS: dict[str, NodeType] = {
    "part": NodeType.PART,
    "subpart": NodeType.PART,
    "chapter": NodeType.PART,
    "section": NodeType.SECTION,
    "item": NodeType.ITEM,
    "subitem": NodeType.ITEM,
    "article": NodeType.ITEM,
    "paragraph": NodeType.PARAGRAPH,
}
TASK_KIND = "task"


# -- groups derived from the tables above ---------------------------------------------------------
def _of(group: Group) -> tuple[NodeType, ...]:
    return tuple(t for t, k in NODE_KINDS.items() if k.group == group)


UNIT_TYPES: tuple[NodeType, ...] = _of(Group.UNIT)
ENTITY_TYPES: tuple[NodeType, ...] = _of(Group.ENTITY)
# Entities a unit mentions (departments are linked by responsibility, not mention).
MENTIONED_TYPES: tuple[NodeType, ...] = tuple(t for t in ENTITY_TYPES if t != NodeType.DEPARTMENT)
# What a unit page lists beside its text: mentioned entities and figures.
LINKED_TYPES: tuple[NodeType, ...] = (*MENTIONED_TYPES, NodeType.FIGURE)
# Everything units refer to: entities (departments by responsibility, the rest by mention) and figures.
REFERENCED_TYPES: tuple[NodeType, ...] = (*ENTITY_TYPES, NodeType.FIGURE)
# Units that are leaves of the text (search units, explorer nodes); containers hold them.
LEAF_UNIT_TYPES: tuple[NodeType, ...] = (NodeType.TASK, NodeType.PARAGRAPH)
# Nodes left out when looking for connections between entities: structure would join everything.
STRUCTURE_TYPES: tuple[NodeType, ...] = (
    NodeType.DOCUMENT,
    *(t for t in UNIT_TYPES if t not in LEAF_UNIT_TYPES),
    NodeType.FIGURE,
)
EXPLORER_TYPES: tuple[NodeType, ...] = tuple(t for t, k in NODE_KINDS.items() if k.explorer)
EXPLORER_DEFAULT: tuple[NodeType, ...] = tuple(t for t, k in NODE_KINDS.items() if k.explorer_default)
POLICY_RELATIONS: tuple[EdgeType, ...] = tuple(t for t, k in EDGE_KINDS.items() if k.policy_relation)
# Edges from a unit to what it is about (mentions and policy relations), as opposed to structure.
REFERENCE_EDGES: tuple[EdgeType, ...] = (EdgeType.MENTIONS, *POLICY_RELATIONS)

TYPE_LABELS: dict[str, str] = {t.value: k.label for t, k in NODE_KINDS.items()}
TYPE_COLOURS: dict[str, str] = {t.value: k.colour for t, k in NODE_KINDS.items()}
RELATION_LABELS: dict[str, str] = {t.value: k.label for t, k in EDGE_KINDS.items()}
RELATION_VERBS: dict[str, str] = {t.value: k.verb for t, k in EDGE_KINDS.items()}


def group_of(type_: str) -> Group | None:
    """The group of a node type, None for a type this schema does not know."""
    try:
        return NODE_KINDS[NodeType(type_)].group
    except ValueError:
        return None


def unit_type(kind: str, is_task: bool) -> NodeType:
    """The node type of an ingested unit of ``kind``."""
    return NodeType.TASK if is_task else UNIT_KINDS[kind]


def unit_node_id(doc: str, kind: str, unit_id: str, is_task: bool) -> str:
    """``task:DOC/4.3.2``: the id prefix is the unit's kind (``task`` when it is a task)."""
    return f"{TASK_KIND if is_task else kind}:{doc}/{unit_id}"


def unit_node_ids(doc: str, unit_id: str) -> list[str]:
    """Every node id a unit ``doc``/``unit_id`` can have, whatever its kind (at most one exists)."""
    return [f"{kind}:{doc}/{unit_id}" for kind in (TASK_KIND, *UNIT_KINDS)]


def document_node_id(doc: str) -> str:
    return f"doc:{doc}"


def figure_node_id(doc: str, offset: int) -> str:
    """``figure:DOC/OFFSET``: a figure is the number found at OFFSET in one document."""
    return f"{NodeType.FIGURE.lower()}:{doc}/{offset}"


def entity_node_id(type_: str, name: str) -> str:
    """``programme:海智计划``: entities are keyed by type and canonical name."""
    return f"{type_.lower()}:{name}"
