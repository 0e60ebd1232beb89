"""The JSON Schemas of schemas/, one per kind of file, and their validators.

Each schema gets two validators: a compiled one (fastjsonschema), fast but
stopping at the first error, that clears valid documents; and jsonschema's
Draft 2020-12 validator, which lists every error of the documents that fail.
Both read the schemas the same way: an integer is never a float (12.0 is not
one) and a pattern's `$` is the end of the text, as in JavaScript (editors),
never "before a final line break" as in Python's `re`. Should they still
disagree, the compiled validator's error is reported: a problem is never dropped.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import fastjsonschema
from fastjsonschema.draft04 import CodeGeneratorDraft04
from fastjsonschema.draft2019 import CodeGeneratorDraft2019
from fastjsonschema.ref_resolver import RefResolver
from jsonschema import Draft202012Validator, ValidationError, validators

from .formats import FORMATS, format_checker

logger = logging.getLogger(__name__)

_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")
"""A `$` that ends a pattern; fastjsonschema turns each into `\\Z`, and so do we."""

SCHEMAS_DIR = Path(__file__).resolve().parents[3] / "schemas"

SCHEMA_NAMES = {
    "entidad.yml": "entidad",
    "oficinas.yml": "oficinas",
    "plan.yml": "plan",
    "transparencia.yml": "transparencia",
    "noticias": "noticia",
    "eventos": "evento",
    "paginas": "pagina",
    "tramites": "tramite",
    "contratos": "contrato",
}
"""Site file or content kind → schema name (schemas/<name>.schema.json)."""


@dataclass(frozen=True)
class Schema:
    name: str
    document: dict
    full: Draft202012Validator  # a StrictValidator
    fast: object  # the compiled function: raises on the first error

    def is_valid(self, data) -> bool:
        try:
            self.fast(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def errors(self, data) -> list:
        """Every error, or [] quickly when the document is valid."""
        try:
            self.fast(data)
        except fastjsonschema.JsonSchemaValueException as error:
            return list(self.full.iter_errors(data)) or [_fast_error(self.name, error, data)]
        return []


def _fast_error(name: str, error: fastjsonschema.JsonSchemaValueException,
                data) -> ValidationError:
    """The compiled validator's error as a jsonschema one, for the validators' disagreements."""
    logger.warning("municipal: los validadores del esquema %s no coinciden en %s (%s)",
                   name, error.name, error.rule)
    definition = error.definition if isinstance(error.definition, dict) else {}
    return ValidationError(
        error.message, validator=error.rule, path=_data_path(error.path[1:], data),
        instance=error.value, schema=definition, validator_value=definition.get(error.rule))


def _data_path(parts: list, data) -> list:
    """fastjsonschema names list items "0", "1"...: make them indexes again."""
    path, value = [], data
    for name in parts:
        is_index = isinstance(value, list) and str(name).isdigit() and int(name) < len(value)
        part = int(name) if is_index else name
        path.append(part)
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            value = None
    return path


def _is_integer(checker, instance) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


def _pattern(validator, pattern: str, instance, schema):
    if validator.is_type(instance, "string") and not _ecma_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def _ecma_pattern(pattern: str) -> re.Pattern:
    return re.compile(_UNESCAPED_DOLLAR.sub(r"\\Z", pattern))


StrictValidator = validators.extend(
    Draft202012Validator,
    validators={"pattern": _pattern},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)
"""Draft 2020-12 where 12.0 is not an integer and `$` does not match before a final "\\n"."""


class _StrictIntegerCodeGenerator(CodeGeneratorDraft2019):
    """fastjsonschema's generator, but with draft-04's rule: a float is never an integer."""

    generate_type = CodeGeneratorDraft04.generate_type


def _compile_fast(document: dict, formats: dict):
    """Like fastjsonschema.compile(document, formats=..., use_default=False), strict integers."""
    resolver = RefResolver.from_schema(document, handlers={}, store={})
    generator = _StrictIntegerCodeGenerator(document, resolver=resolver, formats=formats,
                                            use_default=False)
    state = generator.global_state
    exec(generator.func_code, state)  # the code fastjsonschema generated from our schema
    validate = state[resolver.get_scope_name()]
    return functools.partial(validate, custom_formats=formats)


def schema_path(name: str) -> Path:
    return SCHEMAS_DIR / f"{name}.schema.json"


@functools.cache
def schema_for(kind: str) -> Schema:
    """The schema of a content kind ("tramites") or site file ("plan.yml")."""
    name = SCHEMA_NAMES[kind]
    document = json.loads(schema_path(name).read_text(encoding="utf-8"))
    full = StrictValidator(document, format_checker=format_checker())
    fast = _compile_fast(document, FORMATS)
    return Schema(name, document, full, fast)


def load_all() -> None:
    """Compile every schema now (before worker processes are forked)."""
    for kind in SCHEMA_NAMES:
        schema_for(kind)
