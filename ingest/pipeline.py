"""documents -> read -> normalise -> structure -> extract: the ingest room's entry point."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .docstore import DocumentStore, Held, Kept
from .extract import extract
from .extract.programmes import extract_programmes
from .lexicon import Lexicon, load_lexicon
from .metadata import extract_metadata
from .model import Document, IngestError
from .normalise import normalise
from .readers import SUPPORTED_SUFFIXES, read_source
from .structure import parse_structure
from .summary import DocumentSummary, summarise


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
class Entry:
    """One document of a corpus: its summary (and the names it discovered), and its whole ingest
    result — None for a result reused as it is, until ``Ingested.document`` asks for it."""

    path: str
    held: Held
    kept: Kept | None

    @property
    def id(self) -> str:
        return self.held.summary.id

    @property
    def sha256(self) -> str:
        return self.held.summary.sha256


@dataclass
class Ingested:
    """A corpus's documents, each with what a later build needs to reuse it (``ingest.docstore``)."""

    entries: list[Entry]
    known: frozenset[str]  # the programme names every document was extracted with
    store: DocumentStore | None = None  # where results reused as they are are read from
    reused: set[str] = field(default_factory=set)  # content digests of results the store holds as they are

    def document(self, entry: Entry) -> Document:
        """The entry's whole result, read from the store when it was reused as it is."""
        if entry.kept is None:
            entry.kept = _kept(self.store, entry.sha256, entry.id, entry.path)
        entry.kept.doc.path = entry.path
        return entry.kept.doc

    @property
    def docs(self) -> list[Document]:
        return [self.document(e) for e in self.entries]

    @property
    def summaries(self) -> list[DocumentSummary]:
        return [e.held.summary for e in self.entries]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _Read:
    path: Path
    doc_id: str
    held: Held | None  # what the store keeps of a file of this content (None: read afresh)
    doc: Document | None  # the file read afresh, or a kept result read whole
    fresh: bool  # read from the file, not found in the store


def _read(
    paths: Iterable[str | Path],
    lexicon: Lexicon,
    warn: Callable[[str], None],
    progress: Callable[[Iterable], Iterable],
    store: DocumentStore | None,
    digests: dict[str, str],
) -> list[_Read]:
    """Each file read, or found in ``store`` by its content (of a result kept with its summary, only
    the summary is read); ``digests`` gives the content digest of files known never to change."""
    explicit, found = expand_paths(paths)
    read: list[_Read] = []
    taken: set[str] = set()
    for path in progress(explicit + found):
        doc_id = _doc_id(path, taken)
        if store is not None and path.is_file():
            sha = digests.get(str(path)) or file_sha256(path)
            held = store.held_for(sha, doc_id)
            if held is not None:
                read.append(_Read(path, doc_id, held, None, False))
                continue
            kept = store.find(sha, doc_id)  # a folder written before summaries were kept
            if kept is not None:
                read.append(_Read(path, doc_id, Held(summarise(kept.doc, lexicon), kept.discovered), kept.doc, False))
                continue
        try:
            read.append(_Read(path, doc_id, None, load_document(path, doc_id, lexicon), True))
        except IngestError as exc:
            if path in explicit:
                raise
            warn(str(exc))
    if not read:
        raise IngestError("没有可导入的文档 (no documents to ingest)")
    return read


def _kept(store: DocumentStore | None, sha256: str, doc_id: str, path: str | Path) -> Kept:
    """The whole result ``store`` keeps of a file of this content read as ``doc_id``."""
    kept = store.find(sha256, doc_id) if store is not None else None
    if kept is None:
        raise IngestError(f"{path}: 保存的导入结果无法读取 (the kept ingest result is unreadable)")
    return kept


def ingest_documents(
    paths: Iterable[str | Path],
    lexicon: Lexicon,
    warn: Callable[[str], None] = lambda _msg: None,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
    store: DocumentStore | None = None,
    digests: dict[str, str] | None = None,
) -> Ingested:
    """Ingest files and folders, reusing what ``store`` kept of files with the same content
    (``digests``: the content digest of files known never to change, by path, not read again).

    An unreadable explicit file raises IngestError; one found in a folder is reported through
    ``warn`` and skipped. A kept document is extracted again only when a programme name that became
    known or unknown since it was kept occurs in its text; one that is not is reused as it is, and
    only its summary is read."""
    read = _read(paths, lexicon, warn, progress, store, digests or {})
    # Programme names discovered in any document are recognised in all of them. Each document's
    # discoveries are made against the lexicon alone, so they do not depend on which other files
    # the corpus holds or in which order: a kept document's stay valid when others come or go.
    listed = set(lexicon.programmes.names())
    discovered: list[frozenset[str]] = []
    for r in read:
        if r.held is not None:
            discovered.append(r.held.discovered)
        else:
            assert r.doc is not None
            found = extract_programmes(r.doc.text, lexicon, set(listed))
            discovered.append(frozenset(m.surface for m in found if m.type == "Programme") - listed)
    known = listed.union(*discovered)
    changed = known ^ store.known if store is not None else set()
    ingested = Ingested([], frozenset(known), store)
    for r, names in zip(progress(read), discovered, strict=True):
        if not r.fresh and r.held is not None and store is not None:
            # only a text naming a programme that became known or unknown is read
            text = "" if not changed else r.doc.text if r.doc is not None else store.text(r.held.summary.sha256)
            if text is not None and not any(name in text for name in changed):
                ingested.entries.append(Entry(str(r.path), r.held, Kept(r.doc, names) if r.doc else None))
                ingested.reused.add(r.held.summary.sha256)
                continue
        doc = r.doc or _kept(store, r.held.summary.sha256 if r.held else "", r.doc_id, r.path).doc
        doc.path = str(r.path)
        doc.mentions, doc.citations, doc.aliases = [], [], {}
        extract(doc, lexicon, known)
        ingested.entries.append(Entry(str(r.path), Held(summarise(doc, lexicon), names), Kept(doc, names)))
        for w in doc.warnings if r.fresh else []:  # a kept document's were told when it was read
            warn(w)
    return _once_each(ingested, warn)


def _once_each(ingested: Ingested, warn: Callable[[str], None]) -> Ingested:
    """The same content twice is one document, the first file's, as ``add`` makes it: a build of
    folders that hold a file twice gives the corpus a later add or remove finds."""
    first: dict[str, str] = {}
    entries = []
    for entry in ingested.entries:
        if entry.sha256 in first:
            warn(f"{entry.path}: 与 {first[entry.sha256]} 内容相同，只导入一次 (same content as {first[entry.sha256]})")
            continue
        first[entry.sha256] = entry.path
        entries.append(entry)
    ingested.entries = entries
    return ingested


def ingest(
    paths: Iterable[str | Path],
    lexicon: Lexicon | None = None,
    warn: Callable[[str], None] = lambda _msg: None,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
) -> list[Document]:
    """Ingest files and folders (see ``ingest_documents``)."""
    return ingest_documents(paths, lexicon or load_lexicon(), warn, progress).docs
