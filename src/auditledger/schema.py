"""JSON Schema for the ledger's files, generated from the models, for editors' YAML servers.

May import: model.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from auditledger.model import Choice, ProblemsFile, Settings, UnitsFile, YearMeta

FILES: dict[str, type[BaseModel]] = {
    "settings": Settings,
    "units": UnitsFile,
    "year": YearMeta,
    "problems": ProblemsFile,
}


class _Generator(GenerateJsonSchema):
    """Enumerations also accept their Chinese labels and aliases, as the loader does."""

    def enum_schema(self, schema: core_schema.EnumSchema) -> JsonSchemaValue:
        result = super().enum_schema(schema)
        cls = schema["cls"]
        if isinstance(cls, type) and issubclass(cls, Choice):
            accepted: list[str] = []
            for member in cls:
                for name in (member.value, member.zh, *member.aliases):
                    if name not in accepted:
                        accepted.append(name)
            result["enum"] = accepted
            result["description"] = "; ".join(f"{m.value} = {m.zh}" for m in cls)
        return result


def json_schemas() -> dict[str, str]:
    """Each file's schema as JSON text, keyed by file kind."""
    texts = {}
    for name, model in FILES.items():
        schema: dict[str, Any] = model.model_json_schema(schema_generator=_Generator)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"auditledger {name} file"
        texts[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return texts
