"""A build never harms anything but the output folder it owns (issue 12, classes 1, 5 and 7).

It refuses, before writing anything, an output that is or holds the content or the
repository, a file, a symbolic link, or a folder no build created; one build at a time
writes into an output; SIGTERM and Ctrl-C leave the previous site as it was; a missing
content folder and a damaged `.cache` end in a Spanish message or in the same site.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import jinja2
import pytest
from servidor_ftp import PASSWORD, FtpServer

from conftest import PREVIEW_SETTINGS, ROOT, SAMPLE_CONTENT, invoke_with_ctrl_c, snapshot
from gitrepo import GitRepo
from municipal.content.validation import check_content
from municipal.content.validation_cache import cache_file_for
from municipal.publishing import build as build_module
from municipal.publishing import build_safety
from municipal.publishing.build import BuildInterrupted, BuildRefused, build_site
from municipal.publishing.ftp import parse_ftp_url, publish_ftp
from municipal.publishing.releases import ReleaseDestination, deploy

MARKER = ".sitio-generado"  # the file a build leaves at the root of its output (README)
POLL_SECONDS = 0.02
POLLS = 3000  # at most a minute waiting for a build to reach a point


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def invoke(*args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False, **options)




def start_invoke(*args: str) -> subprocess.Popen:
    """`invoke ARGS` in the background, its output (both streams) as it comes."""
    return subprocess.Popen(
        invoke_with_ctrl_c(*args), cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})


def wait_for(condition) -> None:
    for _ in range(POLLS):
        if condition():
            return
        time.sleep(POLL_SECONDS)
    raise AssertionError("la construcción no llegó al punto esperado")


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    """The sample site built from a fresh copy with no cache: what every build must give."""
    where = tmp_path_factory.mktemp("referencia")
    content = where / "content"
    subprocess.run(["cp", "-r", str(SAMPLE_CONTENT), str(content)], check=True)
    build_site(content, where / "output", PREVIEW_SETTINGS)
    return files_of(where / "output")


@pytest.fixture
def repo(tmp_path) -> Path:
    """A throwaway repository: the content, an unrelated file and its history."""
    repository = GitRepo(tmp_path / "repo")
    repository.import_folder(SAMPLE_CONTENT, "content", "2026-01-05T10:00:00-05:00")
    repository.commit("2026-01-06T10:00:00-05:00", {"notas.txt": "Notas de la oficina.\n"})
    return repository.root


# --- 1. Destroying the source ----------------------------------------------------------------

REFUSED = {
    "la raíz del repositorio": (lambda repo: repo, "contiene la carpeta de contenido"),
    "la carpeta de contenido": (lambda repo: repo / "content", "es la carpeta de contenido"),
    "una carpeta dentro del contenido": (lambda repo: repo / "content" / "sitio",
                                         "está dentro de la carpeta de contenido"),
    "la carpeta que contiene el repositorio": (lambda repo: repo.parent,
                                               "contiene la carpeta de contenido"),
    "un archivo": (lambda repo: repo / "notas.txt", "no es una carpeta"),
    "la carpeta .git": (lambda repo: repo / ".git", "no la creó una construcción"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_build_site_refuses_an_output_that_would_destroy_the_source(repo, case):
    target, words = REFUSED[case]
    before = snapshot(repo.parent)
    with pytest.raises(BuildRefused) as error:
        build_site(repo / "content", target(repo), PREVIEW_SETTINGS)
    assert words in str(error.value)
    assert snapshot(repo.parent) == before  # not even .cache or a lock file


def test_build_site_refuses_a_symbolic_link_and_a_folder_it_did_not_create(repo, tmp_path):
    photos = tmp_path / "fotos"
    photos.mkdir()
    (photos / "alcalde.jpg").write_bytes(b"\xff\xd8 foto")
    link = tmp_path / "enlace"
    link.symlink_to(tmp_path / "vacia-a-donde-apunta")
    before = snapshot(tmp_path)
    with pytest.raises(BuildRefused) as error:
        build_site(repo / "content", photos, PREVIEW_SETTINGS)
    assert f"no tiene el archivo {MARKER}" in str(error.value)
    with pytest.raises(BuildRefused) as error:
        build_site(repo / "content", link, PREVIEW_SETTINGS)
    assert "enlace simbólico" in str(error.value)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(("target", "words"), [
    (Path("/"), "es la raíz del disco"),
    (Path.home(), "es la carpeta personal"),
    (ROOT, "es la carpeta del proyecto"),
], ids=["raíz", "home", "proyecto"])
def test_build_site_refuses_the_disk_root_the_home_and_the_project(content_copy, target, words):
    before = sorted(os.listdir(target.parent))
    with pytest.raises(BuildRefused) as error:
        build_site(content_copy, target, PREVIEW_SETTINGS)
    assert words in str(error.value)
    after = sorted(os.listdir(target.parent))
    assert [name for name in after if name not in before
            and name.startswith(f".{target.name}")] == []
    assert (ROOT / "pelicanconf.py").is_file()


@pytest.mark.parametrize("target", ["repo", "repo/content", "repo/notas.txt", "."])
def test_cli_refuses_before_touching_anything(repo, tmp_path, target):
    before = snapshot(tmp_path)
    salida = str(tmp_path / target) if target != "." else "."
    result = invoke("construir", "--contenido", str(repo / "content"), "--salida", salida)
    assert result.returncode == 1
    assert "No se escribió nada" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert snapshot(tmp_path) == before
    assert (ROOT / "pelicanconf.py").is_file() and (ROOT / "content" / "entidad.yml").is_file()


def test_a_build_marks_its_folder_and_then_rebuilds_it(content_copy, tmp_path):
    output = tmp_path / "output"
    output.mkdir()  # an empty folder is fine too
    build_site(content_copy, output, PREVIEW_SETTINGS)
    assert "invoke construir" in (output / MARKER).read_text(encoding="utf-8")
    build_site(content_copy, output, PREVIEW_SETTINGS)
    assert (output / "index.html").is_file() and (output / MARKER).is_file()
    # the replaced site is deleted in the background; then only these are left
    wait_for(lambda: sorted(p.name for p in tmp_path.iterdir()) == [".cache", "content",
                                                                    "output"])


def test_the_marker_is_not_uploaded_to_a_release_folder(tmp_path):
    site = tmp_path / "sitio"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Inicio</title>\n")
    (site / MARKER).write_text("nota\n")
    deploy(site, ReleaseDestination(str(tmp_path / "servidor")), log=lambda _: None)
    assert sorted(os.listdir(tmp_path / "servidor" / "current")) == ["index.html"]


def test_the_marker_is_not_uploaded_over_ftp(tmp_path):
    site = tmp_path / "sitio"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Inicio</title>\n")
    (site / MARKER).write_text("nota\n")
    with FtpServer(tmp_path / "servidor") as server:
        publish_ftp(site, parse_ftp_url(server.url(), PASSWORD), log=lambda _: None)
    published = server.root / "sitio"
    assert sorted(os.listdir(published)) == [".publicacion.json", "index.html"]
    manifest = json.loads((published / ".publicacion.json").read_text())
    assert list(manifest) == ["index.html"]


# --- 5. A missing content folder, two builds at once, a damaged .cache --------------------

def content_folder(tmp_path: Path, case: str) -> Path:
    if case == "no es una carpeta":
        (tmp_path / "entidad.yml").write_text("nombre: Alcaldía\n")
        return tmp_path / "entidad.yml"
    if case == "está vacía":
        (tmp_path / "vacia").mkdir()
        return tmp_path / "vacia"
    if case == "no se puede resolver":  # two symbolic links pointing at each other
        (tmp_path / "uno").symlink_to(tmp_path / "dos")
        (tmp_path / "dos").symlink_to(tmp_path / "uno")
        return tmp_path / "uno"
    return tmp_path / "no-existe"


@pytest.mark.parametrize("command", ["construir", "validar"])
@pytest.mark.parametrize("case", ["no existe", "no es una carpeta", "está vacía",
                                  "no se puede resolver"])
def test_cli_explains_a_content_folder_that_is_missing_a_file_or_empty(tmp_path, command, case):
    content = content_folder(tmp_path, case)
    extra = ["--salida", str(tmp_path / "output")] if command == "construir" else []
    result = invoke(command, "--contenido", str(content), *extra)
    assert result.returncode == 1
    assert case in result.stderr and str(content) in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "output").exists()


def test_a_build_refuses_an_output_that_another_build_holds(content_copy, tmp_path,
                                                            monkeypatch):
    monkeypatch.setattr(build_safety, "LOCK_WAIT_SECONDS", 0)
    with open(tmp_path / ".output.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(BuildRefused) as error:
            build_site(content_copy, tmp_path / "output", PREVIEW_SETTINGS)
    assert "otra construcción" in str(error.value)
    assert sorted(path.name for path in tmp_path.iterdir()) == [".output.lock", "content"]


def test_cli_waits_for_the_other_build_and_then_builds(content_copy, tmp_path, reference):
    output = tmp_path / "output"
    with open(tmp_path / ".output.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        process = start_invoke("construir", "--contenido", str(content_copy),
                               "--salida", str(output))
        seen = []
        for line in process.stdout:
            seen.append(line)
            if "esperando" in line:
                break
        assert "Otra construcción" in "".join(seen), "".join(seen)
        assert not output.exists()
    rest = process.communicate(timeout=300)[0]
    assert process.returncode == 0, "".join(seen) + rest
    assert files_of(output) == reference
    assert sorted(path.name for path in tmp_path.iterdir()) == [".cache", "content", "output"]


def test_two_builds_into_the_same_output_at_once_both_finish_cleanly(content_copy, tmp_path,
                                                                     reference):
    output = tmp_path / "output"
    arguments = ("construir", "--contenido", str(content_copy), "--salida", str(output))
    processes = [start_invoke(*arguments), start_invoke(*arguments)]
    outputs = [process.communicate(timeout=300)[0] for process in processes]
    for process, text in zip(processes, outputs, strict=True):
        assert process.returncode == 0, text
        assert "Traceback" not in text and "Error" not in text
    assert files_of(output) == reference
    wait_for(lambda: sorted(p.name for p in tmp_path.iterdir()) == [".cache", "content",
                                                                    "output"])


def test_cli_builds_the_same_site_when_the_cache_is_a_file(content_copy, tmp_path, reference):
    cache = content_copy.parent / ".cache"
    cache.write_text("no soy una carpeta\n")
    result = invoke("construir", "--contenido", str(content_copy),
                    "--salida", str(tmp_path / "output"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No se puede usar la caché" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert files_of(tmp_path / "output") == reference
    assert cache.read_text() == "no soy una carpeta\n"


@pytest.fixture
def read_only():
    """Make folders read-only, also for root (who ignores permissions): chattr +i."""
    made: list[Path] = []

    def make(folder: Path) -> None:
        for top, _, files in os.walk(folder):
            for name in files:
                os.chmod(Path(top, name), 0o444)
            os.chmod(top, 0o555)
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-R", "+i", str(folder)], check=True)
        made.append(folder)

    yield make
    for folder in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-R", "-i", str(folder)], check=True)
        subprocess.run(["chmod", "-R", "u+w", str(folder)], check=True)


def test_a_read_only_cache_is_left_alone_and_gives_the_same_site(content_copy, tmp_path,
                                                                 reference, read_only,
                                                                 caplog):
    build_site(content_copy, tmp_path / "primero", PREVIEW_SETTINGS)
    cache = content_copy.parent / ".cache"
    read_only(cache)
    with pytest.raises(OSError):
        (cache / "prueba").write_text("x")  # it really is read-only
    before = snapshot(cache)
    build_site(content_copy, tmp_path / "segundo", PREVIEW_SETTINGS)
    assert files_of(tmp_path / "segundo") == reference
    assert snapshot(cache) == before
    assert any(record.getMessage().startswith(f"No se puede usar la caché {cache} (no se "
                                              "puede escribir en ella)")
               for record in caplog.records)


def test_a_page_cache_that_cannot_be_written_only_costs_time(content_copy, tmp_path, read_only,
                                                            caplog):
    output = tmp_path / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    (pages,) = (content_copy.parent / ".cache").glob("paginas-content-*")
    read_only(pages)  # .cache itself can still be written
    before = snapshot(pages)
    news = next((content_copy / "noticias/gobierno").glob("*.md"))
    news.write_text(news.read_text(encoding="utf-8") + "\nPárrafo nuevo de la oficina.\n",
                    encoding="utf-8")
    build_site(content_copy, output, PREVIEW_SETTINGS)
    page = output / "noticias" / news.stem / "index.html"
    assert "Párrafo nuevo de la oficina." in page.read_text(encoding="utf-8")
    assert snapshot(pages) == before
    assert any(record.getMessage().startswith("No se pudo escribir la caché de páginas")
               for record in caplog.records)


def damage_truncated(text: str) -> str:
    return text[:100]


def damage_names(text: str) -> str:
    return json.dumps({page: {**entry, "nombres": 5} for page, entry in json.loads(text).items()})


def damage_key(text: str) -> str:
    return json.dumps({page: {**entry, "clave": ["no", "es", "texto"]}
                       for page, entry in json.loads(text).items()})


@pytest.mark.parametrize("damage", [damage_truncated, damage_names, damage_key])
def test_a_damaged_page_cache_manifest_gives_the_same_site(content_copy, tmp_path, reference,
                                                           damage):
    output = tmp_path / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    (manifest,) = (content_copy.parent / ".cache").glob("paginas-content-*/paginas.json")
    manifest.write_text(damage(manifest.read_text(encoding="utf-8")), encoding="utf-8")
    result = build_site(content_copy, output, PREVIEW_SETTINGS)
    assert result.pages_reused == 0
    assert files_of(output) == reference


def test_a_tampered_stored_page_is_never_published(content_copy, tmp_path, reference):
    output = tmp_path / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    (folder,) = (content_copy.parent / ".cache").glob("paginas-content-*")
    stored = [path for path in folder.glob("*/*") if path.is_file()]
    assert stored
    for path in stored:
        path.write_text("<p>página envenenada</p>", encoding="utf-8")
    # Into the same folder, unchanged pages are the last build's own files, linked:
    build_site(content_copy, output, PREVIEW_SETTINGS)
    assert files_of(output) == reference
    # Into another one, the stored pages would be used, but do not match their hashes:
    result = build_site(content_copy, tmp_path / "otra", PREVIEW_SETTINGS)
    assert result.pages_reused == 0
    assert files_of(tmp_path / "otra") == reference


def test_a_reader_cache_of_the_wrong_kind_gives_the_same_site(content_copy, tmp_path,
                                                              reference):
    build_site(content_copy, tmp_path / "primero", PREVIEW_SETTINGS)
    for cached in (content_copy.parent / ".cache").glob("pelican-content-*/*-Readers"):
        cached.write_bytes(pickle.dumps(["no", "es", "un", "diccionario"]))
    build_site(content_copy, tmp_path / "segundo", PREVIEW_SETTINGS)
    assert files_of(tmp_path / "segundo") == reference


CONTRACT = "contratos/juridica/cps-003-2026.yml"


@pytest.mark.parametrize("entry", [
    "no es un registro",
    {"problems": ["xyz"]},
    {"problems": [[1, "valor"]]},
    {"facts": ["no", "es", "un", "diccionario"]},
    {"facts": {"archivos": [["adjuntos/x.pdf"]]}},
], ids=["texto", "problema-texto", "problema-corto", "hechos-lista", "archivo-corto"])
def test_a_validation_cache_entry_of_the_wrong_shape_is_checked_again(content_copy, entry):
    path = content_copy / CONTRACT
    path.write_text(path.read_text(encoding="utf-8").replace("valor: 38500000", "valor: dos"),
                    encoding="utf-8")
    today = datetime.date(2026, 12, 5)  # after the sample's last held event (asistentes)
    cold = check_content(content_copy, today=today, use_cache=False).problems
    assert len(cold) == 1
    check_content(content_copy, today=today)
    cache_file = cache_file_for(content_copy)
    stored = json.loads(cache_file.read_text(encoding="utf-8"))
    relpath = next(name for name in stored["archivos"] if name.endswith("cps-003-2026.yml"))
    old = stored["archivos"][relpath]
    stored["archivos"][relpath] = entry if isinstance(entry, str) else {**old, **entry}
    cache_file.write_text(json.dumps(stored), encoding="utf-8")
    assert check_content(content_copy, today=today).problems == cold


# --- 7. Interrupted builds -------------------------------------------------------------------

def test_sigterm_during_build_site_keeps_the_previous_site(content_copy, tmp_path,
                                                           monkeypatch):
    output = tmp_path / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    before = snapshot(output)
    handler = signal.getsignal(signal.SIGTERM)
    real_marker = build_module.write_marker

    def killed_while_finishing(site_dir: Path) -> None:
        real_marker(site_dir)
        os.kill(os.getpid(), signal.SIGTERM)  # as `kill PID` at the worst moment

    monkeypatch.setattr(build_module, "write_marker", killed_while_finishing)
    with pytest.raises(BuildInterrupted):
        build_site(content_copy, output, PREVIEW_SETTINGS)
    assert snapshot(output) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == [".cache", "content", "output"]
    assert signal.getsignal(signal.SIGTERM) == handler


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_cli_interrupted_build_removes_its_folder_and_says_so(content_copy, tmp_path, number):
    output = tmp_path / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    before = snapshot(output)
    process = start_invoke("construir", "--contenido", str(content_copy),
                           "--salida", str(output))
    wait_for(lambda: any(tmp_path.glob(".output-nuevo-*")))
    process.send_signal(number)
    text = process.communicate(timeout=120)[0]
    assert process.returncode == 128 + number, text
    assert "Construcción interrumpida; la carpeta output/ anterior no cambió." in text
    assert "Traceback" not in text
    assert snapshot(output) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == [".cache", "content", "output"]


def test_the_next_build_removes_the_folders_of_dead_builds(content_copy, tmp_path):
    dead, alive = dead_pid(), os.getppid()
    leftovers = [tmp_path / f".output-nuevo-{dead}", tmp_path / f".output-anterior-{dead}",
                 tmp_path / f".output-nuevo-{dead}-3"]  # the third build of a dead preview
    for folder in leftovers:
        (folder / "noticias").mkdir(parents=True)
        (folder / "noticias" / "index.html").write_text("a medias")
    running = tmp_path / f".output-nuevo-{alive}"  # a build that is still running
    running.mkdir()
    unrelated = tmp_path / ".output-notas"
    unrelated.mkdir()
    build_site(content_copy, tmp_path / "output", PREVIEW_SETTINGS)
    assert not any(folder.exists() for folder in leftovers)
    assert running.is_dir() and unrelated.is_dir()


def test_compiled_templates_cut_short_are_compiled_again(content_copy, tmp_path, reference):
    build_site(content_copy, tmp_path / "primero", PREVIEW_SETTINGS)
    entries = list((content_copy.parent / ".cache").glob("plantillas-*/*"))
    assert entries
    for number, entry in enumerate(entries):  # cut in the header, in the code, or garbage
        entry.write_bytes(entry.read_bytes()[:(10, 20, 200)[number % 3]] if number % 4
                          else b"basura")
    build_site(content_copy, tmp_path / "segundo", PREVIEW_SETTINGS)
    assert files_of(tmp_path / "segundo") == reference


def test_a_file_where_the_template_cache_goes_only_costs_time(content_copy, tmp_path,
                                                             reference, caplog):
    cache = content_copy.parent / ".cache"
    cache.mkdir()
    blocker = cache / f"plantillas-{jinja2.__version__}"
    blocker.write_text("no es una carpeta", encoding="utf-8")
    build_site(content_copy, tmp_path / "output", PREVIEW_SETTINGS)
    assert files_of(tmp_path / "output") == reference
    assert "No se puede usar la caché de plantillas" in caplog.text
    assert blocker.read_text(encoding="utf-8") == "no es una carpeta"
