"""The esquema de publicación (item 7.1.3, DESIGN.md §9): what the site publishes, and how.

One row per category of information: each kind of content of each office, then
each item of the menu that the site or pages fill. `rows()` is pure: the first
git date of each file (indicators/history.py's `first_dates`) comes in as data.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Mapping
from dataclasses import dataclass

from ..content.model import Site
from .catalogue import Catalogue
from .fillings import page_claims, present_sources

FREQUENCIES = {12: "Mensual", 6: "Bimestral", 4: "Trimestral", 3: "Cuatrimestral",
               2: "Semestral", 1: "Anual"}
WHEN_IT_CHANGES = "Cuando cambia"
LANGUAGE = "Español"
MEDIUM = "Electrónico"
FORMAT = "HTML"
KIND_NAMES = {"noticias": "Noticias", "eventos": "Eventos", "tramites": "Trámites",
              "contratos": "Contratación", "paginas": "Páginas institucionales"}
CSV_COLUMNS = ("nombre", "idioma", "medio_de_conservacion", "formato", "fecha_de_generacion",
               "frecuencia_de_actualizacion", "lugar_de_consulta",
               "responsable_de_la_produccion", "responsable_de_la_informacion")


@dataclass(frozen=True)
class Row:
    """One category of information, with the columns the resolution names."""

    nombre: str
    fecha_de_generacion: datetime.date | None  # None: no git history to date it
    frecuencia_de_actualizacion: str
    lugar_de_consulta: str  # root-relative ("/oficinas/gobierno/") or an https:// link
    responsable_de_la_produccion: str
    responsable_de_la_informacion: str
    idioma: str = LANGUAGE
    medio_de_conservacion: str = MEDIUM
    formato: str = FORMAT


def frequency(plan: dict, kind: str | None, offices: list[str]) -> str:
    """The most frequent target of the plan's actions that measure this kind for these
    offices (meta_anual 12 → Mensual, ...); "Cuando cambia" when no action does."""
    targets = [
        action.get("meta_anual") for action in plan.get("acciones", [])
        if kind in (action.get("tipos") or [])
        and (action.get("oficinas") == "todas" or set(offices) & set(action.get("oficinas") or []))
        and action.get("meta_anual") in FREQUENCIES
    ]
    return FREQUENCIES[max(targets)] if targets else WHEN_IT_CHANGES


def rows(catalogue: Catalogue, site: Site, settings: Mapping, item_urls: Mapping[str, str],
         dates: Mapping[str, datetime.date]) -> list[Row]:
    """The esquema's rows. `item_urls` is where the menu links each item (row id → URL);
    `dates` the first date of each file, by its path inside the content folder."""
    offices = {office["id"]: office for office in site.oficinas}
    files_of: dict[tuple[str, str], list[str]] = {}
    for relpath, file in sorted(site.files.items()):
        if file.kind and file.office in offices:
            files_of.setdefault((file.kind, file.office), []).append(relpath)
    found = []
    kinds = [kind for kind in KIND_NAMES if any(key[0] == kind for key in files_of)]
    kinds += sorted({kind for kind, _ in files_of} - set(kinds))
    for kind in kinds:
        for office_id, office in offices.items():
            paths = files_of.get((kind, office_id))
            if paths:
                found.append(Row(
                    f"{KIND_NAMES.get(kind, kind.capitalize())}: {office['nombre']}",
                    _first(paths, dates), frequency(site.plan, kind, [office_id]),
                    "/" + settings["OFICINA_URL"].format(slug=office_id),
                    office["nombre"], office["responsable"]))
    sources = present_sources(site)
    claims = page_claims(site)
    for entry in catalogue.rows:
        source = sources.get(entry.fuente)
        claiming = [claim for claim in claims if catalogue.row_of(claim.seccion) == entry]
        if source is None and not claiming:
            continue
        paths = [claim.relpath for claim in claiming]
        producers = {site.files[claim.relpath].office for claim in claiming}
        kind = "paginas" if claiming else None
        if source is not None and source.made_from in KIND_NAMES:
            kind = kind or source.made_from
            paths += [relpath for (made, _), group in files_of.items() if made == source.made_from
                      for relpath in group]
            producers |= {office for (made, office) in files_of if made == source.made_from}
        elif source is not None:
            paths.append(source.made_from)
        producing = [offices[office_id] for office_id in offices if office_id in producers]
        found.append(Row(
            f"{entry.id} {entry.nombre}", _first(paths, dates),
            frequency(site.plan, kind, list(producers)) if kind else WHEN_IT_CHANGES,
            item_urls[entry.id],
            ", ".join(office["nombre"] for office in producing) or site.entidad["nombre"],
            ", ".join(office["responsable"] for office in producing)))
    return found


def _first(paths: list[str], dates: Mapping[str, datetime.date]) -> datetime.date | None:
    known = [dates[path] for path in paths if path in dates]
    return min(known) if known else None


def to_csv(found: list[Row], base_url: str = "") -> str:
    """One line per row; site addresses get `base_url` in front (absolute in production);
    an undated row (no git history) has an empty fecha_de_generacion."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in found:
        place = row.lugar_de_consulta
        writer.writerow([
            row.nombre, row.idioma, row.medio_de_conservacion, row.formato,
            row.fecha_de_generacion.isoformat() if row.fecha_de_generacion else "",
            row.frecuencia_de_actualizacion,
            base_url + place if place.startswith("/") else place,
            row.responsable_de_la_produccion, row.responsable_de_la_informacion,
        ])
    return out.getvalue()
