"""The vocabulary: every type has its kind, the derived groups agree with the tables, ids are built one way."""

from __future__ import annotations

import re

from graph.schema import (
    EDGE_KINDS,
    ENTITY_TYPES,
    EXPLORER_DEFAULT,
    EXPLORER_TYPES,
    LEAF_UNIT_TYPES,
    LINKED_TYPES,
    MENTIONED_TYPES,
    NODE_KINDS,
    POLICY_RELATIONS,
    REFERENCE_EDGES,
    REFERENCED_TYPES,
    RELATION_LABELS,
    RELATION_VERBS,
    ROLE_LABELS,
    STRUCTURE_TYPES,
    TASK_KIND,
    TYPE_COLOURS,
    TYPE_LABELS,
    UNIT_KINDS,
    UNIT_TYPES,
    EdgeType,
    Group,
    NodeType,
    Role,
    document_node_id,
    entity_node_id,
    figure_node_id,
    group_of,
    unit_node_id,
    unit_node_ids,
    unit_type,
)


def test_every_type_has_one_kind_with_a_label_and_a_colour():
    assert set(NODE_KINDS) == set(NodeType) and set(EDGE_KINDS) == set(EdgeType) and set(ROLE_LABELS) == set(Role)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in TYPE_COLOURS.values())
    assert len(set(TYPE_LABELS.values())) == len(TYPE_LABELS)  # no two types share a label
    assert all(RELATION_LABELS[t] and RELATION_VERBS[t] for t in EdgeType)


def test_types_are_their_strings():
    assert NodeType.TASK == "Task" and {NodeType.TASK: 1}["Task"] == 1 and f"{EdgeType.PART_OF}" == "part_of"


def test_groups_follow_the_table():
    assert all(group_of(t) == Group.UNIT for t in UNIT_TYPES)
    assert all(group_of(t) == Group.ENTITY for t in ENTITY_TYPES)
    assert group_of("Nothing") is None
    assert NodeType.DEPARTMENT in ENTITY_TYPES and NodeType.DEPARTMENT not in MENTIONED_TYPES
    assert set(MENTIONED_TYPES) < set(LINKED_TYPES) < set(REFERENCED_TYPES)
    assert set(LEAF_UNIT_TYPES) <= set(UNIT_TYPES) and not set(LEAF_UNIT_TYPES) & set(STRUCTURE_TYPES)
    assert NodeType.DOCUMENT in STRUCTURE_TYPES and NodeType.FIGURE in STRUCTURE_TYPES
    assert set(EXPLORER_DEFAULT) <= set(EXPLORER_TYPES)
    assert set(POLICY_RELATIONS) == {EdgeType.BASED_ON, EdgeType.IMPLEMENTS, EdgeType.AMENDS}
    assert set(REFERENCE_EDGES) == {EdgeType.MENTIONS, *POLICY_RELATIONS}


def test_every_unit_kind_becomes_a_unit_type_and_can_be_found_by_its_id():
    for kind in UNIT_KINDS:
        assert unit_type(kind, False) in UNIT_TYPES and unit_type(kind, True) == NodeType.TASK
        for is_task in (False, True):
            assert unit_node_id("d", kind, "1.2", is_task) in unit_node_ids("d", "1.2")
    assert unit_node_id("d", "item", "4.3.2", True) == f"{TASK_KIND}:d/4.3.2"
    assert unit_node_id("d", "subitem", "4.3.2", False) == "subitem:d/4.3.2"


def test_ids_of_documents_entities_and_figures():
    assert document_node_id("plan") == "doc:plan"
    assert entity_node_id(NodeType.PROGRAMME, "海智计划") == "programme:海智计划"
    assert figure_node_id("plan", 120) == "figure:plan/120"
