"""What the compliance page and cumplimiento.json show of content/visitas/ (DESIGN.md §5.1, §12).

The monthly figures as bars of an inline SVG chart (the numbers are in a table beside
it, which is what screen readers read), and the visits by section and by origin.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .compliance import MONTHS

CHART_MONTHS = 24
"""Months shown on the page (cumplimiento.json carries every month)."""
TOP_ROWS = 10
"""Rows of the section and origin tables; the rest are summed in one row."""
BAR_STEP = 10
BAR_WIDTH = 8
CHART_HEIGHT = 60
MIN_COLUMNS = 12
"""A chart is at least a year wide, so that two months do not make two huge bars."""


def visits_json(visitas: list[dict]) -> list[dict]:
    """`"visitas": [{"mes", "visitas", "visitantes", "origenes"}]`, sorted by month."""
    return [{"mes": month["mes"], "visitas": month["visitas"],
             "visitantes": month["visitantes"], "origenes": month.get("origenes") or {}}
            for month in sorted(visitas, key=lambda month: month["mes"])]


def with_visits(document: dict, visitas: list[dict]) -> dict:
    """The indicators document with `"visitas"` when content/visitas/ has figures: what
    cumplimiento.json and `invoke indicadores --formato json` print (without visits,
    exactly the document of DESIGN.md §5)."""
    return {**document, "visitas": visits_json(visitas)} if visitas else document


def month_name(mes: str) -> str:
    """"2026-10" → "octubre de 2026"."""
    return f"{MONTHS[int(mes[5:]) - 1]} de {mes[:4]}"


@dataclass
class Row:
    name: str
    last: int  # visits in the latest month
    total: int  # visits in the months shown


@dataclass
class VisitsView:
    """The last CHART_MONTHS months of figures, ready for the template."""

    months: list[dict]

    @property
    def first(self) -> str:
        return month_name(self.months[0]["mes"])

    @property
    def last(self) -> str:
        return month_name(self.months[-1]["mes"])

    @property
    def highest(self) -> int:
        return max(month["visitas"] for month in self.months)

    @property
    def width(self) -> int:
        return BAR_STEP * max(len(self.months), MIN_COLUMNS)

    @property
    def height(self) -> int:
        return CHART_HEIGHT

    def bars(self, key: str) -> str:
        """The SVG path of one bar per month for `visitas` or `visitantes`."""
        scale = CHART_HEIGHT / self.highest if self.highest else 0
        parts = []
        for index, month in enumerate(self.months):
            tall = round(month[key] * scale, 1)
            if tall:
                x = index * BAR_STEP + (BAR_STEP - BAR_WIDTH) // 2
                parts.append(f"M{x} {CHART_HEIGHT}v-{tall:g}h{BAR_WIDTH}v{tall:g}z")
        return "".join(parts)

    def rows(self, key: str, rest: str) -> list[Row]:
        """Visits by section (or origin): the TOP_ROWS largest over the months shown,
        then one row `rest` with the others."""
        latest = self.months[-1].get(key) or {}
        totals: Counter = Counter()
        for month in self.months:
            totals.update(month.get(key) or {})
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        rows = [Row(name, latest.get(name, 0), total) for name, total in ranked[:TOP_ROWS]]
        others = ranked[TOP_ROWS:]
        if others:
            rows.append(Row(rest, sum(latest.get(name, 0) for name, _ in others),
                            sum(total for _, total in others)))
        return rows

    @staticmethod
    def label(mes: str) -> str:
        return month_name(mes)


def visits_view(visitas: list[dict]) -> VisitsView | None:
    """The view of the latest CHART_MONTHS months, or None when there are no figures."""
    if not visitas:
        return None
    ordered = sorted(visitas, key=lambda month: month["mes"])
    return VisitsView(ordered[-CHART_MONTHS:])
