"""Turn jsonschema errors into messages for office staff, in Spanish.

Each message says what is wrong, what was found and what is allowed, and
suggests the nearest valid name or value when there is a near miss. Texts
specific to one field come from the schema itself: `x-mensaje` (what a
pattern, oneOf/anyOf or rule block expects), `x-sustantivo` (the noun of
an enum, "una modalidad") and `x-linea` (in a rule block, the field whose line
to show, e.g. "estado").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from jsonschema import ValidationError

from .formats import ISO_DATE

Located = tuple[tuple, str, tuple]
"""(path of the value in the document, message, path of the line to show)."""

_TYPE_NAMES = {
    "string": "un texto",
    "integer": "un número entero",
    "number": "un número",
    "boolean": "true o false",
    "array": "una lista (una línea por elemento, empezando con '- ')",
    "object": "un grupo de campos (nombre: valor)",
    "null": "vacío",
}


def explain(error: ValidationError) -> Iterator[Located]:
    """The located Spanish messages for one jsonschema error."""
    path = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "required":
        yield from _missing(error, path, schema)
    elif error.validator == "additionalProperties":
        yield from _unknown_fields(error, path, schema)
    else:
        yield path, _message(error, schema), path


def _message(error: ValidationError, schema: dict) -> str:
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if keyword in _MESSAGES:
        return _MESSAGES[keyword](expected, value, schema)
    own_text = schema.get("x-mensaje")
    if own_text:  # pattern, oneOf, anyOf, not: the schema says what it expects
        return own_text + (f" (se encontró {found(value)})" if keyword == "pattern" else "")
    return f"el valor no es válido ({keyword})"  # pragma: no cover - all our keywords


def _min_length(expected, value, schema) -> str:
    if not str(value).strip():
        return "está vacío; escriba el texto"
    return f"es demasiado corto (mínimo {expected} caracteres)"  # pragma: no cover


def _max_length(expected, value, schema) -> str:
    return f"tiene {len(value)} caracteres y el máximo es {expected}; acórtelo"


def _bound(sign: str):
    def message(expected, value, schema) -> str:
        return f"debe ser {sign} {expected} (se encontró {found(value)})"
    return message


def _too_big(expected, value, schema) -> str:
    return (f"es demasiado grande: el máximo es {_digits(expected)} (se encontró "
            f"{found(value)}); revise que no le sobren cifras")


def _too_many_items(maximum: int, value, schema) -> str:
    return (f"la lista tiene {len(value)} elementos y el máximo es {maximum}; "
            "deje solo los necesarios o agrúpelos")


def _digits(number) -> str:
    """`1.000.000`: thousands separated with dots, as Colombians write them."""
    return f"{number:,}".replace(",", ".")


def _const(expected, value, schema) -> str:
    return schema.get("x-mensaje") or (
        f"debe ser {_yaml(expected)} (se encontró {found(value)})")


def field_name(path: tuple) -> str:
    """`canales[2].tipo`: dotted names, list items counted from 1 as people do."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def found(value) -> str:
    """How a value that was found is shown: "texto", 12, true, una lista..."""
    if value is None:
        return "un valor vacío"
    if isinstance(value, bool):
        return _yaml(value)
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f'"{shown}"'
    if isinstance(value, list):
        return "una lista"
    if isinstance(value, dict):
        return "un grupo de campos"
    return getattr(value, "written", None) or str(value)  # 3.50 as written, not 3.5


def suggestion(wrong, choices) -> str:
    """` ¿Quiso decir "x"?` when `wrong` is a near miss of one of `choices`."""
    if not isinstance(wrong, str):
        return ""
    texts = [str(choice) for choice in choices]
    lowered = {text.lower(): text for text in texts}
    if wrong.lower() in lowered:
        return f' ¿Quiso decir "{lowered[wrong.lower()]}"?'
    close = difflib.get_close_matches(wrong, texts, n=1, cutoff=0.6)
    return f' ¿Quiso decir "{close[0]}"?' if close else ""


def _missing(error, path, schema) -> Iterator[Located]:
    own_text = schema.get("x-mensaje")
    properties = schema.get("properties", {})
    instance = error.instance if isinstance(error.instance, dict) else {}
    # A rule block ("then") may name the field that triggered it, e.g. estado.
    line_path = (*path, schema["x-linea"]) if "x-linea" in schema else path
    for name in error.validator_value:
        if name in instance:
            continue
        if own_text:
            message = f"falta este campo: {own_text}"
        else:
            description = properties.get(name, {}).get("description", "")
            message = "falta este campo obligatorio"
            if description:
                message += f" ({_first_sentence(description)})"
        yield (*path, name), message, line_path


def _unknown_fields(error, path, schema) -> Iterator[Located]:
    allowed = list(schema.get("properties", {}))
    for name in error.instance:
        if name in allowed:
            continue
        hint = suggestion(name, allowed)
        if not hint:
            hint = f" Los campos permitidos aquí son: {', '.join(allowed)}."
        yield (*path, name), f'el campo "{name}" no existe.{hint}', (*path, name)


def _wrong_type(expected, value, schema) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    wanted = " o ".join(_TYPE_NAMES.get(name, name) for name in names)
    if "minimum" in schema:
        wanted += f" ≥ {schema['minimum']}"
    if "integer" in names and isinstance(value, str) and "." in value:
        wanted += ", sin puntos ni signo $"
    return f"debe ser {wanted} (se encontró {found(value)})" + _type_hint(names, value)


def _type_hint(names: list, value) -> str:
    """What to write instead, when the value looks like what the field wants."""
    if "string" in names and isinstance(value, int | float) and not isinstance(value, bool):
        return f'; si es un texto, escríbalo entre comillas: "{found(value)}"'
    if "boolean" in names and isinstance(value, str):
        return "; escriba true (sí) o false (no), sin comillas"
    return _integer_hint(value) if "integer" in names else ""


def _integer_hint(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"; escriba {int(value)}, sin decimales"
    if isinstance(value, str) and _PADDED_INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
        if str(number) == value:  # "12" in quotes
            return f"; escriba {number} sin comillas"
        return f"; escriba {number}, solo con cifras y sin ceros a la izquierda"
    if isinstance(value, str) and any(char.isdigit() for char in value):  # 0x1f, 1_000, 5:02
        return "; escriba solo cifras, sin ceros a la izquierda, puntos, comas, espacios ni signos"
    return ""


_PADDED_INTEGER = re.compile(r"\+?[0-9]+")


def _not_in_enum(allowed, value, schema) -> str:
    noun = schema.get("x-sustantivo", "un valor")
    feminine = noun.startswith("una ")
    valid = "válida" if feminine else "válido"
    one = "una" if feminine else "uno"
    choices = ", ".join(_yaml(choice) for choice in allowed)
    return (f"{found(value)} no es {noun} {valid}. Use {one} de: {choices}."
            + suggestion(value, allowed))


def _bad_format(format_name, value, schema) -> str:
    if format_name == "date":
        if isinstance(value, str) and ISO_DATE.fullmatch(value):
            return f"la fecha {value} no existe; revise el día y el mes"
        return (f"{found(value)} no es una fecha; escríbala como AAAA-MM-DD, "
                "por ejemplo 2026-03-15")
    if format_name == "email":
        return (f"{found(value)} no es un correo electrónico válido "
                "(ejemplo: hacienda@municipio-departamento.gov.co)")
    return (f"{found(value)} no es una dirección web completa; debe empezar "
            "por https:// y no tener espacios")


def _too_few_items(minimum: int, value, schema) -> str:
    elements = "elemento" if minimum == 1 else "elementos"
    return f"la lista está vacía o incompleta; escriba al menos {minimum} {elements}"


def _repeated_items(expected, items: list, schema) -> str:
    seen = []
    for item in items:
        if item in seen:
            return f"la lista repite {found(item)}; deje uno solo"
        seen.append(item)
    return "la lista tiene elementos repetidos"  # pragma: no cover


def _first_sentence(text: str) -> str:
    return text.split(". ", maxsplit=1)[0].rstrip(".")


def _yaml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_MESSAGES = {
    "type": _wrong_type,
    "enum": _not_in_enum,
    "format": _bad_format,
    "minLength": _min_length,
    "maxLength": _max_length,
    "minItems": _too_few_items,
    "maxItems": _too_many_items,
    "uniqueItems": _repeated_items,
    "minimum": _bound("≥"),
    "maximum": _too_big,
    "const": _const,
}
"""jsonschema keyword → message(expected, found value, schema holding the keyword)."""
