"""documents -> read -> normalise -> structure -> extract: the ingest room's entry point."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from .extract import extract
from .extract.programmes import extract_programmes
from .lexicon import Lexicon, load_lexicon
from .metadata import extract_metadata
from .model import Document, IngestError
from .normalise import normalise
from .readers import SUPPORTED_SUFFIXES, read_source
from .structure import parse_structure


def _doc_id(path: Path, taken: set[str]) -> str:
    base = re.sub(r"[\s/\\#?%]+", "-", path.stem).strip("-") or "doc"
    doc_id, n = base, 2
    while doc_id in taken:
        doc_id, n = f"{base}-{n}", n + 1
    taken.add(doc_id)
    return doc_id


def load_document(path: Path, doc_id: str, lexicon: Lexicon) -> Document:
    """Read, repair and structure one file (no entity extraction yet)."""
    source = read_source(path, lexicon.formats)
    norm = normalise(source.text, lexicon, rewrap=source.rewrap)
    if not norm.text.strip():
        raise IngestError(f"{path}: 没有可读的文字 (no readable text)")
    units, warnings = parse_structure(doc_id, norm, lexicon)
    first = min((u.start for u in units if u.kind != "paragraph"), default=None)
    meta = extract_metadata(norm, lexicon, first)
    return Document(
        id=doc_id,
        path=str(path),
        encoding=source.encoding,
        original=source.text,
        text=norm.text,
        offsets=norm.offsets,
        format=source.format,
        sha256=source.sha256,
        title=meta.title or path.stem,
        issuer=meta.issuer,
        number=meta.number,
        date=meta.date,
        units=units,
        warnings=[f"{path}: {w}" for w in warnings],
    )


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    """Explicit files, and files found inside folders (which may be skipped when unreadable)."""
    explicit, found = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            explicit.append(path)
    return explicit, found


def ingest(
    paths: Iterable[str | Path],
    lexicon: Lexicon | None = None,
    warn: Callable[[str], None] = lambda _msg: None,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
) -> list[Document]:
    """Ingest files and folders. An unreadable explicit file raises IngestError; one found in a
    folder is reported through ``warn`` and skipped."""
    lexicon = lexicon or load_lexicon()
    explicit, found = expand_paths(paths)
    docs: list[Document] = []
    taken: set[str] = set()
    for path in progress(explicit + found):
        try:
            docs.append(load_document(path, _doc_id(path, taken), lexicon))
        except IngestError as exc:
            if path in explicit:
                raise
            warn(str(exc))
    if not docs:
        raise IngestError("没有可导入的文档 (no documents to ingest)")
    # Programme names discovered in any document are recognised in all of them.
    known = set(lexicon.programmes.names())
    for doc in docs:
        known |= {m.surface for m in extract_programmes(doc.text, lexicon, known) if m.type == "Programme"}
    for doc in progress(docs):
        extract(doc, lexicon, known)
        for w in doc.warnings:
            warn(w)
    return docs
