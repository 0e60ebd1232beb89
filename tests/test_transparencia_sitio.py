"""The transparency menu in the built site (DESIGN.md §9): /transparencia/, its item pages,
/transparencia.json and .csv, the esquema de publicación and the site map.

Expected values are written by hand from the fixture tests/fixtures/contenido-transparencia
(see test_transparencia.py: 1.1 by one page, 2.1 by two pages, 1.4 by the offices, 5.1–5.4 by
one trámite, 3.1 by an enlace, 9.1 no_aplica; plus 7.1.3, the esquema, which the site always
generates) and from content/plan.yml for the sample.
"""

from __future__ import annotations

import csv
import io
import json
import re
import runpy
import shutil
from urllib.parse import urljoin, urlparse

import pytest
from invoke import Context
from test_transparencia import DOMAIN, FIXTURE, NO_APLICA_91, SECOP_PAA, md_table

import tasks
from conftest import PREVIEW_SETTINGS, PUBLISH_SETTINGS, ROOT, BuiltSite, built_site
from gitrepo import GitRepo
from municipal.content.validation import check_content
from municipal.indicators.history import first_dates
from municipal.publishing.build import build_site
from municipal.site.page_budget import DEFAULT_BUDGET as BUDGET
from municipal.site.page_budget import compressed_size as gzip_size
from municipal.transparency.catalogue import load_catalogue
from municipal.transparency.esquema import FREQUENCIES, frequency, rows, to_csv

SETTINGS = runpy.run_path(str(PREVIEW_SETTINGS))
PENDING_MARK = "(pendiente de publicar)"

# Where the fixture's menu links each filled item (one page or list: straight to it).
LINKED = {
    "1.1": "/mision-y-vision/",
    "1.4": "/oficinas/",
    "2.1": "/transparencia/2.1/",  # two pages: its own page lists them
    "3.1": SECOP_PAA,
    "5.1": "/tramites/", "5.2": "/tramites/", "5.3": "/tramites/", "5.4": "/tramites/",
    "7.1.3": "/transparencia/esquema-de-publicacion/",
    "7.2": "/datos/",
}


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> BuiltSite:
    return built_site(tmp_path_factory, "transparencia", FIXTURE)


@pytest.fixture(scope="module")
def fixture_production(tmp_path_factory) -> BuiltSite:
    return built_site(tmp_path_factory, "transparencia-produccion", FIXTURE, PUBLISH_SETTINGS)


def site_path(page_url: str, href: str) -> str:
    """A link of a built page as an address from the site root (external ones as they are)."""
    target = urlparse(urljoin("http://sitio" + page_url, href))
    return target.path if target.netloc == "sitio" else href


# /transparencia/


def test_the_menu_shows_every_category_and_item_in_order_with_its_state(fixture_site):
    page = fixture_site.page("/transparencia/")
    main = page.find("main")
    categories = [h2.get_text(" ", strip=True) for h2 in main.find_all("h2")]
    table = md_table()
    assert categories == [f"{id_}. {label}" for id_, label in table if "." not in id_]
    lines = [" ".join(li.get_text(" ").split()) for li in main.select("ul.transparencia > li")]
    expected = []
    for id_, label in table:
        if "." not in id_:
            continue
        if id_ == "7.1":  # a heading with items under it
            expected.append(f"{id_} {label}")
        elif id_ == "9.1":
            expected.append(f"{id_} {label} No aplica: {NO_APLICA_91}")
        elif id_ in LINKED:
            expected.append(f"{id_} {label}")
        else:
            expected.append(f"{id_} {label} {PENDING_MARK}")
    assert lines == expected


def test_each_filled_item_links_to_what_fills_it_and_the_others_link_nowhere(fixture_site):
    main = fixture_site.page("/transparencia/").find("main")
    links = {}
    for item in main.select("ul.transparencia > li[id]"):
        anchor = item.find("a")
        links[item["id"].removeprefix("seccion-")] = (
            site_path("/transparencia/", anchor["href"]) if anchor else None)
    assert {id_: url for id_, url in links.items() if url} == LINKED
    assert len(links) == 56


def test_an_item_filled_by_several_pages_has_a_page_listing_them(fixture_site):
    page = fixture_site.page("/transparencia/2.1/")
    assert page.find("h1").get_text() == "2.1 Normativa de la entidad o autoridad"
    listed = [(a.get_text(), site_path("/transparencia/2.1/", a["href"]))
              for a in page.find("main").select("ul a")]
    assert listed == [("Leyes", "/leyes/"), ("Normativa", "/normativa/")]
    # Items filled by one page or list have no page of their own.
    assert not fixture_site.file_for("/transparencia/1.1/").exists()
    assert sorted(p.name for p in (fixture_site.output / "transparencia").iterdir()) == [
        "2.1", "esquema-de-publicacion", "esquema-de-publicacion.csv", "index.html"]


# /transparencia.json and .csv


def test_the_matrix_files_are_root_relative_in_preview(fixture_site):
    document = json.loads((fixture_site.output / "transparencia.json").read_text())
    items = {row["id"]: row for row in document["items"]}
    assert document["resumen"] == {"publicado": 10, "no_aplica": 1, "pendiente": 45}
    assert items["2.1"]["urls"] == ["/leyes/", "/normativa/"]
    assert items["7.1.3"]["urls"] == ["/transparencia/esquema-de-publicacion/"]
    assert items["3.1"]["urls"] == [SECOP_PAA]
    csv_lines = (fixture_site.output / "transparencia.csv").read_text().splitlines()
    assert csv_lines[1] == ('1.1,1,"Misión, visión, funciones y deberes",publicado,'
                            "/mision-y-vision/,")


def test_in_production_the_matrix_files_are_what_invoke_transparencia_prints(
        fixture_production, capsys):
    for name, formato in (("transparencia.json", "json"), ("transparencia.csv", "csv")):
        tasks.transparencia(Context(), contenido=str(FIXTURE), formato=formato)
        printed = capsys.readouterr().out
        assert (fixture_production.output / name).read_text(encoding="utf-8") == printed
    document = json.loads((fixture_production.output / "transparencia.json").read_text())
    items = {row["id"]: row for row in document["items"]}
    assert items["1.4"]["urls"] == [f"{DOMAIN}/oficinas/"]
    assert items["7.1.3"]["urls"] == [f"{DOMAIN}/transparencia/esquema-de-publicacion/"]
    # The pages themselves link the same places, absolute as every production link.
    main = fixture_production.page("/transparencia/").find("main")
    assert main.select_one('li[id="seccion-2.1"] a')["href"] == f"{DOMAIN}/transparencia/2.1/"


# The esquema de publicación


ENTITY = "Alcaldía Municipal de Silos"
OFFICE, HEAD = "Despacho del Alcalde", "Alcalde municipal"
WHEN = "Cuando cambia"  # the fixture's plan measures only noticias, and it has none


def fixture_rows_expected(dated: str) -> list[list[str]]:
    common = ["Español", "Electrónico", "HTML", dated, WHEN]
    return [
        ["Trámites: Despacho del Alcalde", *common, "/oficinas/despacho/", OFFICE, HEAD],
        ["Páginas institucionales: Despacho del Alcalde", *common, "/oficinas/despacho/",
         OFFICE, HEAD],
        ["1.1 Misión, visión, funciones y deberes", *common, "/mision-y-vision/", OFFICE, HEAD],
        ["1.4 Directorio institucional incluyendo sedes, oficinas, sucursales, o regionales, "
         "y dependencias", *common, "/oficinas/", ENTITY, ""],
        ["2.1 Normativa de la entidad o autoridad", *common, "/transparencia/2.1/", OFFICE, HEAD],
        *[[f"5.{n} {label}", *common, "/tramites/", OFFICE, HEAD] for n, label in (
            (1, "Normatividad que sustenta el trámite"), (2, "Procesos"),
            (3, "Costos asociados"), (4, "Formatos y/o formularios asociados"))],
        ["7.1.3 Esquema de publicación de la información", *common,
         "/transparencia/esquema-de-publicacion/", ENTITY, ""],
        ["7.2 Sección de datos abiertos", *common, "/datos/", ENTITY, ""],
    ]


def esquema_csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_esquema_of_the_fixture_row_by_row(fixture_site):
    found = esquema_csv_rows(
        (fixture_site.output / "transparencia/esquema-de-publicacion.csv").read_text())
    assert found[0] == ["nombre", "idioma", "medio_de_conservacion", "formato",
                        "fecha_de_generacion", "frecuencia_de_actualizacion",
                        "lugar_de_consulta", "responsable_de_la_produccion",
                        "responsable_de_la_informacion"]
    rows_found = [row[:4] + row[5:] for row in found[1:]]  # dates: see the git test below
    assert rows_found == [row[:4] + row[5:] for row in fixture_rows_expected("")]
    page = fixture_site.page("/transparencia/esquema-de-publicacion/")
    assert [h2.get_text() for h2 in page.find("main").find_all("h2")] == [
        row[0] for row in fixture_rows_expected("")]


def test_the_esquema_dates_are_the_first_git_date_of_the_files(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.import_folder(FIXTURE, "content", "2025-03-05T10:00:00-05:00")
    content = tmp_path / "repo" / "content"
    repo.commit("2025-09-01T10:00:00-05:00", {
        "content/paginas/despacho/funciones.md":
            '---\ntitulo: Funciones\nresumen: Las funciones.\nseccion: "1.1"\n---\nTexto.\n'})
    repo.commit("2026-01-10T10:00:00-05:00", {
        "content/paginas/despacho/mision-y-vision.md":
            '---\ntitulo: Misión\nresumen: La misión.\nseccion: "1.1"\n---\nOtro texto.\n'})
    site = check_content(content, use_cache=False)
    dates = first_dates(content, "America/Bogota")
    assert dates["paginas/despacho/funciones.md"].isoformat() == "2025-09-01"
    assert dates["paginas/despacho/mision-y-vision.md"].isoformat() == "2025-03-05"
    urls = {row.id: "" for row in load_catalogue().rows}
    found = {row.nombre: row.fecha_de_generacion for row in
             rows(load_catalogue(), site, SETTINGS, urls, dates)}
    assert found["1.1 Misión, visión, funciones y deberes"].isoformat() == "2025-03-05"
    assert found["Páginas institucionales: Despacho del Alcalde"].isoformat() == "2025-03-05"


def test_without_git_the_esquema_is_undated(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    assert first_dates(content, "America/Bogota") == {}
    found = esquema_csv_rows(to_csv(rows(load_catalogue(), check_content(content, use_cache=False),
                                         SETTINGS, {row.id: "/x/" for row in load_catalogue().rows},
                                         {})))
    assert {row[4] for row in found[1:]} == {""}


@pytest.mark.parametrize(("meta_anual", "label"), [
    (12, "Mensual"), (6, "Bimestral"), (4, "Trimestral"), (3, "Cuatrimestral"),
    (2, "Semestral"), (1, "Anual")])
def test_frequency_names(meta_anual, label):
    plan = {"acciones": [{"id": "a", "tipos": ["noticias"], "oficinas": ["gobierno"],
                          "meta_anual": meta_anual}]}
    assert frequency(plan, "noticias", ["gobierno"]) == label
    assert frequency(plan, "noticias", ["hacienda"]) == "Cuando cambia"
    assert frequency(plan, "tramites", ["gobierno"]) == "Cuando cambia"
    assert FREQUENCIES[meta_anual] == label


def test_the_most_frequent_target_wins():
    plan = {"acciones": [
        {"id": "a", "tipos": ["noticias"], "oficinas": "todas", "meta_anual": 2},
        {"id": "b", "tipos": ["noticias", "paginas"], "oficinas": ["hacienda"], "meta_anual": 4},
        {"id": "c", "medicion": "ninguna", "oficinas": "todas"}]}
    assert frequency(plan, "noticias", ["hacienda"]) == "Trimestral"
    assert frequency(plan, "noticias", ["gobierno"]) == "Semestral"


# content/plan.yml: noticias and paginas of every office monthly (informacion, 12),
# contratos of juridica and planeacion monthly (contratacion, 12), tramites of every
# office twice a year (tramites, 2).
SAMPLE_FREQUENCIES = {
    "Noticias": "Mensual", "Páginas institucionales": "Mensual", "Contratación": "Mensual",
    "Trámites": "Semestral", "Eventos": WHEN,
}
# Events count for empalme (every office, once a year: Anual) and for socialización
# (despacho, twice a year: Semestral, the more frequent of its two).
SAMPLE_EVENT_FREQUENCIES = {"despacho": "Semestral", "gobierno": "Anual", "juridica": "Anual"}
SAMPLE_ITEM_FREQUENCIES = {
    "1.1": "Mensual", "1.4": WHEN, "1.6": "Mensual", "1.8": "Mensual", "1.10": "Mensual",
    "1.11": "Semestral", "1.13": "Mensual",  # 1.11: the events, socialización's target
    "2.1": "Mensual", "3.2": "Mensual", "3.3": "Mensual", "4.3": "Mensual", "4.5": WHEN,
    "5.1": "Semestral", "5.2": "Semestral", "5.3": "Semestral", "5.4": "Semestral",
    "6.1": "Mensual", "6.6": "Mensual", "6.7": "Mensual", "7.1.3": WHEN, "7.2": WHEN,
    "10.1": "Mensual",
}
SAMPLE_OFFICE_KINDS = {  # the folders of content/ with files
    "Noticias": ["despacho", "gobierno", "planeacion", "hacienda", "juridica", "personeria"],
    "Trámites": ["gobierno", "planeacion", "hacienda", "personeria"],
    "Contratación": ["planeacion", "juridica"],
    "Páginas institucionales": ["despacho", "gobierno", "hacienda", "juridica", "personeria"],
    "Eventos": ["despacho", "gobierno", "juridica"],
}


def test_the_esquema_of_the_sample_rows_and_frequencies(sample_site):
    found = esquema_csv_rows(
        (sample_site.output / "transparencia/esquema-de-publicacion.csv").read_text())[1:]
    names = {office["id"]: office["nombre"] for office in check_content(
        ROOT / "content", use_cache=False).oficinas}
    expected = [(f"{kind}: {names[office]}",
                 SAMPLE_EVENT_FREQUENCIES.get(office, SAMPLE_FREQUENCIES[kind])
                 if kind == "Eventos" else SAMPLE_FREQUENCIES[kind], f"/oficinas/{office}/")
                for kind, offices in SAMPLE_OFFICE_KINDS.items() for office in offices]
    is_item = re.compile(r"[0-9]+(\.[0-9]+)+ ")
    kind_rows = [(row[0], row[5], row[6]) for row in found if not is_item.match(row[0])]
    assert sorted(kind_rows) == sorted(expected)
    item_rows = {row[0].split(" ", 1)[0]: row[5] for row in found if is_item.match(row[0])}
    assert item_rows == SAMPLE_ITEM_FREQUENCIES


# The site map and the footer


def html_pages(site: BuiltSite) -> set[str]:
    """Every HTML page of a built site as its address, except the 404 page and the pages
    2, 3… of paginated lists (each list's first page links the next)."""
    found = set()
    for path in site.html_files():
        relpath = path.relative_to(site.output).as_posix()
        if relpath == "404.html" or re.search(r"(^|/)pagina/[0-9]+/index\.html$", relpath):
            continue
        found.add("/" + relpath.removesuffix("index.html"))
    return found


def site_map_links(site: BuiltSite) -> set[str]:
    pending, seen, links = ["/mapa-del-sitio/"], set(), set()
    while pending:
        url = pending.pop()
        seen.add(url)
        for anchor in site.page(url).select("main a[href]"):
            target = site_path(url, anchor["href"])
            if target.startswith("/mapa-del-sitio/pagina/") and target not in seen:
                pending.append(target)
            links.add(target)
    return links


@pytest.mark.parametrize("built", ["sample_site", "fixture_site"])
def test_the_site_map_links_every_page(built, request):
    site = request.getfixturevalue(built)
    pages = html_pages(site)
    assert {"/", "/transparencia/", "/transparencia/esquema-de-publicacion/",
            "/mapa-del-sitio/", "/cumplimiento/"} <= pages
    assert pages - site_map_links(site) <= {"/mapa-del-sitio/"}


def test_every_footer_links_the_menu_the_site_map_and_the_policies(sample_site):
    for path in sample_site.html_files():
        page = sample_site.page("/" + path.relative_to(sample_site.output).as_posix())
        url = "/" + path.relative_to(sample_site.output).as_posix()
        footer = {site_path(url, a["href"]) for a in page.select("footer a[href]")}
        assert {"/transparencia/", "/mapa-del-sitio/", "/derechos-de-autor/",
                "/politica-de-tratamiento-de-datos/", "/terminos-y-condiciones/"} <= footer, url


def add_offices(content, count: int) -> None:
    """`count` more offices (the validator allows 60 in all), each with a news item, a
    trámite and a page copied from the sample's Secretaría de Gobierno."""
    copies = (("noticias", "2026-02-03-jornada-de-vacunacion-antirrabica-en-las-veredas.md"),
              ("tramites", "certificado-de-residencia.yml"),
              ("paginas", "servicio-al-publico.md"))
    entries = []
    for n in range(count):
        office = f"dependencia-{n:02d}"
        entries.append(
            f"  - id: {office}\n    nombre: Secretaría de Desarrollo Rural número {n:02d}\n"
            f"    correo: {office}@chitaga-nortedesantander.gov.co\n"
            f"    responsable: Secretario de Desarrollo Rural {n:02d}\n")
        for kind, name in copies:
            text = (content / kind / "gobierno" / name).read_text(encoding="utf-8")
            stem, dot, extension = name.rpartition(".")
            (content / kind / office).mkdir()
            (content / kind / office / f"{stem}-{n:02d}{dot}{extension}").write_text(
                text.replace('seccion: "1.8"\n', ""), encoding="utf-8")
    with (content / "oficinas.yml").open("a", encoding="utf-8") as oficinas:
        oficinas.write("".join(entries))


def test_with_sixty_offices_the_esquema_paginates_within_budget(tmp_path):
    """On one page these 198 rows would still fit (6.7 KB): the pagination is the margin
    for longer names and more kinds of content."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    add_offices(content, 54)
    site = BuiltSite(tmp_path / "output")
    build_site(content, site.output, PREVIEW_SETTINGS)
    csv_rows = esquema_csv_rows(
        (site.output / "transparencia/esquema-de-publicacion.csv").read_text())[1:]
    assert len(csv_rows) == 20 + 3 * 54 + 22  # the sample's kind rows, 3 per new office, items
    url, shown, pages = "/transparencia/esquema-de-publicacion/", [], 0
    while url:
        pages += 1
        assert gzip_size(site.file_for(url).read_bytes()) <= BUDGET, url
        page = site.page(url)
        shown += [h2.get_text() for h2 in page.find("main").find_all("h2")]
        following = page.find("a", rel="next")
        url = site_path(url, following["href"]) if following else None
    assert shown == [row[0] for row in csv_rows]
    assert pages == 4  # 60 rows a page (PAGINATED_TEMPLATES["esquema"])
