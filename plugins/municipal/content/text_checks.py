"""Text hygiene for every text value of every kind of file, in one walk.

A text must not be blank, must not hide characters a reader cannot see
(control characters, bidirectional overrides, zero-width spaces) and may hold
line breaks only where its schema says it is a long text (`"x-multilinea":
true`, e.g. a trámite's descripcion written with `|`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

_ALLOWED_FORMAT_CHARACTERS = {"\u200d"}
"""Format characters (category Cf) allowed in texts: the zero-width joiner of emoji."""

_CONTROL_NAMES = {
    "\x00": "NUL, carácter nulo",
    "\t": "tabulador",
    "\r": "retorno de carro",
    "\x1b": "ESC, escape",
    "\x7f": "DEL, borrar",
}


def character_name(char: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`, `U+0000 NUL, carácter nulo`: how messages name one."""
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "")
    if not name and unicodedata.category(char) == "Cc":
        name = "carácter de control"
    return f"U+{ord(char):04X} {name}".rstrip()


def text_problems(data, schema: dict, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, Spanish message) for each text in `data` that breaks the rules above.

    `schema` is the JSON Schema of `data`; it is followed only to learn which
    texts may hold line breaks, so unknown fields are still checked.
    """
    if isinstance(data, dict):
        for key, value in data.items():
            yield from text_problems(value, _child(schema, "properties", key), (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from text_problems(value, _child(schema, "items"), (*path, index))
    elif isinstance(data, str):
        message = text_problem(data, multiline=schema.get("x-multilinea") is True)
        if message:
            yield path, message


def text_problem(text: str, *, multiline: bool) -> str | None:
    """What is wrong with one text, or None."""
    if not text.strip():
        return "está vacío o solo tiene espacios; escriba el texto o quite el campo"
    if text.isprintable():  # the usual case, checked in C: no control or format characters
        return None
    for position, char in enumerate(text, start=1):
        if char == "\n":
            if multiline:
                continue
            where = "al final" if not text[position:].strip() else f"en la posición {position}"
            return (f"tiene un salto de línea {where}; escriba este valor en una sola "
                    'línea y quite el "\\n" o el bloque | que lo produce')
        problem = _invisible(char)
        if problem:
            return (f"tiene {problem} ({character_name(char)}) en la posición {position}; "
                    "bórrelo (suele llegar al copiar y pegar desde otro programa)")
    return None


def _invisible(char: str) -> str | None:
    category = unicodedata.category(char)
    if category == "Cc":
        return "un carácter de control invisible"
    if category == "Cf" and char not in _ALLOWED_FORMAT_CHARACTERS:
        if unicodedata.bidirectional(char) in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI",
                                               "RLI", "FSI", "PDI", "AL", "L", "R"):
            return "un carácter invisible que cambia la dirección del texto"
        return "un carácter invisible"
    if category in ("Zl", "Zp"):
        return "un separador de línea invisible"
    if category == "Cs":
        return "un carácter inválido"
    return None


def _child(schema: dict, keyword: str, key: str | None = None) -> dict:
    """The subschema for a field (`properties`) or a list item (`items`), also in anyOf/oneOf."""
    for candidate in (schema, *schema.get("anyOf", ()), *schema.get("oneOf", ())):
        if not isinstance(candidate, dict) or keyword not in candidate:
            continue
        found = candidate[keyword]
        if key is not None:
            found = found.get(key)
        if isinstance(found, dict):
            return found
    return {}
