"""A graph changed by a few documents equals the graph of the new corpus built whole."""

from __future__ import annotations

import pytest

from graph.build import build_graph
from graph.patch import PatchPlan, apply_patch, changed_documents, plan_patch
from graph.rdf import DEFAULT_BASE
from graph.store import to_json
from graph.triplestore import scope_quads
from ingest.lexicon import load_lexicon
from ingest.pipeline import ingest
from ingest.resolve import Resolution, resolve
from ingest.summary import summaries
from tests.fixtures.graphs import HAIZHI, tiny_graph
from tests.graph.citing_corpus import write_corpus

# ``branch`` names the department 普及部 of the plan and the notice in its fuller form: with it in
# the corpus, their 普及部 is the entity 省普及部, and both are built again.
BRANCH = "# 分支方案\n\n2024年3月1日\n\n## 一、任务\n\n1. 开展科普活动。责任部室（单位）：省普及部。\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = write_corpus(tmp_path_factory.mktemp("citing"))
    (folder / "branch.md").write_text(BRANCH, encoding="utf-8")
    lexicon = load_lexicon()
    return {d.id: d for d in ingest([str(folder)], lexicon)}, lexicon


def _graph(docs, lexicon):
    return build_graph(docs, resolve(docs, lexicon), lexicon)


def _patched(old, new, lexicon, load):
    graph, summarised = _graph(old, lexicon), summaries(new, lexicon)
    plan = plan_patch(graph, summaries(old, lexicon), summarised, set(), lexicon)
    return apply_patch(graph, plan, summarised, load, lexicon)


def _to_build(old, new, lexicon, fresh=frozenset()) -> set[str]:
    return plan_patch(_graph(old, lexicon), summaries(old, lexicon), summaries(new, lexicon), set(fresh), lexicon).build


def _json(graph) -> dict:
    data = to_json(graph)
    data["graph"].pop("built")
    return data


CHANGES = [
    (["law-2001", "law-2023", "notice", "plan"], ["law-2001", "notice", "plan"]),  # the revision leaves
    (["law-2001", "notice", "plan"], ["law-2001", "notice", "plan", "law-2023"]),  # and comes back
    (["law-2001", "law-2023", "notice", "plan"], ["law-2001", "law-2023", "notice", "plan", "branch"]),
    (["law-2001", "law-2023", "notice", "plan", "branch"], ["law-2001", "law-2023", "notice", "plan"]),
    (["notice", "plan"], ["plan"]),  # the cited document leaves
    (["notice", "plan"], ["notice"]),  # the citing one leaves: the departments they share lose tasks
    (["law-2023", "plan", "branch"], ["branch", "notice"]),  # several at once
]


@pytest.mark.parametrize(("before", "after"), CHANGES)
def test_a_patched_graph_equals_the_new_corpus_built_whole(corpus, before, after):
    docs, lexicon = corpus
    old, new = [docs[i] for i in before], [docs[i] for i in after]
    assert _json(_patched(old, new, lexicon, docs.__getitem__)) == _json(_graph(new, lexicon))


def test_only_documents_the_change_reaches_are_built_again(corpus):
    docs, lexicon = corpus
    old = [docs[i] for i in ["law-2001", "law-2023", "notice", "plan"]]
    without_revision = [d for d in old if d.id != "law-2023"]
    # their citations of the law now land on the 2001 version
    assert _to_build(old, without_revision, lexicon) == {"notice", "plan"}
    # their reasons no longer count two versions
    assert _to_build(old, [d for d in old if d.id != "law-2001"], lexicon) == {"notice", "plan"}
    # their 普及部 is now 省普及部
    assert _to_build(old, [*old, docs["branch"]], lexicon) == {"branch", "notice", "plan"}
    assert _to_build(old, old, lexicon, {"plan"}) == {"plan"}
    assert _to_build(old, old, lexicon) == set()


def test_a_patch_reads_only_the_documents_it_builds_again(corpus):
    docs, lexicon = corpus
    old = [docs[i] for i in ["law-2001", "law-2023", "notice", "plan"]]
    loaded: list[str] = []
    _patched(old, [*old, docs["branch"]], lexicon, lambda i: loaded.append(i) or docs[i])
    assert sorted(loaded) == ["branch", "notice", "plan"]


@pytest.mark.parametrize(("before", "after"), CHANGES)
def test_the_rdf_scopes_of_a_patch_hold_every_triple_that_changes(corpus, before, after):
    docs, lexicon = corpus
    old, new = [docs[i] for i in before], [docs[i] for i in after]
    graph = _graph(old, lexicon)
    held = scope_quads(graph, DEFAULT_BASE)
    plan = plan_patch(graph, summaries(old, lexicon), summaries(new, lexicon), set(), lexicon)
    gone = scope_quads(graph, DEFAULT_BASE, plan.scopes, plan.shared)
    patched = apply_patch(graph, plan, summaries(new, lexicon), docs.__getitem__, lexicon)
    came = scope_quads(patched, DEFAULT_BASE, plan.scopes, plan.shared)
    assert (held - gone) | came == scope_quads(_graph(new, lexicon), DEFAULT_BASE)
    assert plan.scopes <= {*before, *after, None} and plan.removed == set(before) - set(after)


def _units_by_document(graph) -> dict[str, list[dict]]:
    from search.units import units_from_graph  # what the search index makes of each document's parts

    out: dict[str, list[dict]] = {}
    for unit in units_from_graph(graph):
        out.setdefault(unit.doc, []).append(unit.to_json())
    return out


@pytest.mark.parametrize(("before", "after"), CHANGES)
def test_every_document_whose_search_units_change_is_named_changed(corpus, before, after):
    docs, lexicon = corpus
    old, new = [docs[i] for i in before], [docs[i] for i in after]
    graph = _graph(old, lexicon)
    units_before = _units_by_document(graph)
    plan = plan_patch(graph, summaries(old, lexicon), summaries(new, lexicon), set(), lexicon)
    changed = changed_documents(graph, plan)
    patched = apply_patch(graph, plan, summaries(new, lexicon), docs.__getitem__, lexicon)
    changed |= changed_documents(patched, plan)
    units_after = _units_by_document(patched)
    differ = {d for d in units_before.keys() | units_after.keys() if units_before.get(d) != units_after.get(d)}
    assert differ <= changed and changed <= {*before, *after}


def test_documents_with_a_part_linked_to_an_entity_that_changes_are_changed():
    graph = tiny_graph()
    plan = PatchPlan(build={"new"}, removed={"gone"}, res=Resolution({}, {}), links=[])
    assert changed_documents(graph, plan) == {"new", "gone"}
    plan.shared = {HAIZHI, "organisation:nowhere"}
    assert changed_documents(graph, plan) == {"new", "gone", "plan"}
