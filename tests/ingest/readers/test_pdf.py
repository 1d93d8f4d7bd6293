import pytest

from ingest.lexicon import load_lexicon
from ingest.model import IngestError
from ingest.pipeline import ingest
from ingest.readers.pdf import is_pdf, read_pdf

RULES = load_lexicon().formats["pdf"]


def _object_bytes(objects: list[bytes], root: int) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def make_pdf(pages: list[list[str]] | None = None, image_only: bool = False) -> bytes:
    """A PDF whose pages show the given lines in a CID font with a ToUnicode map (a text layer),
    or, with ``image_only``, one page holding nothing but an image (a scan)."""
    pages = pages or [[]]
    chars = sorted({ch for page in pages for line in page for ch in line})
    entries = [f"<{ord(c):04X}> <{ord(c):04X}>" for c in chars]
    blocks = [
        f"{len(entries[i : i + 100])} beginbfchar\n" + "\n".join(entries[i : i + 100]) + "\nendbfchar"
        for i in range(0, len(entries), 100)
    ]
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def "
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    objects = [
        b"<< /Type /FontDescriptor /FontName /Song /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0"
        b" /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /CIDSystemInfo << /Registry (Adobe)"
        b" /Ordering (Identity) /Supplement 0 >> /FontDescriptor 1 0 R /DW 1000 >>",
        _stream(cmap),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H /DescendantFonts [2 0 R]"
        b" /ToUnicode 3 0 R >>",
    ]
    pages_id = len(objects) + 2 * len(pages) + 1
    kids = []
    for lines in pages:
        if image_only:
            content = b"q 200 0 0 200 72 500 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q"
        else:
            shown = ["<" + "".join(f"{ord(c):04X}" for c in line) + "> Tj T*" for line in lines]
            content = "\n".join(["BT /F1 12 Tf 14 TL 72 760 Td", *shown, "ET"]).encode()
        objects.append(_stream(content))
        objects.append(
            f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >>"
            f" /Contents {len(objects)} 0 R >>".encode()
        )
        kids.append(len(objects))
    objects.append(f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode())
    objects.append(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
    return _object_bytes(objects, len(objects))


HEAD = "江西省科协关于印发《科普工作方案》的通知"
PAGES = [
    [
        HEAD,
        "一、总体要求",
        "（一）加强科普工作。深入贯彻落实全民科学素质行动规划纲要，推动科学技术普及工作",
        "高质量发展，提升公民科学素质。责任部室（单位）：普及部。",
        "- 1 -",
    ],
    [
        HEAD,
        "（二）实施“科普中国”行动。建设科普阵地，壮大科普队伍，推进科普信息化建设，服务",
        "基层群众。责任部室（单位）：普及部、学会部。",
        "- 2 -",
    ],
    [HEAD, "二、保障措施", "加强组织领导，确保各项任务落到实处。", "第 3 页 共 3 页"],
]


def test_text_layer_pages_in_order_without_page_furniture():
    raw = make_pdf(PAGES)
    assert is_pdf(raw)
    text, encoding = read_pdf(raw, "plan.pdf", RULES)
    lines = text.split("\n")
    assert encoding == "" and lines[0] == HEAD and lines.count(HEAD) == 1  # running head kept once
    assert not any(line.startswith(("- ", "第 3 页")) for line in lines)
    assert lines[-1] == "加强组织领导，确保各项任务落到实处。"


def test_wrapped_lines_are_joined_and_spans_slice_back(tmp_path):
    path = tmp_path / "plan.pdf"
    path.write_bytes(make_pdf(PAGES))
    doc = ingest([path])[0]
    assert doc.format == "pdf" and doc.title == "科普工作方案"
    assert [u.departments for u in doc.units if u.is_task] == [["普及部"], ["普及部", "学会部"]]
    task = doc.unit("1.1")
    assert doc.text[task.start : task.end].endswith("普及工作高质量发展，提升公民科学素质。责任部室（单位）：普及部。")
    span = doc.source_span(task.start, task.end)
    assert doc.original[span.start : span.end].replace("\n", "") == doc.text[task.start : task.end]


def test_a_scanned_pdf_without_text_is_refused_in_one_line(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf(image_only=True))
    with pytest.raises(IngestError, match="no text layer") as err:
        ingest([path])
    assert "\n" not in str(err.value)


def test_a_damaged_pdf_is_refused_in_one_line(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\n")
    with pytest.raises(IngestError) as err:
        ingest([path])
    assert "broken.pdf" in str(err.value) and "\n" not in str(err.value)
