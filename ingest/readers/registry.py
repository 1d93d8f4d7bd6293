"""Which reader a file needs, decided by its content first and its suffix second."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model import IngestError
from .pdf import is_pdf, read_pdf
from .text import read_text
from .webpage import is_html, read_html
from .word import is_docx, read_docx


@dataclass(frozen=True)
class Source:
    """A source file turned into text; offsets into ``text`` are what provenance cites."""

    text: str
    format: str  # txt | md | docx | pdf | html
    encoding: str  # the text encoding detected, "" for a binary container (docx, pdf)
    sha256: str  # of the file's bytes
    rewrap: bool  # True when line breaks may split a sentence (plain text, PDF pages)


@dataclass(frozen=True)
class Reader:
    format: str
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes], bool] | None  # recognises the content; None: any text
    read: Callable[[bytes, str, dict], tuple[str, str]]  # (bytes, name, format rules) -> (text, encoding)
    rewrap: bool


# Content sniffing tries the readers in this order; text readers come last and need a suffix.
READERS: tuple[Reader, ...] = (
    Reader("pdf", (".pdf",), is_pdf, read_pdf, True),
    Reader("docx", (".docx",), is_docx, read_docx, False),
    Reader("html", (".html", ".htm", ".shtml", ".xhtml"), is_html, read_html, False),
    Reader("md", (".md", ".markdown"), None, read_text, True),
    Reader("txt", (".txt",), None, read_text, True),
)
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(s for reader in READERS for s in reader.suffixes)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .xls and .wps files


def detect(raw: bytes, path: Path) -> Reader:
    """The reader for these bytes; a known suffix on other content is refused with a one-line error."""
    for reader in READERS:
        if reader.sniff is not None and reader.sniff(raw):
            return reader
    suffix = path.suffix.lower()
    if raw.startswith(_OLE):
        raise IngestError(f"{path}: 旧版 Office 文件不支持，请另存为 .docx (legacy .doc/.wps is not supported)")
    by_suffix = next((r for r in READERS if suffix in r.suffixes), None)
    if by_suffix is None:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise IngestError(f"{path}: 不支持的格式 {suffix or '(none)'} (supported: {supported})")
    if by_suffix.sniff is not None:
        raise IngestError(f"{path}: 内容不是 {by_suffix.format.upper()} 文件 (not a supported {suffix} file)")
    return by_suffix


def read_source(path: str | Path, rules: dict) -> Source:
    """Read any supported file; ``rules`` holds the per-format settings (data/lexicon/formats.json)."""
    path = Path(path)
    if not path.exists():
        raise IngestError(f"{path}: 文件不存在 (no such file)")
    if path.is_dir():
        raise IngestError(f"{path}: 是目录而不是文件 (a directory, not a file)")
    raw = path.read_bytes()
    if not raw.strip():
        raise IngestError(f"{path}: 文件为空 (empty file)")
    reader = detect(raw, path)
    text, encoding = reader.read(raw, str(path), rules.get(reader.format, {}))
    return Source(text, reader.format, encoding, hashlib.sha256(raw).hexdigest(), reader.rewrap)
