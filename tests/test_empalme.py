"""The handover report (DESIGN.md §12): /informe-de-empalme/, its office pages, invoke empalme."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import PREVIEW_SETTINGS, ROOT, SAMPLE_CONTENT
from gitrepo import GitRepo
from municipal.content.model import Site
from municipal.content.validation import check_content
from municipal.indicators.compliance import indicators_of
from municipal.indicators.history import read_history
from municipal.outreach.handover import handover_report, months_before
from municipal.publishing.build import build_site
from municipal.transparency.catalogue import load_catalogue
from municipal.transparency.matrix import matrix

KINDS = {"Noticias": "noticias", "Páginas institucionales": "paginas", "Trámites": "tramites",
         "Contratos": "contratos", "Eventos": "eventos"}
SETTINGS = {"TIMEZONE": "America/Bogota", "TRAMITE_URL": "tramites/{slug}/",
            "CONTRATO_URL": "contratos/{slug}/", "EVENTO_URL": "eventos/{slug}/",
            "OFICINAS_URL": "oficinas/", "CONTRATOS_URL": "contratos/",
            "TRAMITES_URL": "tramites/", "EVENTOS_URL": "eventos/",
            "TRANSPARENCIA_ESQUEMA_URL": "transparencia/esquema-de-publicacion/",
            "INFORME_EMPALME_URL": "informe-de-empalme/", "DATOS_URL": "datos/"}


def office_ids() -> list[str]:
    oficinas = yaml.safe_load((SAMPLE_CONTENT / "oficinas.yml").read_text(encoding="utf-8"))
    return [office["id"] for office in oficinas["oficinas"]]


def files_of(kind: str, office: str) -> list[Path]:
    return sorted((SAMPLE_CONTENT / kind / office).glob("*.*"))


def test_month_arithmetic_of_the_six_month_cut():
    assert months_before(datetime.date(2026, 12, 5), 6) == datetime.date(2026, 6, 5)
    assert months_before(datetime.date(2026, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2027, 3, 10), 6) == datetime.date(2026, 9, 10)


def test_the_summary_page_lists_every_office_with_its_counted_files(sample_site):
    main = sample_site.page("/informe-de-empalme/").find("main")
    assert main.find("h1").get_text() == "Informe de empalme"
    text = " ".join(main.get_text().split())
    assert ("Período de gobierno: del 1 de enero de 2024 al 31 de diciembre de 2027. "
            "Alcalde o alcaldesa: Alcalde municipal.") in text
    rows = main.find("table").find("tbody").find_all("tr")
    assert [row.find("a")["href"] for row in rows] == [
        f"../informe-de-empalme/{office}/" for office in office_ids()]
    for row, office in zip(rows, office_ids(), strict=True):
        total = sum(len(files_of(kind, office)) for kind in KINDS.values())
        assert row.find_all("td")[1].get_text() == str(total)
    assert "Cómo se maneja el sitio" in text and "invoke publicar" in text


@pytest.mark.parametrize("office", office_ids())
def test_each_office_page_counts_its_content_by_kind(sample_site, office):
    main = sample_site.page(f"/informe-de-empalme/{office}/").find("main")
    inventory = main.find("caption", string=re.compile("por tipo")).find_parent("table")
    counts = {row.find("th").get_text(): int(row.find("td").get_text())
              for row in inventory.find("tbody").find_all("tr")}
    assert counts == {label: len(files_of(kind, office)) for label, kind in KINDS.items()}
    oficinas = yaml.safe_load((SAMPLE_CONTENT / "oficinas.yml").read_text(encoding="utf-8"))
    own = next(item for item in oficinas["oficinas"] if item["id"] == office)
    text = " ".join(main.get_text(" ").split())
    assert f"Responsable {own['responsable']}" in text
    assert f"Correo {own['correo']}" in text
    # Its open contracts: every contract of the office not terminado/liquidado/desierto.
    open_refs = sorted(
        yaml.safe_load(path.read_text(encoding="utf-8"))["referencia"]
        for path in files_of("contratos", office)
        if yaml.safe_load(path.read_text(encoding="utf-8"))["estado"]
        not in ("terminado", "liquidado", "desierto"))
    heading = main.find("h2", string="Contratos abiertos")
    listed = sorted(item.get_text().split(":")[0]
                    for item in heading.find_next_sibling().find_all("li")) \
        if open_refs else []
    assert listed == open_refs


def test_item_4_5_of_the_transparency_menu_points_at_the_report(sample_site):
    menu = sample_site.page("/transparencia/")
    link = menu.find("a", href=re.compile(r"informe-de-empalme/$"))
    assert link is not None and "4.5" in link.find_parent("li").get_text()
    site_map = sample_site.page("/mapa-del-sitio/").find("main")
    assert site_map.find("a", href=re.compile(r"informe-de-empalme/$")) is not None


def test_without_a_term_of_office_there_is_no_report(silos_site):
    assert not silos_site.file_for("/informe-de-empalme/").exists()


# --- the figures, on a repository with a hand-made history -------------------------

def test_open_contracts_stale_tramites_and_events_held_from_history(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.import_folder(SAMPLE_CONTENT, "content", "2025-11-03T09:00:00-05:00")
    # Two trámites reviewed later: one after the six-month cut (1 June 2026 for a
    # cut-off on 1 December 2026), one on the day before it.
    recent = "content/tramites/hacienda/paz-y-salvo-municipal.yml"
    older = "content/tramites/gobierno/" + files_of("tramites", "gobierno")[0].name
    repo.commit("2026-06-01T09:00:00-05:00", {
        recent: (ROOT / recent).read_text(encoding="utf-8") + "# revisado\n"})
    repo.commit("2026-05-31T09:00:00-05:00", {
        older: (ROOT / older).read_text(encoding="utf-8") + "# revisado\n"})
    content = repo.root / "content"
    site = check_content(content, use_cache=False)
    hasta = datetime.date(2026, 12, 1)
    indicators, _ = indicators_of(content, site.plan, site.office_ids, "America/Bogota", hasta)
    report = handover_report(site, SETTINGS, hasta=hasta,
                             history=read_history(content), indicators=indicators,
                             transparency=matrix(load_catalogue(), site, SETTINGS))
    offices = {office.id: office for office in report.oficinas}
    assert report.revision_desde == datetime.date(2026, 6, 1)
    # Every trámite of the sample was last changed on 3 November 2025 except the two.
    stale = {office: sorted(item.url for item in offices[office].tramites_sin_revisar)
             for office in offices}
    expected = {office: sorted(f"tramites/{path.stem}/" for path in files_of("tramites", office)
                               if f"content/tramites/{office}/{path.name}" != recent)
                for office in offices}
    assert stale == expected
    assert [item.fecha for item in offices["gobierno"].tramites_sin_revisar
            if item.url == f"tramites/{Path(older).stem}/"] == [datetime.date(2026, 5, 31)]
    # Events held before 1 December 2026, not drafts, newest first.
    held = [path.name[:10] for path in files_of("eventos", "despacho")
            if path.name[:10] < "2026-12-01"]
    assert [item.fecha.isoformat() for item in offices["despacho"].eventos_realizados] == \
        sorted(held, reverse=True)
    assert report.oficinas[0].inventario[0].ultima_actualizacion == datetime.date(2025, 11, 3)
    assert "4.5" not in {row["id"] for row in report.transparencia_pendiente}
    correo = [office.id for office in report.oficinas
              if "Empleo de correo electrónico institucional" in office.acciones_sin_medicion]
    assert correo == ["juridica", "personeria"]


# --- invoke empalme -------------------------------------------------------------------

def run_empalme(*args):
    return subprocess.run([sys.executable, "-m", "invoke", "empalme", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_pdf_holds_every_office(tmp_path):
    pdf = tmp_path / "informe.pdf"
    result = run_empalme("--salida", str(pdf))
    assert result.returncode == 0, result.stderr
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))
    assert f"({pages} páginas," in result.stdout
    assert pages >= 1 + len(office_ids())  # the summary, then one page or more per office
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    oficinas = yaml.safe_load((SAMPLE_CONTENT / "oficinas.yml").read_text(encoding="utf-8"))
    for office in oficinas["oficinas"]:
        assert office["nombre"] in text and office["correo"] in text
    assert "Cómo se maneja el sitio" in text
    assert [path.name for path in tmp_path.iterdir()] == ["informe.pdf"]  # no leftovers


def test_the_pdf_is_never_written_inside_the_content_folder():
    result = run_empalme("--salida", "content/informe.pdf")
    assert result.returncode == 2
    assert "no puede quedar dentro de la carpeta de contenido" in result.stderr
    assert not (SAMPLE_CONTENT / "informe.pdf").exists()


def test_without_a_term_of_office_the_command_says_what_to_add(content_copy, tmp_path):
    entidad = content_copy / "entidad.yml"
    text = entidad.read_text(encoding="utf-8")
    entidad.write_text(text[:text.index("# El período de gobierno")], encoding="utf-8")
    result = run_empalme("--contenido", str(content_copy), "--salida", str(tmp_path / "i.pdf"))
    assert result.returncode == 1
    assert "no tiene el período de gobierno" in result.stderr
    assert not (tmp_path / "i.pdf").exists()


def test_without_history_the_report_still_lists_the_offices_and_says_why(content_copy):
    site = check_content(content_copy, use_cache=False)
    hasta = datetime.date(2026, 12, 1)
    history = read_history(content_copy)
    indicators, reason = indicators_of(content_copy, site.plan, site.office_ids,
                                       "America/Bogota", hasta, history=history)
    assert history.source == "sin_historial" and reason
    report = handover_report(site, SETTINGS, hasta=hasta, history=history,
                             indicators=indicators,
                             transparency=matrix(load_catalogue(), site, SETTINGS))
    assert [office.id for office in report.oficinas] == office_ids()
    for office in report.oficinas:
        assert office.indicadores == [] and office.tramites_sin_revisar == []
        assert office.ultima_actualizacion is None
        assert office.total_archivos == sum(len(files_of(kind, office.id))
                                            for kind in KINDS.values())


def test_the_report_on_the_site_reads_contracts_and_tramites_as_the_build_read_them(
        content_copy, tmp_path, monkeypatch):
    """A rebuild reads unchanged files from Pelican's cache; the report takes their data from
    the build instead of parsing every contract and trámite again (1.2 s at 10,000 items)."""
    build_site(content_copy, tmp_path / "output", PREVIEW_SETTINGS)
    before = (tmp_path / "output/informe-de-empalme/juridica/index.html").read_bytes()
    asked = []
    document_for = Site.document_for

    def recording(self, path):
        asked.append(str(path))
        return document_for(self, path)

    monkeypatch.setattr(Site, "document_for", recording)
    build_site(content_copy, tmp_path / "output", PREVIEW_SETTINGS)
    assert not [path for path in asked if path.startswith(("contratos/", "tramites/"))]
    assert (tmp_path / "output/informe-de-empalme/juridica/index.html").read_bytes() == before
