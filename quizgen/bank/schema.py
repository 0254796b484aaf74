"""A JSON Schema of the bank format, built from the same table the reader uses."""

from __future__ import annotations

from typing import Any

from quizgen.bank.model import DIFFICULTIES, QUESTION_KINDS
from quizgen.bank.spec import (
    BANK_FIELDS,
    PROMPT_OPTIONAL,
    SOURCE_FIELDS,
    FieldSpec,
    ValueKind,
    question_fields,
)

SCHEMA_ID = "https://quizgen.invalid/schema/bank-v1.json"

_TEXT: dict[str, Any] = {"type": ["string", "number", "boolean"]}
_SLUG: dict[str, Any] = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}


def _value(f: FieldSpec) -> dict[str, Any]:
    kind = f.kind
    if kind is ValueKind.TEXT:
        out: dict[str, Any] = dict(_TEXT)
    elif kind is ValueKind.TEXTS:
        out = {"type": "array", "items": _TEXT}
    elif kind is ValueKind.TEXT_OR_TEXTS:
        out = {"anyOf": [_TEXT, {"type": "array", "items": _TEXT, "minItems": 1}]}
    elif kind is ValueKind.NUMBER:
        out = {"type": "number"}
    elif kind is ValueKind.INT:
        out = {"type": "integer", "minimum": 0}
    elif kind is ValueKind.BOOL:
        out = {"type": "boolean"}
    elif kind is ValueKind.PAIRS:
        out = {
            "type": "array",
            "minItems": 2,
            "items": {"type": "array", "items": _TEXT, "minItems": 2, "maxItems": 2},
        }
    elif kind is ValueKind.MAPPING:
        out = _object(SOURCE_FIELDS)
    elif kind is ValueKind.REASONS:
        out = {
            "type": "object",
            "propertyNames": {"pattern": "^QG[0-9]{3}$"},
            "additionalProperties": {"type": "string", "minLength": 1},
        }
    else:
        out = {"type": "array", "items": {"$ref": "#/$defs/question"}}
    if f.doc:
        out["description"] = f.doc
    return out


def _object(fields: tuple[FieldSpec, ...], **fixed: dict[str, Any]) -> dict[str, Any]:
    properties = {f.name: _value(f) for f in fields}
    properties.update(fixed)
    return {
        "type": "object",
        "properties": properties,
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def _question(kind: str) -> dict[str, Any]:
    fixed: dict[str, dict[str, Any]] = {"type": {"const": kind}, "id": _SLUG}
    fixed["difficulty"] = {"enum": list(DIFFICULTIES)}
    fixed["points"] = {"type": "number", "minimum": 0}
    if kind in ("choice", "multi"):
        fixed["choices"] = {"type": "array", "items": _TEXT, "minItems": 2, "maxItems": 26}
    if kind == "order":
        fixed["items"] = {"type": "array", "items": _TEXT, "minItems": 3}
    schema = _object(question_fields(kind), **fixed)
    if kind in PROMPT_OPTIONAL:
        schema["required"] = [r for r in schema["required"] if r != "prompt"]
    return schema


def bank_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one bank file."""
    root = _object(BANK_FIELDS, bank=_SLUG)
    root.update(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_ID,
            "title": "quizgen question bank",
            "$defs": {
                "question": {
                    "type": "object",
                    "required": ["id", "type"],
                    "properties": {"type": {"enum": list(QUESTION_KINDS)}},
                    "oneOf": [{"$ref": f"#/$defs/{kind}"} for kind in QUESTION_KINDS],
                },
                **{kind: _question(kind) for kind in QUESTION_KINDS},
            },
        }
    )
    return root
