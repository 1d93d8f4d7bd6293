import docx
import pytest

from ingest.model import IngestError
from ingest.pipeline import ingest
from ingest.readers.word import is_docx, read_docx


def _plan_docx(path):
    document = docx.Document()
    document.add_heading("关于印发《科普工作方案》的通知", level=1)
    document.add_paragraph("各设区市科协：")
    document.add_heading("一、总体要求", level=2)
    document.add_paragraph("（一）加强科普工作，推动科学技术普及。")
    table = document.add_table(rows=2, cols=2)
    for row, (role, name) in enumerate([("牵头单位", "普及部"), ("配合单位", "学会部")]):
        table.cell(row, 0).text, table.cell(row, 1).text = role, name
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "跨两列"
    merged.cell(0, 2).text = "末列"
    document.add_paragraph("（二）实施“科普中国”行动")
    document.add_paragraph("建设科普阵地。")
    document.save(path)
    return path


def test_paragraphs_tables_and_headings_in_document_order(tmp_path):
    raw = _plan_docx(tmp_path / "plan.docx").read_bytes()
    assert is_docx(raw)
    text, encoding = read_docx(raw, "plan.docx", {})
    assert encoding == ""
    assert text.split("\n") == [
        "# 关于印发《科普工作方案》的通知",
        "各设区市科协：",
        "## 一、总体要求",
        "（一）加强科普工作，推动科学技术普及。",
        "牵头单位",
        "普及部",
        "配合单位",
        "学会部",
        "跨两列",  # a merged cell is read once
        "末列",
        "（二）实施“科普中国”行动",
        "建设科普阵地。",
    ]


def test_word_paragraphs_are_never_joined_and_spans_slice_back(tmp_path):
    doc = ingest([_plan_docx(tmp_path / "plan.docx")])[0]
    assert doc.format == "docx" and len(doc.sha256) == 64
    assert doc.title == "科普工作方案"
    # "（二）实施“科普中国”行动" has no full stop, yet the next Word paragraph stays separate
    assert doc.unit("1.2").title == "实施“科普中国”行动"
    assert "行动\n建设" in doc.text
    for m in doc.mentions:
        span = doc.source_span(m.start, m.end)
        assert doc.original[span.start : span.end] == doc.text[m.start : m.end]


def test_a_zip_without_a_word_document_is_not_docx(tmp_path):
    import zipfile

    path = tmp_path / "fake.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("content.xml", "<x/>")
    assert not is_docx(path.read_bytes())
    with pytest.raises(IngestError, match="not a supported .docx") as err:
        ingest([path])
    assert "\n" not in str(err.value)
