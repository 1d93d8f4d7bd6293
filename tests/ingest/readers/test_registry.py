import pytest

from ingest.lexicon import load_lexicon
from ingest.model import IngestError
from ingest.pipeline import expand_paths
from ingest.readers import read_source
from tests.ingest.readers.test_pdf import make_pdf

FORMATS = load_lexicon().formats
TEXT = "一、总体要求\n（一）加强科协组织建设。责任部室（单位）：组人部。\n"


def test_content_decides_the_reader_not_the_suffix(tmp_path):
    pdf_named_txt = tmp_path / "report.txt"
    pdf_named_txt.write_bytes(make_pdf([["一、总体要求"]]))
    assert read_source(pdf_named_txt, FORMATS).format == "pdf"
    page = tmp_path / "page.txt"
    page.write_bytes("<!DOCTYPE html><html><body><p>一、总体要求，加强科协基层组织建设。</p></body></html>".encode())
    assert read_source(page, FORMATS).format == "html"
    note = tmp_path / "note.md"
    note.write_text(TEXT, encoding="utf-8")
    source = read_source(note, FORMATS)
    assert (source.format, source.encoding, source.text, source.rewrap) == ("md", "utf-8", TEXT, True)
    assert len(source.sha256) == 64


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("fake.pdf", TEXT.encode(), "not a supported .pdf"),
        ("fake.docx", b"PK\x03\x04", "not a supported .docx"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "legacy"),
        ("data.xlsx", b"PK\x03\x04" + b"\x00" * 64, "supported: .pdf"),
        ("empty.html", b"  \n", "empty"),
    ],
)
def test_bad_files_get_one_line_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError, match=message) as err:
        read_source(path, FORMATS)
    assert "\n" not in str(err.value) and name in str(err.value)


def test_missing_files_and_directories(tmp_path):
    with pytest.raises(IngestError, match="no such file"):
        read_source(tmp_path / "nope.txt", FORMATS)
    with pytest.raises(IngestError, match="directory"):
        read_source(tmp_path, FORMATS)


def test_folders_yield_every_supported_format(tmp_path):
    for name in ["a.txt", "b.md", "c.docx", "d.pdf", "e.html", "f.htm", "g.png", "h.xlsx"]:
        (tmp_path / "sub").mkdir(exist_ok=True)
        (tmp_path / "sub" / name).write_bytes(b"x")
    explicit, found = expand_paths([tmp_path])
    assert explicit == [] and [p.name for p in found] == ["a.txt", "b.md", "c.docx", "d.pdf", "e.html", "f.htm"]
