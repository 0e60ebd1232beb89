"""The visit figures on /cumplimiento/ and in cumplimiento.json (DESIGN.md §5.1, §12).

One build of the sample content with 24 months of content/visitas/ (the most the page
shows), with the longest names the schema allows: the chart, its table and the tables
by section and origin must show exactly the files' figures, stay in the 13 KB budget,
pass axe and the Nu checker, and fit a 320 px screen.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from navegador import new_context
from test_html_valido import VNU_JAR
from test_navegador import WCAG_TAGS, describe_violations

from conftest import PREVIEW_SETTINGS, SAMPLE_CONTENT, BuiltSite
from municipal.indicators.visits_view import visits_view
from municipal.publishing.build import build_site

pytest_plugins = ["navegador"]

BUDGET = 13 * 1024
MONTHS = [f"{2024 + (index + 11) // 12}-{(index + 11) % 12 + 1:02d}" for index in range(24)]
LONG = "seccion-" + "x" * 52  # 60 characters: the longest section name allowed


def month_file(index: int) -> dict:
    """Month index (0 = 2024-12): visitas 1.000 × (index + 1), easy to check by hand."""
    visitas = 1000 * (index + 1)
    sections = {f"{LONG[:-2]}{number:02d}": index + number for number in range(12)}
    sections["inicio"] = visitas - sum(sections.values())
    origins = {f"cartelera-{'y' * 40}-{number:02d}": number + 1 for number in range(12)}
    return {"mes": MONTHS[index], "visitas": visitas, "visitantes": 400 * (index + 1),
            "secciones": sections, "origenes": origins}


def yaml_text(figures: dict) -> str:
    lines = [f'mes: "{figures["mes"]}"', f"visitas: {figures['visitas']}",
             f"visitantes: {figures['visitantes']}"]
    for name in ("secciones", "origenes"):
        lines.append(f"{name}:")
        lines += [f'  "{key}": {value}' for key, value in figures[name].items()]
    return "\n".join(lines) + "\n"


FILES = [month_file(index) for index in range(24)]


@pytest.fixture(scope="module")
def visits_site(tmp_path_factory) -> BuiltSite:
    content = tmp_path_factory.mktemp("visitas") / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    (content / "visitas").mkdir()
    for figures in reversed(FILES):  # any order on disk
        (content / "visitas" / f"{figures['mes']}.yml").write_text(yaml_text(figures),
                                                                   encoding="utf-8")
    output = tmp_path_factory.mktemp("visitas-sitio") / "output"
    build_site(content, output, PREVIEW_SETTINGS)
    return BuiltSite(output)


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def cells(table) -> list[list[str]]:
    return [[" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"])]
            for row in table.select("tbody tr")]


def table_captioned(page, caption: str):
    found = [table for table in page.select("main table")
             if table.caption and table.caption.get_text(strip=True) == caption]
    assert len(found) == 1, caption
    return found[0]


def test_the_monthly_table_shows_every_file_figure(visits_site):
    rows = cells(table_captioned(visits_site.page("/cumplimiento/"), "Visitas por mes"))
    assert rows[0] == ["diciembre de 2024", "1.000", "400"]
    assert rows[-1] == ["noviembre de 2026", "24.000", "9.600"]
    assert rows == [[row[0], number(figures["visitas"]), number(figures["visitantes"])]
                    for row, figures in zip(rows, FILES, strict=True)]


def test_the_chart_draws_one_bar_per_month_to_scale_and_hides_from_screen_readers(
        visits_site):
    svg = visits_site.page("/cumplimiento/").select_one("#visitas ~ .visitas svg")
    assert svg["aria-hidden"] == "true"
    assert svg["viewbox"] == "0 0 240 60"
    visits_bars, visitor_bars = (path["d"] for path in svg.find_all("path"))
    assert visits_bars.count("M") == visitor_bars.count("M") == 24
    # The highest month (24.000) is the full 60 units tall; the first (1.000) is 60/24 = 2.5;
    # the first month's 400 visitors are 60 × 400 / 24.000 = 1.
    assert visits_bars.startswith("M1 60v-2.5h8v2.5z")
    assert visits_bars.endswith("M231 60v-60h8v60z")
    assert visitor_bars.startswith("M1 60v-1h8v1z")
    caption = " ".join(svg.find_next("figcaption").get_text(" ").split())
    assert "de diciembre de 2024 (izquierda) a noviembre de 2026" in caption
    assert "24.000 visitas" in caption


def test_visits_by_section_and_by_origin(visits_site):
    page = visits_site.page("/cumplimiento/")
    sections = cells(table_captioned(page, "Visitas por sección del sitio"))
    totals = {}
    for figures in FILES:
        for name, visits in figures["secciones"].items():
            totals[name] = totals.get(name, 0) + visits
    ranked = sorted(totals, key=lambda name: (-totals[name], name))
    last = FILES[-1]["secciones"]
    assert sections[0] == ["inicio", number(last["inicio"]), number(totals["inicio"])]
    assert [row[0] for row in sections[:10]] == ranked[:10]
    assert sections[10] == ["otras secciones", number(sum(last[name] for name in ranked[10:])),
                            number(sum(totals[name] for name in ranked[10:]))]
    assert len(sections) == 11
    origins = cells(table_captioned(page, "Visitas por origen"))
    assert origins[0] == [f"cartelera-{'y' * 40}-11", "12", "288"]  # 12 a month, 24 months
    assert len(origins) == 11 and origins[-1][0] == "otros orígenes"


def test_cumplimiento_json_carries_every_month_sorted(visits_site):
    document = json.loads((visits_site.output / "cumplimiento.json").read_text(encoding="utf-8"))
    assert list(document)[-1] == "visitas"
    assert document["visitas"] == [
        {"mes": figures["mes"], "visitas": figures["visitas"],
         "visitantes": figures["visitantes"], "origenes": figures["origenes"]}
        for figures in FILES]
    header = (visits_site.output / "cumplimiento.csv").read_text(encoding="utf-8").split("\n")[0]
    assert header.split(",") == [
        "accion", "oficina", "vigencia", "meta_anual", "periodos_cumplidos",
        "periodos_esperados", "cumplimiento", "estado", "ultima_actualizacion"]


def test_the_page_with_24_months_stays_in_the_budget(visits_site):
    html = visits_site.file_for("/cumplimiento/").read_bytes()
    size = len(gzip.compress(html, compresslevel=9))
    print(f"/cumplimiento/ con 24 meses de visitas: {size} bytes gzip -9")
    assert size <= BUDGET


def test_without_visit_files_the_page_and_json_have_no_visits(sample_site):
    assert sample_site.page("/cumplimiento/").select_one("#visitas") is None
    document = json.loads((sample_site.output / "cumplimiento.json").read_text(encoding="utf-8"))
    assert "visitas" not in document


def test_a_few_months_make_a_chart_a_year_wide():
    view = visits_view([{"mes": "2026-10", "visitas": 10, "visitantes": 5},
                        {"mes": "2026-09", "visitas": 20, "visitantes": 5}])
    assert view.width == 120  # 12 columns of 10: two months do not make two huge bars
    assert view.bars("visitas") == "M1 60v-60h8v60zM11 60v-30h8v30z"  # September first


def test_the_visits_section_passes_axe_and_fits_320_px(visits_site, navegador):
    url = visits_site.file_for("/cumplimiento/").as_uri()
    with new_context(navegador, viewport={"width": 320, "height": 640}) as context:
        page = context.new_page()
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        box = page.locator(".visitas svg").bounding_box()
        assert box["width"] > 200 and box["height"] > 40  # the chart is there, scaled down
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS},
                   "resultTypes": ["violations"]}
        violations = Axe().run(page, options=options).response["violations"]
        assert not violations, describe_violations(violations)


def test_the_page_is_valid_html(visits_site):
    java = shutil.which("java")
    assert java and VNU_JAR.is_file(), "falta Java o vnu.jar: ejecute bash tests/ejecutar.sh"
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
         str(visits_site.file_for("/cumplimiento/"))],
        capture_output=True, text=True, timeout=300, check=False)
    messages = [message for message in json.loads(result.stdout)["messages"]
                if message.get("type") != "info"]
    assert messages == []


def test_a_new_month_of_visits_rebuilds_the_page(tmp_path):
    """The incremental build must not keep a compliance page made with older figures."""
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    (content / "visitas").mkdir()
    (content / "visitas" / "2026-10.yml").write_text(yaml_text(FILES[22]), encoding="utf-8")
    output = tmp_path / "output"
    build_site(content, output, PREVIEW_SETTINGS)
    (content / "visitas" / "2026-11.yml").write_text(yaml_text(FILES[23]), encoding="utf-8")
    build_site(content, output, PREVIEW_SETTINGS)
    rows = cells(table_captioned(BuiltSite(output).page("/cumplimiento/"), "Visitas por mes"))
    assert rows == [["octubre de 2026", "23.000", "9.200"],
                    ["noviembre de 2026", "24.000", "9.600"]]
