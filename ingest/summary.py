"""What the corpus-wide steps need of one document, without its text and structure.

Entities (``ingest.resolve``) and citations (``ingest.citations``) are decided over the whole corpus,
but each reads only a little of every document: the names it mentions, its title, date and common
names, and the citations it makes. A :class:`DocumentSummary` holds exactly that. It is a function
of the document and the lexicon, so a later build keeps it with the document
(``ingest.docstore``) and can decide the corpus-wide steps again without reading every document
back.
"""

from __future__ import annotations

from dataclasses import dataclass

from .document_names import document_aliases, in_text_citations
from .lexicon import Lexicon
from .model import Citation, Document

FIGURE = "Figure"  # figures are facts of one document, never corpus-wide entities
POLICY = "Policy"


@dataclass(frozen=True)
class DocumentSummary:
    id: str
    sha256: str
    title: str
    issuer: str
    date: str
    names: tuple[tuple[str, str], ...]  # (type, surface) of every entity mention, first occurrence order
    issuers: tuple[tuple[str, str], ...]  # (surface, issuer) of policy mentions naming their issuer, in order
    aliases: tuple[tuple[str, str], ...]  # (short name, full title) the document defines
    citations: tuple[Citation, ...]  # in 《》, then common names cited in running text
    common_names: tuple[str, ...]  # the document's own common names (中央一号文件 …)


def summarise(doc: Document, lexicon: Lexicon) -> DocumentSummary:
    names = dict.fromkeys((m.type, m.surface) for m in doc.mentions if m.type != FIGURE)
    issuers = tuple((m.surface, m.attrs["issuer"]) for m in doc.mentions if m.type == POLICY and m.attrs.get("issuer"))
    return DocumentSummary(
        id=doc.id,
        sha256=doc.sha256,
        title=doc.title,
        issuer=doc.issuer,
        date=doc.date,
        names=tuple(names),
        issuers=issuers,
        aliases=tuple(doc.aliases.items()),
        citations=(*doc.citations, *in_text_citations(doc, lexicon)),
        common_names=tuple(document_aliases(doc, lexicon)),
    )


def summaries(docs: list[Document] | list[DocumentSummary], lexicon: Lexicon) -> list[DocumentSummary]:
    """Each document summarised (a summary is taken as it is)."""
    return [d if isinstance(d, DocumentSummary) else summarise(d, lexicon) for d in docs]
