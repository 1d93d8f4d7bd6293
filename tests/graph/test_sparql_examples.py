"""Editor examples from a data file: slots filled from the built graph, examples it cannot answer left out."""

import json

import pytest

from graph.sparql_examples import build_examples, load_templates, sparql_term
from graph.sparql_pool import PoolLimits
from graph.triplestore import open_store, store_folder

from ..conftest import served


@pytest.fixture(scope="module")
def pool(built_home):
    store = open_store(store_folder(served(built_home).path), PoolLimits(workers=1, queue=0))
    yield store.pool
    store.close()


def _write(tmp_path, slots: dict, examples: list) -> object:
    path = tmp_path / "examples.json"
    path.write_text(json.dumps({"slots": slots, "examples": examples}, ensure_ascii=False), encoding="utf-8")
    return path


def test_slots_are_filled_and_unanswerable_examples_left_out(pool, tmp_path):
    slots = {
        "busiest": [
            "SELECT ?value ?label WHERE {",
            "  ?d pkg:responsibleFor ?t ; skos:prefLabel ?value BIND(STR(?value) AS ?label)",
            "}",
            "GROUP BY ?value ?label ORDER BY DESC(COUNT(?t)) ?label LIMIT 1",
        ],
        "nothing": "SELECT ?value WHERE { ?value a pkg:NoSuchClass }",
        "broken": "SELECT ?value WHERE { ?value",
    }
    examples = [
        {"key": "a", "title": "{{busiest}} 的任务", "query": "SELECT ?t WHERE { ?d skos:prefLabel {{busiest}} }"},
        {"key": "b", "title": "无", "query": "DESCRIBE {{nothing}}"},
        {"key": "c", "title": "坏", "query": "DESCRIBE {{broken}}"},
        {"key": "d", "title": "固定", "query": ["SELECT * WHERE {", "  ?s ?p ?o", "} LIMIT 1"]},
    ]
    built = build_examples(pool, _write(tmp_path, slots, examples))
    assert [e.key for e in built] == ["a", "d"]
    assert built[0].title == "学会部 的任务" and built[0].slots == {"busiest": "学会部"}
    assert built[0].query == 'SELECT ?t WHERE { ?d skos:prefLabel "学会部"@zh }'
    assert built[1].query == "SELECT * WHERE {\n  ?s ?p ?o\n} LIMIT 1\n"


def test_an_undefined_slot_is_an_error_in_the_file(tmp_path):
    path = _write(tmp_path, {}, [{"key": "x", "title": "{{who}}", "query": "ASK {}"}])
    with pytest.raises(ValueError, match="undefined slots who"):
        load_templates(path)


def test_the_bundled_examples_all_use_defined_slots():
    slots, templates = load_templates()
    assert len(templates) >= 6 and {s for t in templates for s in t.slots} <= set(slots)


@pytest.mark.parametrize(
    "term, written",
    [
        ({"type": "uri", "value": "https://x.org/a"}, "<https://x.org/a>"),
        ({"type": "literal", "value": "组人部", "xml:lang": "zh"}, '"组人部"@zh'),
        ({"type": "literal", "value": '说"是"\n\\'}, '"说\\"是\\"\\n\\\\"'),
        (
            {"type": "literal", "value": "3", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
            '"3"^^<http://www.w3.org/2001/XMLSchema#integer>',
        ),
    ],
)
def test_slot_values_are_written_as_sparql(term, written):
    assert sparql_term(term) == written
