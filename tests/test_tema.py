"""The low-bandwidth theme, read from the built files: budget, structure, lists, 404, photos.

What only a browser can tell (axe, keyboard, widths, throttled loading) is in
test_navegador.py.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import random
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from conftest import PREVIEW_SETTINGS, SAMPLE_CONTENT, BuiltSite
from municipal.publishing.build import BuildFailed, build_site
from municipal.publishing.build_safety import MARKER, MARKER_TEXT
from municipal.site import images
from municipal.site.page_budget import PagesOverBudget

BUDGET = 13 * 1024  # one round trip: the first TCP window holds about 14.6 KB
NEWS_WITH_PHOTO = "/noticias/2025-06-18-inician-obras-de-placa-huella-en-la-vereda-el-roble/"


def compressed_size(path: Path) -> int:
    return gzip_size(path.read_bytes())


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, 9, mtime=0))


def test_every_page_with_its_css_fits_one_round_trip(sample_site: BuiltSite):
    sizes = {path.relative_to(sample_site.output).as_posix(): compressed_size(path)
             for path in sample_site.html_files()}
    over = {name: size for name, size in sizes.items() if size > BUDGET}
    assert not over, f"páginas de más de {BUDGET} B comprimidas: {over}"
    assert len(sizes) > 60


def test_pages_need_no_script_font_stylesheet_or_third_party(sample_site: BuiltSite):
    for path in sample_site.html_files():
        html = path.read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        name = path.relative_to(sample_site.output)
        # JSON-LD is data the browser never runs (DESIGN.md §10). The one script of the site
        # is the search page's own (issue 18), from the site; any other script fails.
        scripts = [script.get("src") for script in soup.find_all(
            "script", type=lambda kind: kind != "application/ld+json")]
        assert scripts == (["buscar.js"] if name.as_posix() == "buscar/index.html" else []), (
            f"{name}: {scripts}")
        assert not soup.find("link", rel="stylesheet"), f"{name}: el CSS va en la página"
        assert not soup.find(["iframe", "embed", "object", "video", "audio"]), name
        css = " ".join(style.get_text() for style in soup.find_all("style"))
        assert "@font-face" not in css and "@import" not in css and "url(" not in css, name
        for element in soup.find_all(src=True) + soup.find_all(srcset=True):
            address = element.get("src") or element.get("srcset")
            assert not re.match(r"(https?:)?//", address), f"{name}: pide {address}"


def test_every_page_has_one_h1_landmarks_language_and_skip_link(sample_site: BuiltSite):
    for path in sample_site.html_files():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        name = path.relative_to(sample_site.output)
        assert soup.html["lang"] == "es-CO", name
        assert len(soup.find_all("h1")) == 1, name
        assert soup.find("header") and soup.find("footer") and soup.find("nav"), name
        main = soup.find("main")
        assert main and main.get("id") == "contenido", name
        first_link = soup.body.find("a")
        assert first_link["href"] == "#contenido" and "saltar" in first_link["class"], name
        assert soup.find("a", href="https://www.gov.co/"), f"{name}: falta la barra GOV.CO"
        for table in soup.find_all("table"):  # ours have captions; staff's have headers
            assert table.find("th", scope=True), name
            assert table.caption or table.parent.get("aria-label", "").startswith("Tabla: ")


def test_footer_shows_the_entitys_legal_identity_and_policies(sample_site: BuiltSite):
    footer = " ".join(sample_site.page("/tramites/").find("footer").get_text(" ").split())
    for text in ("NIT 890501422-4", "Notificaciones judiciales:", "Horario de atención:",
                 "notificacionjudicial@chitaga-nortedesantander.gov.co",
                 "Política de tratamiento de datos personales", "Términos y condiciones"):
        assert text in footer


def test_404_page_links_from_the_site_root(sample_site: BuiltSite):
    page = sample_site.page("/404.html")
    assert page.h1.get_text() == "Página no encontrada"
    hrefs = [a["href"] for a in page.find("main").find_all("a", href=True)]
    assert "/tramites/" in hrefs and "/" in hrefs
    assert all(href.startswith(("/", "mailto:")) for href in hrefs)


def test_menu_marks_the_current_section(sample_site: BuiltSite):
    menu = sample_site.page("/tramites/certificado-de-residencia/").find("nav", class_="menu")
    current = menu.find_all("a", attrs={"aria-current": True})
    assert [a.get_text() for a in current] == ["Trámites"]
    assert current[0]["aria-current"] == "true"
    home = sample_site.page("/").find("nav", class_="menu").find("a", attrs={"aria-current": True})
    assert home["aria-current"] == "page"


def test_print_stylesheet_hides_navigation(sample_site: BuiltSite):
    css = sample_site.page("/tramites/certificado-de-residencia/").style.get_text()
    print_rules = css[css.index("@media print"):]
    assert ".menu" in print_rules and "display:none" in print_rules


# --- The news photo -------------------------------------------------------------------


def test_news_photo_is_webp_with_jpeg_fallback_sized_and_lazy(sample_site: BuiltSite):
    page = sample_site.page(NEWS_WITH_PHOTO)
    picture = page.find("main").find("picture")
    source, img = picture.find("source"), picture.find("img")
    assert source["type"] == "image/webp"
    assert img["loading"] == "lazy" and img["alt"].startswith("Ilustración de una vía")
    for address, image_format in ((source["srcset"], "WEBP"), (img["src"], "JPEG")):
        path = sample_site.file_for(urljoin(NEWS_WITH_PHOTO, address))
        assert path.stat().st_size <= images.MAX_BYTES
        with Image.open(path) as photo:
            assert photo.format == image_format
            assert photo.size == (int(img["width"]), int(img["height"]))
            assert photo.width <= 800


def write_image(path: Path, size: tuple[int, int], mode: str = "RGB", noise: bool = True):
    path.parent.mkdir(parents=True, exist_ok=True)
    if noise:  # random pixels do not compress: the worst case for the 60 KB budget
        image = Image.frombytes(mode, size, bytes(
            (i * 7919 + (i >> 3) * 104729) % 251 for i in range(size[0] * size[1] * len(mode))))
    else:
        image = Image.new(mode, size, "green")
    image.save(path)


def test_a_large_transparent_png_becomes_two_files_under_60_kb(tmp_path):
    write_image(tmp_path / "adjuntos/gobierno/mapa.png", (2400, 1600), "RGBA")
    encoded = images.web_image(tmp_path, "adjuntos/gobierno/mapa.png", None)
    fingerprint = hashlib.sha256((tmp_path / "adjuntos/gobierno/mapa.png").read_bytes())
    name = f"imagenes/gobierno/mapa-{fingerprint.hexdigest()[:10]}"
    assert set(encoded.files) == {f"{name}.webp", f"{name}.jpg"}
    for data in encoded.files.values():
        assert len(data) <= images.MAX_BYTES
        with Image.open(io.BytesIO(data)) as photo:
            assert photo.size == (encoded.image.width, encoded.image.height)
    assert encoded.image.width <= 800
    assert encoded.image.height == round(1600 * encoded.image.width / 2400)


def test_a_small_image_is_not_enlarged(tmp_path):
    write_image(tmp_path / "adjuntos/gobierno/sello.png", (320, 200), noise=False)
    encoded = images.web_image(tmp_path, "adjuntos/gobierno/sello.png", None)
    assert (encoded.image.width, encoded.image.height) == (320, 200)


def test_svg_keeps_its_file_and_takes_its_size_from_the_viewbox(tmp_path):
    path = tmp_path / "adjuntos/despacho/escudo.svg"
    path.parent.mkdir(parents=True)
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 80"/>')
    encoded = images.web_image(tmp_path, "adjuntos/despacho/escudo.svg", None)
    assert encoded.image == images.WebImage("adjuntos/despacho/escudo.svg", None, 120, 80)
    assert encoded.files == {}


def test_encoded_photos_are_reused_from_the_cache(tmp_path, monkeypatch):
    write_image(tmp_path / "adjuntos/gobierno/foto.jpg", (1000, 700), noise=False)
    first = images.web_image(tmp_path, "adjuntos/gobierno/foto.jpg", tmp_path / "cache")

    def must_not_encode(*_):
        raise AssertionError("la foto se volvió a codificar")

    monkeypatch.setattr(images, "_encode", must_not_encode)
    assert images.web_image(tmp_path, "adjuntos/gobierno/foto.jpg", tmp_path / "cache") == first


def test_a_broken_photo_stops_the_build_naming_the_news_and_the_image(content_copy, tmp_path):
    # Its header is sound, so the validator (which reads only headers) lets it through;
    # its pixels are cut short, which only decoding it can tell.
    photo = content_copy / "adjuntos/planeacion/placa-huella-vereda-el-roble.jpg"
    photo.write_bytes(photo.read_bytes()[:2000])
    output = tmp_path / "output"
    output.mkdir()
    (output / MARKER).write_text(MARKER_TEXT)  # a site an earlier build made
    (output / "index.html").write_text("sitio anterior")
    with pytest.raises(BuildFailed) as failure:
        build_site(content_copy, output, PREVIEW_SETTINGS)
    message = str(failure.value)
    assert message.startswith("content/noticias/planeacion/2025-06-18-inician-obras")
    assert "adjuntos/planeacion/placa-huella-vereda-el-roble.jpg no se pudo abrir" in message
    assert "dañada o incompleta" in message and "guárdela de nuevo como JPG o PNG" in message
    assert "<" not in message  # no Python object (<_io.BytesIO ...>) in the message
    assert sorted(p.name for p in output.iterdir()) == [MARKER, "index.html"]  # old site stays


# --- Lists that grow ------------------------------------------------------------------


# The items' texts differ as real ones do (names, objects, summaries): the same text
# repeated would compress so well that a list of a hundred items would fit the budget on
# one page, and the pagination tests could not fail. Made-up words of random syllables
# compress about as much as real varied Spanish prose (2 to 3 times).
SYLLABLES = [consonant + vowel for consonant in "bcdfglmnprstvz" for vowel in "aeiou"]


def prose(seed: int, length: int) -> str:
    """Deterministic text of made-up words, about `length` characters long."""
    chooser = random.Random(seed)
    words: list[str] = []
    while sum(len(word) + 1 for word in words) < length:
        words.append("".join(chooser.choices(SYLLABLES, k=chooser.randint(1, 4))))
    return " ".join(words).capitalize()


TRAMITE = """nombre: {nombre}
descripcion: Un trámite de prueba para llenar la lista de la A a la Z con muchos elementos.
dirigido_a: [persona_natural]
requisitos: [Documento de identidad]
canales:
  - tipo: presencial
    detalle: En la ventanilla de la Secretaría de Gobierno.
costo:
  gratuito: true
tiempo_respuesta:
  dias_habiles: 5
"""

CONTRATO = """referencia: CPS-{n:03d}-2024
modalidad: contratacion_directa
tipo: prestacion_de_servicios
objeto: {objeto}
valor: {valor}
contratista:
  nombre: Persona Contratista {n}
  tipo_documento: CC
  documento: "{doc}"
fecha_firma: 2024-{month:02d}-{day:02d}
estado: liquidado
"""

NOTICIA = """---
titulo: Noticia {n}, {titulo}
fecha: 2024-{month:02d}-{day:02d}
resumen: {resumen}
---
Texto de la noticia {n}.
"""

OFFICES = ("despacho", "gobierno", "planeacion", "hacienda", "juridica", "personeria")


TRAMITES, CONTRATOS, NOTICIAS = 130, 100, 45


def crowd(content: Path) -> None:
    """Add TRAMITES trámites (over the six offices), CONTRATOS contracts and NOTICIAS news
    of one office: with their lists on one page each, every list is over budget."""
    for n in range(TRAMITES):
        folder = content / "tramites" / OFFICES[n % len(OFFICES)]
        folder.mkdir(exist_ok=True)
        (folder / f"tramite-de-prueba-{n:03d}.yml").write_text(
            TRAMITE.format(nombre=f"Trámite {n:03d}, {prose(n, 140)}"), encoding="utf-8")
    (content / "contratos/gobierno").mkdir()
    for n in range(CONTRATOS):
        (content / f"contratos/gobierno/cps-{n:03d}-2024.yml").write_text(
            CONTRATO.format(n=n, doc=1000000100 + n, month=n % 12 + 1, day=n % 28 + 1,
                            objeto=prose(1000 + n, 150), valor=1_000_000 + n * 137_911),
            encoding="utf-8")
    for n in range(NOTICIAS):
        (content / f"noticias/gobierno/2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}-prueba-{n}.md"
         ).write_text(NOTICIA.format(n=n, month=n % 12 + 1, day=n % 28 + 1,
                                     titulo=prose(2000 + n, 60), resumen=prose(3000 + n, 280)),
                      encoding="utf-8")


@pytest.fixture(scope="module")
def crowded_site(tmp_path_factory) -> BuiltSite:
    """The sample site, crowded (see crowd)."""
    base = tmp_path_factory.mktemp("lleno")
    content = base / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    crowd(content)
    build_site(content, base / "output", PREVIEW_SETTINGS)
    return BuiltSite(base / "output")


def list_pages(site: BuiltSite, first_url: str) -> list[str]:
    """The URLs of a paginated list, following its "next" links."""
    urls = [first_url]
    while (link := site.page(urls[-1]).find("a", rel="next")) is not None:
        urls.append(urljoin(urls[-1], link["href"]))
    return urls


@pytest.mark.parametrize(("list_url", "item_prefix", "total"), [
    ("/tramites/", "/tramites/", 13 + TRAMITES),
    ("/contratos/", "/contratos/", 19 + CONTRATOS),
    ("/noticias/", "/noticias/", 17 + NOTICIAS),
])
def test_long_lists_paginate_within_budget_and_reach_every_item(
        crowded_site: BuiltSite, list_url, item_prefix, total):
    urls = list_pages(crowded_site, list_url)
    assert len(urls) > 2
    found = set()
    mains = []
    for url in urls:
        assert compressed_size(crowded_site.file_for(url)) <= BUDGET, url
        main = crowded_site.page(url).find("main")
        mains.append(str(main))
        for a in main.find_all("a", href=True):
            target = urljoin(url, a["href"])
            if target.startswith(item_prefix) and target.count("/") == 3 \
                    and "/pagina/" not in target:
                found.add(target)
    items = {p for p in found if crowded_site.file_for(p).is_file()}
    assert len(items) == total
    # The first page holding every page's items would not fit: this fixture can catch a
    # list that stops paginating.
    first = crowded_site.file_for(list_url).read_text(encoding="utf-8")
    head, _, rest = first.partition("<main")
    one_page = head + "".join(mains) + rest.partition("</main>")[2]
    assert gzip_size(one_page.encode()) > BUDGET, f"{list_url}: la lista es muy corta"


def test_the_site_map_paginates_within_budget_and_links_every_page(crowded_site: BuiltSite):
    urls = list_pages(crowded_site, "/mapa-del-sitio/")
    assert len(urls) > 2
    linked = set()
    for url in urls:
        assert compressed_size(crowded_site.file_for(url)) <= BUDGET, url
        linked |= {urljoin(url, a["href"])
                   for a in crowded_site.page(url).find("main").find_all("a", href=True)}
    pages = {"/" + path.relative_to(crowded_site.output).as_posix().removesuffix("index.html")
             for path in crowded_site.html_files()}
    pages = {page for page in pages if page != "/404.html" and "/pagina/" not in page}
    assert pages - linked <= {"/mapa-del-sitio/"} and len(pages) > 300


def test_without_pagination_the_crowded_lists_are_over_budget_and_the_build_fails(
        tmp_path):
    """The fixture above can fail: each of its lists on one page is over 13 KB."""
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    crowd(content)
    one_page = {"PAGINATED_TEMPLATES": {"noticias": 1000, "tramites": 1000, "contratos": 1000,
                                        "eventos": 20, "mapa_del_sitio": 50, "esquema": 60}}
    with pytest.raises(PagesOverBudget) as failure:
        build_site(content, tmp_path / "output", PREVIEW_SETTINGS, one_page)
    named = [line.split(" pesa ")[0] for line in str(failure.value).splitlines()[:-1]]
    assert named == ["la página /contratos/", "la página /noticias/", "la página /tramites/"]
    assert not (tmp_path / "output").exists()


def test_office_page_shows_latest_items_and_links_the_full_lists(crowded_site: BuiltSite):
    url = "/oficinas/gobierno/"
    page = crowded_site.page(url)
    assert compressed_size(crowded_site.file_for(url)) <= BUDGET
    contracts = page.find("table", class_="contratos").find("tbody").find_all("tr")
    assert len(contracts) == 10
    assert page.find("h2", id="noticias").get_text() == "Últimas noticias"
    assert len(page.select("#noticias + ul.noticias > li")) == 5
    assert page.find("a", string=re.compile("Toda la contratación"))


def test_the_search_page_links_the_tramites_list_when_listing_them_would_not_fit(
        crowded_site: BuiltSite):
    """/buscar/ lists every trámite (tests/test_busqueda.py) while the page fits its 13 KB;
    with 143 trámites it would weigh about 15 KB, so it links to the paginated list."""
    page = crowded_site.page("/buscar/")
    links = [urljoin("/buscar/", a["href"]) for a in page.select("main a")]
    assert "/tramites/" in links
    assert not [link for link in links if link.startswith("/tramites/") and link != "/tramites/"]
    assert f"Los {13 + TRAMITES} trámites y servicios" in page.find("main").get_text()
    assert compressed_size(crowded_site.file_for("/buscar/")) <= BUDGET
