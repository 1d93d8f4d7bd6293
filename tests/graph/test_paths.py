"""Shortest connections between entities, through tasks and relations but never through structure."""

from __future__ import annotations

from graph.paths import entity_view, shortest_paths
from graph.schema import STRUCTURE_TYPES
from tests.fixtures.graphs import (
    DOC_NODE,
    FIGURE,
    HAIZHI,
    KECHUANG,
    LAW,
    MUSEUM,
    PARAGRAPH,
    POPULAR,
    SECTION,
    SOCIETY,
    TASK_A,
    TASK_B,
)


def test_the_view_leaves_out_structure(tiny):
    view = entity_view(tiny)
    assert not any(tiny.nodes[n]["type"] in STRUCTURE_TYPES for n in view)
    assert SECTION not in view and DOC_NODE not in view and FIGURE not in view
    assert view.has_edge(TASK_A, KECHUANG) and view.has_edge(LAW, MUSEUM)


def test_a_programme_reaches_a_department_through_a_task(tiny):
    assert shortest_paths(tiny, KECHUANG, SOCIETY) == [[KECHUANG, TASK_A, SOCIETY], [KECHUANG, TASK_B, SOCIETY]]


def test_all_shortest_paths_up_to_the_limit(tiny):
    paths = shortest_paths(tiny, HAIZHI, POPULAR)
    assert {tuple(p) for p in paths} == {
        (HAIZHI, TASK_B, KECHUANG, TASK_A, POPULAR),
        (HAIZHI, TASK_B, SOCIETY, TASK_A, POPULAR),
    }
    assert len(shortest_paths(tiny, HAIZHI, POPULAR, limit=1)) == 1


def test_unconnected_or_structural_ends_have_no_path(tiny):
    assert shortest_paths(tiny, PARAGRAPH, HAIZHI) == []  # the paragraph only states a figure
    assert shortest_paths(tiny, FIGURE, HAIZHI) == [] and shortest_paths(tiny, DOC_NODE, LAW) == []


def test_a_prebuilt_view_gives_the_same_paths(tiny):
    view = entity_view(tiny)
    assert shortest_paths(tiny, MUSEUM, POPULAR, view=view) == shortest_paths(tiny, MUSEUM, POPULAR)
    assert shortest_paths(tiny, MUSEUM, POPULAR, view=view)[0] == [MUSEUM, LAW, TASK_A, POPULAR]
