"""Check one file on its own: it parses, it matches its schema, its own rules hold.

The result depends only on the file's path and bytes (and on the schemas and
this code), so it can be cached by content hash. What the cross-file rules
need later (referencia, dates, attachments) is returned as plain "facts".
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .formats import is_date
from .markdown_body import check_body
from .messages import explain, field_name
from .schemas import schema_for
from .text_checks import text_problem, text_problems
from .yaml_loader import SourceError, YamlDocument, decode_text, parse_yaml, split_front_matter

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
NEWS_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-(.+)")
MONTH_NAME = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
CONTRACT_DATES = ("fecha_firma", "fecha_inicio", "fecha_fin")
LOOKALIKE_HYPHENS = re.compile(r"\s*[-\u2010-\u2015\u2043\u2212\ufe58\ufe63\uff0d]\s*")
"""The hyphen, the dashes and minus signs that look like it, and the spaces around them."""


@dataclass
class FileReport:
    """The problems of one file, as (line, field, message), and its facts."""

    problems: list[tuple[int, str, str]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def add(self, line: int | None, field_name_: str, message: str) -> None:
        self.problems.append((line or 1, field_name_, message))

    def to_json(self) -> dict:
        return {"problems": [list(problem) for problem in self.problems],
                "facts": self.facts}

    @classmethod
    def from_json(cls, data: dict) -> FileReport:
        return cls([tuple(problem) for problem in data["problems"]], data["facts"])


def check_file(relpath: str, kind: str, raw: bytes) -> FileReport:
    """Check a content file (`kind` is its folder) or a site file (its name)."""
    return check_document(relpath, kind, raw)[0]


def check_document(relpath: str, kind: str,
                   raw: bytes) -> tuple[FileReport, YamlDocument | None]:
    """Like check_file, also returning the parsed document (None if unreadable)."""
    report = FileReport()
    try:
        text = decode_text(raw)
        if relpath.endswith(".md"):
            front, body, body_line = split_front_matter(text)
            document = parse_yaml(front, first_line=2)
            _check_body(report, relpath, body, body_line)
        else:
            document = parse_yaml(text)
    except SourceError as error:
        report.add(error.line, "", error.message)
        return report, None
    _check_schema(report, kind, document)
    _FILE_RULES.get(kind, _no_rules)(report, relpath, document)
    report.facts["archivos"] = list(_attachments(document))
    return report, document


def _check_schema(report: FileReport, kind: str, document: YamlDocument) -> None:
    """Text hygiene first; a text it refused gets no second message from the schema.

    A value of the wrong type gets only that message: "12" for meta_anual is
    told to be a number, not also that it is not one of 1, 2, 3, 4, 6, 12.
    """
    schema = schema_for(kind)
    refused = set()
    for path, message in text_problems(document.data, schema.document):
        refused.add(path)
        report.add(document.line_of(path), field_name(path), message)
    errors = schema.errors(document.data)
    mistyped = {tuple(error.absolute_path) for error in errors if error.validator == "type"}
    for error in errors:
        if error.validator != "type" and tuple(error.absolute_path) in mistyped:
            continue
        for path, message, line_path in explain(error):
            if path not in refused:
                report.add(document.line_of(line_path), field_name(path), message)


def _check_body(report: FileReport, relpath: str, body: str, first_line: int) -> None:
    """HTML, links and limits of a Markdown body; its Pelican links become a fact."""
    body_report = check_body(body, first_line, relpath)
    for line, message in body_report.problems:
        report.add(line, "", message)
    if body_report.links:
        report.facts["enlaces"] = body_report.links


def _check_news(report: FileReport, relpath: str, document: YamlDocument) -> None:
    fecha = _check_dated_name(report, relpath, document, "de la noticia",
                              "2026-03-15-jornada-de-vacunacion.md")
    if fecha:
        report.facts["fecha"] = [fecha, document.line_of(("fecha",))]
    report.facts["borrador"] = _mapping(document).get("borrador") is True


def _check_event(report: FileReport, relpath: str, document: YamlDocument) -> None:
    """An event's file name carries its date; the date and attendance become facts.

    Whether the event is past (and may have asistentes) depends on the day of the
    check, so that rule is a cross-file one: this report is cached by content.
    """
    data = _mapping(document)
    fecha = _check_dated_name(report, relpath, document, "del evento",
                              "2027-02-13-socializacion-en-llano-grande.md")
    if fecha:
        report.facts["fecha_evento"] = [fecha, document.line_of(("fecha",))]
    if "asistentes" in data:
        report.facts["asistentes"] = document.line_of(("asistentes",))
    report.facts["borrador"] = data.get("borrador") is True


def _check_dated_name(report: FileReport, relpath: str, document: YamlDocument,
                      whose: str, example: str) -> str | None:
    """The file name is AAAA-MM-DD-slug.md with the date of `fecha`; returns that date
    when it is a real one (news and events)."""
    fecha = _mapping(document).get("fecha")
    match = NEWS_NAME.fullmatch(_stem(relpath))
    if not match or not SLUG.fullmatch(match[2]):
        report.add(1, "", (
            "el nombre del archivo debe ser AAAA-MM-DD-titulo-corto.md, con la "
            f"fecha {whose} y solo minúsculas sin tildes, números y guiones "
            f"(por ejemplo {example})"
        ))
    elif isinstance(fecha, str) and is_date(fecha) and fecha != match[1]:
        report.add(document.line_of(("fecha",)), "fecha", (
            f"la fecha {fecha} no coincide con la del nombre del archivo "
            f"({match[1]}); corrija una de las dos"
        ))
    return fecha if isinstance(fecha, str) and is_date(fecha) else None


def _check_slug_name(report: FileReport, relpath: str, document: YamlDocument) -> None:
    stem = _stem(relpath)
    if not SLUG.fullmatch(stem):
        report.add(1, "", (
            f'el nombre del archivo "{stem}" será parte de la dirección web: use '
            "solo minúsculas sin tildes, números y guiones (por ejemplo "
            "certificado-de-residencia.yml)"
        ))


def _check_contract(report: FileReport, relpath: str, document: YamlDocument) -> None:
    data = _mapping(document)
    referencia = data.get("referencia")
    if isinstance(referencia, str) and text_problem(referencia, multiline=False) is None:
        line = document.line_of(("referencia",))
        written_as = plain_reference(referencia)
        report.facts["referencia"] = [written_as, line]
        expected = slugify(written_as)
        if written_as != referencia:
            report.add(line, "referencia", (
                f'"{referencia}" tiene espacios o guiones que no son el guion común (-); '
                f"escríbala así: {written_as}"
            ))
        elif _stem(relpath) != expected:
            report.add(line, "referencia", (
                f'el archivo debe llamarse como su referencia: "{expected}.yml" '
                "(renómbrelo, o corrija la referencia)"
            ))
    _check_contract_dates(report, data, document)
    _check_additions_dates(report, data, document)
    _check_amount_paid(report, data, document)


def _check_contract_dates(report: FileReport, data: dict, document: YamlDocument) -> None:
    """fecha_firma ≤ fecha_inicio ≤ fecha_fin, for the dates that are given."""
    given = [(name, data[name]) for name in CONTRACT_DATES
             if isinstance(data.get(name), str) and is_date(data[name])]
    for (earlier, first), (later, second) in itertools.pairwise(given):
        if second < first:
            report.add(document.line_of((later,)), later, (
                f"{second} es anterior a {earlier} ({first}); debe ser igual o posterior"
            ))


def _check_additions_dates(report: FileReport, data: dict, document: YamlDocument) -> None:
    """Every addition is dated on or after fecha_firma."""
    firma = data.get("fecha_firma")
    if not (isinstance(firma, str) and is_date(firma)):
        return
    for index, addition in enumerate(_list(data.get("adiciones"))):
        fecha = addition.get("fecha") if isinstance(addition, dict) else None
        if isinstance(fecha, str) and is_date(fecha) and fecha < firma:
            path = ("adiciones", index, "fecha")
            report.add(document.line_of(path), field_name(path), (
                f"la adición es del {fecha}, anterior a fecha_firma ({firma}); una adición "
                "se firma el mismo día del contrato o después: corrija una de las dos fechas"
            ))


def _check_amount_paid(report: FileReport, data: dict, document: YamlDocument) -> None:
    """valor_pagado ≤ valor + the additions' valor; records fecha_corte as a fact."""
    ejecucion = data.get("ejecucion")
    if not isinstance(ejecucion, dict):
        return
    corte = ejecucion.get("fecha_corte")
    if isinstance(corte, str) and is_date(corte):
        report.facts["fecha_corte"] = [corte, document.line_of(("ejecucion", "fecha_corte"))]
    pagado, valor = ejecucion.get("valor_pagado"), data.get("valor")
    added = [addition.get("valor", 0) for addition in _list(data.get("adiciones"))
             if isinstance(addition, dict)]
    if not all(_is_integer(amount) for amount in (pagado, valor, *added)):
        return
    total = valor + sum(added)
    if pagado > total:
        path = ("ejecucion", "valor_pagado")
        with_additions = f" más las adiciones ({_pesos(sum(added))})" if added else ""
        report.add(document.line_of(path), field_name(path), (
            f"lo pagado ({_pesos(pagado)}) supera el valor del contrato ({_pesos(valor)})"
            f"{with_additions}, que suman {_pesos(total)}: corrija valor_pagado, "
            "o registre la adición que falta en adiciones"
        ))


def _check_visits(report: FileReport, relpath: str, document: YamlDocument) -> None:
    """visitas/AAAA-MM.yml: the name is the month, and the counts agree with each other.

    Each visitor of a day made at least one visit that day, so visitantes ≤ visitas;
    every visit has exactly one section, and at most one origin.
    """
    data = _mapping(document)
    stem = _stem(relpath)
    mes = data.get("mes")
    if not MONTH_NAME.fullmatch(stem):
        report.add(1, "", (
            "el nombre del archivo debe ser el mes, AAAA-MM.yml (por ejemplo 2026-10.yml); "
            "estos archivos los escribe la orden invoke visitas"))
    elif isinstance(mes, str) and mes != stem:
        report.add(document.line_of(("mes",)), "mes", (
            f"el mes {mes} no coincide con el del nombre del archivo ({stem}); vuelva a "
            "ejecutar invoke visitas en lugar de editar el archivo"))
    visitas, visitantes = data.get("visitas"), data.get("visitantes")
    if not _is_integer(visitas):
        return
    if _is_integer(visitantes) and visitantes > visitas:
        report.add(document.line_of(("visitantes",)), "visitantes", (
            f"hay más visitantes ({visitantes}) que visitas ({visitas}); cada visitante hizo "
            "al menos una visita: vuelva a ejecutar invoke visitas"))
    for name, relation in (("secciones", "lo mismo que"), ("origenes", "a lo sumo")):
        counts = data.get(name)
        if not isinstance(counts, dict) or not counts:
            continue
        if not all(_is_integer(value) for value in counts.values()):
            continue
        total = sum(counts.values())
        if total > visitas or (name == "secciones" and total != visitas):
            report.add(document.line_of((name,)), name, (
                f"las visitas de {name} suman {total} y deben sumar {relation} visitas "
                f"({visitas}): vuelva a ejecutar invoke visitas"))
    if not report.problems:
        report.facts["cifras"] = data


def _is_integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _pesos(value: int) -> str:
    """`$ 38.500.000`, as the contract page shows it."""
    return "$ " + f"{value:,}".replace(",", ".")


def _list(value) -> list:
    return value if isinstance(value, list) else []


MEASURED_BY_HISTORY = "historial"
"""The default `medicion`: updates counted from git history (DESIGN.md §5)."""
HISTORY_ONLY_FIELDS = ("tipos", "meta_anual")


def _check_plan(report: FileReport, relpath: str, document: YamlDocument) -> None:
    """What each `medicion` needs (DESIGN.md §3, §5.1), and tipos_evento only with eventos."""
    acciones = _mapping(document).get("acciones")
    for index, accion in enumerate(_list(acciones)):
        if not isinstance(accion, dict):
            continue
        medicion = accion.get("medicion", MEASURED_BY_HISTORY)
        if medicion == MEASURED_BY_HISTORY:
            for name in HISTORY_ONLY_FIELDS:
                if name not in accion:
                    report.add(document.line_of(("acciones", index)),
                               field_name(("acciones", index, name)), (
                        "falta este campo: una acción que se mide por historial (lo normal "
                        "cuando no se escribe medicion) necesita tipos (las carpetas que "
                        "cuentan) y meta_anual (cuántas actualizaciones al año)"))
        elif medicion in ("visitas", "ninguna"):
            for name in (*HISTORY_ONLY_FIELDS, "tipos_evento"):
                if name in accion:
                    path = ("acciones", index, name)
                    report.add(document.line_of(path), field_name(path), (
                        f"una acción con medicion: {medicion} no usa {name}; quítelo, o "
                        "cambie medicion a historial si la acción se mide por "
                        "actualizaciones"))
            continue
        if "tipos_evento" not in accion:
            continue
        tipos = accion.get("tipos")
        if isinstance(tipos, list) and "eventos" not in tipos:
            path = ("acciones", index, "tipos_evento")
            report.add(document.line_of(path), field_name(path), (
                "tipos_evento solo sirve cuando tipos incluye eventos; agregue eventos a "
                "tipos o quite tipos_evento"
            ))


def _check_entidad(report: FileReport, relpath: str, document: YamlDocument) -> None:
    """The term of office ends after it begins."""
    administracion = _mapping(document).get("administracion")
    if not isinstance(administracion, dict):
        return
    desde, hasta = administracion.get("desde"), administracion.get("hasta")
    if isinstance(desde, str) and isinstance(hasta, str) and is_date(desde) \
            and is_date(hasta) and hasta < desde:
        path = ("administracion", "hasta")
        report.add(document.line_of(path), field_name(path), (
            f"el período de gobierno termina ({hasta}) antes de empezar ({desde}); "
            "revise las fechas desde y hasta"))


def _no_rules(report: FileReport, relpath: str, document: YamlDocument) -> None:
    """Site files (entidad, oficinas, plan) have only cross-file rules."""


_FILE_RULES = {
    "noticias": _check_news,
    "eventos": _check_event,
    "plan.yml": _check_plan,
    "entidad.yml": _check_entidad,
    "paginas": _check_slug_name,
    "tramites": _check_slug_name,
    "contratos": _check_contract,
    "visitas": _check_visits,
}


def plain_reference(referencia: str) -> str:
    """"CPS‐012 2026" → "CPS-012-2026": look-alike hyphens and spaces become "-"."""
    return "-".join(LOOKALIKE_HYPHENS.sub("-", referencia).split()).strip("-")


def slugify(text: str) -> str:
    """"CPS-012-2026" → "cps-012-2026"; accents dropped, other signs become "-"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _attachments(document: YamlDocument, path: tuple = ()):
    """Every `archivo` (and entidad's `escudo`) value, with its line and field."""
    value = document.data
    for part in path:
        value = value[part]
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("archivo", "escudo") and isinstance(item, str):
                yield [item, document.line_of((*path, key)), field_name((*path, key))]
            elif isinstance(item, dict | list):
                yield from _attachments(document, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict | list):
                yield from _attachments(document, (*path, index))


def _mapping(document: YamlDocument) -> dict:
    return document.data if isinstance(document.data, dict) else {}


def _stem(relpath: str) -> str:
    return relpath.rsplit("/", 1)[-1].rsplit(".", 1)[0]

