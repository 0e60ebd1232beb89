"""Read content files safely: UTF-8 text, YAML with line marks, front matter.

Every failure is a `SourceError` with a line number and a Spanish message for
office staff; nothing here lets a PyYAML exception or a traceback escape.
Values keep what was written: YAML 1.1's number and boolean rules (0123 read
as 83, 5678:02 as 340682, "no" as false) are not applied.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.reader import Reader as _Reader
from yaml.resolver import BaseResolver

from .text_checks import character_name

try:  # libyaml's C parser is ~10x faster; fall back to pure Python if absent.
    from yaml.cyaml import CParser as _Parser

    C_LOADER_AVAILABLE = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    C_LOADER_AVAILABLE = False

MAX_FILE_BYTES = 1_000_000
"""Largest content file accepted (1 MB): a trámite or a news item is a few KB."""

MAX_NESTING = 40
"""Deepest nesting accepted: real content is at most four or five levels deep."""

MAX_NUMBER_DIGITS = 100
"""Longest number read as a number; a longer one stays text (and a number field says so)."""

_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"

# What an unquoted value may be besides text: YAML 1.2's core schema, stricter.
# Everything else (0123, 0x1f, 5678:02, 1_000, +12, 1e3, .inf, yes, no, on,
# off, y, n) stays exactly the text that was written.
_WHOLE = rf"(?:0|[1-9][0-9]{{0,{MAX_NUMBER_DIGITS - 1}}})"
_INTEGER = re.compile(rf"(?:0|-?[1-9][0-9]{{0,{MAX_NUMBER_DIGITS - 1}}})\Z")
_DECIMAL = re.compile(rf"-?{_WHOLE}\.[0-9]{{1,{MAX_NUMBER_DIGITS}}}\Z")
_BOOLEAN = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")


class _CoreResolver(BaseResolver):
    """Resolve unquoted values to true/false, plain integers, plain decimals or empty."""


_CoreResolver.add_implicit_resolver(_BOOL_TAG, _BOOLEAN, list("tTfF"))
_CoreResolver.add_implicit_resolver(_INT_TAG, _INTEGER, list("-0123456789"))
_CoreResolver.add_implicit_resolver(_FLOAT_TAG, _DECIMAL, list("-0123456789"))
_CoreResolver.add_implicit_resolver(_NULL_TAG, _NULL, ["~", "n", "N", ""])


class _Loader(_Parser, _CoreResolver):
    """libyaml's parser and composer with our resolver; nothing is constructed."""

    def __init__(self, stream):
        _Parser.__init__(self, stream)
        _CoreResolver.__init__(self)


class WrittenFloat(float):
    """A decimal number that remembers how it was written ("3.50"), for messages."""

    __slots__ = ("written",)

    def __new__(cls, written: str):
        number = super().__new__(cls, written)
        number.written = written
        return number


_PLAIN_TAGS = {
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_SAFE_INDICATORS = 5_000
_START_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_END_EVENTS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)

# PyYAML's English problem texts, the most common ones staff will meet.
_YAML_PROBLEMS_ES = [
    ("found character '\\t' that cannot start any token",
     "hay un tabulador; use espacios (no tabuladores) para la sangría"),
    ("found a tab character",
     "hay un tabulador; use espacios (no tabuladores) para la sangría"),
    ("while scanning a quoted scalar", "una comilla abierta no se cierra"),
    ("found unexpected end of stream",
     "una comilla o un corchete abierto no se cierra"),
    ("did not find expected ',' or ']'",
     "un corchete '[' no se cierra o falta una coma entre los elementos"),
    ("did not find expected ',' or '}'",
     "una llave '{' no se cierra o falta una coma entre los elementos"),
    ("mapping values are not allowed",
     "hay dos puntos (:) donde no se esperaban: revise que esta línea tenga la "
     "misma sangría que los campos de su grupo, o encierre entre comillas un "
     "texto que lleve ': '"),
    ("expected <block end>, but found",
     "la sangría no es coherente: revise que los campos del mismo nivel "
     "empiecen en la misma columna"),
    ("could not find expected ':'",
     "falta ':' después del nombre de un campo, o una comilla no se cierra"),
    ("expected a single document",
     "el archivo tiene más de un documento YAML (una línea '---' de más)"),
    ("found undefined alias",
     "no use alias de YAML (*nombre); escriba el valor completo"),
    ("found character that cannot start any token",
     "hay un carácter que no puede iniciar un valor (por ejemplo @ o `); "
     "encierre el texto entre comillas"),
    ("did not find expected key",
     "la sangría no es coherente o falta un guion (-) en una lista"),
    ("did not find expected node content",
     "falta un valor, o la sangría no es coherente"),
]


class SourceError(Exception):
    """A problem in one file, located at a line (1-based) when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class YamlDocument:
    """Parsed YAML data and the line where each value starts.

    `lines` maps a path of keys and indexes, e.g. ("canales", 0, "tipo"), to
    the 1-based line of that value in the file.
    """

    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)

    def line_of(self, path: tuple) -> int | None:
        """Line of the value at `path`, or of its nearest ancestor."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def read_text(path: Path) -> str:
    """Return the file as text; refuse huge, empty and non-UTF-8 files."""
    return decode_text(read_bytes(path))


# Never follow a link, never wait for the writer of a named pipe.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
NOT_A_REGULAR_FILE = (
    "no es un archivo normal (es un enlace simbólico, una tubería o un dispositivo); "
    "el sitio no lo lee: ponga en su lugar una copia del archivo"
)


def open_regular(path: str | Path):
    """A binary stream on a regular file: a symbolic link, a pipe or a device is refused
    (SourceError) without reading it, even if it replaced the file after the content
    folder was listed."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise SourceError(NOT_A_REGULAR_FILE) from None
        raise SourceError(f"no se pudo leer el archivo ({error.strerror})") from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise SourceError(NOT_A_REGULAR_FILE)
    return os.fdopen(descriptor, "rb")


def read_bytes(path: str | Path, *, limited: bool = True) -> bytes:
    """The bytes of a regular file; one over MAX_FILE_BYTES is refused before reading it
    (unless not `limited`: photos have their own limits).

    A symbolic link, a pipe or a device is refused without reading it, even if it
    replaced the file after the content folder was listed.
    """
    with open_regular(path) as stream:
        if limited:
            check_size(os.fstat(stream.fileno()).st_size)
        try:
            # A file that grows meanwhile stops one byte over the limit (refused later).
            return stream.read(MAX_FILE_BYTES + 1 if limited else -1)
        except OSError as error:
            raise SourceError(f"no se pudo leer el archivo ({error.strerror})") from None


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write `data` (text is written as UTF-8 with "\\n" line ends) to `path` all at once,
    through a hidden temporary file beside it: a reader sees the old file or the new one,
    and a failed write (OSError) leaves the old file as it was and no temporary behind."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def check_size(size: int) -> None:
    """Refuse a file over MAX_FILE_BYTES before reading it."""
    if size > MAX_FILE_BYTES:
        raise SourceError(
            f"el archivo pesa {size // 1000} KB y el máximo es "
            f"{MAX_FILE_BYTES // 1000} KB; divida el contenido o ponga los "
            "documentos grandes en content/adjuntos/"
        )


def decode_text(raw: bytes) -> str:
    """UTF-8 text without a byte order mark; refuse other encodings and empty files."""
    check_size(len(raw))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SourceError(
            "el archivo no está en UTF-8 (hay un carácter inválido); "
            "guárdelo con la codificación UTF-8",
            line,
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise SourceError("el archivo está vacío")
    return text


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split a Markdown file into (front matter YAML, body, body's first line).

    The front matter is the block between a first line `---` and the next
    line that is `---` (or `...`). Its YAML starts on line 2 of the file.
    """
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise SourceError(
            "el archivo debe empezar con una línea '---' seguida de los datos "
            "(titulo, fecha, ...) y otra línea '---'",
            1,
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return front, body, index + 2
    raise SourceError(
        "el bloque de datos que empieza en la línea 1 con '---' no se cierra; "
        "agregue una línea '---' después del último dato",
        1,
    )


def parse_yaml(text: str, first_line: int = 1) -> YamlDocument:
    """Parse one YAML document; `first_line` is the file line where it starts.

    Dates stay strings (the schema checks them), duplicate keys, anchors,
    aliases and custom tags are refused, nesting is bounded.
    """
    try:
        _refuse_deep_nesting(text, first_line)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        message, line = _explain_yaml_error(error, text.split("\n"))
        raise SourceError(message, line + first_line if line is not None else None) from None
    except yaml.reader.ReaderError:
        raise _control_character_error(text, first_line) from None
    except yaml.YAMLError as error:  # pragma: no cover - every YAMLError is one of the above
        raise SourceError(
            "el texto tiene caracteres de control no permitidos", first_line
        ) from error
    if root is None:
        raise SourceError("no hay datos: el archivo (o su bloque '---') está vacío",
                          first_line)
    document = YamlDocument(data=None)
    builder = _Builder(document.lines, first_line - 1)
    document.data = builder.build(root, (), 0)
    return document


def _control_character_error(text: str, first_line: int) -> SourceError:
    """The line and name of the first character the YAML reader refuses (NUL, ESC...)."""
    match = _Reader.NON_PRINTABLE.search(text)
    if match is None:  # pragma: no cover - the reader refused one of them
        return SourceError("el texto tiene caracteres de control no permitidos", first_line)
    line = text.count("\n", 0, match.start()) + first_line
    return SourceError(
        f"el texto tiene un carácter de control invisible ({character_name(match[0])}); "
        "bórrelo (suele llegar al copiar y pegar desde otro programa)",
        line,
    )


def _refuse_deep_nesting(text: str, first_line: int) -> None:
    """Refuse nesting deeper than MAX_NESTING before libyaml composes it.

    libyaml's composer recurses in C and crashes the process on very deep
    nesting (about 100,000 levels fit in a 200 KB file). Only flow brackets
    and "-"/"?" indicators can nest without growing the indentation, and
    indentation alone cannot nest deeper than ~1,400 levels in MAX_FILE_BYTES,
    so texts with few indicators are safe and are not scanned.
    """
    indicators = sum(text.count(char) for char in "[{-?")
    if indicators <= _SAFE_INDICATORS:
        return
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _START_EVENTS):
            depth += 1
            if depth > MAX_NESTING:
                raise SourceError("los datos están anidados demasiado profundo",
                                  event.start_mark.line + first_line)
        elif isinstance(event, _END_EVENTS):
            depth -= 1


def _explain_yaml_error(error: yaml.MarkedYAMLError,
                        lines: list[str]) -> tuple[str, int | None]:
    """A Spanish message and the 0-based line where the mistake most likely is.

    The parser often notices a mistake lines later (an unclosed quote swallows
    the lines after it), so the most common causes are looked for first.
    """
    mark = error.problem_mark or error.context_mark
    if mark is None:  # pragma: no cover - PyYAML always marks its parse errors
        return f"YAML mal formado: {_GENERIC}", None
    line_text = lines[mark.line] if mark.line < len(lines) else ""
    if "\t" in line_text[: mark.column + 1]:
        return f"YAML mal formado: {_TAB}", mark.line
    quote_line = _unclosed_quote(lines[: mark.line + 1])
    if quote_line is not None:
        return ("YAML mal formado: una comilla abierta en esta línea no se cierra; "
                "ciérrela al final del texto o quite la comilla del comienzo"), quote_line
    context = error.context or ""
    bracket_line = _unclosed_bracket(lines[: mark.line + 1]) if "flow" in context else None
    if bracket_line is not None:
        return ("YAML mal formado: un corchete '[' o una llave '{' abierto en esta "
                "línea no se cierra, o falta una coma entre los elementos"), bracket_line
    problem = f"{context} {error.problem or ''}"
    for english, spanish in _YAML_PROBLEMS_ES:
        if english in problem:
            return f"YAML mal formado: {spanish}", mark.line
    return f"YAML mal formado: {_GENERIC}", mark.line


_GENERIC = "revise la sangría, los dos puntos y las comillas de esta línea"
_TAB = "hay un tabulador; use espacios (no tabuladores) para la sangría"
_OPENING_QUOTE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s"'#][^:#]*:\s+)?(["'])(.*)$""")


def _unclosed_quote(lines: list[str]) -> int | None:
    """Index of the first line whose value opens a quote it does not close."""
    for index, line in enumerate(lines):
        match = _OPENING_QUOTE.match(line)
        if match and not _closes(match[1], match[2]):
            return index
    return None


def _unclosed_bracket(lines: list[str]) -> int | None:
    """Index of the line that opened a '[' or '{' still open at the end of lines."""
    depth, opened_at = 0, None
    for index, line in enumerate(lines):
        for char in re.sub(r'"[^"]*"|\'[^\']*\'|#.*', "", line):
            if char in "[{":
                if depth == 0:
                    opened_at = index
                depth += 1
            elif char in "]}" and depth:
                depth -= 1
    return opened_at if depth else None


def _closes(quote: str, rest: str) -> bool:
    if quote == '"':
        return re.search(r'(?<!\\)"', rest) is not None
    return re.search(r"'(?!')", rest.replace("''", "")) is not None


def _is_merge_key(node: ScalarNode) -> bool:
    return node.value == "<<" and node.style is None


class _Builder:
    """Turn a composed node tree into plain data, recording lines by path."""

    def __init__(self, lines: dict[tuple, int], offset: int):
        self.lines = lines
        self.offset = offset
        self.seen: set[int] = set()

    def line(self, node) -> int:
        return node.start_mark.line + 1 + self.offset

    def build(self, node, path: tuple, depth: int) -> Any:
        if id(node) in self.seen:
            # The composer reuses the anchored node for each alias: refusing
            # reuse stops "billion laughs" expansion before it starts.
            raise SourceError(
                "no use anclas ni alias de YAML (&nombre, *nombre); "
                "escriba cada valor completo",
                self.line(node),
            )
        self.seen.add(id(node))
        if depth > MAX_NESTING:
            raise SourceError("los datos están anidados demasiado profundo",
                              self.line(node))
        self.lines.setdefault(path, self.line(node))
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise SourceError(
                f'la etiqueta YAML "{tag}" no está permitida; '
                "escriba solo textos, números, fechas, listas y campos",
                self.line(node),
            )
        if isinstance(node, MappingNode):
            return self.build_mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            return [
                self.build(item, (*path, index), depth + 1)
                for index, item in enumerate(node.value)
            ]
        return self.build_scalar(node)

    def build_mapping(self, node: MappingNode, path: tuple, depth: int) -> dict:
        result: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = self.line(key_node)
            if not isinstance(key_node, ScalarNode) or _is_merge_key(key_node):
                raise SourceError(
                    "el nombre de un campo debe ser un texto simple "
                    "(no se permiten '<<', listas ni objetos como nombre)",
                    line,
                )
            key = key_node.value
            if key in result:
                raise SourceError(
                    f'el campo "{key}" está repetido (ya aparece en la línea '
                    f"{key_lines[key]}); deje uno solo",
                    line,
                )
            key_lines[key] = line
            self.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def build_scalar(self, node: ScalarNode) -> Any:
        """The value as written: text, or a number/boolean only in their plain forms.

        Explicit tags (`!!int 0x1f`) get no YAML 1.1 rules either.
        """
        tag, text = node.tag, node.value
        if tag in (_STR_TAG, _TIMESTAMP_TAG):  # dates stay text; the schema checks them
            return text
        if tag == _NULL_TAG:
            return None
        if tag == _BOOL_TAG and _BOOLEAN.match(text):
            return text.lower() == "true"
        if tag == _INT_TAG and _INTEGER.match(text):
            return int(text)
        if tag == _FLOAT_TAG and _DECIMAL.match(text):
            return WrittenFloat(text)
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        raise SourceError(
            f'el valor "{text}" no es válido con la etiqueta {shown}; quite la etiqueta '
            "y escriba true o false, un número solo con cifras o un texto entre comillas",
            self.line(node),
        )
