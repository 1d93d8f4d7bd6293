"""The OpenAPI 3.1 document for /api/* and /healthz, and a small validator for the JSON Schema
subset it uses (the tests check every endpoint's real responses against it)."""

from __future__ import annotations

from typing import Any

from .views import EXPLORER_DEFAULT, EXPLORER_TYPES


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: dict[str, Any], optional: dict[str, Any] | None = None, extra: bool = True) -> dict:
    schema = {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": list(required),
    }
    if not extra:
        schema["additionalProperties"] = False
    return schema


def arr(items: dict) -> dict:
    return {"type": "array", "items": items}


STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}
BOOL = {"type": "boolean"}
STRS = arr(STR)
NSTR = {"type": ["string", "null"]}

UNIT = {"doc": STR, "id": STR, "node": STR, "label": STR, "title": STR, "type": STR}

SCHEMAS: dict[str, dict] = {
    "Error": obj({"error": STR}, {"suggestions": STRS, "candidates": STRS}),
    "Health": obj(
        {"status": {"type": "string", "enum": ["ok"]}, "graph": {"type": "string", "enum": ["ready", "missing"]}}
    ),
    "Source": obj({"start": INT, "end": INT}),
    "Stats": obj(
        {
            "documents": INT,
            "tasks": INT,
            "nodes": {"type": "object", "additionalProperties": INT},
            "edges": {"type": "object", "additionalProperties": INT},
            "node_count": INT,
            "edge_count": INT,
            "built": {"type": ["string", "number", "null"]},
        }
    ),
    "EntityRef": obj({"node": STR, "name": STR, "type": STR, "url": STR}),
    "Task": obj(
        {
            "doc": STR,
            "id": STR,
            "node": STR,
            "label": STR,
            "title": STR,
            "text": STR,
            "departments": STRS,
            "lead": NSTR,
            "programmes": STRS,
            "organisations": STRS,
            "policies": STRS,
            "places": STRS,
            "source": ref("Source"),
        }
    ),
    "Evidence": obj({"doc": STR, "task": NSTR, "text": STR, "source": {"type": "object"}, "node": STR}),
    "Mention": obj(
        {
            "doc": STR,
            "id": NSTR,
            "node": STR,
            "label": STR,
            "title": STR,
            "type": STR,
            "relation": STR,
            "sentence": STR,
            "sentence_source": {"oneOf": [ref("Source"), {"type": "null"}]},
        }
    ),
    "Entity": obj(
        {"node": STR, "type": STR, "name": STR},
        {
            "aliases": STRS,
            "tasks": arr(obj(UNIT, {"role": {"type": "string", "enum": ["lead", "supporting"]}})),
            "mentions": arr(ref("Mention")),
            "departments": arr(obj({"name": STR, "node": STR, "tasks": arr(obj({**UNIT, "role": STR}))})),
            "cites": arr({"type": "object"}),
            "issued_by": arr(ref("EntityRef")),
            "same_as": arr(ref("EntityRef")),
        },
    ),
    "Answer": obj(
        {
            "question": STR,
            "intent": NSTR,
            "answer": STR,
            "status": {"type": "string", "enum": ["ok", "not_found", "ambiguous", "search"]},
            "departments": STRS,
            "tasks": arr(obj({"doc": STR, "id": STR, "title": STR}, {"label": STR})),
            "programmes": STRS,
            "policies": arr({"type": "object"}),
            "count": {"type": ["integer", "null"]},
            "evidence": arr(ref("Evidence")),
            "entities": arr(obj({"node": STR, "name": STR, "type": STR})),
            "suggestions": STRS,
            "paths": arr(arr({"type": "object"})),
            "figures": arr({"type": "object"}),
            "results": arr({"type": "object"}),
        }
    ),
    "SearchResult": obj(
        {
            "doc": STR,
            "id": STR,
            "kind": {"type": "string", "enum": ["task", "passage"]},
            "title": STR,
            "text": STR,
            "score": NUM,
            "departments": STRS,
            "lead": NSTR,
            "programmes": STRS,
            "url": NSTR,
        },
        {
            "rank": INT,
            "node": STR,
            "highlights": arr(arr(INT)),
            "entities": arr({"type": ["string", "object"]}),
            "source": {"type": "object"},
        },
    ),
    "SearchPage": obj(
        {
            "query": STR,
            "k": INT,
            "page": INT,
            "filters": obj(
                {},
                {
                    "doc": STR,
                    "department": STR,
                    "programme": STR,
                    "kind": {"type": "string", "enum": ["task", "passage"]},
                },
            ),
            "total": INT,
            "pages": INT,
            "results": arr(ref("SearchResult")),
        },
        {"mode": STR},
    ),
    "TaskDetail": obj(
        {
            "related": arr(obj({**UNIT, "shared": STRS})),
            "neighbours": arr(obj(UNIT, {"score": {"type": ["number", "null"]}})),
        }
    ),
    "Path": obj(
        {
            "from": ref("EntityRef"),
            "to": ref("EntityRef"),
            "found": BOOL,
            "answer": STR,
            "nodes": arr(arr(ref("EntityRef"))),
            "steps": arr(arr(obj({"from": STR, "relation": STR, "verb": STR, "to": STR}))),
            "evidence": arr(ref("Evidence")),
        }
    ),
    "Matrix": obj(
        {
            "doc": NSTR,
            "departments": arr(obj({"node": STR, "name": STR, "lead": INT, "supporting": INT, "total": INT})),
            "tasks": arr(
                obj(
                    {
                        **UNIT,
                        "roles": {"type": "object", "additionalProperties": {"enum": ["lead", "supporting"]}},
                        "lead": INT,
                        "total": INT,
                    }
                )
            ),
            "totals": obj({"tasks": INT, "departments": INT, "lead": INT, "supporting": INT}),
        }
    ),
    "Network": obj(
        {
            "doc": NSTR,
            "types": STRS,
            "nodes": arr(
                obj(
                    {
                        "id": STR,
                        "label": STR,
                        "title": STR,
                        "type": {"enum": list(EXPLORER_TYPES)},
                        "doc": NSTR,
                        "url": STR,
                    }
                )
            ),
            "edges": arr(obj({"from": STR, "to": STR, "type": STR}, {"role": STR})),
        }
    ),
}
# A task's detail is its record plus related tasks.
SCHEMAS["TaskDetail"] = {
    **SCHEMAS["Task"],
    "properties": {**SCHEMAS["Task"]["properties"], **SCHEMAS["TaskDetail"]["properties"]},
    "required": SCHEMAS["Task"]["required"] + SCHEMAS["TaskDetail"]["required"],
}


def param(name: str, description: str, schema: dict, *, required: bool = False, where: str = "query") -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


def q_param(description: str) -> dict:
    return param("q", description, {"type": "string", "minLength": 1, "maxLength": 500}, required=True)


DOC = param("doc", "只看这个文档 (document id)", STR)


def response(schema: str, description: str, errors: tuple[int, ...] = ()) -> dict:
    out = {"200": {"description": description, "content": {"application/json": {"schema": ref(schema)}}}}
    messages = {
        400: "参数错误 (bad parameter)",
        404: "不存在 (not found)",
        503: "图谱或索引未构建 (graph or index not built)",
    }
    for code in (*errors, 503):
        out[str(code)] = {"description": messages[code], "content": {"application/json": {"schema": ref("Error")}}}
    return out


def operation(summary: str, schema: str, params: list[dict] | None = None, errors=(400,), tag: str = "api") -> dict:
    return {
        "get": {
            "summary": summary,
            "tags": [tag],
            "parameters": params or [],
            "responses": response(schema, summary, errors),
        }
    }


PATHS = {
    "/healthz": {
        "get": {
            "summary": "健康检查 (health check)",
            "tags": ["ops"],
            "responses": {
                "200": {"description": "服务正常", "content": {"application/json": {"schema": ref("Health")}}}
            },
        }
    },
    "/api/search": operation(
        "混合检索：排序后的任务与段落 (ranked tasks and passages)",
        "SearchPage",
        [
            q_param("关键词或问题 (keywords or a question)"),
            param("k", "每页条数 (results per page)", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}),
            param("page", "页码 (page)", {"type": "integer", "minimum": 1, "maximum": 100, "default": 1}),
            DOC,
            param("department", "负责部门 (department name)", STR),
            param("programme", "涉及的项目 (programme name)", STR),
            param("kind", "结果类型 (result kind)", {"type": "string", "enum": ["task", "passage"]}),
        ],
    ),
    "/api/ask": operation(
        "问答：图谱答案与证据 (a graph answer with evidence)", "Answer", [q_param("问题 (question)")]
    ),
    "/api/tasks": operation("任务列表 (every task)", "Task", [DOC]),
    "/api/tasks/{doc}/{id}": operation(
        "单个任务及相关任务 (one task and related tasks)",
        "TaskDetail",
        [
            param("doc", "文档编号 (document id)", STR, required=True, where="path"),
            param("id", "任务编号，如 4.3.2 (task id)", STR, required=True, where="path"),
        ],
        errors=(404,),
    ),
    "/api/entities/{id}": operation(
        "实体：部门的任务，或提到它的任务与背后的部门 (an entity and its links)",
        "Entity",
        [
            param(
                "id",
                "节点编号如 programme:海智计划，或名称/别名 (node id, name or alias)",
                STR,
                required=True,
                where="path",
            )
        ],
        errors=(404,),
    ),
    "/api/path": operation(
        "两个实体之间的最短联系 (shortest connections between two entities)",
        "Path",
        [
            param("from", "起点：节点编号或名称 (node id or name)", STR, required=True),
            param("to", "终点：节点编号或名称 (node id or name)", STR, required=True),
        ],
        errors=(400, 404),
    ),
    "/api/matrix": operation("责任矩阵：部门 × 任务 (responsibility matrix)", "Matrix", [DOC]),
    "/api/stats": operation("图谱统计 (graph counts)", "Stats", errors=()),
    "/api/graph": operation(
        "图谱浏览器的节点与边 (the explorer's network)",
        "Network",
        [
            DOC,
            param(
                "types",
                f"逗号分隔的节点类型 (comma-separated node types; default {','.join(EXPLORER_DEFAULT)})",
                STR,
            ),
        ],
    ),
    "/api/openapi.json": {
        "get": {
            "summary": "本文档 (this document)",
            "tags": ["ops"],
            "responses": {
                "200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}
            },
        }
    },
}
# Downloads of the graph in RDF and other formats (web/routes/sparql.py).
EXPORT_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "graphml": "application/graphml+xml",
    "neo4j-csv": "application/zip",
}
PATHS["/api/export/{name}"] = {
    "get": {
        "summary": "导出整个图谱 (the whole graph as a download)",
        "tags": ["export"],
        "parameters": [
            param("name", "导出格式 (export format)", {"type": "string", "enum": list(EXPORT_TYPES)}, where="path")
            | {"required": True}
        ],
        "responses": {
            "200": {
                "description": "文件下载 (a file; neo4j-csv is a zip of CSV files)",
                "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in EXPORT_TYPES.values()},
            },
            "404": {
                "description": "未知格式 (unknown format)",
                "content": {"application/json": {"schema": ref("Error")}},
            },
            "503": {"description": "图谱未构建", "content": {"application/json": {"schema": ref("Error")}}},
        },
    }
}
PATHS["/api/vocab.ttl"] = {
    "get": {
        "summary": "图谱词汇表 (the RDF vocabulary, Turtle)",
        "tags": ["export"],
        "responses": {"200": {"description": "Turtle", "content": {"text/turtle": {"schema": {"type": "string"}}}}},
    }
}
# /api/tasks returns a list of Task records.
PATHS["/api/tasks"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = arr(ref("Task"))


def spec(server: str = "") -> dict:
    doc = {
        "openapi": "3.1.0",
        "info": {
            "title": "policykg API",
            "version": "0.1.0",
            "description": "政策文件知识图谱与检索 (knowledge graph and search over Chinese policy documents). "
            'Every response is JSON; errors are {"error": "…"} with status 400, 404, 405, 500 or 503.',
        },
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
    if server:
        doc["servers"] = [{"url": server}]
    return doc


# -- validation ---------------------------------------------------------------------------------
TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def _is(value, type_: str) -> bool:
    if type_ in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, TYPES[type_])


def validate(value, schema: dict, root: dict, where: str = "$") -> list[str]:
    """Errors of ``value`` against ``schema`` (``$ref``, type, enum, properties, required,
    additionalProperties, items, oneOf, minimum/maximum, minLength/maxLength)."""
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return validate(value, target, root, where)
    if "oneOf" in schema:
        passing = [s for s in schema["oneOf"] if not validate(value, s, root, where)]
        return [] if len(passing) == 1 else [f"{where}: matches {len(passing)} of oneOf"]
    errors = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is(value, t) for t in types):
            return [f"{where}: expected {'|'.join(types)}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{where}: missing '{key}'")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                errors += validate(item, props[key], root, f"{where}.{key}")
            elif extra is False:
                errors.append(f"{where}: unexpected '{key}'")
            elif isinstance(extra, dict):
                errors += validate(item, extra, root, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += validate(item, schema["items"], root, f"{where}[{i}]")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{where}: {value} > {schema['maximum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", len(value)):
            errors.append(f"{where}: length {len(value)} out of bounds")
    return errors
