"""The compliance indicators of a content folder: cut-off date, figures, and views of them.

Glue between `history` (git), `indicators` (pure figures) and the page, the
office pages, the home page and `invoke indicadores`.
"""

from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from ..site.labels import LABELS
from .computation import EVENTS, HISTORY, UNMEASURED, VISITS, compute, periods_of
from .history import GIT, History, read_history

STATE_LABELS = LABELS["estado_indicador"]
MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre"]


class BadCutoff(ValueError):
    """--hasta or SOURCE_DATE_EPOCH is not a date; the message is in Spanish."""


def cutoff(hasta: str | None, timezone: str) -> datetime.date:
    """--hasta, else SOURCE_DATE_EPOCH (reproducible builds), else today, in the site's zone."""
    if hasta:
        try:
            return datetime.date.fromisoformat(str(hasta))
        except ValueError:
            raise BadCutoff(f'--hasta "{hasta}" no es una fecha AAAA-MM-DD') from None
    return build_time(timezone).date()


def build_time(timezone: str) -> datetime.datetime:
    """SOURCE_DATE_EPOCH if set (the same content gives the same site), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    zone = ZoneInfo(timezone)
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), zone)
        except (ValueError, OverflowError, OSError):
            raise BadCutoff(f'SOURCE_DATE_EPOCH "{epoch}" no es un número de segundos') from None
    return datetime.datetime.now(zone)


def indicators_of(content_dir: Path, plan: dict, office_ids: list[str], timezone: str,
                  hasta: datetime.date, *, history: History | None = None,
                  ) -> tuple[dict, str]:
    """The indicators document of DESIGN.md §5, and why there are no figures (or "").

    `history` is read here unless the caller has already read it."""
    if history is None:
        history = read_history(content_dir, timezone)
    return compute(history, plan.get("acciones", []), office_ids, hasta), history.reason


PERIOD_NAMES = {12: ("mes", "meses"), 6: ("bimestre", "bimestres"),
                4: ("trimestre", "trimestres"), 3: ("cuatrimestre", "cuatrimestres"),
                2: ("semestre", "semestres"), 1: ("año", "años")}


@dataclass
class ActionView:
    accion: dict
    rows: list[tuple[str, dict]]  # (office name, row) of the cut-off year

    @property
    def medicion(self) -> str:
        return self.accion.get("medicion", HISTORY)

    @property
    def complying(self) -> int:
        return sum(1 for _, row in self.rows if row["estado"] == "cumple")

    @property
    def by_events(self) -> bool:
        """Measured by jornadas only (socialización, empalme): said so in its summary."""
        return self.accion.get("tipos") == [EVENTS]


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@dataclass
class Grid:
    """One office's period-by-period record for one action, one line per year."""

    accion: dict
    headers: list[tuple[str, str]]  # (short label, full label) per period
    years: list[dict]


class Compliance:
    """What the templates show of the indicators document."""

    def __init__(self, document: dict, reason: str, plan: dict,
                 office_names: dict[str, str], visits=None):
        self.document = document
        self.visits = visits  # a visits_view.VisitsView, or None without content/visitas/
        self.reason = reason
        self.hasta = datetime.date.fromisoformat(document["hasta"])
        self.has_figures = document["fuente"] == GIT and bool(document["indicadores"])
        self.acciones = plan.get("acciones", [])
        rows = document["indicadores"]
        self.current = [row for row in rows if row["vigencia"] == self.hasta.year]
        self.actions = [ActionView(accion, [(office_names.get(row["oficina"], row["oficina"]), row)
                                            for row in self.current
                                            if row["accion"] == accion["id"]])
                        for accion in self.acciones]

    def page_fingerprint(self, fingerprint) -> str:
        """What pages that show these figures depend on (site/incremental.py)."""
        months = self.visits.months if self.visits else []
        return (f"{json.dumps(self.document, sort_keys=True)}:{self.reason}:"
                f"{json.dumps(months, sort_keys=True)}")

    def action_summary(self, view: ActionView) -> str:
        """One plain Spanish line per action of the plan, after its name."""
        if view.medicion == UNMEASURED:
            return "no se mide desde el sitio"
        if view.medicion == VISITS:
            return self._visits_summary()
        if not view.rows:
            vigencias = view.accion.get("vigencias")
            if vigencias and self.hasta.year not in vigencias:
                return "se evalúa en " + " y ".join(str(each) for each in sorted(vigencias))
            return "sin cifras por ahora"
        return self._rows_summary(view)

    def _visits_summary(self) -> str:
        if not self.visits:
            return "aún no hay cifras de visitas del sitio"
        month = self.visits.months[-1]
        return (f"{_number(month['visitas'])} "
                f"{_plural(month['visitas'], 'visita', 'visitas')} en {self.visits.last}")

    def _rows_summary(self, view: ActionView) -> str:
        meta, year = view.accion["meta_anual"], self.hasta.year
        one, many = PERIOD_NAMES[meta]
        count = len(view.rows)
        if view.by_events and count == 1:
            row = view.rows[0][1]
            if not row["periodos_esperados"]:
                return (f"ninguna jornada todavía en {year}; el {one} en curso cuenta cuando "
                        f"la tenga (meta: una jornada por {one})")
            return (f"{row['periodos_cumplidos']} de {row['periodos_esperados']} "
                    f"{_plural(row['periodos_esperados'], one, many)} de {year} con jornada "
                    f"(meta: una jornada por {one})")
        if view.by_events and all(row["estado"] == "sin_datos" for _, row in view.rows):
            return (f"ninguna de las {count} dependencias tiene todavía su jornada de {year}"
                    f" (meta: una jornada por {one})")
        if view.by_events:
            return (f"{view.complying} de {count} {_plural(count, 'dependencia', 'dependencias')}"
                    f" con su jornada al día en {year} (meta: una jornada por {one})")
        return (f"{view.complying} de {count} "
                f"{_plural(count, 'dependencia cumple', 'dependencias cumplen')} "
                f"(meta: {meta} {_plural(meta, 'actualización', 'actualizaciones')} al año)")

    def summary_lines(self) -> list[str]:
        """"Nombre: cifra" for each action of the plan, in its order."""
        return [f"{view.accion['nombre']}: {self.action_summary(view)}"
                for view in self.actions]

    def unmeasured_of_office(self, office: str) -> list[dict]:
        return [item for item in self.document.get("acciones_sin_medicion", [])
                if office in item["oficinas"]]

    def summary(self) -> str:
        """One line for the home page."""
        if not self.has_figures:
            return "Indicadores no disponibles por ahora."
        measured = [row for row in self.current if row["estado"] != "sin_datos"]
        complying = sum(1 for row in measured if row["estado"] == "cumple")
        return (f"En {self.hasta.year}, {complying} de {len(measured)} compromisos de "
                "actualización de las oficinas se cumplen al día.")

    def rows_of_office(self, office: str) -> list[tuple[str, dict]]:
        """(action and target, row of the cut-off year) for each action of the office."""
        names = {accion["id"]: f"{accion['nombre']} (meta: {accion['meta_anual']} al año)"
                 for accion in self.acciones if "meta_anual" in accion}
        return [(names[row["accion"]], row) for row in self.current
                if row["oficina"] == office]

    def grids_of_office(self, office: str) -> list[Grid]:
        grids = []
        for accion in self.acciones:
            years = [row for row in self.document["indicadores"]
                     if row["accion"] == accion["id"] and row["oficina"] == office]
            if years:
                grids.append(Grid(accion, period_headers(accion["meta_anual"]), years))
        return grids


def period_headers(meta_anual: int) -> list[tuple[str, str]]:
    """(short, full) labels of a year's periods: ("E", "enero") for months (twelve
    columns fit a 360 px screen), ("ene–jun", "enero a junio") for longer periods."""
    headers = []
    for start, end in periods_of(2000, meta_anual):
        first, last = MONTHS[start.month - 1], MONTHS[end.month - 1]
        if first == last:
            headers.append((first[0].upper(), first))
        else:
            headers.append((f"{first[:3]}–{last[:3]}", f"{first} a {last}"))
    return headers


def terminal_table(document: dict, reason: str) -> str:
    """The readable table of `invoke indicadores`."""
    if document["fuente"] != GIT:
        return f"Indicadores no disponibles ({document['fuente']}): {reason}"
    header = ("vigencia", "acción", "oficina", "cumplidos", "%", "estado", "última actualización")
    lines = [header]
    for row in document["indicadores"]:
        ratio = row["cumplimiento"]
        lines.append((
            str(row["vigencia"]), row["accion"], row["oficina"],
            f"{row['periodos_cumplidos']}/{row['periodos_esperados']}",
            "—" if ratio is None else f"{round(ratio * 100)} %",
            STATE_LABELS[row["estado"]], row["ultima_actualizacion"] or "—",
        ))
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in lines]
    text.insert(1, "  ".join("-" * width for width in widths))
    for item in document.get("acciones_sin_medicion", []):
        text.append(f"Sin medición desde el sitio: {item['accion']} "
                    f"({', '.join(item['oficinas'])}).")
    text.append(f"Datos hasta {document['hasta']}; historial desde {document['inicio'] or '—'}.")
    return "\n".join(text)
