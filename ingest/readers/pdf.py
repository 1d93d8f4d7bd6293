"""PDF with a text layer: page text in order, page numbers and running headers dropped."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from ..model import IngestError


def is_pdf(raw: bytes) -> bool:
    return raw[:1024].lstrip().startswith(b"%PDF-")


def _page_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _drop_furniture(pages: list[list[str]], rules: dict) -> list[list[str]]:
    """Remove page numbers, and lines repeated at the top or bottom of many pages (running heads)
    after their first occurrence, which may be the document's title."""
    numbers = [re.compile(p) for p in rules["page_number_lines"]]
    edges = Counter(line for lines in pages for line in {*lines[:1], *lines[-1:]})
    repeated = {line for line, n in edges.items() if n >= rules["repeated_line_min_pages"]}
    seen: set[str] = set()
    out = []
    for lines in pages:
        kept = list(lines)
        for index in (0, -1):  # only the first and last line of a page can be furniture
            line = kept[index] if kept else ""
            if line and (line in repeated and line in seen or any(p.match(line) for p in numbers)):
                kept.pop(index)
            elif line in repeated:
                seen.add(line)
        out.append(kept)
    return out


def read_pdf(raw: bytes, name: str, rules: dict) -> tuple[str, str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(f"{name}: PDF 已加密 (encrypted PDF: remove the password first)")
        pages = [_page_lines(page.extract_text() or "") for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise IngestError(f"{name}: 无法读取的 PDF 文件 (damaged PDF: {type(exc).__name__})") from None
    if not any(pages):
        raise IngestError(f"{name}: PDF 没有文字层，可能是扫描件 (no text layer: a scanned PDF needs OCR first)")
    return "\n".join(line for lines in _drop_furniture(pages, rules) for line in lines), ""
