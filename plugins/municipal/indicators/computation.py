"""The plan's update-frequency indicators (DESIGN.md §5), as pure functions.

history (updates) + plan + offices + cut-off date → rows. Nothing here reads
git or writes files, so every definition can be tested with plain data.
"""

from __future__ import annotations

import calendar
import csv
import datetime
import io
import json

from .history import GIT, History

HISTORY = "historial"
"""The default `medicion` (DESIGN.md §3): rows from git history and events."""
UNMEASURED = "ninguna"
VISITS = "visitas"
EVENTS = "eventos"
"""The kind whose files count by their own date, not by git history."""

CSV_COLUMNS = ("accion", "oficina", "vigencia", "meta_anual", "periodos_cumplidos",
               "periodos_esperados", "cumplimiento", "estado", "ultima_actualizacion")


def compute(history: History, acciones: list[dict], office_ids: list[str],
            hasta: datetime.date) -> dict:
    """The whole indicators document, exactly as DESIGN.md §5 prints it."""
    document = {"hasta": hasta.isoformat(), "fuente": history.source, "inicio": None}
    unmeasured = unmeasured_actions(acciones, office_ids)
    if unmeasured:
        document["acciones_sin_medicion"] = unmeasured
    document["indicadores"] = []
    if history.source != GIT:
        return document
    updates = [update for update in history.updates
               if update.date <= hasta and update.office in office_ids]
    inicio = min((update.date for update in updates), default=None)
    document["inicio"] = inicio.isoformat() if inicio else None
    years = range(inicio.year if inicio else hasta.year, hasta.year + 1)
    events = [event for event in history.events if event.date <= hasta]
    for accion in measured_by_history(acciones):
        action_years = [year for year in years
                        if year in accion.get("vigencias", [year])]
        for office in responsible_offices(accion, office_ids):
            dates = sorted({update.date for update in updates
                            if update.office == office and update.kind in accion["tipos"]
                            and update.kind != EVENTS}
                           | set(event_dates(accion, office, events)))
            for year in action_years:
                document["indicadores"].append(
                    row(accion, office, year, dates, inicio=inicio, hasta=hasta))
    return document


def measured_by_history(acciones: list[dict]) -> list[dict]:
    """The actions that have rows: those measured by history (the default)."""
    return [accion for accion in acciones if accion.get("medicion", HISTORY) == HISTORY]


def unmeasured_actions(acciones: list[dict], office_ids: list[str]) -> list[dict]:
    """`acciones_sin_medicion` (DESIGN.md §5.1): what the site cannot see, listed as such."""
    return [{"accion": accion["id"], "nombre": accion["nombre"],
             "oficinas": responsible_offices(accion, office_ids),
             "indicador": accion.get("indicador")}
            for accion in acciones if accion.get("medicion") == UNMEASURED]


def event_dates(accion: dict, office: str, events: list) -> list[datetime.date]:
    """The days an office held events that count for an action (DESIGN.md §5.1).

    Only with eventos in the action's tipos; each event counts on its own date (not
    its commit's) when its tipo is in tipos_evento (default: every tipo).
    """
    if EVENTS not in accion["tipos"]:
        return []
    tipos = accion.get("tipos_evento")
    return [event.date for event in events
            if event.office == office and (tipos is None or event.tipo in tipos)]


def responsible_offices(accion: dict, office_ids: list[str]) -> list[str]:
    listed = accion["oficinas"]
    return list(office_ids) if listed == "todas" else list(listed)


def row(accion: dict, office: str, year: int, dates: list[datetime.date], *,
        inicio: datetime.date | None, hasta: datetime.date) -> dict:
    """One office's figures for one action in one year (vigencia)."""
    periods = [_period_state(start, end, dates, inicio, hasta)
               for start, end in periods_of(year, accion["meta_anual"])]
    expected = [state for state in periods if state is not None]
    met = sum(expected)
    ratio = met / len(expected) if expected else None
    last = [day for day in dates if day <= min(hasta, datetime.date(year, 12, 31))]
    return {
        "accion": accion["id"],
        "oficina": office,
        "vigencia": year,
        "meta_anual": accion["meta_anual"],
        "periodos_cumplidos": met,
        "periodos_esperados": len(expected),
        "cumplimiento": round(ratio, 4) if ratio is not None else None,
        "estado": state_of(ratio),
        "ultima_actualizacion": last[-1].isoformat() if last else None,
        "periodos": periods,
    }


def periods_of(year: int, meta_anual: int) -> list[tuple[datetime.date, datetime.date]]:
    """The year split into meta_anual periods of whole months: (first day, last day)."""
    months = 12 // meta_anual
    periods = []
    for index in range(meta_anual):
        first_month = 1 + index * months
        last_month = first_month + months - 1
        last_day = calendar.monthrange(year, last_month)[1]
        periods.append((datetime.date(year, first_month, 1),
                        datetime.date(year, last_month, last_day)))
    return periods


def _period_state(start, end, dates, inicio, hasta) -> bool | None:
    """True/False for an expected period (updated or not), None if not expected."""
    updated = any(start <= day <= end for day in dates)
    if inicio is None or end < inicio or start > hasta:
        return None
    if end < hasta:
        return updated
    return True if updated else None  # the current period counts once it has an update


def state_of(ratio: float | None) -> str:
    if ratio is None:
        return "sin_datos"
    if ratio == 1:
        return "cumple"
    return "parcial" if ratio >= 0.5 else "incumple"


LIST_KEYS = ("indicadores", "visitas")
"""Lists written one item per line, in this order, after the other keys."""


def to_json(document: dict) -> str:
    """The document with one indicator (and one month of visits) per line, as in DESIGN.md §5."""
    head = json.dumps({key: value for key, value in document.items() if key not in LIST_KEYS},
                      ensure_ascii=False)
    lists = []
    for key in LIST_KEYS:
        if key in document:
            rows = ",\n  ".join(json.dumps(row, ensure_ascii=False) for row in document[key])
            lists.append(f'"{key}": ' + (f"[\n  {rows}\n]" if rows else "[]"))
    return f'{head[:-1]},\n ' + ",\n ".join(lists) + "}\n"



def to_csv(document: dict) -> str:
    """One row per indicator, DESIGN.md's column names, `periodos` left out."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for indicator in document["indicadores"]:
        writer.writerow(["" if indicator[column] is None else indicator[column]
                         for column in CSV_COLUMNS])
    return stream.getvalue()

