from datetime import date
from urllib.parse import quote

import networkx as nx
import pytest
from rdflib import OWL, RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from graph.rdf import DEFAULT_BASE, PKG, Minter, base_iri, load_vocabulary, to_rdf

DOC = "jiangxi-cast-reform-2021-2025"
IRI = Minter(DEFAULT_BASE)


@pytest.fixture(scope="module")
def rdf(plan_graph):
    return to_rdf(plan_graph)


def test_iris_are_stable_percent_encoded_and_follow_the_base(plan_graph, rdf):
    assert IRI.node("department:组人部") == URIRef(f"{DEFAULT_BASE}department/{quote('组人部')}")
    assert IRI.node(f"task:{DOC}/4.3.2") == URIRef(f"{DEFAULT_BASE}task/{DOC}/4.3.2")
    assert all(str(term).isascii() for triple in rdf for term in triple if isinstance(term, URIRef))
    assert set(to_rdf(plan_graph)) == set(rdf)  # same graph, same triples: nothing random in the IRIs
    other = to_rdf(plan_graph, "http://example.org/kg/")
    ours = {s for s in other.subjects() if str(s).startswith("http://example.org/kg/")}
    assert len(ours) == len(set(other.subjects())) and len(other) == len(rdf)


def test_base_iri_from_option_environment_or_default(monkeypatch):
    monkeypatch.delenv("POLICYKG_BASE_IRI", raising=False)
    assert base_iri() == DEFAULT_BASE
    monkeypatch.setenv("POLICYKG_BASE_IRI", "https://data.example.cn/policy/")
    assert base_iri() == "https://data.example.cn/policy/"
    assert base_iri("http://x.org/id#") == "http://x.org/id#"
    for bad in ("not an iri", "ftp://x.org/", "https://x.org/no-slash"):
        with pytest.raises(ValueError, match="base IRI"):
            base_iri(bad)


def test_standard_vocabularies(rdf):
    dept = IRI.node("department:省院士专家服务中心")
    assert (dept, RDF.type, ORG.OrganizationalUnit) in rdf
    assert (dept, SKOS.prefLabel, Literal("省院士专家服务中心", lang="zh")) in rdf
    assert (dept, SKOS.altLabel, Literal("院士专家服务中心", lang="zh")) in rdf
    assert (IRI.node("organisation:江西省科协"), RDF.type, ORG.Organization) in rdf
    doc = IRI.node(f"doc:{DOC}")
    assert (doc, RDF.type, PKG.Document) in rdf
    assert (doc, DCTERMS.identifier, Literal("赣科协字〔2021〕172号")) in rdf
    assert rdf.value(doc, DCTERMS.issued).toPython() == date(2021, 12, 22)
    assert rdf.value(doc, DCTERMS.title).startswith("“十四五”时期江西省科协系统深化改革重点任务方案")
    task = IRI.node(f"task:{DOC}/4.3.2")
    assert (task, RDF.type, PKG.Task) in rdf
    assert (task, DCTERMS.isPartOf, IRI.node(f"section:{DOC}/4.3")) in rdf
    assert (task, PKG.number, Literal("4.3.2")) in rdf
    policy = IRI.node("policy:“十四五”时期江西省科协系统深化改革重点任务方案（2021-2025）")
    assert (policy, OWL.sameAs, doc) in rdf


def test_direct_triples_for_responsibility_mentions_and_relations(plan_graph, rdf):
    task = IRI.node(f"task:{DOC}/4.8.2")
    lead, support = IRI.node("department:组人部"), IRI.node("department:省院士专家服务中心")
    assert (task, PKG.leadUnit, lead) in rdf and (lead, PKG.responsibleFor, task) in rdf
    assert (task, PKG.supportingUnit, support) in rdf and (task, PKG.leadUnit, support) not in rdf
    assert len(set(rdf.objects(task, PKG.responsibleUnit))) == 4
    assert (task, PKG.mentions, IRI.node("programme:海智计划")) in rdf
    assert (IRI.node(f"doc:{DOC}"), PKG.basedOn, IRI.node("policy:江西省科协系统深化改革方案")) in rdf
    assert (IRI.node(f"task:{DOC}/4.5.1"), PKG.amends, IRI.node("policy:江西省科学技术普及条例")) in rdf
    responsible = sum(d["type"] == "responsible_for" for *_, d in plan_graph.edges(data=True))
    assert len(set(rdf.triples((None, PKG.responsibleFor, None)))) == responsible == 41


def test_every_mention_and_relation_is_derived_from_its_source_span(plan_graph, rdf):
    predicates = {"responsible_for": PKG.responsibleFor, "mentions": PKG.mentions, "based_on": PKG.basedOn}
    checked = 0
    for u, v, d in plan_graph.edges(data=True):
        if d["type"] not in predicates:
            continue
        statements = [
            st
            for st in rdf.subjects(RDF.subject, IRI.node(u))
            if (st, RDF.predicate, predicates[d["type"]]) in rdf and (st, RDF.object, IRI.node(v)) in rdf
        ]
        span = d.get("span", d["sentence_source"])
        matching = []
        for st in statements:
            assert (st, RDF.type, PROV.Entity) in rdf and (st, RDF.type, RDF.Statement) in rdf
            source = rdf.value(st, PROV.wasDerivedFrom)
            sentence = rdf.value(st, PKG.sentence)
            assert (source, RDF.type, PKG.SourceSpan) in rdf
            assert rdf.value(source, DCTERMS.source) == IRI.node(f"doc:{DOC}")
            offsets = (rdf.value(source, PKG.startOffset).toPython(), rdf.value(source, PKG.endOffset).toPython())
            if offsets == (span["start"], span["end"]) and str(rdf.value(sentence, RDF.value)) == d["sentence"]:
                matching.append(st)
        assert len(matching) == 1, (u, v, d["type"])
        checked += 1
    assert checked > 250


def test_units_carry_their_source_offsets(plan_graph, rdf):
    attrs = plan_graph.nodes[f"task:{DOC}/4.1.1"]
    span = rdf.value(IRI.node(f"task:{DOC}/4.1.1"), PROV.wasDerivedFrom)
    assert rdf.value(span, PKG.startOffset).toPython() == attrs["source"]["start"]
    assert rdf.value(span, PKG.endOffset).toPython() == attrs["source"]["end"]


def test_vocabulary_defines_every_project_term_in_chinese_and_english(rdf):
    vocab = load_vocabulary()
    assert (URIRef(str(PKG)), RDF.type, OWL.Ontology) in vocab
    used = {term for triple in rdf for term in triple if isinstance(term, URIRef) and term.startswith(str(PKG))}
    assert {PKG.Task, PKG.Programme, PKG.responsibleUnit, PKG.leadUnit, PKG.mentions, PKG.basedOn} <= used
    assert PKG.implements in used and PKG.amends in used
    for term in used:
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in vocab.objects(term, prop)}
            assert {"zh", "en"} <= langs, (term, prop)
    defined = {s for s in vocab.subjects(RDF.type, None) if s.startswith(str(PKG))}
    assert used <= defined


def _tiny_graph() -> nx.MultiDiGraph:
    """A document, a task, a programme mentioned in a heading (no sentence), and types this RDF mapping
    has no standard term for."""
    g = nx.MultiDiGraph()
    g.add_node("doc:d", type="Document", name="文件", doc="d", title="文件")
    g.add_node("task:d/1", type="Task", name="任务", doc="d", id="1", source={"start": 0, "end": 9})
    g.add_node("programme:科创中国", type="Programme", name="科创中国")
    g.add_node("journal:科技日报", type="Journal", name="科技日报")
    g.add_edge("task:d/1", "doc:d", key="part_of", type="part_of")
    span = {"start": 2, "end": 6}
    g.add_edge("task:d/1", "programme:科创中国", key="mentions@2", type="mentions", surface="科创中国", span=span)
    g.add_edge("journal:科技日报", "programme:科创中国", key="reports_on", type="reports_on")
    return g


def test_a_mention_outside_any_sentence_is_derived_from_its_words():
    rdf = to_rdf(_tiny_graph())
    (st,) = rdf.subjects(RDF.predicate, PKG.mentions)
    words = rdf.value(st, PROV.wasDerivedFrom)
    assert rdf.value(words, PKG.startOffset).toPython() == 2 and str(rdf.value(words, RDF.value)) == "科创中国"
    assert rdf.value(st, PKG.sentence) is None


def test_types_without_a_standard_term_get_project_ones():
    rdf = to_rdf(_tiny_graph())
    journal, programme = IRI.node("journal:科技日报"), IRI.node("programme:科创中国")
    assert (journal, RDF.type, PKG.Journal) in rdf and (journal, PKG.reportsOn, programme) in rdf


def test_citations_between_documents_are_stated_with_their_sentence(citing_graph):
    rdf = to_rdf(citing_graph)
    plan, notice, law = (IRI.node(f"doc:{d}") for d in ("plan", "notice", "law-2023"))
    assert (plan, PKG.cites, law) in rdf and (plan, PKG.implements, notice) in rdf
    statements = set(rdf.subjects(RDF.predicate, PKG.cites))
    assert len(statements) == 1
    (sentence,) = rdf.objects(statements.pop(), PKG.sentence)
    assert str(rdf.value(sentence, RDF.value)).startswith("参照《中华人民共和国示范促进法》")


def test_a_documents_common_names_are_its_alternative_labels(citing_graph):
    rdf = to_rdf(citing_graph)
    law, plan = IRI.node("doc:law-2023"), IRI.node("doc:plan")
    assert set(rdf.objects(law, SKOS.altLabel)) == {Literal("示范促进法", lang="zh")}
    assert (law, SKOS.prefLabel, Literal("中华人民共和国示范促进法", lang="zh")) in rdf
    assert set(rdf.objects(plan, SKOS.altLabel)) == set()
