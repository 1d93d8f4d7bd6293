"""Spreadsheet formulas in CSV cells are neutralised, in the helper and in the Neo4j export."""

from __future__ import annotations

import csv
import io

import pytest

from graph.csvsafe import safe_cell, safe_row
from graph.export import export
from tests.fixtures.graphs import POPULAR, tiny_graph

HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_evaluate_gets_a_quote(text):
    assert safe_cell(text) == "'" + text


def test_other_cells_are_unchanged():
    assert safe_row(["普及部", "a=b", "", 3, -1, 2.5, None]) == ["普及部", "a=b", "", 3, -1, 2.5, None]


def test_neo4j_export_neutralises_names():
    graph = tiny_graph()
    graph.nodes[POPULAR]["name"] = "=cmd|' /C calc'!A0"
    files = export(graph, "neo4j-csv")
    rows = list(csv.reader(io.StringIO(files["nodes.csv"].decode("utf-8"))))
    names = {row[0]: row[1] for row in rows[1:]}
    assert names[POPULAR] == "'=cmd|' /C calc'!A0"
    for data in files.values():
        for row in csv.reader(io.StringIO(data.decode("utf-8"))):
            assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
