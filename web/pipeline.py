"""One build: ingest -> resolve -> graph -> search index, written as a new version and switched in whole.

The build holds the home's lock (one build at a time), writes the graph and the index into a
staged version folder and publishes it only once both are complete (``graph.home``). Any failure
before that point discards the staged folder and leaves the previous version served.

``add_files`` and ``remove_document`` build the next version from the served one's recorded corpus
(``web.corpus``) plus or minus some files: the documents it kept (``ingest.docstore``) are reused
(of most, only their summaries are read), its graph is changed (``graph.patch``) and its RDF store
with it, BM25 is made again from the tokens of unchanged texts, and the vectors of texts the served
index already holds are reused; an add loads the encoder in a child process meanwhile
(``search.preload``). ``rebuild`` builds the served corpus again whole.
"""

from __future__ import annotations

import difflib
import shutil
import sys
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from graph import query
from graph.beside import Beside
from graph.build import build_graph, maker_fingerprint
from graph.bulk import long_lived
from graph.home import Version, build_lock, current_version, discard, publish, require_version, stage_version
from graph.patch import apply_patch, changed_documents, plan_patch
from graph.rdf import base_iri
from graph.store import GraphMissing, load_graph, save_graph
from graph.triplestore import MANIFEST as STORE_MANIFEST
from graph.triplestore import StoreInfo, change_store, scope_quads, store_folder, update_store, write_store
from ingest.docstore import keep_documents, open_store
from ingest.lexicon import Lexicon, load_lexicon
from ingest.model import Document
from ingest.pipeline import Ingested, expand_paths, ingest_documents
from ingest.resolve import resolve

from .corpus import CorpusFile, file_sha256, read_corpus, store_corpus

LISTED = 10  # documents named in full in a message; more are summed up

if TYPE_CHECKING:
    from pyoxigraph import Quad

    from search.index import IndexSource
    from search.preload import ChildEncoder


def _progress(enabled: bool, phase: str, unit: str) -> Callable[[Iterable], Iterable]:
    """A progress bar for one phase of a build, on stderr when it is a terminal."""
    if not enabled or not sys.stderr.isatty():
        return lambda it: it
    from tqdm import tqdm

    return lambda it: tqdm(it, desc=phase, unit=unit, file=sys.stderr, leave=False)


def _ingest(
    paths: list[str],
    warn: Callable[[str], None],
    progress: bool,
    previous: Version | None,
    digests: dict[str, str] | None = None,
) -> Ingested:
    """Ingest ``paths``, reusing the documents ``previous`` kept of files with the same content
    (``digests``: those of ``previous``'s own copies, which never change)."""
    lexicon = load_lexicon()
    store = open_store(previous.documents_path, lexicon) if previous is not None else None
    if previous is not None and store is None and previous.documents_path.is_dir():
        warn(
            "已保存的导入结果来自另一版本的导入代码或词表，所有文档重新读取 "
            "(the kept ingest results were made by other ingest code or lexicon: every document is read again)"
        )
    # the kept documents of the whole corpus are read back and kept until the graph is made
    with long_lived() if store is not None else nullcontext():
        return ingest_documents(
            paths, lexicon, warn=warn, progress=_progress(progress, "ingest", "doc"), store=store, digests=digests
        )


def _keep_documents(staged: Version, ingested: Ingested) -> None:
    results = [(e.held, e.kept) for e in ingested.entries]
    keep_documents(
        staged.documents_path, results, ingested.known, load_lexicon(), ingested.store, frozenset(ingested.reused)
    )


@dataclass
class RdfChange:
    """The RDF scopes a patch changes (``graph.patch.plan_patch``), with their quads before it."""

    before: set[Quad]
    scopes: set[object]
    shared: set[str]


@dataclass
class GraphChange:
    """A corpus's graph, and when it was made by changing the previous version's: what that changes
    of its RDF store (when it has one) and which documents' parts it changes."""

    graph: nx.MultiDiGraph
    rdf: RdfChange | None = None
    documents: set[str] | None = None  # None: made whole


def _patched(ingested: Ingested, previous: Version, lexicon: Lexicon) -> GraphChange | None:
    """``previous``'s graph changed into the graph of ``ingested`` (``graph.patch``), when it was made
    by this code from documents whose summaries ``previous`` keeps; else None."""
    store = ingested.store
    if store is None or store.folder != previous.documents_path:
        return None
    try:
        corpus = read_corpus(previous)
        graph = load_graph(previous.graph_path)
    except (ValueError, GraphMissing):
        return None
    old = [store.held.get(f.sha256) for f in corpus]
    summaries = [h.summary for h in old if h is not None]
    ids = [f.doc for f in corpus]
    if [s.id for s in summaries] != ids or graph.graph.get("documents") != ids:
        return None
    if graph.graph.get("maker") != maker_fingerprint():
        return None
    entries = {e.id: e for e in ingested.entries}
    fresh = {e.id for e in ingested.entries if e.sha256 not in ingested.reused}

    def load(doc_id: str) -> Document:
        return ingested.document(entries[doc_id])

    plan = plan_patch(graph, summaries, ingested.summaries, fresh, lexicon)
    change = None
    if (store_folder(previous.path) / STORE_MANIFEST).is_file():
        before = scope_quads(graph, base_iri(), plan.scopes, plan.shared)
        change = RdfChange(before, plan.scopes, plan.shared)
    documents = changed_documents(graph, plan)
    graph = apply_patch(graph, plan, ingested.summaries, load, lexicon)
    return GraphChange(graph, change, documents | changed_documents(graph, plan))


def _graph(ingested: Ingested, previous: Version | None, progress: bool) -> GraphChange:
    """The corpus's graph: ``previous``'s changed when it can be, else built whole."""
    lexicon = load_lexicon()
    patched = _patched(ingested, previous, lexicon) if previous is not None else None
    if patched is not None:
        return patched
    docs, summarised = ingested.docs, ingested.summaries
    bar = _progress(progress, "graph", "doc")
    return GraphChange(build_graph(docs, resolve(summarised, lexicon), lexicon, progress=bar, summarised=summarised))


def _index_source(made: GraphChange, previous: Version | None) -> IndexSource:
    """What the index takes from the graph: only the changed documents' units when the graph is a
    change of ``previous``'s and its index can take the rest from that version's."""
    from search.index import index_source  # search (and numpy) load only for builds that index

    reuse = previous.index_path if previous is not None and made.documents is not None else None
    return index_source(made.graph, made.documents if reuse is not None else None, reuse)


def build_all(
    paths: list[str],
    warn: Callable[[str], None],
    progress: bool = True,
    search_index: bool = True,
    model: str | None = None,
) -> dict:
    """Build ``paths`` into a new version and serve it; returns the graph's stats and where things went."""
    with build_lock():
        previous = current_version()
        return _build(_ingest(paths, warn, progress, None), {}, previous, progress, search_index, model)


def _build(
    ingested: Ingested,
    read_from: dict[str, Path],
    previous: Version | None,
    progress: bool,
    search_index: bool,
    model: str | None,
    changes_previous: bool = False,
    whole: bool = False,
) -> dict:
    """Stage, fill and publish a version of ``docs`` (under the lock); the staged folder goes on failure.

    ``read_from`` maps a document's path to the copy it was read from; ``previous`` lends its vectors,
    and its graph and RDF store when the new version is a change of it (``changes_previous``): the
    graph is changed rather than built whole, unless asked for (``whole``).
    """
    staged = stage_version()
    try:
        store_corpus(staged, ingested.entries, read_from)
        _keep_documents(staged, ingested)
        made = _graph(ingested, previous if changes_previous and not whole else None, progress)
        graph, change = made.graph, made.rdf
        del ingested.entries[:]  # the documents are released before the costly encoding
        summary: dict = {"stats": query.stats(graph)}
        graph.graph["build_id"] = staged.id
        source = _index_source(made, previous) if search_index else None
        del made
        held = previous if changes_previous else None
        if source is not None and changes_previous:
            # A change encodes little: the graph is written in a child while its RDF and index are made
            # here (the child runs Python only: no library's threads are used in a forked process).
            with Beside(lambda: save_graph(graph, staged.graph_path)) as saving:
                store = _write_rdf(graph, staged, held, change, progress)
                summary["index"] = _index(source, staged, previous, model, progress)
                saving.result()
        else:
            # The graph goes to disk and out of memory before the costly encoding.
            save_graph(graph, staged.graph_path)
            store = _write_rdf(graph, staged, held, change, progress)
            del graph
            if source is not None:
                summary["index"] = _index(source, staged, previous, model, progress)
        summary["rdf"] = {"triples": store.triples, "bytes": store.bytes}
        version = publish(staged)
    except BaseException:
        discard(staged)
        raise
    summary["version"] = version.id
    summary["path"] = str(version.graph_path)
    summary["rdf"]["path"] = str(store_folder(version.path))
    if "index" in summary:
        summary["index"]["path"] = str(version.index_path)
    return summary


def _index(source: IndexSource, staged: Version, previous: Version | None, model: str | None, progress: bool) -> dict:
    """Write the staged version's search index; what it holds."""
    from search.index import build_index

    reuse = previous.index_path if previous is not None else None
    bars = None if progress else False
    stats = build_index(source, staged.index_path, staged.id, model=model, progress=bars, reuse=reuse)
    return {
        "units": stats.units,
        "pieces": stats.pieces,
        "bytes": stats.bytes,
        "encoded": stats.encoded,
        "reused": stats.reused,
    }


def _write_rdf(
    graph: nx.MultiDiGraph, staged: Version, previous: Version | None, change: RdfChange | None, progress: bool
) -> StoreInfo:
    """The staged version's RDF store: ``previous``'s changed by difference when it has a usable one
    (by the ``change`` a patch of its graph made, else by comparing its graph with this one)."""
    folder, base = store_folder(staged.path), base_iri()
    if previous is not None:
        try:
            if change is not None:
                held = store_folder(previous.path)
                return change_store(held, change.before, graph, change.scopes, change.shared, folder, base)
            old = load_graph(previous.graph_path)
            return update_store(store_folder(previous.path), old, graph, folder, base)
        except (GraphMissing, ValueError):
            shutil.rmtree(folder, ignore_errors=True)
    return write_store(graph, folder, base, progress=_progress(progress, "rdf", "triple"))


@dataclass
class CorpusChange:
    """What ``add_files`` or ``remove_document`` did: the new version's summary, or none (nothing changed)."""

    summary: dict | None
    added: list[str] = field(default_factory=list)  # paths
    present: list[tuple[str, str]] = field(default_factory=list)  # (path, id of the document with its content)
    removed: str = ""


def _rebuild(
    kept: list[CorpusFile],
    previous: Version | None,
    new: list[Path],
    warn: Callable[[str], None],
    progress: bool,
    search_index: bool,
    model: str | None,
    whole: bool = False,
) -> dict:
    """A version of ``kept`` (read from ``previous``'s copies) followed by the ``new`` files; its graph
    made by changing ``previous``'s, or built ``whole``."""
    copies = {str(previous.path / f.file): f.path for f in kept} if previous is not None else {}

    def tell(message: str) -> None:  # the corpus's files were reported on when they came in
        if message.partition(": ")[0] not in copies:
            warn(message)

    digests = {str(previous.path / f.file): f.sha256 for f in kept} if previous is not None else {}
    ingested = _ingest(list(copies) + [str(p) for p in new], tell, progress, previous, digests)
    read_from = {}
    for entry in ingested.entries:
        if entry.path in copies:
            read_from[copies[entry.path]] = Path(entry.path)
            entry.path = copies[entry.path]
            if entry.kept is not None:
                entry.kept.doc.path = entry.path
    return _build(ingested, read_from, previous, progress, search_index, model, changes_previous=True, whole=whole)


def add_files(
    paths: list[str],
    warn: Callable[[str], None],
    progress: bool = True,
    search_index: bool = True,
    model: str | None = None,
) -> CorpusChange:
    """A new version: the served corpus plus the files in ``paths`` whose content it does not hold yet."""
    explicit, found = expand_paths(paths)
    files = explicit + found
    with build_lock():
        previous = current_version()
        corpus = read_corpus(previous) if previous is not None else []
        held = {f.sha256: f.doc for f in corpus}
        change = CorpusChange(None)
        new = []
        for path in files:
            if not path.is_file():
                raise ValueError(f"找不到文件 (no such file: {path})")
            digest = file_sha256(path)
            if digest in held:
                change.present.append((str(path), held[digest]))
                continue
            held[digest] = str(path)
            new.append(path)
        if new:
            # The new files' texts will be encoded: the model loads on the other core meanwhile.
            encoder = _preload(model) if search_index else None
            try:
                change.summary = _rebuild(corpus, previous, new, warn, progress, search_index, model)
            finally:
                if encoder is not None:
                    encoder.close()
            change.added = [str(p) for p in new]
        return change


def _preload(model: str | None) -> ChildEncoder | None:
    from search.preload import preload_encoder

    return preload_encoder(model)


def rebuild(warn: Callable[[str], None], progress: bool = True, model: str | None = None) -> dict:
    """A new version of the served corpus, built again whole (e.g. with another encoder ``model``).

    ValueError when no version is served or it does not record its corpus.
    """
    with build_lock():
        previous = require_version()
        return _rebuild(read_corpus(previous), previous, [], warn, progress, True, model, whole=True)


def _named_like(doc: str, corpus: list[CorpusFile]) -> str:
    """The corpus's documents when there are a few, else those named most like ``doc``."""
    ids = [f.doc for f in corpus]
    if len(ids) <= LISTED:
        return f"documents: {'、'.join(ids)}"
    like = difflib.get_close_matches(doc, ids, n=LISTED, cutoff=0.4)
    shown = f"similar: {'、'.join(like)}; " if like else ""
    return f"{len(ids)} documents, {shown}`policykg docs` lists them"


def remove_document(
    doc: str,
    warn: Callable[[str], None],
    progress: bool = True,
    search_index: bool = True,
    model: str | None = None,
) -> CorpusChange:
    """A new version: the served corpus without document ``doc``; ValueError when it holds no such document."""
    with build_lock():
        previous = require_version()
        corpus = read_corpus(previous)
        kept = [f for f in corpus if f.doc != doc]
        if len(kept) == len(corpus):
            raise ValueError(f"没有这个文档 (no document '{doc}' in the corpus; {_named_like(doc, corpus)})")
        if not kept:
            raise ValueError(f"不能移除最后一个文档 (cannot remove '{doc}': it is the only document)")
        summary = _rebuild(kept, previous, [], warn, progress, search_index, model)
        return CorpusChange(summary, removed=doc)
