"""Rules across files (DESIGN.md §3), run on every validation from cheap inputs.

They read the site files (entidad, oficinas, plan), the path of every content
file and the facts `file_checks` recorded for it, and the list of attachments.
Nothing here is cached, so a change to any of these inputs (a new office, a
removed PDF, a new day) is always taken into account.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from .file_checks import FileReport
from .layout import KIND_EXTENSIONS, ContentFile
from .messages import field_name, suggestion
from .yaml_loader import YamlDocument

RESERVED_PAGE_SLUGS = frozenset({
    *KIND_EXTENSIONS, "oficinas", "cumplimiento", "adjuntos", "theme", "feeds",
    "transparencia", "mapa-del-sitio", "informe-de-empalme",
})
"""Top-level folders of the built site that an institutional page cannot take."""

Finding = tuple[str, int, str, str]
"""(path relative to the content folder, line, field, message)."""


@dataclass
class SiteInputs:
    """Everything the cross-file rules read."""

    site_documents: dict[str, YamlDocument]  # entidad.yml, oficinas.yml, plan.yml
    site_reports: dict[str, FileReport]  # their own checks, for the facts
    reports: list[tuple[ContentFile, FileReport]]
    attachments: set[str]
    today: datetime.date


def cross_file_problems(inputs: SiteInputs) -> Iterator[Finding]:
    offices = _office_ids(inputs)
    yield from _unique_ids(inputs, "oficinas.yml", "oficinas", "oficina")
    yield from _unique_ids(inputs, "plan.yml", "acciones", "acción")
    yield from _institutional_emails(inputs)
    if offices:
        yield from _office_folders(inputs, offices)
        yield from _plan_offices(inputs, offices)
    yield from _vigencias_in_term(inputs)
    yield from _unique_slugs(inputs)
    yield from _reserved_page_slugs(inputs)
    yield from _unique_referencias(inputs)
    yield from _attachments_exist(inputs)
    yield from _body_links_exist(inputs)
    yield from _news_not_in_future(inputs)
    yield from _cut_date_not_in_future(inputs)
    yield from _attendance_only_after_the_event(inputs)


def _office_ids(inputs: SiteInputs) -> list[str]:
    ids = [office["id"] for _, office in _items(inputs, "oficinas.yml", "oficinas")
           if isinstance(office.get("id"), str)]
    return list(dict.fromkeys(ids))


def _items(inputs: SiteInputs, name: str, key: str):
    """(index, item) of the list `key` of a site file, mappings only."""
    document = inputs.site_documents.get(name)
    data = document.data if document else None
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def _unique_ids(inputs: SiteInputs, name: str, key: str, noun: str) -> Iterator[Finding]:
    document = inputs.site_documents.get(name)
    first_line: dict[str, int] = {}
    for index, item in _items(inputs, name, key):
        identifier = item.get("id")
        if not isinstance(identifier, str):
            continue
        path = (key, index, "id")
        line = document.line_of(path)
        if identifier in first_line:
            yield name, line, field_name(path), (
                f'el id "{identifier}" ya es de otra {noun} (línea '
                f"{first_line[identifier]}); cada {noun} necesita un id distinto"
            )
        else:
            first_line[identifier] = line


def _institutional_emails(inputs: SiteInputs) -> Iterator[Finding]:
    entidad = inputs.site_documents.get("entidad.yml")
    domain = entidad.data.get("dominio") if entidad and isinstance(entidad.data, dict) else None
    if not isinstance(domain, str) or not domain or _has_problem(inputs, "entidad.yml", "dominio"):
        return  # a wrong domain is reported once, not once per e-mail address
    located = [("entidad.yml", entidad, (name,)) for name in
               ("correo_contacto", "correo_notificaciones_judiciales")]
    oficinas = inputs.site_documents.get("oficinas.yml")
    located += [("oficinas.yml", oficinas, ("oficinas", index, "correo"))
                for index, _ in _items(inputs, "oficinas.yml", "oficinas")]
    for name, document, path in located:
        email = _value_at(document.data, path)
        if isinstance(email, str) and "@" in email and not _on_domain(email, domain):
            yield name, document.line_of(path), field_name(path), (
                f'"{email}" no es un correo institucional; use una dirección '
                f"@{domain} (el dominio de entidad.yml)"
            )


def _has_problem(inputs: SiteInputs, name: str, field: str) -> bool:
    report = inputs.site_reports.get(name)
    return report is not None and any(problem[1] == field for problem in report.problems)


def _on_domain(email: str, domain: str) -> bool:
    host = email.rsplit("@", 1)[1].lower()
    domain = domain.lower()
    return host == domain or host.endswith("." + domain)


def _office_folders(inputs: SiteInputs, offices: list[str]) -> Iterator[Finding]:
    for file, _ in inputs.reports:
        if file.office not in offices:
            yield file.relpath, 1, "", (
                f'la carpeta "{file.office}" no es una oficina de oficinas.yml; '
                f"use una de: {', '.join(offices)}" + _near(file.office, offices)
            )


def _plan_offices(inputs: SiteInputs, offices: list[str]) -> Iterator[Finding]:
    plan = inputs.site_documents.get("plan.yml")
    for index, action in _items(inputs, "plan.yml", "acciones"):
        listed = action.get("oficinas")
        if not isinstance(listed, list):
            continue
        for position, office in enumerate(listed):
            if isinstance(office, str) and office not in offices:
                path = ("acciones", index, "oficinas", position)
                yield "plan.yml", plan.line_of(path), field_name(path), (
                    f'"{office}" no es una oficina de oficinas.yml; use una de: '
                    f"{', '.join(offices)}" + _near(office, offices)
                )


def _vigencias_in_term(inputs: SiteInputs) -> Iterator[Finding]:
    """With a term of office in entidad.yml, an action is evaluated only in its years."""
    entidad = inputs.site_documents.get("entidad.yml")
    term = entidad.data.get("administracion") if entidad and isinstance(entidad.data, dict) \
        else None
    if not isinstance(term, dict) or inputs.site_reports.get("entidad.yml", FileReport()).problems:
        return
    desde, hasta = term.get("desde"), term.get("hasta")
    if not (isinstance(desde, str) and isinstance(hasta, str)):
        return
    first, last = int(desde[:4]), int(hasta[:4])
    plan = inputs.site_documents.get("plan.yml")
    for index, action in _items(inputs, "plan.yml", "acciones"):
        vigencias = action.get("vigencias")
        for position, year in enumerate(vigencias if isinstance(vigencias, list) else []):
            if isinstance(year, int) and not isinstance(year, bool) \
                    and not first <= year <= last:
                path = ("acciones", index, "vigencias", position)
                yield "plan.yml", plan.line_of(path), field_name(path), (
                    f"{year} está fuera del período de gobierno de entidad.yml "
                    f"({desde} a {hasta}); use un año entre {first} y {last}"
                )


def _unique_slugs(inputs: SiteInputs) -> Iterator[Finding]:
    first: dict[tuple[str, str], str] = {}
    for file, _ in inputs.reports:
        key = (file.kind, file.slug)
        if key in first:
            yield file.relpath, 1, "", (
                f'el nombre "{file.slug}" ya lo usa content/{first[key]}: las dos '
                "páginas tendrían la misma dirección web; cambie el nombre de uno"
            )
        else:
            first[key] = file.relpath


def _reserved_page_slugs(inputs: SiteInputs) -> Iterator[Finding]:
    for file, _ in inputs.reports:
        if file.kind == "paginas" and file.slug in RESERVED_PAGE_SLUGS:
            yield file.relpath, 1, "", (
                f'"{file.slug}" es una sección del sitio y no puede ser el nombre de '
                "una página; cambie el nombre del archivo"
            )


def _unique_referencias(inputs: SiteInputs) -> Iterator[Finding]:
    first: dict[str, tuple[str, int]] = {}
    for file, report in inputs.reports:
        if "referencia" not in report.facts:
            continue
        referencia, line = report.facts["referencia"]
        key = referencia.strip().upper()
        if key in first:
            other, other_line = first[key]
            yield file.relpath, line, "referencia", (
                f'la referencia "{referencia}" ya está en content/{other} '
                f"(línea {other_line}); cada contrato tiene una referencia distinta"
            )
        else:
            first[key] = (file.relpath, line)


def _attachments_exist(inputs: SiteInputs) -> Iterator[Finding]:
    for file, report in _all_reports(inputs):
        for path, line, field in report.facts.get("archivos", []):
            if path.startswith("adjuntos/") and path not in inputs.attachments:
                yield file, line, field, (
                    f"el archivo {path} no existe en content/adjuntos/; súbalo a esa "
                    "carpeta o corrija la ruta" + _near(path, inputs.attachments)
                )


def _body_links_exist(inputs: SiteInputs) -> Iterator[Finding]:
    """{filename} links lead to a content file or attachment, {static}/{attach} to an attachment."""
    pages = {file.relpath: report for file, report in inputs.reports}
    for file, report in inputs.reports:
        for what, target, line in report.facts.get("enlaces", []):
            if target in inputs.attachments:
                continue
            if what == "filename" and target in pages:
                if pages[target].facts.get("borrador"):
                    yield file.relpath, line, "", (
                        f"el enlace {{filename}} lleva a content/{target}, que es un "
                        "borrador y no se publica; quite el enlace o publique esa noticia"
                    )
                continue
            if target in pages:
                yield file.relpath, line, "", (
                    f"el enlace {{{what}}} lleva a content/{target}, que es una página y no "
                    f"un adjunto; escriba {{filename}} en lugar de {{{what}}}"
                )
                continue
            where = "content/" if what == "filename" else "content/adjuntos/"
            known = inputs.attachments | (pages.keys() if what == "filename" else set())
            yield file.relpath, line, "", (
                f"el enlace {{{what}}} lleva a content/{target}, que no existe; corrija la "
                f"ruta (se escribe desde {where}, por ejemplo {{{what}}}/"
                + ("paginas/<oficina>/<nombre>.md" if what == "filename"
                   else "adjuntos/<oficina>/<archivo>.pdf")
                + ")" + _near(target, known)
            )


def _all_reports(inputs: SiteInputs):
    yield from inputs.site_reports.items()
    for file, report in inputs.reports:
        yield file.relpath, report


def _news_not_in_future(inputs: SiteInputs) -> Iterator[Finding]:
    today = inputs.today.isoformat()
    for file, report in inputs.reports:
        fecha = report.facts.get("fecha")
        if fecha and fecha[0] > today and not report.facts.get("borrador"):
            yield file.relpath, fecha[1], "fecha", (
                f"la fecha {fecha[0]} es futura (hoy es {today}); corríjala, o "
                "agregue borrador: true para guardar la noticia sin publicarla"
            )


def _cut_date_not_in_future(inputs: SiteInputs) -> Iterator[Finding]:
    today = inputs.today.isoformat()
    for file, report in inputs.reports:
        corte = report.facts.get("fecha_corte")
        if corte and corte[0] > today:
            yield file.relpath, corte[1], "ejecucion.fecha_corte", (
                f"la fecha de corte {corte[0]} es futura (hoy es {today}); escriba la "
                "fecha a la que corresponden lo pagado y el avance, hoy o antes"
            )


def _attendance_only_after_the_event(inputs: SiteInputs) -> Iterator[Finding]:
    """asistentes is known once the event has taken place: on its day or later."""
    today = inputs.today.isoformat()
    for file, report in inputs.reports:
        fecha = (report.facts.get("fecha_evento") or [None])[0]
        if fecha and fecha > today and "asistentes" in report.facts:
            yield file.relpath, report.facts["asistentes"], "asistentes", (
                f"el evento es del {fecha} y aún no ha ocurrido (hoy es {today}); quite "
                "asistentes y escriba cuántas personas asistieron después del evento"
            )


def _near(wrong: str, choices) -> str:
    hint = suggestion(wrong, sorted(choices))
    return "." + hint if hint else ""


def _value_at(data, path: tuple):
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
