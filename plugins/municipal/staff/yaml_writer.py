"""Write YAML that our loader, and YAML 1.1 tools, read back exactly as intended.

Content files are written in the field order of the examples, one value per
line; a text that YAML could read as something else (`0123`, `no`, `2026-02-03`,
a text with `: ` or `#`) is written between double quotes. `dump` checks its own
output with the content loader before returning it: what is written is what
the validator will read.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import yaml

from ..content.formats import is_date
from ..content.yaml_loader import SourceError, WrittenFloat, parse_yaml

_PLAIN_SAFE = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n\t]*")
_RISKY = (": ", " #", "\t")
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


class UnwritableValue(ValueError):
    """A value the writer cannot write so that it reads back the same."""


def dump(data: dict, *, quoted: frozenset[str] = frozenset()) -> str:
    """`data` (a mapping) as YAML text; keys in `quoted` always get quotes."""
    lines: list[str] = []
    _mapping(lines, data, 0, quoted)
    text = "\n".join(lines) + "\n"
    try:
        same = parse_yaml(text).data == data
    except SourceError:
        same = False
    if not same:
        raise UnwritableValue("hay datos que no se pueden escribir como YAML y leer igual")
    return text


def scalar(value, *, force_quotes: bool = False) -> str:
    """One value as YAML text, quoted when a reader could take it for something else."""
    if value is None or isinstance(value, bool | int | float):
        return _number_or_constant(value)
    if not isinstance(value, str):
        raise UnwritableValue(f"no se puede escribir un valor de tipo {type(value).__name__}")
    if is_date(value) and not force_quotes:
        return value  # as in the examples; the content loader keeps dates as text
    if force_quotes or not _reads_back_plain(value):
        return json.dumps(value, ensure_ascii=False)
    return value


def _number_or_constant(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.written if isinstance(value, WrittenFloat) else repr(value)


def _reads_back_plain(text: str) -> bool:
    """Would `key: text`, unquoted, read as this same text in our loader and in PyYAML?"""
    if not text or text != text.strip() or not _PLAIN_SAFE.fullmatch(text):
        return False
    if any(risk in text for risk in _RISKY) or text.endswith(":"):
        return False
    try:
        ours = parse_yaml(f"k: {text}\n").data
        theirs = yaml.safe_load(f"k: {text}\n")  # YAML 1.1: 0123, no, 2026-02-03...
    except yaml.YAMLError:
        return False
    except SourceError:
        return False
    return ours == {"k": text} and theirs == {"k": text}


def _mapping(lines: list[str], data: dict, indent: int, quoted: frozenset[str]) -> None:
    pad = " " * indent
    for name, value in data.items():
        key = name if isinstance(name, str) and _IDENTIFIER.fullmatch(name) else scalar(name)
        if isinstance(value, dict) and value:
            lines.append(f"{pad}{key}:")
            _mapping(lines, value, indent + 2, quoted)
        elif isinstance(value, list) and value:
            lines.append(f"{pad}{key}:")
            _sequence(lines, value, indent + 2, quoted)
        elif isinstance(value, dict | list):
            lines.append(f"{pad}{key}: {'{}' if isinstance(value, dict) else '[]'}")
        else:
            text = scalar(value, force_quotes=name in quoted)
            lines.append(f"{pad}{key}: {text}".rstrip())


def _sequence(lines: list[str], items: list, indent: int, quoted: frozenset[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            first = len(lines)
            _mapping(lines, item, indent + 2, quoted)
            lines[first] = f"{pad}- " + lines[first][indent + 2:]
        elif isinstance(item, dict | list):
            lines.append(f"{pad}- {'{}' if isinstance(item, dict) else '[]'}")
        else:
            lines.append(f"{pad}- {scalar(item)}".rstrip())


def create_new(path: Path, text: str) -> None:
    """Write a new file all at once; never replaces one that exists (FileExistsError)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.link(temporary, path)  # fails if path exists: nothing is ever overwritten
    finally:
        Path(temporary).unlink(missing_ok=True)
