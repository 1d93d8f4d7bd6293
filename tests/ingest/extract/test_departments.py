"""Responsibility lines: the department names on them, whatever markup or slashes the line carries."""

from __future__ import annotations

import pytest

from ingest.extract.departments import extract_departments, responsibility_names
from ingest.lexicon import load_lexicon
from ingest.pipeline import load_document


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def names(line: str, lexicon) -> list[str]:
    found = responsibility_names(line, 0, len(line), lexicon)
    for name, start, end in found:
        assert line[start:end] == name
    return [name for name, _, _ in found]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("普及部、学会部", ["普及部", "学会部"]),
        ("<b>学会部</b>、<strong>普及部</strong>", ["学会部", "普及部"]),
        ("[组织人事部](http://example.org/a/b)、学会部", ["组织人事部", "学会部"]),
        ('<a href="https://example.org/x/y">调宣部</a>', ["调宣部"]),
        ("科技部/财政厅", ["科技部", "财政厅"]),
        ("学会部 https://example.org/a/b/c", ["学会部"]),
        ("办公室<br/>配合单位：学会部", ["办公室"]),
        ("普及部、普及部", ["普及部"]),
        ("普及部<br>学会部<BR/>组织部<br />财政厅", ["普及部", "学会部", "组织部", "财政厅"]),
        ("<p>普及部</p><p>学会部</p>", ["普及部", "学会部"]),
        ("普及部&nbsp;学会部&#12289;组织部&#x3001;财政厅", ["普及部", "学会部", "组织部", "财政厅"]),
        ("科技部&amp;财政厅", ["科技部", "财政厅"]),
    ],
)
def test_markup_and_slashes_give_only_names(line, expected, lexicon):
    assert names(line, lexicon) == expected


def test_positions_are_within_the_given_range(lexicon):
    line = "责任部室：<b>学会部</b>/普及部"
    start = line.index("：") + 1
    assert responsibility_names(line, start, len(line), lexicon) == [
        ("学会部", line.index("学会部"), line.index("学会部") + 3),
        ("普及部", line.index("普及部"), line.index("普及部") + 3),
    ]


def test_a_marked_up_document_gives_its_departments_with_their_roles(tmp_path, lexicon):
    path = tmp_path / "plan.md"
    path.write_text(
        "# 试点方案\n\n一、重点任务\n\n"
        "1. 建设基地。责任部室：**普及部**、<b>学会部</b>、[组织人事部](http://example.org/a/b)\n\n"
        '2. 开展交流。责任部室：科技部/财政厅、<a href="http://example.org/c">调宣部</a>\n',
        encoding="utf-8",
    )
    doc = load_document(path, "plan", lexicon)
    mentions = extract_departments(doc)
    assert [(m.surface, m.attrs["role"]) for m in mentions] == [
        ("普及部", "lead"),
        ("学会部", "supporting"),
        ("组织人事部", "supporting"),
        ("科技部", "lead"),
        ("财政厅", "supporting"),
        ("调宣部", "supporting"),
    ]
    assert all(doc.text[m.start : m.end] == m.surface for m in mentions)


def test_a_plain_text_document_with_line_break_tags_splits_its_responsibility_lines(tmp_path, lexicon):
    path = tmp_path / "plan.txt"
    path.write_text(
        "科普试点方案\n\n一、重点任务\n\n"
        "1. 建设科普教育基地。责任部室（单位）：普及部<br>学会部<br/>组织部\n\n"
        "2. 开展学术交流。责任部室（单位）：学会部&nbsp;普及部<BR />财政厅。\n",
        encoding="utf-8",
    )
    doc = load_document(path, "plan", lexicon)
    assert [(u.departments, u.roles) for u in doc.units if u.departments] == [
        (["普及部", "学会部", "组织部"], ["lead", "supporting", "supporting"]),
        (["学会部", "普及部", "财政厅"], ["lead", "supporting", "supporting"]),
    ]
    mentions = extract_departments(doc)
    assert all(doc.text[m.start : m.end] == m.surface for m in mentions)
