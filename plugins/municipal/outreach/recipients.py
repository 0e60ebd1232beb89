"""The recipients of an invitation: a CSV file kept outside content/ (it holds personal data).

Format (README, «Invitaciones por correo»): UTF-8 (a BOM, as Excel writes it, is fine),
columns separated by commas or semicolons, a first line naming the columns in any case
(`correo` and optionally `nombre`; other columns are ignored), or no header at all if
the first line already is an address (then: correo, nombre). Each bad line is reported
with its number and left out; the others go ahead.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .output_files import OutreachError, inside

MAX_BYTES = 5 * 1024 * 1024
MAX_RECIPIENTS = 5000
MAX_NAME = 200
ADDRESS_COLUMNS = ("correo", "correo electronico", "email", "e-mail")
NAME_COLUMNS = ("nombre", "nombres", "nombre completo")

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ADDRESS = re.compile(rf"{_LOCAL}@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")


@dataclass(frozen=True)
class Recipient:
    line: int
    correo: str
    nombre: str = ""


@dataclass
class RecipientList:
    recipients: list[Recipient]
    problems: list[str]  # `lista.csv:7: ...`, one per bad line


def refuse_inside_content(path: Path, content_dir: Path) -> None:
    """The list holds personal data: it must never be published or committed."""
    if inside(path, content_dir):
        raise OutreachError(
            f"{path}: la lista de destinatarios tiene datos personales y no puede estar dentro "
            f"de la carpeta de contenido ({Path(content_dir).name}/), que se publica y se guarda "
            "en el repositorio; muévala a otra carpeta (por ejemplo, su carpeta personal) y "
            "vuelva a intentarlo"
        )


def read_recipients(path: Path, content_dir: Path) -> RecipientList:
    """The recipients of `path`; raises OutreachError when the file as a whole is unusable."""
    path = Path(path)
    shown = str(path)
    refuse_inside_content(path, content_dir)
    try:
        if not path.is_file():
            raise OutreachError(f"{shown}: el archivo no existe o no es un archivo")
        if path.stat().st_size > MAX_BYTES:
            raise OutreachError(f"{shown}: el archivo pesa más de 5 MB; divida la lista")
        raw = path.read_bytes()
    except OSError as error:
        raise OutreachError(f"{shown}: no se pudo leer el archivo ({error.strerror})") from None
    return parse_recipients(raw, shown)


def parse_recipients(raw: bytes, shown: str) -> RecipientList:
    text = _decode(raw, shown)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise OutreachError(f"{shown}: la lista está vacía")
    first = next(number for number, line in enumerate(lines, 1) if line.strip())
    delimiter = ";" if lines[first - 1].count(";") > lines[first - 1].count(",") else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    found = RecipientList([], [])
    columns, seen = None, {}
    try:
        for row in rows:
            number = rows.line_num
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if columns is None:
                columns = _columns(cells, shown, number)
                if columns.header:
                    continue
            if len(found.recipients) >= MAX_RECIPIENTS:
                raise OutreachError(
                    f"{shown}:{number}: la lista tiene más de {MAX_RECIPIENTS:,} destinatarios"
                    .replace(",", ".") + "; divídala en varios archivos")
            recipient, problem = _recipient(cells, columns, number, seen)
            if problem:
                found.problems.append(f"{shown}:{number}: {problem}")
            else:
                seen[recipient.correo.lower()] = number
                found.recipients.append(recipient)
    except csv.Error as error:
        raise OutreachError(f"{shown}:{rows.line_num}: la línea no se puede leer como CSV "
                            f"({error})") from None
    return found


@dataclass(frozen=True)
class _Columns:
    correo: int
    nombre: int | None
    header: bool


def _columns(cells: list[str], shown: str, number: int) -> _Columns:
    names = [_plain(cell) for cell in cells]
    if "@" in cells[0]:  # no header: the first line is already a recipient
        return _Columns(0, 1 if len(cells) > 1 else None, header=False)
    address = next((i for i, name in enumerate(names) if name in ADDRESS_COLUMNS), None)
    if address is None:
        written = ", ".join(f'"{cell}"' for cell in cells)
        raise OutreachError(
            f"{shown}:{number}: falta la columna correo en el encabezado (se encontró: "
            f"{written}); la primera línea debe ser, por ejemplo: correo,nombre"
        )
    name = next((i for i, name in enumerate(names) if name in NAME_COLUMNS), None)
    return _Columns(address, name, header=True)


def _plain(text: str) -> str:
    """`Correo electrónico` → `correo electronico`."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _recipient(cells: list[str], columns: _Columns, number: int,
               seen: dict[str, int]) -> tuple[Recipient | None, str]:
    correo = cells[columns.correo] if columns.correo < len(cells) else ""
    nombre = cells[columns.nombre] if columns.nombre is not None and \
        columns.nombre < len(cells) else ""
    if not correo:
        return None, "falta el correo; esta línea se omite"
    if not ADDRESS.fullmatch(correo) or len(correo) > 254:
        return None, f'"{_printable(correo)}" no es una dirección de correo válida{_hint(correo)}'
    if correo.lower() in seen:
        return None, (f"{correo} ya está en la línea {seen[correo.lower()]}; se le escribe "
                      "una sola vez")
    if any(unicodedata.category(char).startswith("C") for char in nombre):
        return None, ("el nombre tiene caracteres de control o invisibles; escríbalo de nuevo "
                      "(la invitación a esta línea no se escribe)")
    if len(nombre) > MAX_NAME:
        return None, f"el nombre tiene más de {MAX_NAME} caracteres"
    return Recipient(number, correo, nombre), ""


def _hint(correo: str) -> str:
    if correo.count("@") != 1:
        return " (debe tener una sola @)"
    if any(char.isspace() for char in correo):
        return " (tiene espacios)"
    if not correo.isascii():
        return " (tiene tildes, eñes u otros caracteres que un correo no admite)"
    if "." not in correo.split("@")[1]:
        return " (falta el dominio completo después de la @, por ejemplo gmail.com)"
    return ""


def _printable(text: str) -> str:
    return "".join(char if char.isprintable() else "?" for char in text)


def _decode(raw: bytes, shown: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise OutreachError(
            f"{shown}:{line}: el archivo no está en UTF-8; en Excel use «Guardar como» → "
            "«CSV UTF-8 (delimitado por comas)», o en LibreOffice elija el juego de "
            "caracteres Unicode (UTF-8)"
        ) from None
