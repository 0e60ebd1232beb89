"""The web editor in Chromium, as staff use it: `invoke editor` on a copy of the content.

`invoke editor` starts decap-server on 127.0.0.1 and serves /admin/ and the site preview;
the browser writes a news item (with a photo) and a trámite (with a nested list of
channels) through Decap's forms and publishes them. Each file must land where DESIGN.md §2
says, hold exactly what was typed, pass the validator and become a page of the preview.
A body with forbidden HTML typed in the editor's Markdown mode is refused by the same
validator. The preview's "Editar esta página" opens the entry in the editor. The browser
cannot reach the network (tests/navegador.py), and any request to
another host is recorded and fails the test. Ctrl-C stops the editor and decap-server.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from navegador import free_port, keep_on_this_computer, new_context, wait_for_port
from PIL import Image
from playwright.sync_api import Error as PlaywrightError

from conftest import ROOT, SAMPLE_CONTENT, invoke_with_ctrl_c
from municipal.content.validation import check_content
from municipal.content.yaml_loader import parse_yaml, read_text, split_front_matter
from municipal.transparency.rules import check_site

pytest_plugins = ["navegador"]

NEWS_FILE = "noticias/gobierno/2026-03-10-jornada-de-vacunacion-escrita-en-el-editor.md"
TRAMITE_FILE = "tramites/gobierno/permiso-para-eventos-en-la-plaza.yml"
PHOTO = "adjuntos/gobierno/foto-de-la-jornada.jpg"


@dataclass
class Editor:
    url: str  # http://127.0.0.1:PORT
    content: Path
    output: Path
    process: subprocess.Popen
    backend_port: int
    log: Path


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    work = tmp_path_factory.mktemp("editor-web")
    content = work / "content"
    shutil.copytree(SAMPLE_CONTENT, content, ignore=shutil.ignore_patterns(".cache"))
    port, backend_port = free_port(), free_port()
    log = work / "editor.log"
    with log.open("w") as stream:
        process = subprocess.Popen(
            invoke_with_ctrl_c("editor", "--contenido", str(content), "--salida",
                               str(work / "output"), "--puerto", str(port),
                               "--puerto-editor", str(backend_port)),
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=stream, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, log, name="invoke editor")
        yield Editor(f"http://127.0.0.1:{port}", content, work / "output", process,
                     backend_port, log)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


@pytest.fixture(scope="module")
def admin(editor, navegador):
    """One browser tab logged in to the editor (the 5 MB bundle loads once)."""
    with new_context(navegador, viewport={"width": 1280, "height": 900}) as context:
        context.set_default_timeout(20_000)
        outside = keep_on_this_computer(context)
        page = context.new_page()
        page.goto(f"{editor.url}/admin/")
        page.get_by_role("button", name="Iniciar sesión").click()
        page.get_by_text("Noticias · Despacho del Alcalde").first.wait_for()
        yield page
        assert outside == [], f"el editor intentó salir a internet: {outside}"


def new_entry(page, editor: Editor, collection: str) -> None:
    # Decap keeps the previous form when only the address's #fragment changes between two
    # "new" forms; a reload draws the right one (the bundle comes from the browser's cache).
    # After a save, Decap moves the address to the saved entry a moment later: if that
    # lands after our goto, the reload shows the old entry. Then go again (on a busy machine).
    target = f"{editor.url}/admin/#/collections/{collection}/new"
    for _ in range(3):
        page.goto(target)
        page.reload()
        page.locator("[id^=titulo-field], [id^=nombre-field]").first.wait_for()
        if page.url == target:
            return
    pytest.fail(f"el editor no abrió el formulario nuevo de {collection} ({page.url})",
                pytrace=False)


def publish(page) -> None:
    """Publicar → Publicar ahora, and wait for Decap's "Entrada guardada"."""
    page.get_by_role("button", name="Publicar").first.click()
    page.get_by_text("Publicar ahora").click()
    try:
        page.get_by_text("Entrada guardada").wait_for()
    except PlaywrightError:
        text = " ".join(page.locator("body").inner_text().split())[:1500]
        pytest.fail(f"el editor no guardó la entrada; la página dice: {text}", pytrace=False)


def wait_for_file(path: Path, seconds: float = 20) -> Path:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"el editor no escribió {path}"
        time.sleep(0.1)
    return path


def choose(page, control, label: str) -> None:
    """Pick `label` in one of Decap's select boxes."""
    control.click()
    page.get_by_text(label, exact=True).click()


def problems_of(content: Path) -> list[str]:
    return [str(problem) for problem in check_site(check_content(content)).problems]


def front_matter(path: Path) -> tuple[dict, str]:
    front, body, _ = split_front_matter(read_text(path))
    return parse_yaml(front).data, body


def test_a_news_item_with_a_photo_written_in_the_editor(admin, editor, tmp_path):
    photo = tmp_path / "foto-de-la-jornada.jpg"
    Image.new("RGB", (640, 480), (30, 120, 60)).save(photo, quality=85)
    page = admin
    new_entry(page, editor, "noticias-gobierno")
    page.locator("[id^=titulo-field]").fill("Jornada de vacunación escrita en el editor")
    page.locator("[id^=fecha-field]").fill("2026-03-10")
    page.locator("[id^=resumen-field]").fill("La Secretaría de Gobierno vacunará perros y gatos.")
    page.get_by_role("button", name="Elige una imagen").click()
    page.locator("input[type=file]").set_input_files(photo)
    page.get_by_role("button", name="Confirmar selección").click()
    page.locator("[id^=alt-field]").fill("Perro en la fila de vacunación")
    page.locator("[contenteditable=true]").first.click()
    page.keyboard.type("Lleve el carné de vacunación de su mascota.")
    publish(page)

    written = wait_for_file(editor.content / NEWS_FILE)
    data, body = front_matter(written)
    assert data == {
        "titulo": "Jornada de vacunación escrita en el editor",
        "fecha": "2026-03-10",
        "resumen": "La Secretaría de Gobierno vacunará perros y gatos.",
        "imagen": {"archivo": PHOTO, "alt": "Perro en la fila de vacunación"},
    }
    assert body.strip() == "Lleve el carné de vacunación de su mascota."
    assert (editor.content / PHOTO).read_bytes() == photo.read_bytes()
    assert problems_of(editor.content) == []

    # The preview beside the editor rebuilds: the news item is a page, with its photo.
    url = f"{editor.url}/noticias/{Path(NEWS_FILE).stem}/"
    built = wait_for_file(editor.output / "noticias" / Path(NEWS_FILE).stem / "index.html")
    assert "Jornada de vacunación escrita en el editor" in built.read_text(encoding="utf-8")
    preview = page.context.new_page()
    response = preview.goto(url)
    assert response.status == 200
    assert preview.locator("h1").inner_text() == "Jornada de vacunación escrita en el editor"
    assert preview.locator("main img").get_attribute("alt") == "Perro en la fila de vacunación"
    # Its "Editar esta página" opens the entry in the editor beside it.
    preview.get_by_role("link", name="Editar esta página").click()
    preview.wait_for_url(f"{editor.url}/admin/#/collections/noticias-gobierno/entries/"
                         f"{Path(NEWS_FILE).stem}")
    title = preview.locator("[id^=titulo-field]")
    title.wait_for()
    assert title.input_value() == "Jornada de vacunación escrita en el editor"
    preview.close()


def test_a_tramite_with_a_nested_list_of_channels_written_in_the_editor(admin, editor):
    page = admin
    new_entry(page, editor, "tramites-gobierno")
    page.locator("[id^=nombre-field]").fill("Permiso para eventos en la plaza")
    page.locator("[id^=descripcion-field]").fill("Autoriza actividades en la plaza principal.")
    choose(page, page.locator("[id^=dirigido_a-field]"), "Personas naturales")
    choose(page, page.locator("[id^=dirigido_a-field]"),
           "Personas jurídicas (empresas y organizaciones)")
    page.get_by_role("button", name="Add requisito").click()
    page.locator("[id^=item_requisitos-field]").fill("Presentar la solicitud diez días antes.")
    page.locator("[id^=gratuito-field]").click()
    page.locator("[id^=dias_habiles-field]").fill("8")
    channels = [("En persona", "Ventanilla de la Secretaría de Gobierno."),
                ("En línea", "Formulario en la sede electrónica.")]
    for _ in channels:
        page.get_by_role("button", name="Add canal").click()
    # detalle fields, in page order: costo, tiempo_respuesta, then one per channel.
    for index, (label, detalle) in enumerate(channels):
        choose(page, page.locator("[id^=tipo-field]").nth(index), label)
        page.locator("[id^=detalle-field]").nth(2 + index).fill(detalle)
    page.locator("[id^=url-field]").nth(1).fill("https://www.chitaga-nortedesantander.gov.co/")
    publish(page)

    written = wait_for_file(editor.content / TRAMITE_FILE)
    assert parse_yaml(read_text(written)).data == {
        "nombre": "Permiso para eventos en la plaza",
        "descripcion": "Autoriza actividades en la plaza principal.",
        "dirigido_a": ["persona_natural", "persona_juridica"],
        "requisitos": ["Presentar la solicitud diez días antes."],
        "costo": {"gratuito": True},
        "tiempo_respuesta": {"dias_habiles": 8},
        "canales": [
            {"tipo": "presencial", "detalle": "Ventanilla de la Secretaría de Gobierno."},
            {"tipo": "en_linea", "detalle": "Formulario en la sede electrónica.",
             "url": "https://www.chitaga-nortedesantander.gov.co/"},
        ],
    }
    assert problems_of(editor.content) == []
    built = wait_for_file(editor.output / "tramites" / Path(TRAMITE_FILE).stem / "index.html")
    text = built.read_text(encoding="utf-8")
    assert "Permiso para eventos en la plaza" in text
    assert "En persona" in text and "En línea" in text


def test_an_open_call_leaves_the_contractor_execution_and_additions_out(admin, editor):
    # The contractor and the execution are optional groups with required members, and the
    # additions a list whose items have a date: none of them may block saving or appear
    # unasked (a convocatoria has no contractor yet: the validator would refuse one).
    page = admin
    new_entry(page, editor, "contratos-juridica")
    page.locator("[id^=referencia-field]").fill("MC-015-2026")
    for name, label in (("modalidad", "Mínima cuantía"), ("tipo", "Suministro"),
                        ("estado", "Convocado (recibe ofertas)")):
        choose(page, page.locator(f"[id^={name}-field]").first, label)
    page.locator("[id^=objeto-field]").fill("Suministro de papelería para la Alcaldía.")
    page.locator("[id^=valor-field]").first.fill("12000000")
    page.locator("[id^=fecha_cierre-field]").fill("2026-12-20")
    publish(page)

    written = wait_for_file(editor.content / "contratos" / "juridica" / "mc-015-2026.yml")
    assert parse_yaml(read_text(written)).data == {
        "referencia": "MC-015-2026", "modalidad": "minima_cuantia", "tipo": "suministro",
        "objeto": "Suministro de papelería para la Alcaldía.", "valor": 12000000,
        "fecha_cierre": "2026-12-20", "estado": "convocado",
    }
    assert problems_of(editor.content) == []


def test_forbidden_html_typed_in_the_editor_is_refused_by_the_validator(admin, editor):
    page = admin
    new_entry(page, editor, "paginas-gobierno")
    page.locator("[id^=titulo-field]").fill("Aviso con un video")
    page.locator("[role=switch]").last.click()  # Texto enriquecido → Markdown (raw mode)
    page.locator("[contenteditable=true]").first.click()
    page.keyboard.type("Mire el video.")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type('<iframe src="https://www.youtube.com/embed/abc"></iframe>')
    publish(page)

    written = wait_for_file(editor.content / "paginas" / "gobierno" / "aviso-con-un-video.md")
    assert "<iframe" in written.read_text(encoding="utf-8")
    found = problems_of(editor.content)
    assert len(found) == 1, found
    assert found[0].startswith("content/paginas/gobierno/aviso-con-un-video.md:")
    assert "HTML no permitido" in found[0] and "<iframe>" in found[0]
    # The preview refuses to build it: the page never appears, the previous site stays.
    time.sleep(2)
    assert not (editor.output / "aviso-con-un-video").exists()
    assert (editor.output / "tramites" / Path(TRAMITE_FILE).stem / "index.html").exists()


def test_ctrl_c_stops_the_editor_and_decap_server(editor):
    editor.process.send_signal(signal.SIGINT)
    assert editor.process.wait(timeout=20) == 0, editor.log.read_text()
    assert "Editor detenido." in editor.log.read_text()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", editor.backend_port)) != 0, "decap-server sigue"
