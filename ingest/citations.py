"""Citations that land: which ingested document a 《title》 in another document refers to, and why.

A citation matches the documents whose title has the same key (see ``titles``). When several
versions share the key, the citation gets the version named in its title (《…（2024年修订）》), else
the version the text asks for — 修订后的《…》 is the first version issued after the citing
document — else the version in force on the citing document's date. The reason says which rule
chose the document, with the dates it compared.

A citation by common name (《2026年中央一号文件》, 贯彻落实中央一号文件) matches the documents of that
name (``document_names``); without a year, the version rules above choose among them, so the one
in force on the citing document's date is taken.
"""

from __future__ import annotations

from dataclasses import dataclass

from .lexicon import Lexicon, load_lexicon
from .model import Citation, Document
from .summary import DocumentSummary, summaries
from .titles import title_key


@dataclass(frozen=True)
class CitationLink:
    source: str  # id of the citing document
    citation: Citation
    target: str | None  # id of the ingested document the citation lands on, None when none matches
    reason: str  # why that document, in words a reader can check

    @property
    def title(self) -> str:
        return self.citation.title

    @property
    def relation(self) -> str:
        return self.citation.relation


def choose_version(
    citation: Citation, citing: DocumentSummary, versions: list[DocumentSummary]
) -> tuple[DocumentSummary, str]:
    """The version a citation refers to among documents sharing its title key, with the reason."""
    ordered = sorted(versions, key=lambda d: (d.date or "9999", d.id))
    if len(ordered) == 1:
        only = ordered[0]
        later = bool(citing.date and only.date and only.date > citing.date)
        note = f"，晚于引用文件日期（{citing.date}），是已导入的唯一版本" if later else ""
        return only, f"标题相符的唯一文件（{only.date or '日期不明'}）{note}"
    chosen, why = _pick(citation, citing, ordered)
    listed = "、".join(d.date or "日期不明" for d in ordered)
    return chosen, f"{why}（共 {len(ordered)} 个版本：{listed}）"


def _pick(citation: Citation, citing: DocumentSummary, ordered: list[DocumentSummary]) -> tuple[DocumentSummary, str]:
    named = [d for d in ordered if citation.version and d.date.startswith(citation.version)]
    if named:
        return named[-1], f"标题注明版本 {citation.version}，取 {named[-1].date} 的版本"
    dated = [d for d in ordered if d.date]
    if not dated:
        return ordered[-1], "各版本日期不明，取其中最后一个"
    if not citing.date:
        return dated[-1], f"引用文件没有日期，取最新版本 {dated[-1].date}"
    if citation.version_rule == "revised_after":
        after = [d for d in dated if d.date > citing.date]
        if after:
            return after[0], f"原文要求修订后的版本：取引用文件（{citing.date}）之后发布的第一个版本 {after[0].date}"
        return dated[-1], f"原文要求修订后的版本，但没有晚于 {citing.date} 的版本，取最新版本 {dated[-1].date}"
    in_force = [d for d in dated if d.date <= citing.date]
    if in_force:
        return in_force[-1], f"取引用文件日期（{citing.date}）时有效的版本 {in_force[-1].date}"
    return dated[0], f"各版本都晚于引用文件日期（{citing.date}），取最早的版本 {dated[0].date}"


def resolve_citations(
    documents: list[Document] | list[DocumentSummary], lexicon: Lexicon | None = None
) -> list[CitationLink]:
    """Every citation of every document — in 《》, or a common name in running text — resolved
    against the documents given (or their summaries): by title, else by common name
    (``document_names``)."""
    lexicon = lexicon or load_lexicon()
    docs = summaries(documents, lexicon)
    by_key: dict[str, list[DocumentSummary]] = {}
    by_name: dict[str, list[DocumentSummary]] = {}
    for doc in docs:
        by_key.setdefault(title_key(doc.title, lexicon).key, []).append(doc)
        for form in dict.fromkeys(doc.common_names):
            by_name.setdefault(title_key(form, lexicon).key, []).append(doc)
    links = []
    for doc in docs:
        for citation in doc.citations:
            titled = citation.key in by_key
            versions = [d for d in (by_key if titled else by_name).get(citation.key, []) if d.id != doc.id]
            if not versions:
                links.append(CitationLink(doc.id, citation, None, "没有标题相符的已导入文件"))
                continue
            target, reason = choose_version(citation, doc, versions)
            if not titled:
                reason = f"「{citation.key}」是通称，对应 {len(versions)} 份文件；{reason}"
            links.append(CitationLink(doc.id, citation, target.id, reason))
    return links
