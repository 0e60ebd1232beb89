"""`invoke demostracion` (DESIGN.md §12): the sample site with a replayed history, a banner on
every page, and the real content folder and its repository untouched."""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
import subprocess
import sys

import pytest
from axe_playwright_python.sync_playwright import Axe
from navegador import new_context
from test_html_valido import VNU_JAR
from test_navegador import WCAG_TAGS, describe_violations

from conftest import ROOT, SAMPLE_CONTENT, BuiltSite
from municipal.publishing.demo import DEMO_HASTA, history_plan

pytest_plugins = ["navegador"]
BANNER = "Datos de demostración:"


def folder_hash(folder) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def git(*args) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    before = (folder_hash(SAMPLE_CONTENT), git("rev-parse", "HEAD"),
              git("status", "--porcelain", "--", "content"), git("stash", "list"))
    output = tmp_path_factory.mktemp("demostracion") / "sitio"
    result = subprocess.run([sys.executable, "-m", "invoke", "demostracion", "--salida",
                             str(output)], cwd=ROOT, capture_output=True, text=True,
                            timeout=600, check=False)
    after = (folder_hash(SAMPLE_CONTENT), git("rev-parse", "HEAD"),
             git("status", "--porcelain", "--", "content"), git("stash", "list"))
    return result, BuiltSite(output), before, after


def test_the_real_content_and_its_repository_are_untouched(demo):
    result, _, before, after = demo
    assert result.returncode == 0, result.stderr
    assert "Su carpeta content/ no cambió." in result.stdout
    assert after == before


def test_every_page_carries_the_banner_and_the_real_site_does_not(demo, sample_site):
    _, site, _, _ = demo
    pages = site.html_files()
    assert len(pages) > 50
    for path in pages:
        assert BANNER in path.read_text(encoding="utf-8"), path
    for path in sample_site.html_files():
        assert BANNER not in path.read_text(encoding="utf-8"), path


def test_the_compliance_page_shows_every_state_in_the_demo_year(demo):
    _, site, _, _ = demo
    document = json.loads((site.output / "cumplimiento.json").read_text(encoding="utf-8"))
    assert document["hasta"] == DEMO_HASTA.isoformat() == "2027-03-10"
    assert document["inicio"] == "2025-01-02"  # two years of history: 2025, 2026, 2027
    assert {row["vigencia"] for row in document["indicadores"]} == {2025, 2026, 2027}
    current = {(row["accion"], row["oficina"]): row for row in document["indicadores"]
               if row["vigencia"] == 2027}
    # Offices take the paces in turn: despacho al día, gobierno stopped in October 2026,
    # planeacion one month in three (February), hacienda only the first year, then again.
    # informacion, by 10 March 2027: January and February are expected.
    assert {office: current[("informacion", office)]["periodos"][:3]
            for office in ("despacho", "gobierno", "planeacion", "hacienda")} == {
        "despacho": [True, True, True], "gobierno": [False, False, None],
        "planeacion": [False, True, None], "hacienda": [False, False, None]}
    states = {row["estado"] for row in current.values()}
    assert states == {"cumple", "parcial", "incumple", "sin_datos"}
    summary = [" ".join(item.get_text().split())
               for item in site.page("/cumplimiento/").find("main").find("ul").find_all("li")]
    # February 2027 is the last of 24 made-up months: 400 + 17 × 23 + (97 × 1) mod 130 = 888.
    assert summary[-1] == "Difundir el sitio web del municipio: 888 visitas en febrero de 2027."
    assert len(summary) == 7
    assert len(document["visitas"]) == 24


def test_the_history_replays_each_file_at_its_own_date():
    commits = history_plan(SAMPLE_CONTENT)
    first = {}
    for commit in commits:
        for path in commit.files:
            first.setdefault(path, commit.day)
    assert first["noticias/hacienda/" + next(
        path.name for path in sorted((SAMPLE_CONTENT / "noticias/hacienda").iterdir()))] == \
        datetime.date.fromisoformat(sorted(
            (SAMPLE_CONTENT / "noticias/hacienda").iterdir())[0].name[:10])
    # The last state of every file is the content as it is.
    last = {}
    for commit in commits:
        last.update(commit.files)
    assert last == {path.relative_to(SAMPLE_CONTENT).as_posix(): path.read_bytes()
                    for path in SAMPLE_CONTENT.rglob("*") if path.is_file()}
    assert all(commit.day <= DEMO_HASTA for commit in commits)
    assert [commit.day for commit in commits] == sorted({commit.day for commit in commits})


def test_the_demo_compliance_page_passes_axe_fits_320_px_and_is_valid_html(demo, navegador):
    _, site, _, _ = demo
    with new_context(navegador, viewport={"width": 320, "height": 640}) as context:
        page = context.new_page()
        page.goto(site.file_for("/cumplimiento/").as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert page.locator(".demostracion").is_visible()
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS},
                   "resultTypes": ["violations"]}
        violations = Axe().run(page, options=options).response["violations"]
        assert not violations, describe_violations(violations)
    java = shutil.which("java")
    assert java and VNU_JAR.is_file(), "falta Java o vnu.jar: ejecute bash tests/ejecutar.sh"
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
         str(site.file_for("/cumplimiento/")), str(site.file_for("/informe-de-empalme/"))],
        capture_output=True, text=True, timeout=300, check=False)
    messages = [message for message in json.loads(result.stdout)["messages"]
                if message.get("type") != "info"]
    assert messages == []


def test_invalid_content_gives_its_errors_and_no_site(content_copy, tmp_path):
    plan = content_copy / "plan.yml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("    medicion: visitas\n",
                                                             "    medicion: visita\n"),
                    encoding="utf-8")
    output = tmp_path / "sitio"
    result = subprocess.run([sys.executable, "-m", "invoke", "demostracion", "--contenido",
                             str(content_copy), "--salida", str(output)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 1
    assert 'content/plan.yml:' in result.stderr and '"visita"' in result.stderr
    assert "No se escribió nada: corrija los errores de arriba." in result.stderr
    assert "Traceback" not in result.stderr
    assert not output.exists()
