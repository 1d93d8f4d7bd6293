"""The OpenAPI 3.1 document, generated from the routes and the records they return.

A JSON route is declared with ``json_get``: it registers the Flask route, converts the returned
record with ``to_json`` (the one place the API turns records into JSON) and files the endpoint
for the document. The response schema comes from the view's return annotation, walked through
its type hints (dataclasses become components), so the document cannot drift from the records.

A write (a POST or DELETE) is declared with ``json_write``: its view returns a ``Written`` (the record,
the status and an optional Location), and it is documented with the bearer-token security scheme,
only when the app has writes enabled (``spec(writes=True)``).
"""

from __future__ import annotations

import functools
import re
import types
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from flask import Blueprint, jsonify

from graph.export import FORMATS
from graph.records import json_name, to_json

from .metrics import note_results
from .records import ErrorBody

ERROR_TEXT = {
    400: "参数错误 (bad parameter)",
    404: "不存在 (not found)",
    503: "图谱或索引未构建 (graph or index not built)",
}
PRIMITIVES: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
REF = "#/components/schemas/"


# -- JSON Schema from type hints ----------------------------------------------------------------
class Schemas:
    """JSON Schemas of Python types; each dataclass becomes one component, named by ``named``."""

    def __init__(self) -> None:
        self.components: dict[str, dict] = {}  # by the module-qualified name of the class
        self._owners: dict[str, type] = {}

    def of(self, tp: Any) -> dict:
        origin, args = get_origin(tp), get_args(tp)
        if tp is Any:
            return {}
        if isinstance(tp, type) and is_dataclass(tp):
            return self._component(tp)
        if isinstance(tp, type) and issubclass(tp, Enum):
            return {"type": "string", "enum": [m.value for m in tp]}
        if tp in PRIMITIVES:
            return {"type": PRIMITIVES[tp]}
        if tp is dict:
            return {"type": "object"}
        if tp is list:
            return {"type": "array"}
        if origin is Literal:
            values = [a.value if isinstance(a, Enum) else a for a in args]
            return {"type": "string", "enum": values} if all(isinstance(v, str) for v in values) else {"enum": values}
        if origin in (Union, types.UnionType):
            members = [self.of(a) for a in args]
            if all(set(m) == {"type"} for m in members):  # str | None -> {"type": ["string", "null"]}
                return {"type": [m["type"] for m in members]}
            return {"oneOf": members}
        if origin in (list, tuple) and args:
            return {"type": "array", "items": self.of(args[0])}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.of(args[1])}
        raise TypeError(f"no JSON schema for {tp!r}")

    def _component(self, cls: type) -> dict:
        name = f"{cls.__module__}.{cls.__name__}"
        if self._owners.setdefault(name, cls) is not cls:
            raise TypeError(f"two records are named {name}: {self._owners[name]} and {cls}")
        if name not in self.components:
            self.components[name] = {}  # taken before the fields are walked: records may nest themselves
            hints = get_type_hints(cls)
            props = {json_name(f.name): self.of(hints[f.name]) for f in fields(cls)}
            schema: dict[str, Any] = {
                "type": "object",
                "properties": props,
                "required": list(props),
                "additionalProperties": False,
            }
            doc = (cls.__doc__ or "").strip()
            if doc and not doc.startswith(f"{cls.__name__}("):  # dataclasses write their signature when undocumented
                schema["description"] = doc
            self.components[name] = schema
        return {"$ref": REF + name}

    def names(self) -> dict[str, str]:
        """Each component's name: its class name, qualified by module only where records of two
        modules share a name."""
        short = Counter(key.rsplit(".", 1)[1] for key in self.components)
        return {key: key.rsplit(".", 1)[1] if short[key.rsplit(".", 1)[1]] == 1 else key for key in self.components}

    def named(self, value: Any) -> Any:
        """``value`` (a schema, or a part of the document holding schemas) referring to components by name."""
        names = self.names()

        def rename(v: Any) -> Any:
            if isinstance(v, dict):
                return {k: REF + names[x.removeprefix(REF)] if k == "$ref" else rename(x) for k, x in v.items()}
            return [rename(x) for x in v] if isinstance(v, list) else v

        return rename(value)

    def named_components(self) -> dict[str, dict]:
        names = self.names()
        return {names[key]: self.named(schema) for key, schema in self.components.items()}


# -- the endpoints ------------------------------------------------------------------------------
@dataclass
class Param:
    name: str
    description: str
    schema: dict = field(default_factory=lambda: {"type": "string"})
    required: bool = False
    where: str = "query"

    def document(self) -> dict:
        return {
            "name": self.name,
            "in": self.where,
            "required": self.required or self.where == "path",
            "description": self.description,
            "schema": self.schema,
        }


@dataclass
class Endpoint:
    path: str
    summary: str
    returns: Any
    params: tuple[Param, ...]
    errors: dict[int, type]
    tag: str
    needs_graph: bool


ENDPOINTS: dict[str, Endpoint] = {}


@dataclass
class Write:
    """A documented write operation: each status it answers with the record of its body and a description."""

    path: str
    method: str
    summary: str
    responses: dict[int, tuple[type, str]]
    params: tuple[Param, ...]
    body: dict | None  # the request body's OpenAPI object
    tag: str


@dataclass
class Written:
    """What a write view returns: the record, the status and where the written resource is now."""

    record: Any
    status: int
    location: str | None = None


WRITES: dict[tuple[str, str], Write] = {}
BEARER = {"bearerAuth": {"type": "http", "scheme": "bearer", "description": "POLICYKG_ADMIN_TOKEN"}}


def openapi_path(rule: str) -> str:
    """``/api/tasks/<doc>/<path:id_>`` -> ``/api/tasks/{doc}/{id}``."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: "{" + json_name(m.group(1)) + "}", rule)


def json_get(
    bp: Blueprint,
    rule: str,
    summary: str,
    params: tuple[Param, ...] = (),
    errors: Mapping[int, type] | None = None,
    tag: str = "api",
    needs_graph: bool = True,
) -> Callable[[Callable], Callable]:
    """Register ``GET rule`` on ``bp`` returning the view's record as JSON, and document it.

    ``errors`` maps each status the view may answer besides 200 to the record of its body; a view
    that ``needs_graph`` may also answer 503 while nothing is built."""

    def register(view: Callable) -> Callable:
        returns = get_type_hints(view)["return"]
        path = openapi_path((bp.url_prefix or "") + rule)
        ENDPOINTS[path] = Endpoint(path, summary, returns, params, dict(errors or {}), tag, needs_graph)

        @functools.wraps(view)
        def respond(*args, **kwargs):
            record = view(*args, **kwargs)
            note_results(record)
            return jsonify(to_json(record))

        bp.add_url_rule(rule, view.__name__, respond, methods=["GET"])
        return view

    return register


def json_write(
    bp: Blueprint,
    rule: str,
    method: str,
    summary: str,
    responses: Mapping[int, tuple[type, str]],
    params: tuple[Param, ...] = (),
    body: dict | None = None,
    tag: str = "admin",
) -> Callable[[Callable], Callable]:
    """Register ``method rule`` on ``bp``; the view returns a ``Written``, answered as JSON with its
    status (and Location header). ``responses`` maps every status to its body's record and meaning."""

    def register(view: Callable) -> Callable:
        path = openapi_path((bp.url_prefix or "") + rule)
        WRITES[(path, method.lower())] = Write(path, method.lower(), summary, dict(responses), params, body, tag)

        @functools.wraps(view)
        def respond(*args, **kwargs):
            written: Written = view(*args, **kwargs)
            response = jsonify(to_json(written.record))
            response.status_code = written.status
            if written.location:
                response.headers["Location"] = written.location
            return response

        bp.add_url_rule(rule, view.__name__, respond, methods=[method.upper()])
        return view

    return register


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error_schema(code: int, body: type, has_path_params: bool, schemas: Schemas) -> dict:
    """The body of an error. A path that takes parameters may also be a URL no route matches (a
    parameter holding a line break, say): that 404 has the plain error body."""
    schema = schemas.of(body)
    if code == 404 and has_path_params and body is not ErrorBody:
        return {"oneOf": [schema, schemas.of(ErrorBody)]}
    return schema


def _operation(endpoint: Endpoint, schemas: Schemas) -> dict:
    responses = {"200": _json(schemas.of(endpoint.returns), endpoint.summary)}
    errors = {**endpoint.errors, **({503: ErrorBody} if endpoint.needs_graph else {})}
    has_path_params = any(p.where == "path" for p in endpoint.params)
    if has_path_params:
        errors.setdefault(404, ErrorBody)
    for code, body in sorted(errors.items()):
        responses[str(code)] = _json(_error_schema(code, body, has_path_params, schemas), ERROR_TEXT[code])
    return {
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "parameters": [p.document() for p in endpoint.params],
        "responses": responses,
    }


def _write_operation(write: Write, schemas: Schemas) -> dict:
    operation: dict[str, Any] = {
        "summary": write.summary,
        "tags": [write.tag],
        "security": [{name: []} for name in BEARER],
        "parameters": [p.document() for p in write.params],
        "responses": {
            str(code): _json(schemas.of(record), text) for code, (record, text) in sorted(write.responses.items())
        },
    }
    if write.body is not None:
        operation["requestBody"] = write.body
    return operation


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _downloads(schemas: Schemas) -> dict:
    """The file downloads (not JSON): the graph in each export format and the RDF vocabulary."""
    name = Param("name", "导出格式 (export format)", {"type": "string", "enum": list(FORMATS)}, where="path")
    binary = {"type": "string", "format": "binary"}
    json_document = {"type": "object"}  # a JSON format (JSON-LD) is one JSON object
    return {
        "/api/export/{name}": {
            "get": {
                "summary": "导出整个图谱 (the whole graph as a download)",
                "tags": ["export"],
                "parameters": [name.document()],
                "responses": {
                    "200": {
                        "description": "文件下载 (a file; neo4j-csv is a zip of CSV files)",
                        "content": {
                            f.media_type: {"schema": json_document if _is_json(f.media_type) else binary}
                            for f in FORMATS.values()
                        },
                    },
                    "404": _json(schemas.of(ErrorBody), "未知格式 (unknown format)"),
                    "503": _json(schemas.of(ErrorBody), ERROR_TEXT[503]),
                },
            }
        },
        "/api/vocab.ttl": {
            "get": {
                "summary": "图谱词汇表 (the RDF vocabulary, Turtle)",
                "tags": ["export"],
                "responses": {
                    "200": {"description": "Turtle", "content": {"text/turtle": {"schema": {"type": "string"}}}}
                },
            }
        },
    }


def spec(writes: bool = False) -> dict[str, Any]:
    """The OpenAPI document of every endpoint registered with ``json_get`` and the downloads, and with
    ``writes`` the operations registered with ``json_write``."""
    schemas = Schemas()
    paths: dict[str, dict] = {path: {"get": _operation(e, schemas)} for path, e in sorted(ENDPOINTS.items())}
    paths.update(_downloads(schemas))
    if writes:
        for (path, method), write in sorted(WRITES.items()):
            paths.setdefault(path, {})[method] = _write_operation(write, schemas)
    components: dict[str, Any] = {"schemas": schemas.named_components()}
    if writes:
        components["securitySchemes"] = BEARER
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "policykg API",
            "version": "0.1.0",
            "description": "政策文件知识图谱与检索 (knowledge graph and search over Chinese policy documents). "
            'Every response is JSON; errors are {"error": "…"} with status 400, 404, 405, 500 or 503 '
            "(writes also 401, 403, 409, 413, 415).",
        },
        "servers": [{"url": "/"}],
        "paths": schemas.named(paths),
        "components": components,
    }
