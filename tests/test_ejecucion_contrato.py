"""Contract execution (DESIGN.md §3, Res. 1519 item 3.3) on the contract page and the list.

Expected figures are worked out by hand from the content written here or in the
sample (LP-002-2026), not taken from the templates.
"""

from __future__ import annotations

from conftest import PREVIEW_SETTINGS, BuiltSite
from municipal.publishing.build import build_site

CPS_003 = "contratos/juridica/cps-003-2026.yml"
EXECUTION = """ejecucion:
  fecha_corte: 2026-10-31
  valor_pagado: 31500000
  porcentaje: 72.5
adiciones:
  - fecha: 2026-09-01
    dias: 30
    detalle: Prórroga del plazo para acompañar la liquidación de los contratos de obra.
"""


def test_sample_contract_page_shows_execution_and_additions(sample_site: BuiltSite):
    page = sample_site.page("/contratos/lp-002-2026/")
    text = sample_site.main_text("/contratos/lp-002-2026/")
    assert "Ejecución al 31 de octubre de 2026" in text
    # 243.735.090 paid of 812.450.300 + 64.000.000 = 876.450.300, that is 27,8 %.
    assert "$ 243.735.090 (27,8 % de $ 876.450.300)" in text
    assert "Avance físico 38 %" in text
    table = page.find("main").find("table")
    assert "Adiciones del contrato LP-002-2026" in table.find("caption").get_text()
    assert [th["scope"] for th in table.find_all("th")] == ["col"] * 4 + ["row"]
    row = [cell.get_text(" ", strip=True) for cell in table.find("tbody").find_all(["th", "td"])]
    assert row[:3] == ["16 de octubre de 2026", "$ 64.000.000", "30"]
    assert row[3].startswith("Adición en valor y prórroga del plazo para el muro")


def test_contract_list_shows_percentage_paid(sample_site: BuiltSite):
    page = sample_site.page("/contratos/")
    link = page.find("main").find("a", string="LP-002-2026")
    row_text = " ".join(link.find_parent("tr").get_text(" ").split())
    assert "pagado 28 %" in row_text
    other = page.find("main").find("a", string="CPS-003-2026").find_parent("tr")
    assert "pagado" not in other.get_text()


def test_execution_without_added_value_counts_only_the_contract_value(content_copy, tmp_path):
    contract = content_copy / CPS_003
    contract.write_text(contract.read_text(encoding="utf-8") + EXECUTION, encoding="utf-8")
    output = tmp_path / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    site = BuiltSite(output)
    text = site.main_text("/contratos/cps-003-2026/")
    # 31.500.000 of 38.500.000 (the prórroga adds days, not money) is 81,8 %.
    assert "Ejecución al 31 de octubre de 2026" in text
    assert "$ 31.500.000 (81,8 % de $ 38.500.000)" in text
    assert "Avance físico 72,5 %" in text
    assert "1 de septiembre de 2026 $ 0 30 Prórroga del plazo" in text
    assert "pagado 82 %" in site.main_text("/contratos/")


def test_contract_without_execution_has_no_execution_section(sample_site: BuiltSite):
    text = sample_site.main_text("/contratos/cps-003-2026/")
    assert "Ejecución al" not in text
    assert "Adiciones del contrato" not in text
