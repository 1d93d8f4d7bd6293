"""Kept ingest results: reused by content, extracted again when a programme name they contain
became known or unknown, and never used by other ingest code or another lexicon."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.docstore import fingerprint, keep_documents, open_store
from ingest.lexicon import load_lexicon
from ingest.pipeline import ingest_documents

# ``b`` makes 青苗培育工程 a known programme, which ``a`` names without quotes.
TEXTS = {
    "a": "# 甲方案\n\n## 一、任务\n\n1. 推进青苗培育工程建设。责任部室（单位）：普及部。\n",
    "b": "# 乙方案\n\n## 一、任务\n\n1. 实施“青苗培育工程”。责任部室（单位）：学会部。\n",
    "c": "# 丙方案\n\n## 一、任务\n\n1. 建设科普教育基地。责任部室（单位）：学会部。\n",
}


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    out = {}
    for name, text in TEXTS.items():
        out[name] = tmp_path / f"{name}.txt"
        out[name].write_text(text, encoding="utf-8")
    return out


def kept_in(folder: Path, names: list[str], files, lexicon):
    ingested = ingest_documents([files[n] for n in names], lexicon)
    keep_documents(folder, [(e.held, e.kept) for e in ingested.entries], ingested.known, lexicon)
    store = open_store(folder, lexicon)
    assert store is not None
    return store


def summary(ingested) -> list:
    return [
        (d.id, d.title, [(m.type, m.surface, m.start, m.unit) for m in d.mentions], d.citations, d.aliases)
        for d in ingested.docs
    ]


@pytest.mark.parametrize(
    ("before", "after"),
    [(["a", "c"], ["a", "c", "b"]), (["a", "c", "b"], ["a", "c"]), (["a", "b"], ["a", "b", "c"])],
)
def test_a_reused_corpus_equals_a_fresh_ingest(tmp_path, files, lexicon, before, after):
    store = kept_in(tmp_path / "kept", before, files, lexicon)
    reused = ingest_documents([files[n] for n in after], lexicon, store=store)
    fresh = ingest_documents([files[n] for n in after], lexicon)
    assert summary(reused) == summary(fresh)
    assert reused.known == fresh.known


def test_what_a_corpus_knows_does_not_depend_on_the_order_of_its_files(files, lexicon):
    forward = ingest_documents([files[n] for n in ["a", "b", "c"]], lexicon)
    backward = ingest_documents([files[n] for n in ["c", "b", "a"]], lexicon)
    assert forward.known == backward.known
    assert sorted(summary(forward)) == sorted(summary(backward))
    discovered = {e.id: e.held.discovered for e in forward.entries}
    assert discovered["b"] == {"青苗培育工程"} and not discovered["a"] and not discovered["c"]


def test_removing_a_document_extracts_again_only_those_naming_what_it_made_known(tmp_path, files, lexicon):
    store = kept_in(tmp_path / "kept", ["b", "a", "c"], files, lexicon)
    without_b = ingest_documents([files[n] for n in ["a", "c"]], lexicon, store=store)
    assert without_b.reused == {d.sha256 for d in without_b.docs if d.id == "c"}
    assert summary(without_b) == summary(ingest_documents([files[n] for n in ["a", "c"]], lexicon))


def test_only_documents_naming_a_changed_programme_are_extracted_again(tmp_path, files, lexicon):
    store = kept_in(tmp_path / "kept", ["a", "c"], files, lexicon)
    with_b = ingest_documents([files[n] for n in ["a", "c", "b"]], lexicon, store=store)
    shas = {d.id: d.sha256 for d in with_b.docs}
    assert with_b.reused == {shas["c"]}  # a names 青苗培育工程, which b made known
    assert ("Programme", "青苗培育工程") in [(m.type, m.surface) for m in with_b.docs[0].mentions]
    store = kept_in(tmp_path / "kept2", ["a", "c", "b"], files, lexicon)
    same = ingest_documents([files[n] for n in ["a", "c", "b"]], lexicon, store=store)
    assert same.reused == set(shas.values())


def test_a_moved_file_of_the_same_content_is_reused_under_its_new_path(tmp_path, files, lexicon):
    store = kept_in(tmp_path / "kept", ["c"], files, lexicon)
    moved = tmp_path / "elsewhere" / "c.txt"
    moved.parent.mkdir()
    shutil.move(files["c"], moved)
    again = ingest_documents([moved], lexicon, store=store)
    assert again.reused and again.docs[0].path == str(moved)


def test_another_lexicon_or_id_does_not_use_the_kept_documents(tmp_path, files, lexicon):
    store = kept_in(tmp_path / "kept", ["c"], files, lexicon)
    other = tmp_path / "lexicon"
    shutil.copytree(lexicon.root, other)
    with (other / "programmes.tsv").open("a", encoding="utf-8") as fh:
        fh.write("新增计划\t\n")
    changed = replace(lexicon, root=other)
    assert fingerprint(changed) != fingerprint(lexicon)
    assert open_store(store.folder, changed) is None
    renamed = tmp_path / "d.txt"
    shutil.copyfile(files["c"], renamed)
    assert store.find(ingest_documents([renamed], lexicon).docs[0].sha256, "d") is None


def test_only_documents_read_afresh_are_warned_about(tmp_path, files, lexicon):
    flat = tmp_path / "flat.txt"
    flat.write_text("没有标题也没有章节的一段文字。\n", encoding="utf-8")
    fresh: list[str] = []
    ingested = ingest_documents([flat], lexicon, warn=fresh.append)
    keep_documents(tmp_path / "kept", [(e.held, e.kept) for e in ingested.entries], ingested.known, lexicon)
    assert fresh and all("flat.txt" in w for w in fresh)
    again: list[str] = []
    ingest_documents([flat, files["c"]], lexicon, warn=again.append, store=open_store(tmp_path / "kept", lexicon))
    assert again == []


def test_settings_the_ingest_does_not_read_leave_the_kept_documents_usable(tmp_path, lexicon):
    other = tmp_path / "lexicon"
    shutil.copytree(lexicon.root, other)
    for name in ("search.json", "questions.json"):
        (other / name).write_text("{}", encoding="utf-8")
    assert fingerprint(replace(lexicon, root=other)) == fingerprint(lexicon)
    names = tmp_path / "names"
    shutil.copytree(lexicon.root, names)
    (names / "document_names.json").write_text('{"classes": []}', encoding="utf-8")
    assert fingerprint(replace(lexicon, root=names)) != fingerprint(lexicon)


def test_a_result_reused_as_it_is_is_not_read_whole_and_its_summary_equals_a_fresh_one(
    tmp_path, files, lexicon, monkeypatch
):
    store = kept_in(tmp_path / "kept", ["a", "c"], files, lexicon)
    found: list[str] = []
    find = type(store).find
    monkeypatch.setattr(type(store), "find", lambda self, sha, doc_id: found.append(doc_id) or find(self, sha, doc_id))
    again = ingest_documents([files[n] for n in ["a", "c"]], lexicon, store=store)
    assert found == [] and all(e.kept is None for e in again.entries)
    fresh = ingest_documents([files[n] for n in ["a", "c"]], lexicon)
    assert again.summaries == fresh.summaries
    assert summary(again) == summary(fresh) and found == ["a", "c"]  # read whole only when asked for


def test_a_folder_kept_without_summaries_is_still_used(tmp_path, files, lexicon):
    store = kept_in(tmp_path / "kept", ["a", "c", "b"], files, lexicon)
    (store.folder / "summaries.pickle").unlink()
    old = open_store(store.folder, lexicon)
    assert old is not None and old.held == {}
    again = ingest_documents([files[n] for n in ["a", "c"]], lexicon, store=old)
    assert summary(again) == summary(ingest_documents([files[n] for n in ["a", "c"]], lexicon))
    assert again.summaries == ingest_documents([files[n] for n in ["a", "c"]], lexicon).summaries


def test_a_reused_result_is_linked_into_the_next_folder(tmp_path, files, lexicon):
    store = kept_in(tmp_path / "kept", ["a", "c"], files, lexicon)
    again = ingest_documents([files[n] for n in ["a", "c", "b"]], lexicon, store=store)
    results = [(e.held, e.kept) for e in again.entries]
    keep_documents(tmp_path / "next", results, again.known, lexicon, store, frozenset(again.reused))
    (c,) = [e for e in again.entries if e.id == "c"]
    for name in (f"{c.sha256}.pickle", f"{c.sha256}.text"):
        assert (tmp_path / "next" / name).stat().st_ino == (store.folder / name).stat().st_ino
    following = open_store(tmp_path / "next", lexicon)
    assert following is not None and set(following.held) == {e.sha256 for e in again.entries}


def test_files_of_known_digest_are_not_read_again(tmp_path, files, lexicon, monkeypatch):
    from ingest import pipeline

    store = kept_in(tmp_path / "kept", ["a", "c"], files, lexicon)
    digest = pipeline.file_sha256(files["a"])
    hashed: list[Path] = []
    real = pipeline.file_sha256
    monkeypatch.setattr(pipeline, "file_sha256", lambda path: hashed.append(path) or real(path))
    again = ingest_documents([files["a"], files["c"]], lexicon, store=store, digests={str(files["a"]): digest})
    assert hashed == [files["c"]] and again.reused == {e.sha256 for e in again.entries}
