"""Word .docx: paragraphs and table cells in document order, headings marked as Markdown."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from ..model import IngestError

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def is_docx(raw: bytes) -> bool:
    """A zip container holding word/document.xml."""
    if not raw.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _heading_level(paragraph) -> int:
    """Markdown level of a heading paragraph by its style (Title, Heading 2, 标题 2), 0 otherwise."""
    style = paragraph.style.name if paragraph.style is not None else ""
    if style.lower() == "title":
        return 1
    m = _HEADING_STYLE.match(style.strip())
    return min(int(m.group(1)), 6) if m else 0


def _lines(container) -> Iterator[str]:
    """Text lines of a document body or table cell; each table cell is read once, row by row."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            seen = set()  # cell elements; held here so that their identity stays stable
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc in seen:  # a merged cell repeats across the columns it spans
                        continue
                    seen.add(cell._tc)
                    yield from _lines(cell)
            continue
        text = block.text.strip()
        if text:
            level = _heading_level(block)
            yield f"{'#' * level} {text}" if level else text


def read_docx(raw: bytes, name: str, _rules: dict) -> tuple[str, str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise IngestError(f"{name}: 无法读取的 Word 文件 (not a supported .docx: damaged or not Word)") from None
    return "\n".join(_lines(document)), ""
