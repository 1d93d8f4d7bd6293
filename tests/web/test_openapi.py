"""The OpenAPI document is generated from type hints: the generator, and the document it makes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from typing import Literal

import pytest
from flask import Blueprint, Flask

from graph.schema import Role
from search.qa.model import Answer
from tests.web.openapi_check import validate
from tests.web.openapi_names import Leaf as Other
from web.app import create_app
from web.openapi import ENDPOINTS, Schemas, json_get, openapi_path, spec


@dataclass
class Leaf:
    """A small record."""

    from_: str
    count: int | None


@dataclass
class Tree:
    name: str
    role: Role
    size: Literal["small", "large"]
    leaves: list[Leaf]
    weights: dict[str, float]
    parent: Tree | None


def test_types_become_json_schemas():
    schemas = Schemas()
    assert schemas.of(str) == {"type": "string"} and schemas.of(bool) == {"type": "boolean"}
    assert schemas.of(float | None) == {"type": ["number", "null"]}
    assert schemas.of(list[int]) == {"type": "array", "items": {"type": "integer"}}
    assert schemas.of(dict[str, int]) == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert schemas.of(Role) == {"type": "string", "enum": ["lead", "supporting"]}
    assert schemas.of(Literal["a", "b"]) == {"type": "string", "enum": ["a", "b"]}
    with pytest.raises(TypeError, match="no JSON schema"):
        schemas.of(set[str])


def test_dataclasses_become_closed_components_with_json_names():
    schemas = Schemas()
    assert schemas.named(schemas.of(Tree)) == {"$ref": "#/components/schemas/Tree"}
    components = schemas.named_components()
    tree, leaf = components["Tree"], components["Leaf"]
    assert tree["required"] == ["name", "role", "size", "leaves", "weights", "parent"]
    assert tree["additionalProperties"] is False and "description" not in tree  # undocumented record
    assert tree["properties"]["parent"] == {"oneOf": [{"$ref": "#/components/schemas/Tree"}, {"type": "null"}]}
    assert list(leaf["properties"]) == ["from", "count"] and leaf["description"] == "A small record."
    good = {"name": "t", "role": "lead", "size": "small", "leaves": [{"from": "a", "count": None}], "weights": {}}
    root = {"components": {"schemas": components}}
    assert validate({**good, "parent": None}, tree, root) == []
    assert validate({**good, "parent": {**good, "parent": None, "role": "boss"}}, tree, root)
    assert validate({**good, "parent": None, "extra": 1}, tree, root)


def test_records_of_one_name_from_two_modules_are_told_apart_by_module():
    schemas = Schemas()
    schemas.of(list[Leaf])
    schemas.of(list[Other])
    assert set(schemas.named_components()) == {f"{__name__}.Leaf", "tests.web.openapi_names.Leaf"}
    assert schemas.named(schemas.of(Leaf)) == {"$ref": f"#/components/schemas/{__name__}.Leaf"}


def test_two_records_of_one_name_in_one_module_are_refused():
    def other():
        @dataclass
        class Leaf:
            x: int

        return Leaf

    schemas = Schemas()
    schemas.of(Leaf)
    with pytest.raises(TypeError, match="two records are named"):
        schemas.of(other())


def test_flask_rules_become_openapi_paths():
    assert openapi_path("/api/tasks/<doc>/<path:id_>") == "/api/tasks/{doc}/{id}"
    assert openapi_path("/api/stats") == "/api/stats"


def test_a_declared_route_answers_json_and_is_documented():
    bp = Blueprint("demo", __name__, url_prefix="/api/demo")

    @json_get(bp, "/<name>", "a demo")
    def demo(name: str) -> Leaf:
        return Leaf(name, 2)

    try:
        app = Flask(__name__)
        app.register_blueprint(bp)
        assert app.test_client().get("/api/demo/x").get_json() == {"from": "x", "count": 2}
        documented = spec()["paths"]["/api/demo/{name}"]["get"]
        assert documented["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Leaf"
        }
        assert set(documented["responses"]) == {"200", "503"}
    finally:
        ENDPOINTS.pop("/api/demo/{name}")


def test_the_document_covers_every_route_and_uses_every_component():
    app = create_app({"TESTING": True})
    doc = spec()
    rules = {
        openapi_path(r.rule) for r in app.url_map.iter_rules() if r.rule.startswith("/api/") or r.rule == "/healthz"
    }
    assert rules == set(doc["paths"]) and doc["servers"] == [{"url": "/"}]
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([\w.]+)"', json.dumps(doc)))
    assert refs == set(doc["components"]["schemas"])
    unbuilt = {p for p, item in doc["paths"].items() if "503" not in item["get"]["responses"]}
    assert unbuilt == {"/healthz", "/api/openapi.json", "/api/vocab.ttl"}  # answered with nothing built
    assert '"type": "object"}' not in json.dumps(doc["components"]["schemas"]["TaskDetail"])


def test_the_answer_of_question_answering_is_described_from_its_dataclass():
    answer = spec()["components"]["schemas"]["Answer"]
    assert list(answer["properties"]) == [f.name for f in fields(Answer)]


def test_paths_with_parameters_may_answer_the_plain_404_and_json_downloads_are_objects():
    doc = spec()
    entity_404 = doc["paths"]["/api/entities/{id}"]["get"]["responses"]["404"]["content"]["application/json"]
    assert entity_404["schema"] == {
        "oneOf": [{"$ref": "#/components/schemas/NotFoundBody"}, {"$ref": "#/components/schemas/ErrorBody"}]
    }
    task_404 = doc["paths"]["/api/tasks/{doc}/{id}"]["get"]["responses"]["404"]["content"]["application/json"]
    assert task_404["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    app = create_app({"TESTING": True})
    plain = app.test_client().get("/api/entities/a%0Ab")  # a line break: no route matches
    assert plain.status_code == 404 and validate(plain.get_json(), entity_404["schema"], doc) == []
    content = doc["paths"]["/api/export/{name}"]["get"]["responses"]["200"]["content"]
    assert content["application/ld+json"]["schema"] == {"type": "object"}
    assert content["text/turtle"]["schema"] == {"type": "string", "format": "binary"}
