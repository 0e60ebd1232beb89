"""Jinja filters that write dates, money and codes the way Colombians read them.

Babel's es_CO locale does the work: `3 de febrero de 2026`, `$ 24.000.000`.
One more filter groups the items of a list page (trámites by letter, contracts by year).
"""

from __future__ import annotations

import datetime
from itertools import groupby
from operator import attrgetter

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from .labels import LABELS

LOCALE = "es_CO"


def as_date(value) -> datetime.date | None:
    """A date from an ISO `AAAA-MM-DD` text, a date or a datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def long_date(value) -> str:
    """`3 de febrero de 2026`."""
    date = as_date(value)
    return format_date(date, "d 'de' MMMM 'de' y", locale=LOCALE) if date else ""


def weekday_date(value) -> str:
    """`sábado 23 de enero de 2027`: for an event, people plan by the day of the week."""
    date = as_date(value)
    return format_date(date, "EEEE d 'de' MMMM 'de' y", locale=LOCALE) if date else ""


def short_date(value) -> str:
    """`3 feb. 2026`, for tables."""
    date = as_date(value)
    return format_date(date, "d MMM y", locale=LOCALE) if date else ""


def month_name(month: int) -> str:
    """`enero` for 1."""
    return format_date(datetime.date(2000, month, 1), "LLLL", locale=LOCALE)


def clock_time(value) -> str:
    """`9:30 a. m.`, `12:00 m.`, `3:00 p. m.` for `09:30`, `12:00`, `15:00` (24 h `HH:MM`)."""
    if not value:
        return ""
    hour, minute = (int(part) for part in str(value).split(":"))
    if (hour, minute) == (12, 0):
        return "12:00 m."
    suffix = "a. m." if hour < 12 else "p. m."
    return f"{(hour - 1) % 12 + 1}:{minute:02d} {suffix}"


def pesos(value) -> str:
    """`$ 24.000.000`: whole Colombian pesos."""
    return format_currency(value, "COP", "¤ #,##0", locale=LOCALE,
                           currency_digits=False)


def number(value) -> str:
    """`1.250` with the Colombian thousands separator."""
    return format_decimal(value, locale=LOCALE)


def percent(value) -> str:
    """`90 %` for 0.9; empty for None."""
    if value is None:
        return ""
    return format_percent(value, "#,##0 %", locale=LOCALE)


def label(value, vocabulary: str) -> str:
    """The Spanish label of a code: `licitacion_publica` → `Licitación pública`."""
    return LABELS.get(vocabulary, {}).get(value, str(value).replace("_", " "))


def consecutive_groups(items, attribute: str) -> list[tuple]:
    """Group items that follow each other with the same `attribute`, keeping their order.

    Unlike Jinja's `groupby`, it does not re-sort: contracts stay newest first.
    """
    return [(key, list(group)) for key, group in groupby(items, key=attrgetter(attribute))]


FILTERS = {
    "agrupar": consecutive_groups,
    "fecha_larga": long_date,
    "fecha_corta": short_date,
    "fecha_con_dia": weekday_date,
    "hora": clock_time,
    "nombre_mes": month_name,
    "pesos": pesos,
    "numero": number,
    "porcentaje": percent,
    "etiqueta": label,
}
