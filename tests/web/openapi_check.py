"""A validator for the JSON Schema subset the OpenAPI document uses, to check real responses against it."""

from __future__ import annotations

from typing import Any

TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def _is(value: Any, type_: str) -> bool:
    if type_ in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, TYPES[type_])


def validate(value: Any, schema: dict, root: dict, where: str = "$") -> list[str]:
    """Errors of ``value`` against ``schema`` ($ref, type, enum, properties, required,
    additionalProperties, items, oneOf, minimum/maximum, minLength/maxLength)."""
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
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
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{where}: {value} > {schema['maximum']}")
    if isinstance(value, str) and not schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", len(value)):
        errors.append(f"{where}: length {len(value)} out of bounds")
    return errors


def response_schema(doc: dict, path: str, status: int = 200) -> dict:
    return doc["paths"][path]["get"]["responses"][str(status)]["content"]["application/json"]["schema"]


def conforms(doc: dict, body: Any, path: str, status: int = 200) -> None:
    """Fail unless ``body`` matches the schema the OpenAPI document gives for ``path`` and ``status``."""
    errors = validate(body, response_schema(doc, path, status), doc)
    assert not errors, errors[:10]
