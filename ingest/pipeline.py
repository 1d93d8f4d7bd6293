"""documents -> read -> normalise -> structure -> extract: the ingest room's entry point."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .docstore import DocumentStore, Kept
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


@dataclass
class Ingested:
    """A corpus's documents, each with what a later build needs to reuse it (``ingest.docstore``)."""

    kept: list[Kept]
    known: frozenset[str]  # the programme names every document was extracted with
    reused: set[str] = field(default_factory=set)  # content digests of results the store holds as they are

    @property
    def docs(self) -> list[Document]:
        return [k.doc for k in self.kept]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read(
    paths: Iterable[str | Path],
    lexicon: Lexicon,
    warn: Callable[[str], None],
    progress: Callable[[Iterable], Iterable],
    store: DocumentStore | None,
) -> list[tuple[Document, Kept | None]]:
    """Each file read (or taken from ``store`` by its content), with the kept result it came from."""
    explicit, found = expand_paths(paths)
    read: list[tuple[Document, Kept | None]] = []
    taken: set[str] = set()
    for path in progress(explicit + found):
        doc_id = _doc_id(path, taken)
        kept = store.find(file_sha256(path), doc_id) if store is not None and path.is_file() else None
        if kept is not None:
            kept.doc.path = str(path)
            read.append((kept.doc, kept))
            continue
        try:
            read.append((load_document(path, doc_id, lexicon), None))
        except IngestError as exc:
            if path in explicit:
                raise
            warn(str(exc))
    if not read:
        raise IngestError("没有可导入的文档 (no documents to ingest)")
    return read


def ingest_documents(
    paths: Iterable[str | Path],
    lexicon: Lexicon,
    warn: Callable[[str], None] = lambda _msg: None,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
    store: DocumentStore | None = None,
) -> Ingested:
    """Ingest files and folders, reusing what ``store`` kept of files with the same content.

    An unreadable explicit file raises IngestError; one found in a folder is reported through
    ``warn`` and skipped. A kept document is extracted again only when a programme name that became
    known or unknown since it was kept occurs in its text."""
    read = _read(paths, lexicon, warn, progress, store)
    # Programme names discovered in any document are recognised in all of them. Each document's
    # discoveries are made against the lexicon alone, so they do not depend on which other files
    # the corpus holds or in which order: a kept document's stay valid when others come or go.
    listed = set(lexicon.programmes.names())
    kept: list[Kept] = []
    for doc, old in read:
        if old is not None:
            discovered = old.discovered
        else:
            found = extract_programmes(doc.text, lexicon, set(listed))
            discovered = frozenset(m.surface for m in found if m.type == "Programme") - listed
        kept.append(Kept(doc, discovered))
    known = listed.union(*(k.discovered for k in kept))
    changed = known ^ store.known if store is not None else set()
    reused = set()
    for doc, old in progress(read):
        if old is not None and not any(name in doc.text for name in changed):
            reused.add(doc.sha256)
        else:
            doc.mentions, doc.citations, doc.aliases = [], [], {}
            extract(doc, lexicon, known)
        for w in doc.warnings if old is None else []:  # a kept document's were told when it was read
            warn(w)
    return Ingested(kept, frozenset(known), reused)


def ingest(
    paths: Iterable[str | Path],
    lexicon: Lexicon | None = None,
    warn: Callable[[str], None] = lambda _msg: None,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
) -> list[Document]:
    """Ingest files and folders (see ``ingest_documents``)."""
    return ingest_documents(paths, lexicon or load_lexicon(), warn, progress).docs
