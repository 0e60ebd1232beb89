"""`invoke importar-secop`: contracts from a SECOP II export into content/contratos/ (DESIGN §11).

Each row of the entity's NIT becomes the file of its referencia: created, or
updated with what the export says while every field the export lacks (documentos,
porcentaje, adiciones, fecha_cierre...) is kept. Nothing is deleted. A SECOP value
that `SECOP_VALUES` does not list, a bad date or amount, or a result the validator
would refuse is reported with the row's line, and that row is left alone: the
others go on. `plan_import` writes nothing; `apply` writes each file atomically.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..content.file_checks import check_document, plain_reference, slugify
from ..content.schemas import schema_for
from ..content.yaml_loader import SourceError, parse_yaml, read_text, write_atomically
from .secop_export import Malformed, Row, key, read_export
from .yaml_writer import UnwritableValue, create_new, dump

# The one table from SECOP II's Spanish values to the site's codes (DESIGN §3).
# Values match without case, accents, spaces or punctuation. A value that is not
# here is reported, never guessed: add it here, with the reason, when it appears.
SECOP_VALUES = {
    "modalidad": {
        "Contratación directa": "contratacion_directa",
        "Contratación Directa (con ofertas)": "contratacion_directa",
        "Contratación régimen especial": "regimen_especial",
        "Contratación régimen especial (con ofertas)": "regimen_especial",
        "Mínima cuantía": "minima_cuantia",
        "Licitación pública": "licitacion_publica",
        "Licitación pública Obra Publica": "licitacion_publica",
        "Selección Abreviada de Menor Cuantía": "seleccion_abreviada",
        "Selección abreviada subasta inversa": "seleccion_abreviada",
        "Selección Abreviada servicios de Salud": "seleccion_abreviada",
        "Seleccion Abreviada Menor Cuantia Sin Manifestacion Interes": "seleccion_abreviada",
        "Concurso de méritos abierto": "concurso_de_meritos",
        "Concurso de méritos con precalificación": "concurso_de_meritos",
    },
    "tipo": {
        "Prestación de servicios": "prestacion_de_servicios",
        "Obra": "obra",
        "Suministros": "suministro",
        "Compraventa": "compraventa",
        "Consultoría": "consultoria",
        "Interventoría": "interventoria",
        "Arrendamiento de inmuebles": "arrendamiento",
        "Arrendamiento de muebles": "arrendamiento",
        "Otro": "otro",
    },
    "estado": {
        # Not signed yet: the contract exists in SECOP II with its contractor.
        "Borrador": "adjudicado",
        "En aprobación": "adjudicado",
        "enviado Proveedor": "adjudicado",
        # Signed, not started.
        "Firmado": "celebrado",
        "Activo": "celebrado",
        "En ejecución": "en_ejecucion",
        "Modificado": "en_ejecucion",  # a modification (addition, extension) while executed
        "Prorrogado": "en_ejecucion",
        "Suspendido": "suspendido",
        "terminado": "terminado",
        "Cerrado": "terminado",  # closed in SECOP II; liquidation is recorded by hand
        "Liquidado": "liquidado",
    },
    "tipo_documento": {
        "NIT": "NIT",
        "Cédula de Ciudadanía": "CC",
        "CC": "CC",
        "Cédula de Extranjería": "CE",
        "CE": "CE",
        "Pasaporte": "PA",
    },
}

_TRANSLATIONS = {column: {key(secop): ours for secop, ours in values.items()}
                 for column, values in SECOP_VALUES.items()}
_NOUNS = {"modalidad": "una modalidad", "tipo": "un tipo de contrato", "estado": "un estado",
          "tipo_documento": "un tipo de documento"}
_EMPTY = {"", key("No Definido"), key("No Aplica"), "na"}
"""SECOP II's ways of saying "no value"."""

EXECUTED = ("en_ejecucion", "suspendido", "terminado", "liquidado")
"""States whose contracts may carry `ejecucion` (the schema's rule)."""

FIELD_ORDER = ("referencia", "proceso", "modalidad", "tipo", "objeto", "valor", "contratista",
               "fecha_cierre", "fecha_firma", "fecha_inicio", "fecha_fin", "estado",
               "supervisor", "url_secop", "ejecucion", "adiciones", "documentos")
"""The order of the sample contracts; fields not listed follow in their own order."""

QUOTED = frozenset({"referencia", "documento"})

_ISO = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?"
                 r"(?:\s*[AaPp]\.?\s?[Mm]\.?)?)?")
_PESOS = re.compile(r"\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?")


class BadRow(Exception):
    """Why a row cannot be imported; the row is left alone."""


@dataclass
class FileChange:
    shown: str  # content/contratos/juridica/cps-012-2026.yml
    path: Path
    line: int  # the row's line in the export
    created: bool
    changes: list[tuple[str, str, str]]  # (field, before, after)
    text: str
    comments_lost: bool = False


@dataclass
class ImportPlan:
    export: str  # the export's name, for the messages
    rows: int = 0
    changes: list[FileChange] = field(default_factory=list)
    unchanged: int = 0
    other_entities: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


def nine_digits(nit: str) -> str:
    """"890.501.422-4" → "890501422": no dots, spaces, check digit or zeros in front."""
    digits = re.sub(r"\D", "", str(nit).split("-")[0]).lstrip("0")
    return digits[:9] if len(digits) == 10 else digits


def plan_import(export: Path, content_dir: Path, office: str, nit: str,
                today: datetime.date) -> ImportPlan:
    """What importing `export` into `content_dir` would create and change; writes nothing.

    Raises secop_export.NotAnExport when the file is not an export.
    """
    plan = ImportPlan(Path(export).name)
    rows = read_export(export)
    existing = _existing_contracts(content_dir)
    wanted = nine_digits(nit)
    targets: dict[str, list[tuple[Row, dict]]] = {}
    for row in rows:
        plan.rows += 1
        if isinstance(row, Malformed):
            plan.problems.append((row.line, row.reason))
            continue
        if nine_digits(row.values.get("nit_entidad", "")) != wanted:
            plan.other_entities += 1
            continue
        try:
            contract = contract_from_row(row)
        except BadRow as error:
            plan.problems.append((row.line, f"{error}; la fila no se importó"))
            continue
        targets.setdefault(slugify(contract["referencia"]), []).append((row, contract))
    for slug, found in targets.items():
        if len(found) > 1:
            _report_repeated(plan, slug, found)
            continue
        row, contract = found[0]
        path = existing.get(contract["referencia"].upper()) or existing.get(slug.upper())
        _plan_file(plan, row, contract, path, _Destination(content_dir, office, today))
    plan.problems.sort()
    plan.changes.sort(key=lambda change: change.line)
    return plan


def _report_repeated(plan: ImportPlan, slug: str, found: list[tuple[Row, dict]]) -> None:
    lines = ", ".join(str(row.line) for row, _ in found)
    referencias = list(dict.fromkeys(contract["referencia"] for _, contract in found))
    if len(referencias) == 1:
        message = (f"la referencia {referencias[0]} está en varias filas (líneas {lines}); "
                   "ninguna se importó: deje una sola en la exportación")
    else:
        message = (f"las referencias {', '.join(referencias)} (líneas {lines}) irían al mismo "
                   f"archivo {slug}.yml; ninguna se importó: publíquelas a mano con nombres "
                   "distintos")
    for row, _ in found:
        plan.problems.append((row.line, message))


def apply(plan: ImportPlan) -> None:
    """Write every created or changed file of `plan`, each one atomically. A file to create
    that appeared meanwhile is never replaced: it becomes one more problem of the plan."""
    for change in list(plan.changes):
        if not change.created:
            write_atomically(change.path, change.text)
            continue
        try:
            create_new(change.path, change.text)
        except FileExistsError:
            plan.changes.remove(change)
            plan.problems.append((change.line, (
                f"{change.shown} apareció mientras se importaba y no se reemplazó; vuelva a "
                "ejecutar la importación")))


# One row → the fields the export gives


def contract_from_row(row: Row) -> dict:
    """The contract fields a row carries (only those with a value); BadRow lists what is wrong."""
    values = {name: text for name, text in row.values.items() if key(text) not in _EMPTY}
    referencia = plain_reference(values.get("referencia", ""))
    if not slugify(referencia):
        raise BadRow(f"{row.labels['referencia']} está vacía: sin referencia no se sabe qué "
                     "archivo escribir")
    errors: list[str] = []

    def attempt(function, column):
        try:
            return function(row, values, column)
        except BadRow as error:
            errors.append(str(error))
            return None

    contract: dict = {"referencia": referencia}
    _set(contract, "proceso", values.get("proceso"))
    contract["modalidad"] = attempt(_translate, "modalidad")
    contract["tipo"] = attempt(_translate, "tipo")
    _set(contract, "objeto", " ".join((values.get("objeto") or values.get("descripcion")
                                       or "").split()))
    contract["valor"] = attempt(_pesos, "valor")
    contratista = {}
    _set(contratista, "nombre", values.get("contratista"))
    if "tipo_documento" in values:
        contratista["tipo_documento"] = attempt(_translate, "tipo_documento")
    _set(contratista, "documento", values.get("documento"))
    if contratista:
        contract["contratista"] = contratista
    for name in ("fecha_firma", "fecha_inicio", "fecha_fin"):
        _set(contract, name, attempt(_date, name))
    contract["estado"] = attempt(_translate, "estado")
    _set(contract, "supervisor", values.get("supervisor"))
    _set(contract, "url_secop", values.get("url"))
    if contract["estado"] in EXECUTED and "valor_pagado" in values and "actualizacion" in values:
        contract["ejecucion"] = {"fecha_corte": attempt(_date, "actualizacion"),
                                 "valor_pagado": attempt(_pesos, "valor_pagado")}
    if errors:
        raise BadRow("; ".join(errors))
    return contract


def _set(target: dict, name: str, value) -> None:
    if value:
        target[name] = value


def _translate(row: Row, values: dict, column: str) -> str:
    text = values.get(column, "")
    label = row.labels.get(column, column)
    if not text:
        raise BadRow(f"{label} está vacío")
    ours = _TRANSLATIONS[column].get(key(text))
    if ours is None:
        allowed = schema_for("contratos").document["properties"]
        choices = (allowed[column]["enum"] if column in allowed
                   else allowed["contratista"]["properties"][column]["enum"])
        raise BadRow(f'{label} "{text}" no se puede traducir a {_NOUNS[column]} del sitio '
                     f"({', '.join(choices)}); publique ese contrato a mano, o pida que se "
                     "agregue el valor a la tabla SECOP_VALUES de plugins/municipal/staff/secop.py")
    return ours


def _date(row: Row, values: dict, column: str) -> str | None:
    text = values.get(column)
    if not text:
        return None
    iso, us = _ISO.fullmatch(text), _US.fullmatch(text)
    try:
        if iso:
            return datetime.date.fromisoformat(iso[1]).isoformat()
        if us:
            return datetime.date(int(us[3]), int(us[1]), int(us[2])).isoformat()
    except ValueError:
        pass
    raise BadRow(f'{row.labels.get(column, column)} "{text}" no es una fecha válida (se espera '
                 "AAAA-MM-DD o MM/DD/AAAA hh:mm:ss AM)")


def _pesos(row: Row, values: dict, column: str) -> int:
    text = values.get(column, "")
    match = _PESOS.fullmatch(text)
    if not match:
        raise BadRow(f'{row.labels.get(column, column)} "{text}" no es un valor en pesos '
                     "(un número entero, como 38500000 o $38,500,000)")
    return int(match[1].replace(",", ""))


# One contract → its file


def _existing_contracts(content_dir: Path) -> dict[str, Path]:
    """REFERENCIA → file, for every contract file: by its referencia, or by its name when it
    has none (a file named like a referencia but holding another one is not that contract)."""
    found: dict[str, Path] = {}
    for path in sorted((content_dir / "contratos").glob("*/*.yml")):
        try:
            data = parse_yaml(read_text(path)).data
        except (OSError, SourceError):
            data = None
        referencia = data.get("referencia") if isinstance(data, dict) else None
        if isinstance(referencia, str) and referencia.strip():
            found.setdefault(plain_reference(referencia).upper(), path)
        else:  # unreadable, or without referencia: known by its name, to report it
            found.setdefault(path.stem.upper(), path)
    return found


@dataclass(frozen=True)
class _Destination:
    content_dir: Path
    office: str  # where new contracts go
    today: datetime.date


def _plan_file(plan: ImportPlan, row: Row, contract: dict, path: Path | None,
               where: _Destination) -> None:
    content_dir = where.content_dir
    before: dict = {}
    header: list[str] = []
    comments_lost = False
    if path is None:
        path = content_dir / "contratos" / where.office / f"{slugify(contract['referencia'])}.yml"
        if path.exists() or path.is_symlink():  # named like the referencia, but not its file
            plan.problems.append((row.line, (
                f"{_shown(content_dir, path)} ya existe pero no es el contrato "
                f"{contract['referencia']}: revíselo con invoke validar; la fila no se importó")))
            return
    else:
        try:
            text = read_text(path)
            before = parse_yaml(text).data
        except (OSError, SourceError) as error:
            reason = error.message if isinstance(error, SourceError) else error.strerror
            plan.problems.append((row.line, (
                f"{_shown(content_dir, path)} no se puede leer ({reason}); corríjalo con "
                "invoke validar y vuelva a importar; la fila no se importó")))
            return
        if not isinstance(before, dict):
            before = {}
        header, comments_lost = _comments(text)
    after = _merged(before, contract)
    shown = _shown(content_dir, path)
    if after == before:
        plan.unchanged += 1
        return
    try:
        body = dump(after, quoted=QUOTED)
    except UnwritableValue as error:
        plan.problems.append((row.line, f"{shown} no se pudo escribir ({error}); corríjalo con "
                                        "invoke validar; la fila no se importó"))
        return
    problem = _refusal(body, after, path, content_dir, where.today)
    if problem:
        plan.problems.append((row.line, f"{shown} quedaría con errores y no se escribió: "
                                        f"{problem}"))
        return
    text = "".join(f"{line}\n" for line in header) + body
    plan.changes.append(FileChange(shown, path, row.line, not before,
                                   _differences(before, after), text, comments_lost))


def _merged(before: dict, imported: dict) -> dict:
    """`before` with what the export says; nothing of `before` is dropped."""
    merged = dict(before)
    if before.get("estado") == "liquidado" and imported.get("estado") == "terminado":
        # SECOP II's «terminado» or «Cerrado» does not say whether the contract was
        # liquidated; a liquidation written by hand is not undone by the next import.
        imported = {**imported, "estado": "liquidado"}
    for name, value in imported.items():
        if isinstance(value, dict) and isinstance(merged.get(name), dict):
            merged[name] = {**merged[name], **value}
        else:
            merged[name] = value
    known = [name for name in FIELD_ORDER if name in merged]
    return {name: merged[name] for name in known + [n for n in merged if n not in known]}


def _refusal(body: str, after: dict, path: Path, content_dir: Path,
             today: datetime.date) -> str | None:
    """What the validator would say about the file, or None if it accepts it."""
    relpath = path.relative_to(content_dir).as_posix()
    report, _ = check_document(relpath, "contratos", body.encode("utf-8"))
    problems = [f"{name}: {message}" if name else message
                for _, name, message in report.problems]
    corte = (after.get("ejecucion") or {}).get("fecha_corte")
    if isinstance(corte, str) and corte > today.isoformat():
        problems.append(f"ejecucion.fecha_corte: la fecha de corte {corte} es futura")
    return "; ".join(problems) or None


def _differences(before: dict, after: dict, prefix: str = "") -> list[tuple[str, str, str]]:
    found = []
    for name, value in after.items():
        old = before.get(name)
        if isinstance(value, dict) and isinstance(old, dict):
            found += _differences(old, value, f"{prefix}{name}.")
        elif isinstance(value, dict):
            found += _differences({}, value, f"{prefix}{name}.")
        elif value != old:
            found.append((f"{prefix}{name}", _show(old), _show(value)))
    return found


def _show(value) -> str:
    if value is None:
        return "(vacío)"
    if isinstance(value, list):
        return f"({len(value)} elementos)"
    return str(value)


def _comments(text: str) -> tuple[list[str], bool]:
    """The comment lines at the top of a file (kept), and whether it has others (lost)."""
    lines = text.split("\n")
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    rest = lines[len(header):]
    return header, any(line.lstrip().startswith("#") or " #" in line for line in rest)


def _shown(content_dir: Path, path: Path) -> str:
    return f"{content_dir.name}/{path.relative_to(content_dir).as_posix()}"
