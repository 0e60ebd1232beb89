"""The JSON Schemas of schemas/, one per kind of file, and their validators.

Each schema gets two validators: a compiled one (fastjsonschema), fast but
stopping at the first error, that clears valid documents; and jsonschema's
Draft 2020-12 validator, which lists every error of the documents that fail.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import fastjsonschema
from jsonschema import Draft202012Validator

from .formats import FORMATS, format_checker

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"

SCHEMA_NAMES = {
    "entidad.yml": "entidad",
    "oficinas.yml": "oficinas",
    "plan.yml": "plan",
    "noticias": "noticia",
    "paginas": "pagina",
    "tramites": "tramite",
    "contratos": "contrato",
}
"""Site file or content kind → schema name (schemas/<name>.schema.json)."""


@dataclass(frozen=True)
class Schema:
    name: str
    document: dict
    full: Draft202012Validator
    fast: object  # the compiled function: raises on the first error

    def is_valid(self, data) -> bool:
        try:
            self.fast(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def errors(self, data) -> list:
        """Every error, or [] quickly when the document is valid."""
        if self.is_valid(data):
            return []
        return list(self.full.iter_errors(data))


def schema_path(name: str) -> Path:
    return SCHEMAS_DIR / f"{name}.schema.json"


@functools.cache
def schema_for(kind: str) -> Schema:
    """The schema of a content kind ("tramites") or site file ("plan.yml")."""
    name = SCHEMA_NAMES[kind]
    document = json.loads(schema_path(name).read_text(encoding="utf-8"))
    full = Draft202012Validator(document, format_checker=format_checker())
    fast = fastjsonschema.compile(document, formats=FORMATS, use_default=False)
    return Schema(name, document, full, fast)


def load_all() -> None:
    """Compile every schema now (before worker processes are forked)."""
    for kind in SCHEMA_NAMES:
        schema_for(kind)
