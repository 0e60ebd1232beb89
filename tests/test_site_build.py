"""The sample site: a page for every content file, with every field a citizen needs.

Expected values are computed here from the content files with plain PyYAML and
hand-written Spanish formats, independently of the plugin's own code.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml
from bs4 import BeautifulSoup
from pelican.log import FatalLogger

from conftest import (
    PREVIEW_SETTINGS,
    PUBLISH_SETTINGS,
    ROOT,
    SAMPLE_CONTENT,
    SILOS_CONTENT,
    BuiltSite,
)
from municipal.content.validation import InvalidContent
from municipal.publishing.build import BuildFailed, build_site
from municipal.site.readers import MarkdownContentReader

MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre"]


def spanish_date(value) -> str:
    year, month, day = (int(part) for part in str(value).split("-"))
    return f"{day} de {MONTHS[month - 1]} de {year}"


def pesos(value: int) -> str:
    return "$ " + f"{value:,}".replace(",", ".")


def squash(text: str) -> str:
    return " ".join(text.split())


def front_matter(path: Path) -> tuple[dict, str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def items(kind: str, content: Path = SAMPLE_CONTENT):
    """(path, office, data) of every file of a kind, from the folder layout."""
    for path in sorted((content / kind).glob("*/*")):
        data = front_matter(path)[0] if path.suffix == ".md" else yaml.safe_load(
            path.read_text(encoding="utf-8"))
        yield path, path.parent.name, data


def published_news(content: Path = SAMPLE_CONTENT):
    return [(p, o, d) for p, o, d in items("noticias", content) if not d.get("borrador")]


def test_sample_content_is_big_enough_to_be_useful():
    offices = yaml.safe_load((SAMPLE_CONTENT / "oficinas.yml").read_text())["oficinas"]
    assert len(offices) >= 6
    assert len(published_news()) >= 10
    assert len(list(items("tramites"))) >= 8
    contract_years = {str(d.get("fecha_firma") or d.get("fecha_cierre"))[:4]
                      for _, _, d in items("contratos")}
    assert len(list(items("contratos"))) >= 10
    assert len(contract_years - {"None"}) >= 2


def test_every_news_item_has_a_page_with_its_fields(sample_site: BuiltSite):
    for path, office, data in items("noticias"):
        url = f"/noticias/{path.stem}/"
        if data.get("borrador"):
            assert not sample_site.file_for(url).exists(), "a draft must not be published"
            continue
        page = sample_site.page(url)
        assert squash(page.find("h1").get_text()) == squash(data["titulo"])
        text = sample_site.main_text(url)
        assert spanish_date(data["fecha"]) in text
        assert squash(data["resumen"]) in text
        office_link = page.find("main").find("a", href=f"../../oficinas/{office}/")
        assert office_link is not None


def test_drafts_appear_nowhere(sample_site: BuiltSite):
    drafts = [d["titulo"] for _, _, d in items("noticias") if d.get("borrador")]
    assert drafts, "the sample content should show a draft"
    for html in sample_site.html_files():
        text = html.read_text(encoding="utf-8")
        for title in drafts:
            assert title not in text, f"draft {title!r} leaked into {html}"


def test_every_tramite_page_shows_what_a_citizen_needs(sample_site: BuiltSite):
    for path, _, data in items("tramites"):
        url = f"/tramites/{path.stem}/"
        page = sample_site.page(url)
        text = sample_site.main_text(url)
        assert squash(page.find("h1").get_text()) == squash(data["nombre"])
        assert squash(data["descripcion"]) in text
        listed = [squash(li.get_text()) for li in page.select("ol.tramite__requisitos > li")]
        assert listed == [squash(r) for r in data["requisitos"]]
        for document in data.get("documentos", []):
            assert squash(document) in text
        cost = data["costo"]
        if cost.get("gratuito"):
            assert "Gratuito" in text
        elif cost.get("unidad", "COP") == "COP":
            assert pesos(cost["valor"]) in text
        else:
            assert cost["unidad"] in text
        time_limit = data["tiempo_respuesta"]
        if "dias_habiles" in time_limit:
            assert re.search(rf"\b{time_limit['dias_habiles']} días? hábil(es)?", text)
        else:
            assert squash(time_limit["detalle"]) in text
        for channel in data["canales"]:
            assert squash(channel["detalle"]) in text
        for norm in data.get("normatividad", []):
            assert squash(norm["norma"]) in text
            if norm.get("enlace"):
                assert page.find("a", href=norm["enlace"]) is not None
        for form in data.get("formularios", []):
            link = page.find("a", string=re.compile(re.escape(form["titulo"])))
            target = urljoin(url, link["href"])
            published = sample_site.file_for(target)
            assert published.read_bytes() == (SAMPLE_CONTENT / form["archivo"]).read_bytes()


def test_every_contract_page_shows_value_dates_and_secop_link(sample_site: BuiltSite):
    for path, _, data in items("contratos"):
        url = f"/contratos/{path.stem}/"
        page = sample_site.page(url)
        text = sample_site.main_text(url)
        assert data["referencia"] in page.find("h1").get_text()
        assert squash(data["objeto"]) in text
        assert pesos(data["valor"]) in text
        for field in ("fecha_firma", "fecha_inicio", "fecha_fin", "fecha_cierre"):
            if field in data:
                assert spanish_date(data[field]) in text, (path, field)
        if "contratista" in data:
            assert squash(data["contratista"]["nombre"]) in text
            assert str(data["contratista"]["documento"]) in text
        if "url_secop" in data:
            assert page.find("a", href=data["url_secop"]) is not None


def test_contracts_index_is_by_year_newest_first(sample_site: BuiltSite):
    page = sample_site.page("/contratos/")
    years = [int(h.get_text()) for h in page.find("main").find_all("h2")
             if h.get_text().strip().isdigit()]
    assert years == sorted(years, reverse=True) and len(years) >= 2
    text = sample_site.main_text("/contratos/")
    for _, _, data in items("contratos"):
        assert data["referencia"] in text
    assert "Contratación directa" in text  # modalidad as a label, not a code
    assert "contratacion_directa" not in text
    open_processes = [d for _, _, d in items("contratos") if d["estado"] == "convocado"]
    assert "Convocatorias abiertas" in text if open_processes else True


def test_tramites_index_lists_each_tramite_a_to_z_and_links_each_office(sample_site: BuiltSite):
    page = sample_site.page("/tramites/")
    links = [urljoin("/tramites/", a["href"]) for a in page.select("ul.tramites a")]
    expected = {f"/tramites/{path.stem}/" for path, _, _ in items("tramites")}
    assert sorted(links) == sorted(expected)  # each once, A–Z
    names = [squash(a.get_text()) for a in page.select("ul.tramites a")]
    plain = str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")
    assert names == sorted(names, key=lambda name: name.translate(plain).lower())
    by_office = page.find("h2", id="por-dependencia").find_next("ul").find_all("a")
    offices = {path.parent.name for path, _, _ in items("tramites")}
    assert {urljoin("/tramites/", a["href"]) for a in by_office} == {
        f"/oficinas/{office}/#tramites" for office in offices}


def office_item_links(site: BuiltSite, office: str) -> set[str]:
    page = site.page(f"/oficinas/{office}/")
    links = set()
    for anchor in page.find("main").find_all("a", href=True):
        absolute = urljoin(f"/oficinas/{office}/", anchor["href"])
        if absolute.startswith(("/tramites/", "/contratos/", "/noticias/")) or (
            absolute.count("/") == 2
            and not absolute.startswith(("/oficinas/", "/cumplimiento/", "/eventos/"))
        ):
            links.add(absolute)
    return links


@pytest.mark.parametrize("office", ["despacho", "gobierno", "planeacion", "hacienda",
                                    "juridica", "personeria"])
def test_office_page_lists_exactly_that_offices_items(sample_site: BuiltSite, office):
    expected = set()
    for kind in ("tramites", "contratos"):
        expected |= {f"/{kind}/{p.stem}/" for p, o, _ in items(kind) if o == office}
    expected |= {f"/noticias/{p.stem}/" for p, o, _ in published_news() if o == office}
    expected |= {f"/{p.stem}/" for p, o, _ in items("paginas") if o == office}
    assert office_item_links(sample_site, office) == expected
    text = sample_site.main_text(f"/oficinas/{office}/")
    offices = yaml.safe_load((SAMPLE_CONTENT / "oficinas.yml").read_text())["oficinas"]
    data = next(o for o in offices if o["id"] == office)
    assert data["correo"] in text and data["responsable"] in text


def internal_targets(site: BuiltSite):
    """(page url, link target url) for every internal link and asset."""
    for html in site.html_files():
        relative = html.relative_to(site.output).as_posix()
        page_url = "/" + relative.removesuffix("index.html")
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in (("a", "href"), ("link", "href"), ("img", "src"),
                               ("source", "srcset")):
            for element in soup.find_all(tag, **{attribute: True}):
                target = element[attribute]
                if urlparse(target).scheme or target.startswith("#"):
                    continue
                yield page_url, urljoin(page_url, target).split("#")[0]


def test_every_internal_link_resolves_to_a_file(sample_site: BuiltSite):
    checked = 0
    for page_url, target in internal_targets(sample_site):
        assert sample_site.file_for(target).is_file(), f"{page_url} → {target}"
        checked += 1
    assert checked > 100


def test_urls_are_clean(sample_site: BuiltSite):
    data_files = ("/cumplimiento.json", "/cumplimiento.csv", "/transparencia.json",
                  "/transparencia.csv", "/transparencia/esquema-de-publicacion.csv",
                  "/eventos.ics")
    for page_url, target in internal_targets(sample_site):
        if (not target.startswith(("/adjuntos/", "/imagenes/", "/datos/"))
                and target not in data_files):  # /datos/ holds the open data files
            if target.startswith("/eventos/") and target.endswith(".ics"):
                continue  # an event's calendar file, beside its page
            assert target.endswith("/"), f"{page_url} links to {target}"
    assert sample_site.file_for("/tramites/certificado-de-residencia/").is_file()


def test_news_list_paginates_newest_first(sample_site: BuiltSite):
    news = sorted(published_news(), key=lambda item: (str(item[2]["fecha"]), item[0].stem),
                  reverse=True)
    pages, url = [], "/noticias/"
    while url:
        page = sample_site.page(url)
        pages.append([squash(h.get_text()) for h in page.select(".noticia__titulo")])
        newer_older = page.find("a", string="Noticias anteriores")
        url = urljoin(url, newer_older["href"]) if newer_older else None
    assert len(pages) == -(-len(news) // 10)
    assert [title for page in pages for title in page][: len(news)] == [
        squash(d["titulo"]) for _, _, d in news]


def test_home_has_latest_news_entry_points_and_contact(sample_site: BuiltSite):
    page = sample_site.page("/")
    hrefs = {a["href"] for a in page.find("main").find_all("a", href=True)}
    assert {"./tramites/", "./contratos/", "./noticias/", "./oficinas/"} <= hrefs
    latest = sorted(published_news(), key=lambda i: (str(i[2]["fecha"]), i[0].stem),
                    reverse=True)[:5]
    for path, _, _ in latest:
        assert f"./noticias/{path.stem}/" in hrefs
    entidad = yaml.safe_load((SAMPLE_CONTENT / "entidad.yml").read_text())
    footer = squash(page.find("footer").get_text(" "))
    for field in ("nit", "direccion", "telefono", "correo_contacto",
                  "correo_notificaciones_judiciales"):
        assert squash(str(entidad[field])) in footer


def test_every_institutional_page_is_published_with_its_title(sample_site: BuiltSite):
    for path, _, data in items("paginas"):
        page = sample_site.page(f"/{path.stem}/")
        assert squash(page.find("h1").get_text()) == squash(data["titulo"])


def test_a_second_content_folder_builds_with_its_own_entity(silos_site: BuiltSite):
    entidad = yaml.safe_load((SILOS_CONTENT / "entidad.yml").read_text())
    offices = yaml.safe_load((SILOS_CONTENT / "oficinas.yml").read_text())["oficinas"]
    home = silos_site.page("/")
    assert entidad["nit"] in home.find("footer").get_text()
    assert entidad["nombre"] in home.find("h1").get_text()
    office_links = {a["href"] for a in silos_site.page("/oficinas/").find("main").find_all("a")
                    if not a["href"].startswith("mailto:")}
    assert office_links == {f"../oficinas/{o['id']}/" for o in offices}
    for html in silos_site.html_files():
        assert "Chitagá" not in html.read_text(encoding="utf-8"), html
    for path, _, _ in items("tramites", SILOS_CONTENT):
        assert silos_site.file_for(f"/tramites/{path.stem}/").is_file()


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def test_invalid_content_leaves_the_previous_site_untouched(content_copy, tmp_path):
    output = tmp_path / "salida" / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    before = tree_digest(output)
    tramite = next((content_copy / "tramites").glob("*/*.yml"))
    tramite.write_text("nombre: [sin cerrar\n", encoding="utf-8")
    with pytest.raises(InvalidContent) as error:
        build_site(content_copy, output, PREVIEW_SETTINGS)
    assert f"content/tramites/{tramite.parent.name}/{tramite.name}:1" in str(error.value)
    assert tree_digest(output) == before
    assert sorted(p.name for p in output.parent.iterdir()) == ["output"]


def test_a_broken_template_leaves_the_previous_site_untouched(content_copy, tmp_path):
    output = tmp_path / "salida" / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    before = tree_digest(output)
    theme = tmp_path / "tema"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "tramite.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ tramite.no_existe.campo }}'
        "{% endblock %}", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_site(content_copy, output, PREVIEW_SETTINGS, {"THEME": str(theme)})
    assert tree_digest(output) == before
    assert sorted(p.name for p in output.parent.iterdir()) == ["output"]


def test_production_build_links_to_the_entitys_domain(tmp_path):
    output = tmp_path / "output"
    build_site(SAMPLE_CONTENT, output, PUBLISH_SETTINGS)
    home = BuiltSite(output).page("/")
    hrefs = [a["href"] for a in home.find("main").find_all("a", href=True)]
    assert "https://chitaga-nortedesantander.gov.co/tramites/" in hrefs
    silos = tmp_path / "silos"
    build_site(SILOS_CONTENT, silos, PUBLISH_SETTINGS)
    domain = yaml.safe_load((SILOS_CONTENT / "entidad.yml").read_text())["dominio"]
    silos_hrefs = [a["href"] for a in BuiltSite(silos).page("/").find_all("a", href=True)]
    assert f"https://{domain}/tramites/" in silos_hrefs


def invoke(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


def test_cli_builds_another_content_folder_into_another_output(tmp_path):
    output = tmp_path / "sitio-silos"
    result = invoke("construir", "--contenido", str(SILOS_CONTENT), "--salida", str(output))
    assert result.returncode == 0, result.stderr
    assert "páginas" in result.stdout
    assert (output / "index.html").is_file()
    alias = invoke("build", "--contenido", str(SILOS_CONTENT), "--salida", str(output))
    assert alias.returncode == 0, alias.stderr


def test_cli_refuses_invalid_content_with_file_and_line(content_copy, tmp_path):
    contract = next((content_copy / "contratos").glob("*/*.yml"))
    contract.write_text(contract.read_text(encoding="utf-8") + "\tsupervisor: x\n",
                        encoding="utf-8")
    output = tmp_path / "output"
    result = invoke("construir", "--contenido", str(content_copy), "--salida", str(output))
    assert result.returncode == 1
    assert f"content/contratos/{contract.parent.name}/{contract.name}:" in result.stderr
    assert "tabulador" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not output.exists()
    check = invoke("validar", "--contenido", str(content_copy))
    assert check.returncode == 1 and "1 error en 1 archivo" in check.stdout


NEWS = "noticias/hacienda/2026-04-08-plazo-para-declarar-industria-y-comercio.md"


def reader_fails_on_one_news(content, monkeypatch):
    """A reader bug on a file the validator accepted: Pelican only logs the error
    ("Could not process ...") and leaves the page out."""
    read = MarkdownContentReader.read

    def failing_read(self, source_path):
        if source_path.endswith(NEWS):
            raise ValueError("falla simulada del lector")
        return read(self, source_path)

    monkeypatch.setattr(MarkdownContentReader, "read", failing_read)
    path = content / NEWS  # edited, so that it is read again and not taken from the cache
    path.write_text(path.read_text(encoding="utf-8") + "\nOtro párrafo.\n", encoding="utf-8")
    return {}


def news_saved_outside_the_output(content, monkeypatch):
    """Pelican logs "Skipping ...: would be written outside output path" and goes on."""
    return {"ARTICLE_SAVE_AS": "../fuera/{slug}/index.html"}


READER_FAILURE = (
    f"content/{NEWS}: no se pudo construir el sitio: Pelican no pudo procesar este archivo "
    "(ValueError: falla simulada del lector). El archivo pasó la validación, así que el fallo "
    "es del generador: avise al equipo de desarrollo con este mensaje"
)
OUTSIDE_OUTPUT = re.compile(
    r"content/noticias/[a-z]+/[\w-]+\.md: no se pudo construir el sitio: su página se "
    r"escribiría fuera de la carpeta de salida \('\.\./fuera/[\w-]+/index\.html'\)\. "
    r"Revise \*_SAVE_AS en la configuración del sitio"
)


@pytest.mark.parametrize(("mistake", "expected"), [
    pytest.param(reader_fails_on_one_news, re.compile(re.escape(READER_FAILURE)), id="lector"),
    pytest.param(news_saved_outside_the_output, OUTSIDE_OUTPUT, id="fuera-de-la-salida"),
])
def test_an_error_pelican_only_logs_fails_the_build(content_copy, tmp_path, monkeypatch,
                                                    mistake, expected):
    # As in a fresh process: errors are fatal only if build_site makes them so.
    monkeypatch.setattr(FatalLogger, "fatal_lvl", logging.CRITICAL + 1)
    output = tmp_path / "salida" / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    before = tree_digest(output)
    overrides = mistake(content_copy, monkeypatch)
    monkeypatch.setattr(FatalLogger, "fatal_lvl", logging.CRITICAL + 1)
    with pytest.raises(BuildFailed) as failure:
        build_site(content_copy, output, PREVIEW_SETTINGS, overrides)
    # The message names the file Pelican could not handle, not "Warning or error encountered".
    assert expected.fullmatch(str(failure.value)), str(failure.value)
    assert tree_digest(output) == before
    assert sorted(p.name for p in output.parent.iterdir()) == ["output"]
    assert not (tmp_path / "salida" / "fuera").exists()
