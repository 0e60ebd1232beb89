"""Posters and trámite flyers (DESIGN.md §12): `invoke cartelera`.

The expected addresses come from the sample entidad.yml (dominio
chitaga-nortedesantander.gov.co) and the contract `?origen=cartelera-<etiqueta>`;
the titles from the sample news and events read by hand. The PDF is checked the
way a person would: its page rendered at 150 dpi and the QR code decoded with
zxing-cpp, its size read by pdfinfo and its text by pdftotext.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from invoke import Context, Exit
from PIL import Image

import tasks
from conftest import SAMPLE_CONTENT
from municipal.outreach import poster
from municipal.outreach.output_files import OutreachError

SITE = "https://chitaga-nortedesantander.gov.co"
# The cut-off date of these tests: 10 December 2026 in Bogotá. The next events are
# then the rendición de cuentas (16 Dec), Llano Grande (23 Jan) and Presidente (13 Feb).
CUT = datetime.datetime(2026, 12, 10, 12, 0, tzinfo=ZoneInfo("America/Bogota"))
A4, A3, CARTA = "595.276 x 841.89 pts (A4)", "841.89 x 1190.55 pts (A3)", "612 x 792 pts (letter)"


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    return {key.strip(): value.strip() for key, _, value in
            (line.partition(":") for line in out.splitlines())}


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                         text=True, check=True, timeout=60).stdout
    return " ".join(out.split())


def page_image(path: Path) -> Image.Image:
    """The first page rendered at 150 dpi, as a printer would put it on paper."""
    prefix = path.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", "-f", "1", str(path),
                    str(prefix)], check=True, timeout=60)
    return Image.open(f"{prefix}.png")


def qr_codes(path: Path) -> list[str]:
    """The QR codes of the first page, read from its 150 dpi rendering as a phone would."""
    return sorted(code.text for code in zxingcpp.read_barcodes(page_image(path))
                  if code.format == zxingcpp.BarcodeFormat.QRCode)


def make(folder: Path, **options) -> Path:
    """Run `invoke cartelera` writing into `folder`; return the PDF's path."""
    name = options.pop("nombre", "cartelera.pdf")
    salida = folder / name
    tasks.cartelera(Context(), salida=str(salida), **options)
    return salida


@pytest.fixture(scope="module")
def a4_poster(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cartelera")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(int(CUT.timestamp())))
        return make(folder, contenido=str(SAMPLE_CONTENT))


@pytest.fixture(autouse=True)
def cut_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(CUT.timestamp())))


# The poster


def test_the_qr_code_leads_to_the_site_with_the_poster_origin(a4_poster):
    assert qr_codes(a4_poster) == [f"{SITE}/?origen=cartelera-general"]


def test_the_poster_is_one_a4_page(a4_poster):
    info = pdf_info(a4_poster)
    assert info["Pages"] == "1"
    assert info["Page size"] == A4


def test_the_poster_says_who_where_and_what(a4_poster):
    text = pdf_text(a4_poster)
    for expected in [
        "Alcaldía Municipal de Chitagá",
        "«Por un desarrollo social y comunitario»",
        "Visite el sitio web oficial chitaga-nortedesantander.gov.co",
        # the entry points, with the address to type
        "Trámites y servicios /tramites/", "13 trámites", "Contratación /contratos/",
        "Noticias /noticias/", "Eventos /eventos/", "Transparencia /transparencia/",
        # the three latest news (the 15 December one is a draft)
        "6 de noviembre de 2026: Abierta la licitación para la placa huella",
        "20 de octubre de 2026: La Personería lleva orientación jurídica",
        "22 de septiembre de 2026",
        # the next three events from the cut-off date, with hour when they have one
        "16 de diciembre de 2026, 9:00 a. m.: Audiencia pública de rendición de cuentas 2026",
        "23 de enero de 2027, 9:30 a. m.: Jornada de socialización del sitio web en la "
        "vereda Llano Grande (Escuela de la vereda Llano Grande)",
        "13 de febrero de 2027: Jornada de socialización del sitio web en la vereda Presidente",
        # how to reach the Alcaldía
        "Palacio Municipal, Calle 4 No. 6-07", "(607) 567 8002",
        "contactenos@chitaga-nortedesantander.gov.co",
    ]:
        assert expected in text, expected
    assert "Programación de la novena" not in text  # a draft
    assert "mercado campesino" not in text  # held on 21 November, before the cut-off
    assert "juntas de acción comunal" not in text  # the fourth next event


def test_the_poster_has_no_colour(a4_poster):
    """Black and white only: it must read the same from a black-and-white copier."""
    saturation = page_image(a4_poster).convert("RGB").convert("HSV").getchannel("S")
    assert saturation.getextrema()[1] <= 8


@pytest.mark.parametrize(("tamano", "size", "origen"), [
    ("A3", A3, "plaza-principal"),
    ("carta", CARTA, "vereda-el-roble-2"),
])
def test_other_paper_sizes_and_origin_labels(tmp_path, tamano, size, origen):
    pdf = make(tmp_path, tamano=tamano, origen=origen)
    assert pdf_info(pdf)["Page size"] == size
    assert pdf_info(pdf)["Pages"] == "1"
    assert qr_codes(pdf) == [f"{SITE}/?origen=cartelera-{origen}"]


def test_a_site_without_events_has_no_events_section(tmp_path, content_copy):
    shutil.rmtree(content_copy / "eventos")
    text = pdf_text(make(tmp_path, contenido=str(content_copy)))
    assert "Próximos eventos" not in text and "Eventos /eventos/" not in text
    assert "Últimas noticias" in text


# The trámite flyer


def test_the_flyer_carries_the_tramite_and_a_qr_code_to_its_page_twice(tmp_path, capsys):
    pdf = make(tmp_path, nombre="volante.pdf", tramite="certificado-de-residencia")
    url = f"{SITE}/tramites/certificado-de-residencia/?origen=cartelera-ventanilla"
    assert qr_codes(pdf) == [url, url]  # two half-page copies to cut apart
    assert pdf_info(pdf)["Pages"] == "1" and pdf_info(pdf)["Page size"] == A4
    text = pdf_text(pdf)
    for expected in [
        "Alcaldía Municipal de Chitagá · Secretaría de Gobierno",
        "Certificado de residencia", "Costo: Gratuito", "Tiempo de respuesta: 3 días hábiles",
        "1. Ser mayor de edad y residir en el municipio de Chitagá.",
        "Fotocopia de la cédula de ciudadanía.",
    ]:
        assert text.count(expected) == 2, expected
    assert text.count("Recorte por esta línea") == 1
    # the address to type (a long one may wrap)
    assert "".join(text.split()).count(
        "chitaga-nortedesantander.gov.co/tramites/certificado-de-residencia/") == 2
    assert capsys.readouterr().out == (
        f"Volante escrito en {pdf} (una página A4, {pdf.stat().st_size / 1024:.0f} KB). "
        f"El código QR lleva a {url}\n")


def test_a_long_tramite_still_fits_half_a_page(tmp_path, content_copy, capsys):
    path = content_copy / "tramites" / "gobierno" / "certificado-de-residencia.yml"
    text = path.read_text(encoding="utf-8")
    many = "".join(f"  - Requisito número {n}, escrito con bastante detalle para ocupar "
                   "dos líneas del volante impreso en la ventanilla.\n" for n in range(1, 41))
    start = text.index("requisitos:\n") + len("requisitos:\n")
    end = text.index("documentos:")
    path.write_text(text[:start] + many + text[end:], encoding="utf-8")
    pdf = make(tmp_path, contenido=str(content_copy), tramite="certificado-de-residencia",
               origen="tienda-la-esquina")
    assert pdf_info(pdf)["Pages"] == "1"
    assert qr_codes(pdf) == [f"{SITE}/tramites/certificado-de-residencia/"
                             "?origen=cartelera-tienda-la-esquina"] * 2
    shown = pdf_text(pdf)
    assert "Requisito número 1," in shown and "Requisito número 40," not in shown
    printed = shown.count("Requisito número") // 2  # two copies on the sheet
    assert f"Y {40 - printed} requisitos más: véalos en el sitio web" in shown
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"Aviso: para que quepa en una página, caben {printed} de 40 requisitos; el resto "
        "está en el sitio.")


def test_long_texts_still_give_one_page_and_markup_stays_text(tmp_path, content_copy, capsys):
    entidad = content_copy / "entidad.yml"
    name = ("Alcaldía Municipal de San Juan de los Caballeros del Valle Alto " * 3)[:199].strip()
    motto = ("Un lema largo que dice muchas cosas <b>a la vez</b> " * 4)[:199].strip()
    entidad.write_text(entidad.read_text(encoding="utf-8")
                       .replace("nombre: Alcaldía Municipal de Chitagá", f"nombre: {name}")
                       .replace("lema: Por un desarrollo social y comunitario", f"lema: {motto}"),
                       encoding="utf-8")
    pdf = make(tmp_path, contenido=str(content_copy))
    assert pdf_info(pdf)["Pages"] == "1"
    text = pdf_text(pdf)
    assert "<b>a la vez</b>" in text  # shown as written, never as markup
    assert qr_codes(pdf) == [f"{SITE}/?origen=cartelera-general"]
    assert capsys.readouterr().out.splitlines()[-1].startswith(
        "Aviso: para que quepa en una página, caben ")


# Mistakes


def test_an_unknown_tramite_gets_a_suggestion_and_nothing_is_written(tmp_path, capsys):
    with pytest.raises(Exit) as raised:
        make(tmp_path, tramite="certificado-residencia")
    assert raised.value.code == 1
    assert raised.value.message == (
        'Error: --tramite "certificado-residencia": no hay un trámite con ese nombre de '
        'archivo en content/tramites/<oficina>/. ¿Quiso decir "certificado-de-residencia"? '
        "Escriba el nombre del archivo sin .yml, por ejemplo: --tramite "
        "certificado-de-residencia.")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("origen", "hint"), [
    ("Plaza Central", "Por ejemplo: --origen plaza-central."),
    ("vereda_el_roble", "Por ejemplo: --origen vereda-el-roble."),
    ("-", "sin espacios."),
    ("a" * 41, "(máximo 40 caracteres)"),
])
def test_a_bad_origin_label_is_refused_with_an_example(tmp_path, origen, hint):
    with pytest.raises(Exit) as raised:
        make(tmp_path, origen=origen)
    assert raised.value.code == 2
    assert raised.value.message.startswith(f'Error: --origen "{origen}" no sirve como etiqueta')
    assert hint in raised.value.message
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_paper_size_is_refused(tmp_path):
    with pytest.raises(Exit) as raised:
        make(tmp_path, tamano="A5")
    assert raised.value.message == 'Error: --tamano "A5" no existe; use A4, A3 o carta.'
    with pytest.raises(Exit) as raised:
        make(tmp_path, tamano="cara")
    assert raised.value.message.endswith('¿Quiso decir "carta"?')


def test_the_pdf_is_never_written_inside_content(tmp_path, content_copy):
    outside = tmp_path / "fuera"
    outside.mkdir()
    (tmp_path / "atajo").symlink_to(content_copy)  # a link elsewhere into content/
    (content_copy / "enlace").symlink_to(outside)  # a link in content/ to elsewhere
    for salida in [content_copy / "cartelera.pdf",
                   content_copy / "adjuntos" / "cartelera.pdf",
                   tmp_path / "atajo" / "cartelera.pdf",
                   content_copy / "enlace" / "cartelera.pdf"]:
        with pytest.raises(Exit) as raised:
            tasks.cartelera(Context(), contenido=str(content_copy), salida=str(salida))
        assert raised.value.code == 2
        assert "no puede quedar dentro de la carpeta de contenido" in raised.value.message
    assert list(outside.iterdir()) == []
    assert not list(content_copy.rglob("cartelera.pdf"))


@pytest.mark.parametrize(("salida", "message"), [
    ("cartelera.png", "el nombre del archivo debe terminar en .pdf"),
    ("no-existe/cartelera.pdf", "no existe"),
    ("carpeta.pdf", "es una carpeta"),
])
def test_a_bad_output_path_is_refused(tmp_path, monkeypatch, salida, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "carpeta.pdf").mkdir()
    with pytest.raises(Exit) as raised:
        tasks.cartelera(Context(), salida=salida)
    assert raised.value.code == 2 and message in raised.value.message


def test_a_failed_run_keeps_the_previous_pdf_and_leaves_no_temporary_file(tmp_path,
                                                                           content_copy):
    folder = tmp_path / "carteleras"
    folder.mkdir()
    previous = make(folder)
    before = previous.read_bytes()
    (content_copy / "entidad.yml").write_text("nombre: [\n", encoding="utf-8")
    with pytest.raises(Exit) as raised:
        make(folder, contenido=str(content_copy))
    assert raised.value.code == 1
    with pytest.raises(Exit):
        make(folder, tramite="no-existe")
    assert previous.read_bytes() == before
    assert sorted(path.name for path in folder.iterdir()) == ["cartelera.pdf"]


def test_the_default_output_is_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tasks.cartelera(Context(), tramite="paz-y-salvo-municipal")
    tasks.cartelera(Context())
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "cartelera.pdf", "volante-paz-y-salvo-municipal.pdf"]


def test_a_missing_font_names_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setitem(poster.FONT_FOLDERS, "fonts-liberation2", tmp_path / "no-hay")
    with pytest.raises(OutreachError) as raised:
        poster.font_files()
    assert "instale el paquete de Debian fonts-liberation2" in str(raised.value)


def test_the_renderer_loads_nothing_but_its_fonts_and_the_qr_code():
    fonts = poster.font_files()
    fetcher = poster._LocalFilesOnly({path.as_uri() for path in fonts.values()})
    for url in ["https://example.org/logo.png", "http://127.0.0.1/x.css",
                "file:///etc/passwd"]:
        with pytest.raises(ValueError, match="la cartelera no carga"):
            fetcher.fetch(url)
    fetcher.fetch(next(iter(fonts.values())).as_uri()).close()  # its fonts: allowed


def test_the_domain_is_as_large_as_fits(tmp_path):
    short = poster.domain_type_size("chitaga.gov.co", 500, 64)
    long = poster.domain_type_size("chitaga-nortedesantander.gov.co", 500, 64)
    assert short == 64  # capped
    assert 20 < long < 40  # shrunk to fit 500 pt
    assert long < short


def test_the_pdf_is_small(a4_poster):
    """Printed from a phone or sent over WhatsApp on a rural connection."""
    assert os.path.getsize(a4_poster) < 60_000
