"""The handover report (informe de empalme, DESIGN.md §12): what an incoming administration
needs to know about the site, office by office, from the content and its git history.

`handover_report()` gathers it as plain data: the term of office, per office its
responsible and contact, its content by kind with the last update, its indicators per
year, its open contracts, its trámites not reviewed in six months, its events held;
the transparency items still pending, and how the site is run. The page
(`/informe-de-empalme/`, handover_page.py) and the PDF (`invoke empalme`,
handover_pdf.py) show the same data with the same template macros.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..content.layout import KIND_EXTENSIONS
from ..content.model import Site
from ..content.yaml_loader import SourceError
from ..indicators.history import History, last_dates
from ..site.labels import LABELS
from ..transparency.matrix import PENDING

CLOSED_CONTRACTS = frozenset({"terminado", "liquidado", "desierto"})
"""Contract states that need nothing more from the office (DESIGN.md §3)."""
STALE_MONTHS = 6
"""A trámite whose file has not changed in this many months is to be reviewed."""
KIND_ORDER = ("noticias", "paginas", "tramites", "contratos", "eventos")
URL_SETTINGS = {"tramites": "TRAMITE_URL", "contratos": "CONTRATO_URL", "eventos": "EVENTO_URL"}


@dataclass
class KindCount:
    kind: str  # folder name: noticias, paginas...
    nombre: str  # its Spanish label
    archivos: int
    ultima_actualizacion: datetime.date | None


@dataclass
class Item:
    """One line of a list of the report: a contract, a trámite or an event."""

    titulo: str
    url: str  # root-relative, e.g. "contratos/cps-012-2026/"
    detalle: str = ""
    fecha: datetime.date | None = None


@dataclass
class IndicatorYear:
    vigencia: int
    periodos_cumplidos: int
    periodos_esperados: int
    cumplimiento: float | None
    estado: str


@dataclass
class IndicatorHistory:
    accion: str  # the action's name
    meta_anual: int
    years: list[IndicatorYear]


@dataclass
class OfficeReport:
    id: str
    nombre: str
    responsable: str
    correo: str
    telefono: str
    horario: str
    inventario: list[KindCount]
    indicadores: list[IndicatorHistory]
    contratos_abiertos: list[Item]
    tramites_sin_revisar: list[Item]
    eventos_realizados: list[Item]
    acciones_sin_medicion: list[str] = field(default_factory=list)

    @property
    def total_archivos(self) -> int:
        return sum(count.archivos for count in self.inventario)

    @property
    def ultima_actualizacion(self) -> datetime.date | None:
        dates = [count.ultima_actualizacion for count in self.inventario
                 if count.ultima_actualizacion]
        return max(dates, default=None)

    @property
    def pendientes(self) -> int:
        """Open contracts and trámites to review: what needs the incoming staff first."""
        return len(self.contratos_abiertos) + len(self.tramites_sin_revisar)


@dataclass
class HandoverReport:
    entidad: dict
    administracion: dict | None
    hasta: datetime.date
    revision_desde: datetime.date  # trámites unchanged since before this day are stale
    fuente: str  # the indicators' source: git, sin_historial, historial_incompleto
    oficinas: list[OfficeReport]
    transparencia_pendiente: list[dict]  # rows of the transparency matrix
    repositorio: str  # where the content repository is (REPOSITORIO_URL), or ""
    kinds: list[tuple[str, str]]  # (folder, label) of the inventory's columns


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the month's last day if it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def handover_report(site: Site, settings: Mapping, *, hasta: datetime.date, history: History,
                    indicators: dict, transparency: dict,
                    known: Mapping[str, dict] | None = None) -> HandoverReport:
    """Everything the report shows, from a validated site and what the build computed.

    `history` is the git history of the content (indicators.history.read_history),
    `indicators` the document of cumplimiento.json and `transparency` the matrix.
    `known` maps relpaths to data the build has already read (Pelican's metadata of each
    contract and trámite): those files are not parsed again (1.2 s at 10,000 items).
    """
    timezone = settings.get("TIMEZONE") or "America/Bogota"
    file_dates = last_dates(site.content_dir, timezone) if history.source == "git" else {}
    cut = months_before(hasta, STALE_MONTHS)
    data_of = _DataOf(site, known or {})
    offices = [_office(site, settings, office, hasta=hasta, cut=cut, history=history,
                       indicators=indicators, file_dates=file_dates, data_of=data_of)
               for office in site.oficinas]
    administracion = site.entidad.get("administracion")
    return HandoverReport(
        entidad=site.entidad,
        administracion=administracion if isinstance(administracion, dict) else None,
        hasta=hasta, revision_desde=cut, fuente=indicators["fuente"], oficinas=offices,
        transparencia_pendiente=[row for row in transparency["items"]
                                 if row["estado"] == PENDING],
        repositorio=str(settings.get("REPOSITORIO_URL") or ""),
        kinds=[(kind, LABELS["tipo"][kind]) for kind in KIND_ORDER if kind in KIND_EXTENSIONS],
    )


def _office(site: Site, settings: Mapping, office: dict, *, hasta, cut, history, indicators,
            file_dates, data_of) -> OfficeReport:
    office_id = office["id"]
    files = {relpath: file for relpath, file in sorted(site.files.items())
             if file.office == office_id}
    plan = {accion["id"]: accion for accion in site.plan.get("acciones", [])}
    return OfficeReport(
        id=office_id, nombre=office["nombre"], responsable=office["responsable"],
        correo=office["correo"], telefono=office.get("telefono") or site.entidad["telefono"],
        horario=office.get("horario") or site.entidad["horario"],
        inventario=_inventory(files, office_id, history, hasta),
        indicadores=_indicator_history(indicators, office_id, plan),
        contratos_abiertos=_open_contracts(data_of, settings, files),
        tramites_sin_revisar=_stale_tramites(data_of, settings, files, file_dates, cut),
        eventos_realizados=_events_held(data_of, settings, files, hasta),
        acciones_sin_medicion=[plan[item["accion"]]["nombre"]
                               for item in indicators.get("acciones_sin_medicion", [])
                               if office_id in item["oficinas"]],
    )


def _inventory(files, office_id, history: History, hasta) -> list[KindCount]:
    counts = []
    for kind in KIND_ORDER:
        updates = [update.date for update in history.updates
                   if update.office == office_id and update.kind == kind and update.date <= hasta]
        counts.append(KindCount(kind, LABELS["tipo"][kind],
                                sum(1 for file in files.values() if file.kind == kind),
                                max(updates, default=None)))
    return counts


def _indicator_history(indicators: dict, office_id: str, plan: dict) -> list[IndicatorHistory]:
    found: dict[str, IndicatorHistory] = {}
    for row in indicators["indicadores"]:
        if row["oficina"] != office_id:
            continue
        accion = plan.get(row["accion"], {"nombre": row["accion"]})
        entry = found.setdefault(row["accion"], IndicatorHistory(
            accion["nombre"], row["meta_anual"], []))
        entry.years.append(IndicatorYear(row["vigencia"], row["periodos_cumplidos"],
                                         row["periodos_esperados"], row["cumplimiento"],
                                         row["estado"]))
    return list(found.values())


class _DataOf:
    """The data of a content file: as the build read it, or parsed now."""

    def __init__(self, site: Site, known: Mapping[str, dict]):
        self.site, self.known = site, known

    def __call__(self, relpath: str) -> dict | None:
        data = self.known.get(relpath)
        if data is not None:
            return data
        try:
            document = self.site.document_for(relpath)
        except SourceError:  # the validator has said why
            return None
        return document.data if document is not None and isinstance(document.data, dict) \
            else None


def _documents(data_of: _DataOf, files, kind: str):
    for relpath, file in files.items():
        if file.kind != kind:
            continue
        data = data_of(relpath)
        if data is not None:
            yield relpath, file, data


def _url(settings: Mapping, kind: str, slug: str) -> str:
    return settings[URL_SETTINGS[kind]].format(slug=slug)


def _open_contracts(data_of, settings, files) -> list[Item]:
    items = []
    for _, file, data in _documents(data_of, files, "contratos"):
        if data.get("estado") in CLOSED_CONTRACTS:
            continue
        estado = LABELS["estado"].get(data.get("estado"), str(data.get("estado")))
        items.append(Item(f"{data.get('referencia', file.slug)}: {data.get('objeto', '')}",
                          _url(settings, "contratos", file.slug), estado))
    return items


def _stale_tramites(data_of, settings, files, file_dates, cut) -> list[Item]:
    """Trámites whose file last changed before `cut`; without history, none can be dated."""
    items = []
    for relpath, file, data in _documents(data_of, files, "tramites"):
        last = file_dates.get(relpath)
        if last is not None and last < cut:
            items.append(Item(str(data.get("nombre", file.slug)),
                              _url(settings, "tramites", file.slug), fecha=last))
    return sorted(items, key=lambda item: (item.fecha, item.titulo))


def _events_held(data_of, settings, files, hasta) -> list[Item]:
    items = []
    for _, file, data in _documents(data_of, files, "eventos"):
        if data.get("borrador") is True or not isinstance(data.get("fecha"), str):
            continue
        fecha = datetime.date.fromisoformat(data["fecha"])
        if fecha >= hasta:  # today's event is still to come, as on the agenda
            continue
        tipo = LABELS["tipo_evento"].get(data.get("tipo"), "")
        asistentes = data.get("asistentes")
        detalle = tipo + (f", {asistentes} asistentes" if isinstance(asistentes, int) else "")
        items.append(Item(str(data.get("titulo", file.slug)),
                          _url(settings, "eventos", file.slug), detalle, fecha))
    return sorted(items, key=lambda item: (item.fecha, item.titulo), reverse=True)
