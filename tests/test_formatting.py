"""Dates and money the way Colombians read them (Babel, es_CO)."""

import datetime

import pytest

from municipal.site.formatting import label, long_date, month_name, percent, pesos, short_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [(24_000_000, "$ 24.000.000"), (0, "$ 0"), (1_250, "$ 1.250"),
     (987_654_321, "$ 987.654.321")],
)
def test_pesos_use_dots_for_thousands_and_no_decimals(value, expected):
    assert pesos(value) == expected


@pytest.mark.parametrize(
    "value", ["2026-02-03", datetime.date(2026, 2, 3), datetime.datetime(2026, 2, 3, 23, 30)]
)
def test_long_date_in_spanish(value):
    assert long_date(value) == "3 de febrero de 2026"


def test_other_formats():
    assert short_date("2025-12-01") == "1 dic 2025"
    assert month_name(9) == "septiembre"
    assert percent(0.9) == "90 %"
    assert percent(None) == ""
    assert long_date(None) == ""


def test_codes_become_labels():
    assert label("licitacion_publica", "modalidad") == "Licitación pública"
    assert label("en_ejecucion", "estado") == "En ejecución"
    assert label("codigo_nuevo", "estado") == "codigo nuevo"
