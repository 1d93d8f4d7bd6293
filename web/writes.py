"""Writes through the web: an uploaded file added to the corpus, a document removed. Each is a new
version built by ``web.pipeline`` under the home's build lock, so two writes never build at once (the
second is refused with 503 and Retry-After) and a failed one leaves the served version as it was.

An upload's bytes go into a fresh private folder (``tempfile.mkdtemp``, mode 0700) under a name the
server composes: of the client's file name only the last component is used, reduced to letters,
digits, ``-`` and ``_`` (the document id is made from it), and its suffix to letters and digits
(plain text and Markdown are told apart by suffix). The content decides the format
(``ingest.readers.detect``); anything unsupported is refused before a build starts. The folder is removed
once the version holding a copy of the file is served.

An add or remove keeps the served version's shape: with a search index when it has one (the
vectors of unchanged text are reused), graph-only when it is graph-only.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import tempfile
from pathlib import Path

from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import BadRequest, Conflict, NotFound, ServiceUnavailable, UnsupportedMediaType

from graph import query
from graph.home import BuildBusy, Version, current_version
from graph.records import CorpusDocument
from ingest.model import IngestError
from ingest.readers import detect
from search.errors import EncoderMissing

from .corpus import read_corpus
from .pipeline import add_files, remove_document
from .records import DocumentAdded, DocumentRemoved
from .state import Data, current

log = logging.getLogger(__name__)
MAX_STEM = 60  # characters of the client's file name kept for the document id
MAX_SUFFIX = 10
RETRY_AFTER = 10  # seconds a write refused while another build runs is told to wait
BUSY = "另一个构建或写入正在进行，请稍后再试 (another build is running; try again later)"


def upload_name(filename: str | None) -> str:
    """The name an upload is stored under: the last component of ``filename`` reduced to word
    characters and ``-`` (``upload`` when nothing is left), and its suffix reduced to word characters."""
    last = re.split(r"[\\/]", filename or "")[-1]
    stem, dot, suffix = last.rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    suffix = re.sub(r"\W+", "", suffix.lower())[:MAX_SUFFIX]
    stem = re.sub(r"[^\w-]+", "-", stem).strip("-_")[:MAX_STEM].strip("-_") or "upload"
    return f"{stem}.{suffix}" if suffix else stem


def _indexed(version: Version | None) -> bool:
    """Whether a write builds a search index: as the served version does (a first version: yes)."""
    return version is None or version.index_path.exists()


def _document(data: Data, doc: str) -> CorpusDocument:
    found = next((d for d in query.documents(data.graph) if d.id == doc), None)
    if found is None:  # another write removed it in between
        raise Conflict(f"文档 {doc} 已被其他写入移除 (document '{doc}' was removed by another write)")
    return found


def add_upload(upload: FileStorage | None) -> tuple[DocumentAdded, bool]:
    """Add the uploaded file to the corpus; (the document, whether it is new). Refusals are HTTP errors:
    no file 400, unsupported content 415, another build running or no encoder for the index 503."""
    if upload is None:
        raise BadRequest("缺少上传文件：表单字段 file (multipart field 'file' is required)")
    name = upload_name(upload.filename)
    folder = Path(tempfile.mkdtemp(prefix="policykg-upload-"))
    try:
        path = folder / name
        upload.save(path)
        raw = path.read_bytes()
        if not raw.strip():
            raise BadRequest(f"{name}: 上传的文件为空 (the uploaded file is empty)")
        try:
            detect(raw, Path(name))
        except IngestError as exc:
            raise UnsupportedMediaType(str(exc)) from None
        digest = hashlib.sha256(raw).hexdigest()
        previous = current_version()
        try:
            change = add_files([str(path)], log.info, progress=False, search_index=_indexed(previous))
        except BuildBusy:
            raise ServiceUnavailable(BUSY, retry_after=RETRY_AFTER) from None
        except EncoderMissing as exc:
            raise ServiceUnavailable(str(exc)) from None
        except IngestError as exc:  # read as its format, yet no usable document
            raise UnsupportedMediaType(str(exc).replace(f"{folder}/", "")) from None
        except ValueError as exc:  # the served version does not record its corpus
            raise Conflict(str(exc)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    data = current(wait=True)  # the version just published, not the one served before
    if change.summary is None:
        doc = change.present[0][1]
    else:
        doc = next((f.doc for f in read_corpus(data.version) if f.sha256 == digest), "")
    found = _document(data, doc)
    return DocumentAdded(found.id, found.title, found.tasks, data.version.id), change.summary is not None


def remove(doc: str) -> DocumentRemoved:
    """Remove document ``doc`` from the corpus. Refusals: unknown 404, the last one or a version that
    does not record its corpus 409, another build running 503."""
    data = current()
    try:
        corpus = read_corpus(data.version)
    except ValueError as exc:
        raise Conflict(str(exc)) from None
    if doc not in {f.doc for f in corpus}:
        raise NotFound(f"没有文档 {doc} (no such document)")
    if len(corpus) == 1:
        raise Conflict(f"不能移除最后一个文档 {doc} (cannot remove '{doc}': it is the only document)")
    title = _document(data, doc).title
    try:
        remove_document(doc, log.info, progress=False, search_index=_indexed(data.version))
    except BuildBusy:
        raise ServiceUnavailable(BUSY, retry_after=RETRY_AFTER) from None
    except EncoderMissing as exc:
        raise ServiceUnavailable(str(exc)) from None
    except ValueError as exc:  # another write changed the corpus in between
        raise Conflict(str(exc)) from None
    after = current(wait=True)
    return DocumentRemoved(doc, title, after.version.id, len(query.documents(after.graph)))
