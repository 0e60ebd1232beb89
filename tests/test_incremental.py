"""Incremental builds: after each kind of edit, a build that reuses the previous build's
pages gives exactly the same files as a clean build of the same content.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pelican.contents import Page
from pelican.settings import read_settings

from conftest import PREVIEW_SETTINGS, ROOT, SAMPLE_CONTENT
from municipal.publishing.build import build_site
from municipal.site.incremental import PageCache


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, and every folder (as "<name>/": b""): an empty folder left by a
    removed item would differ from a clean build too."""
    return {p.relative_to(folder).as_posix() + ("/" if p.is_dir() else ""):
            b"" if p.is_dir() else p.read_bytes() for p in sorted(folder.rglob("*"))}


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} no está en {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def change_news(content: Path, theme: Path) -> None:
    append(next((content / "noticias/gobierno").glob("*.md")), "\nUn párrafo nuevo.\n")


def add_news(content: Path, theme: Path) -> None:
    (content / "noticias/hacienda/2026-11-02-nueva-noticia-de-prueba.md").write_text(
        "---\ntitulo: Nueva noticia de prueba\nfecha: 2026-11-02\n"
        "resumen: Una noticia agregada entre dos construcciones.\n---\nTexto.\n",
        encoding="utf-8")


def delete_contract(content: Path, theme: Path) -> None:
    (content / "contratos/juridica/cps-003-2026.yml").unlink()


def rename_tramite(content: Path, theme: Path) -> None:
    folder = content / "tramites/hacienda"
    (folder / "paz-y-salvo-municipal.yml").rename(folder / "paz-y-salvo.yml")


def change_template(content: Path, theme: Path) -> None:
    replace(theme / "templates/base.html", "Saltar al contenido principal",
            "Ir al contenido principal")


def change_offices(content: Path, theme: Path) -> None:
    replace(content / "oficinas.yml", "Secretaría de Hacienda y Tesorería",
            "Secretaría de Hacienda Municipal")


def change_institutional_page(content: Path, theme: Path) -> None:
    path = content / "paginas/juridica/terminos-y-condiciones.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^titulo: .*$", "titulo: Condiciones de uso", text, count=1,
                           flags=re.MULTILINE), encoding="utf-8")


def change_event(content: Path, theme: Path) -> None:
    replace(content / "eventos/despacho/2027-01-23-socializacion-del-sitio-web-en-llano-grande.md",
            "lugar: Escuela de la vereda Llano Grande", "lugar: Salón comunal de Llano Grande")


def change_transparency(content: Path, theme: Path) -> None:
    replace(content / "transparencia.yml", "https://www.suin-juriscol.gov.co/",
            "https://www.suin-juriscol.gov.co/legislacion/normatividad.html")


def add_visits(content: Path, theme: Path) -> None:
    (content / "visitas").mkdir(exist_ok=True)
    (content / "visitas/2026-10.yml").write_text(
        'mes: "2026-10"\nvisitas: 420\nvisitantes: 130\n'
        'secciones:\n  "tramites": 300\n  "noticias": 120\n'
        'origenes:\n  "cartelera-plaza": 12\n', encoding="utf-8")


EDITS = [change_news, add_news, delete_contract, rename_tramite, change_template,
         change_offices, change_institutional_page, change_event, change_transparency,
         add_visits]


@pytest.fixture
def workspace(tmp_path):
    content = tmp_path / "incremental" / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    theme = tmp_path / "tema"
    shutil.copytree(ROOT / "theme", theme)
    return content, theme


def clean_build(content: Path, theme: Path, where: Path) -> dict[str, bytes]:
    fresh = where / "content"  # a folder with no .cache beside it
    shutil.copytree(content, fresh)
    build_site(fresh, where / "output", PREVIEW_SETTINGS, {"THEME": str(theme)})
    return files_of(where / "output")


def build(content: Path, theme: Path, output: Path) -> int:
    """Build incrementally; the number of pages reused from the previous build."""
    return build_site(content, output, PREVIEW_SETTINGS, {"THEME": str(theme)}).pages_reused


def test_incremental_builds_equal_clean_builds_after_each_edit(workspace, tmp_path):
    content, theme = workspace
    output = tmp_path / "output"
    assert build(content, theme, output) == 0
    total = len(list(output.rglob("*.html")))
    page = output / "tramites/certificado-de-residencia/index.html"
    inode = page.stat().st_ino
    assert build(content, theme, output) == total  # nothing changed: nothing is rendered
    assert page.stat().st_ino == inode  # and the file is the same, linked, not rewritten
    before = files_of(output)
    for number, edit in enumerate(EDITS):
        edit(content, theme)
        reused = build(content, theme, output)
        expected = clean_build(content, theme, tmp_path / f"limpia-{number}")
        incremental = files_of(output)
        assert incremental != before, f"{edit.__name__} no cambió el sitio"
        assert any(name.startswith("pagefind/pagefind.") for name in expected)  # the index too
        before = incremental
        assert sorted(incremental) == sorted(expected), edit.__name__
        different = [name for name in expected if incremental[name] != expected[name]]
        assert not different, f"{edit.__name__}: {different[:5]}"
        if edit in (change_template, change_offices, change_institutional_page):
            assert reused < total / 2, edit.__name__  # these touch every page
        else:
            assert reused > total / 2, edit.__name__  # one item: most pages are reused


def test_a_new_day_moves_an_event_to_held_in_an_incremental_build(workspace, tmp_path,
                                                                  monkeypatch):
    content, theme = workspace
    output = tmp_path / "output"
    noon = datetime.time(12, tzinfo=ZoneInfo("America/Bogota"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime.datetime.combine(
        datetime.date(2026, 12, 10), noon).timestamp())))
    build(content, theme, output)
    event = "eventos/2026-12-16-audiencia-publica-de-rendicion-de-cuentas-2026/index.html"
    assert "Agregar a mi calendario" in (output / event).read_text(encoding="utf-8")
    # Nothing in content/ changed, only the day: the 16 December event is now held.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime.datetime.combine(
        datetime.date(2026, 12, 20), noon).timestamp())))
    build(content, theme, output)
    page = (output / event).read_text(encoding="utf-8")
    assert "Agregar a mi calendario" not in page
    assert "<dt>Asistentes</dt><dd>no registrado</dd>" in page  # held, attendance not written
    assert "Asistencia no registrada." in (output / "eventos/index.html").read_text(
        encoding="utf-8")
    assert_same_as_a_clean_build(content, theme, output, tmp_path / "limpia")


NEWS = "noticias/hacienda/2026-04-08-plazo-para-declarar-industria-y-comercio.md"
NEWS_PAGE = "noticias/2026-04-08-plazo-para-declarar-industria-y-comercio/index.html"


def age_every_file(folder: Path, seconds: int = 3600) -> None:
    """Date every file an hour back, as in a checkout made earlier (nothing is racy)."""
    past = time.time_ns() - seconds * 1_000_000_000
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(past, past))


def assert_same_as_a_clean_build(content, theme, output, where):
    expected = clean_build(content, theme, where)
    incremental = files_of(output)
    assert sorted(incremental) == sorted(expected)
    different = [name for name in expected if incremental[name] != expected[name]]
    assert not different, different[:5]


def test_an_edit_that_keeps_the_size_and_the_old_mtime_is_rebuilt(workspace, tmp_path):
    """One letter of a news title changed, the file's mtime put back: only the content
    (its hash) can tell the caches that the file changed."""
    content, theme = workspace
    age_every_file(content)
    output = tmp_path / "output"
    build(content, theme, output)
    path = content / NEWS
    status = path.stat()
    replace(path, "titulo: Se acerca el plazo", "titulo: Se acerca el plazu")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (status.st_size,
                                                              status.st_mtime_ns)
    build(content, theme, output)
    for page in (NEWS_PAGE, "noticias/index.html", "oficinas/hacienda/index.html"):
        html = (output / page).read_text(encoding="utf-8")
        assert "Se acerca el plazu" in html and "Se acerca el plazo" not in html, page
    assert_same_as_a_clean_build(content, theme, output, tmp_path / "limpia")


def test_a_page_with_filename_links_is_fingerprinted_with_every_url(tmp_path):
    """A page whose text links {filename} another file depends on that file's URL, which
    its own bytes do not show: its fingerprint includes the site's URL map, so a URL
    change anywhere renders it again. (With validated content every such URL change also
    changes a linking file, so this is the second wall, tested here on its own.)"""
    linking = tmp_path / "enlaza.md"
    linking.write_text("Vea [el plazo]({filename}../noticias/hacienda/plazo.md).\n")
    plain = tmp_path / "sin-enlaces.md"
    plain.write_text("Un texto sin enlaces internos.\n")
    settings = read_settings(str(PREVIEW_SETTINGS))

    def fingerprint(url_map: str, source: Path) -> str:
        page = Page("", metadata={"title": "Página"}, settings=settings,
                    source_path=str(source))
        return PageCache(tmp_path / "cache", "construccion", url_map).fingerprint(page)

    assert fingerprint("direcciones-1", linking) != fingerprint("direcciones-2", linking)
    assert fingerprint("direcciones-1", plain) == fingerprint("direcciones-2", plain)


def test_a_page_missing_from_the_last_output_is_written_from_the_cache(workspace, tmp_path):
    """An unchanged page is linked from the last build without reading its HTML; when that
    file is gone (removed by hand), the stored HTML is written instead."""
    content, theme = workspace
    output = tmp_path / "output"
    build(content, theme, output)
    page = output / "tramites/certificado-de-residencia/index.html"
    expected = page.read_bytes()
    page.unlink()
    total = len(list(output.rglob("*.html"))) + 1
    assert build(content, theme, output) == total  # still reused, not rendered
    assert page.read_bytes() == expected


_PIDS_FILE = ""  # set by the test below
_parse_and_render = None  # the real one, while the test below runs


def _noting_the_process(file):
    """Stands in for readers._parse_and_render in the forked workers: notes who parsed."""
    with open(_PIDS_FILE, "a", encoding="utf-8") as stream:
        stream.write(f"{os.getpid()}\n")
    return _parse_and_render(file)


def test_bodies_rendered_ahead_on_every_core_give_the_same_site(tmp_path, monkeypatch):
    """A first build renders the Markdown of every new file in worker processes; the site
    is byte for byte the one the readers make alone (settings as Pelican completes them)."""
    global _PIDS_FILE, _parse_and_render  # read by the forked workers
    from municipal.site import readers  # noqa: PLC0415 - patched below

    _PIDS_FILE, _parse_and_render = str(tmp_path / "procesos.txt"), readers._parse_and_render
    rendered = []
    prepare = readers.prepare_changed_files

    def counting(site, settings, processes=None):
        bodies = prepare(site, settings, processes=2)
        rendered.append(len(bodies))
        return bodies

    sites = []
    for name, threshold in (("adelantado", 1), ("lector", 10**9)):
        content = tmp_path / name / "content"
        shutil.copytree(SAMPLE_CONTENT, content)
        with monkeypatch.context() as patch:
            patch.setattr(readers, "PARALLEL_FROM", threshold)
            patch.setattr(readers, "_parse_and_render", _noting_the_process)
            patch.setattr("municipal.pipeline.prepare_changed_files", counting)
            build_site(content, tmp_path / name / "output", PREVIEW_SETTINGS)
        sites.append(files_of(tmp_path / name / "output"))
    markdown_files = len(list(SAMPLE_CONTENT.rglob("*.md")))
    assert rendered[0] == markdown_files and rendered[1] == 0
    workers = set(Path(_PIDS_FILE).read_text(encoding="utf-8").split())
    assert workers and str(os.getpid()) not in workers  # parsed in other processes
    assert sites[0] == sites[1]
