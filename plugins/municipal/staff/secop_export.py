"""Read a SECOP II «Contratos electrónicos» export (datos.gov.co, dataset jbjy-vk9h).

The export is CSV (the portal's download, or a spreadsheet saved as CSV) or JSON
(the portal's API: a list of objects). Columns are recognised by their API field
name (`referencia_del_contrato`) or by their display name («Referencia del
Contrato»), without case, accents, spaces or underscores. Every row keeps the line
where it starts in the file, for the messages. A file that is not such an export
is refused with `NotAnExport`, before anything is mapped or written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MAX_EXPORT_BYTES = 20_000_000
"""Largest export read (20 MB): one municipality's contracts are a few MB."""

COLUMNS = {
    "nit_entidad": ("nit_entidad", "Nit Entidad"),
    "referencia": ("referencia_del_contrato", "Referencia del Contrato"),
    "proceso": ("proceso_de_compra", "Proceso de Compra"),
    "estado": ("estado_contrato", "Estado Contrato"),
    "tipo": ("tipo_de_contrato", "Tipo de Contrato"),
    "modalidad": ("modalidad_de_contratacion", "Modalidad de Contratacion"),
    "objeto": ("objeto_del_contrato", "Objeto del Contrato"),
    "descripcion": ("descripcion_del_proceso", "Descripcion del Proceso"),
    "valor": ("valor_del_contrato", "Valor del Contrato"),
    "valor_pagado": ("valor_pagado", "Valor Pagado"),
    "fecha_firma": ("fecha_de_firma", "Fecha de Firma"),
    "fecha_inicio": ("fecha_de_inicio_del_contrato", "Fecha de Inicio del Contrato"),
    "fecha_fin": ("fecha_de_fin_del_contrato", "Fecha de Fin del Contrato"),
    "tipo_documento": ("tipodocproveedor", "TipoDocProveedor", "Tipo Documento Proveedor"),
    "documento": ("documento_proveedor", "Documento Proveedor"),
    "contratista": ("proveedor_adjudicado", "Proveedor Adjudicado"),
    "supervisor": ("nombre_supervisor", "Nombre supervisor"),
    "url": ("urlproceso", "URLProceso"),
    "actualizacion": ("ultima_actualizacion", "Ultima Actualizacion"),
}
"""Our name for each column we read → its API field name and display names."""

REQUIRED_COLUMNS = ("nit_entidad", "referencia", "estado", "tipo", "modalidad", "valor")
"""Without these (and objeto or descripcion) a file is not a contracts export."""


class NotAnExport(Exception):
    """The file is not a SECOP II contracts export; the message says why, in Spanish."""


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file
    values: dict[str, str]  # our column name → text, stripped; absent columns are missing
    labels: dict[str, str]  # our column name → the column's name in this file


@dataclass(frozen=True)
class Malformed:
    """A row that could not be read: reported with its line, the others go on."""

    line: int
    reason: str


def key(text: str) -> str:
    """"Modalidad de Contratación" → "modalidaddecontratacion": how names and values match."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


_COLUMN_KEYS = {key(name): ours for ours, names in COLUMNS.items() for name in names}


def read_export(path: Path) -> list[Row | Malformed]:
    """The rows of the export at `path`; NotAnExport if it is not one."""
    name = Path(path).name
    try:
        raw = _read_regular_file(Path(path), name)
    except FileNotFoundError:
        raise NotAnExport(f"{name} no existe; revise la ruta del archivo") from None
    except IsADirectoryError:
        raise NotAnExport(f"{name} es una carpeta, no un archivo") from None
    except OSError as error:
        raise NotAnExport(f"no se pudo leer {name} ({error.strerror})") from None
    if not raw.strip():
        raise NotAnExport(f"{name} está vacío")
    if b"\0" in raw:
        raise NotAnExport(f"{name} no es un archivo de texto (CSV o JSON): parece un archivo "
                          "binario (una hoja de Excel .xlsx, un PDF...); descargue la "
                          "exportación en CSV o JSON")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise NotAnExport(f"{name}:{line}: el archivo no está en UTF-8; descárguelo de nuevo "
                          "de datos.gov.co o guárdelo como «CSV UTF-8»") from None
    if text.lstrip()[:1] in ("[", "{"):
        records = _json_records(name, text)
    else:
        records = _csv_records(name, text)
    rows = [row for row in records if row is not None]
    if not rows:
        raise NotAnExport(f"{name} no tiene filas de contratos")
    return rows


def _read_regular_file(path: Path, name: str) -> bytes:
    """The bytes of a regular file: a pipe or a device is refused without waiting on it."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(stream.fileno())
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(status.st_mode):
            raise NotAnExport(f"{name} no es un archivo normal (es una tubería o un "
                              "dispositivo); guarde la exportación en un archivo")
        if status.st_size > MAX_EXPORT_BYTES:
            raise NotAnExport(
                f"{name} pesa {status.st_size // 1_000_000} MB y el máximo es "
                f"{MAX_EXPORT_BYTES // 1_000_000} MB: en datos.gov.co filtre la consulta por el "
                "NIT de la entidad y descargue solo sus contratos")
        return stream.read(MAX_EXPORT_BYTES + 1)


def _labels(name: str, headers: list[str]) -> dict[str, str]:
    """Our column name → the header that carries it; NotAnExport if key columns are missing."""
    labels: dict[str, str] = {}
    for header in headers:
        ours = _COLUMN_KEYS.get(key(header))
        if ours and ours not in labels:
            labels[ours] = header
    missing = [ours for ours in REQUIRED_COLUMNS if ours not in labels]
    if "objeto" not in labels and "descripcion" not in labels:
        missing.append("objeto")
    if missing:
        wanted = "; ".join(f"{COLUMNS[ours][0]} («{COLUMNS[ours][1]}»)" for ours in missing)
        raise NotAnExport(
            f"{name} no es una exportación de SECOP II «Contratos electrónicos» (datos.gov.co, "
            f"conjunto jbjy-vk9h): le faltan las columnas {wanted}")
    return labels


def _csv_records(name: str, text: str):
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        headers = next(reader)
        labels = _labels(name, headers)
        positions = {ours: headers.index(label) for ours, label in labels.items()}
        line = reader.line_num + 1
        rows = []
        for fields in reader:
            start, line = line, reader.line_num + 1
            if not any(field.strip() for field in fields):
                continue
            if len(fields) != len(headers):
                rows.append(Malformed(start, (
                    f"la fila tiene {len(fields)} columnas y el encabezado {len(headers)}; "
                    "revise que los textos con comas o saltos de línea estén entre comillas")))
                continue
            values = {ours: fields[index].strip() for ours, index in positions.items()}
            rows.append(Row(start, values, labels))
        return rows
    except csv.Error as error:
        raise NotAnExport(f"{name}:{reader.line_num}: el CSV está mal formado ({error}); "
                          "descargue de nuevo la exportación") from None


def _json_records(name: str, text: str):
    decoder = json.JSONDecoder()
    index = _skip_space(text, 0)
    if text[index] != "[":
        raise NotAnExport(f"{name} no es una lista de contratos en JSON ([{{...}}, {{...}}]) "
                          "como la de https://www.datos.gov.co/resource/jbjy-vk9h.json")
    index = _skip_space(text, index + 1)
    rows, labels = [], None
    while index < len(text) and text[index] != "]":
        line = text.count("\n", 0, index) + 1
        try:
            record, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as error:
            raise NotAnExport(f"{name}:{error.lineno}: el JSON está mal formado "
                              f"({error.msg})") from None
        except RecursionError:
            raise NotAnExport(f"{name}:{line}: el JSON tiene listas u objetos anidados a "
                              "demasiada profundidad; no es una exportación de SECOP II") from None
        if not isinstance(record, dict):
            raise NotAnExport(f"{name}:{line}: cada elemento de la lista debe ser un contrato "
                              "({...}), no un valor suelto")
        if labels is None:
            labels = _labels(name, list(record))
        rows.append(_json_row(line, record, labels))
        index = _skip_space(text, index)
        if index < len(text) and text[index] == ",":
            index = _skip_space(text, index + 1)
        elif index >= len(text) or text[index] != "]":
            line = text.count("\n", 0, index) + 1
            raise NotAnExport(f"{name}:{line}: el JSON está mal formado (falta una coma o el "
                              "corchete ] final)")
    if index >= len(text) or text[_skip_space(text, index + 1):].strip():
        raise NotAnExport(f"{name}: el JSON está mal formado (la lista no se cierra con ], o "
                          "hay texto después)")
    return rows


def _json_row(line: int, record: dict, labels: dict[str, str]) -> Row:
    # Field names differ between rows only in case or accents: match each row on its own.
    found: dict[str, str] = {}
    for field, value in record.items():
        ours = _COLUMN_KEYS.get(key(str(field)))
        if ours and ours not in found:
            found[ours] = _json_text(value)
    return Row(line, found, {**labels, **{ours: labels.get(ours, COLUMNS[ours][0])
                                          for ours in found}})


def _json_text(value) -> str:
    """A JSON value as the text a CSV would carry; urlproceso comes as {"url": "..."}."""
    if isinstance(value, dict):
        value = value.get("url", "")
    if value is None or isinstance(value, bool | list | dict):
        return ""
    return str(value).strip()


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index
