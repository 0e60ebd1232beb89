"""Symbolic links and special files in content/ are refused, never followed or read.

Issue 12, class 2 (DESIGN.md §4): a committed link such as
`content/adjuntos/gobierno/acta.pdf -> /proc/self/environ` must never reach the
public site, and a link to `/dev/zero` or a named pipe must never hang or exhaust
the validator. Links cannot be committed portably into tests/corpus/, so each case
is made here in a copy of the sample content. The commands run in a subprocess with
a timeout and a memory cap: a regression fails instead of hanging CI.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PREVIEW_SETTINGS, ROOT, SAMPLE_CONTENT
from municipal.content.model import site_url
from municipal.content.validation import InvalidContent, check_content
from municipal.content.validation_cache import stat_key
from municipal.content.yaml_loader import SourceError, read_text
from municipal.publishing.build import build_site
from municipal.publishing.build_safety import MARKER
from municipal.site.images import BadImage, web_image

TIMEOUT = 60
MEMORY_CAP = 2 * 1024**3  # address space of a command under test: /dev/zero must not fill it
SECRET = "SECRETO_DE_DESPLIEGUE=no-debe-publicarse-9f3a"
TODAY = datetime.date(2026, 11, 24)

OUTSIDE = ["enlace simbólico", "fuera de content/", "copia del archivo"]
INSIDE = ["enlace simbólico", "otro archivo de content/", "copia del archivo"]
FOLDER = ["enlace simbólico", "a una carpeta", "carpeta real"]
BROKEN = ["enlace simbólico roto", "bórrelo"]
PIPE = ["no es un archivo normal", "tubería con nombre"]
SOCKET = ["no es un archivo normal", "un socket"]


def _secret_file(outside: Path) -> Path:
    outside.mkdir(exist_ok=True)
    secret = outside / "secreto.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    return secret


def _link(content: Path, relpath: str, target: str | Path) -> str:
    path = content / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    path.unlink(missing_ok=True)
    os.symlink(target, path)
    return relpath


def _link_to(relpath: str, target: str) -> Callable[[Path, Path], str]:
    return lambda content, outside: _link(content, relpath, target)


def _link_to_secret(relpath: str) -> Callable[[Path, Path], str]:
    return lambda content, outside: _link(content, relpath, _secret_file(outside))


def _site_file_outside(name: str) -> Callable[[Path, Path], str]:
    """A site file moved out of content/ and linked back: valid content, wrong place."""
    def make(content: Path, outside: Path) -> str:
        outside.mkdir(exist_ok=True)
        shutil.move(content / name, outside / name)
        return _link(content, name, outside / name)
    return make


def _office_folder_outside(content: Path, outside: Path) -> str:
    outside.mkdir(exist_ok=True)
    shutil.move(content / "noticias" / "gobierno", outside / "gobierno")
    return _link(content, "noticias/gobierno", outside / "gobierno")


def _office_folder_inside(content: Path, outside: Path) -> str:
    # despacho is an office with no trámites: its folder would publish gobierno's twice.
    return _link(content, "tramites/despacho", "gobierno")


def _regular_file_inside(content: Path, outside: Path) -> str:
    return _link(content, "adjuntos/hacienda/copia.pdf",
                 "../gobierno/solicitud-permiso-espectaculos-publicos.pdf")


def _loop(content: Path, outside: Path) -> str:
    return _link(content, "adjuntos/gobierno/bucle.pdf", "bucle.pdf")


def _pipe(relpath: str) -> Callable[[Path, Path], str]:
    def make(content: Path, outside: Path) -> str:
        os.mkfifo(content / relpath)
        return relpath
    return make


def _socket(content: Path, outside: Path) -> str:
    relpath = "adjuntos/gobierno/enchufe.pdf"
    with contextlib.chdir((content / relpath).parent), \
            socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind("enchufe.pdf")  # relative: a socket's path is limited to 108 bytes
    return relpath


# Each case: how to break a copy of the sample content, and what its one error says.
CASES = {
    "adjunto-a-proc-self-environ": (_link_to("adjuntos/gobierno/acta.pdf",
                                             "/proc/self/environ"), OUTSIDE),
    "adjunto-a-etc-shadow": (_link_to("adjuntos/gobierno/acta.pdf", "/etc/shadow"), OUTSIDE),
    "adjunto-a-una-carpeta-de-fuera": (_link_to("adjuntos/gobierno/acta.pdf", "/etc"),
                                       OUTSIDE),
    "adjunto-a-un-secreto-de-fuera": (_link_to_secret("adjuntos/gobierno/acta.pdf"), OUTSIDE),
    "adjunto-citado-cambiado-por-un-enlace": (
        _link_to_secret("adjuntos/gobierno/solicitud-permiso-espectaculos-publicos.pdf"),
        OUTSIDE),
    "enlace-a-la-raiz": (_link_to("adjuntos/gobierno/raiz", "/"), OUTSIDE),
    "adjunto-a-dev-zero": (_link_to("adjuntos/gobierno/ceros.pdf", "/dev/zero"), OUTSIDE),
    "tramite-a-dev-zero": (_link_to("tramites/gobierno/ceros.yml", "/dev/zero"), OUTSIDE),
    "noticia-a-dev-urandom": (_link_to("noticias/gobierno/2026-01-05-azar.md",
                                       "/dev/urandom"), OUTSIDE),
    "tramite-a-etc-passwd": (_link_to("tramites/gobierno/usuarios.yml", "/etc/passwd"),
                             OUTSIDE),
    "archivo-raro-en-la-raiz-a-etc-passwd": (_link_to("usuarios.yml", "/etc/passwd"), OUTSIDE),
    "entidad-fuera": (_site_file_outside("entidad.yml"), OUTSIDE),
    "oficinas-fuera": (_site_file_outside("oficinas.yml"), OUTSIDE),
    "plan-fuera": (_site_file_outside("plan.yml"), OUTSIDE),
    "entidad-a-dev-zero": (_link_to("entidad.yml", "/dev/zero"), OUTSIDE),
    "carpeta-de-oficina-fuera": (_office_folder_outside, OUTSIDE),
    "carpeta-de-oficina-dentro": (_office_folder_inside, FOLDER),
    "carpeta-de-tipo-a-etc": (_link_to("contratos", "/etc"), OUTSIDE),
    "adjunto-a-otro-archivo-de-content": (_regular_file_inside, INSIDE),
    "enlace-roto": (_link_to("adjuntos/gobierno/roto.pdf", "no-existe.pdf"), BROKEN),
    "enlace-en-bucle": (_loop, BROKEN),
    "tuberia-como-tramite": (_pipe("tramites/gobierno/tuberia.yml"), PIPE),
    "tuberia-como-adjunto": (_pipe("adjuntos/gobierno/tuberia.pdf"), PIPE),
    "socket-como-adjunto": (_socket, SOCKET),
}


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def invoke(*args: str) -> subprocess.CompletedProcess:
    """Run `invoke ARGS` from the repository, bounded in time and memory."""
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT, check=False,
                          stdin=subprocess.DEVNULL, preexec_fn=_capped)


def _break(case: str, tmp_path: Path) -> tuple[Path, str, list[str]]:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    make, words = CASES[case]
    return content, make(content, tmp_path / "afuera"), words


def _never_leaks(text: str, content: Path, relpath: str) -> None:
    """No byte of the target, and not even where the link points, is in the text."""
    assert "Traceback" not in text
    assert SECRET not in text
    for line in Path("/etc/passwd").read_text(encoding="utf-8").splitlines():
        assert line not in text
    link = content / relpath
    if link.is_symlink() and os.path.isabs(target := os.readlink(link)) and target != "/":
        assert target not in text


@pytest.mark.parametrize("case", sorted(CASES))
def test_validar_refuses_the_entry_with_one_error_and_never_reads_it(case, tmp_path):
    content, relpath, words = _break(case, tmp_path)
    result = invoke("validar", "--contenido", str(content))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "1 error en 1 archivo", result.stdout
    assert len(lines) == 2, result.stdout
    assert lines[0].startswith(f"content/{relpath}:1: "), lines[0]
    for word in words:
        assert word in lines[0], f"{lines[0]!r} sin {word!r}"
    _never_leaks(result.stdout + result.stderr, content, relpath)


@pytest.mark.parametrize(("case", "produccion"), [
    ("enlace-a-la-raiz", False),
    ("adjunto-a-dev-zero", False),
    ("carpeta-de-oficina-fuera", False),
    ("tuberia-como-adjunto", False),
    ("entidad-a-dev-zero", True),  # the production build reads the domain before validating
])
def test_construir_refuses_before_building_and_writes_nothing(case, produccion, tmp_path):
    content, relpath, _ = _break(case, tmp_path)
    output = tmp_path / "salida" / "output"
    output.parent.mkdir()
    result = invoke("construir", "--contenido", str(content), "--salida", str(output),
                    *(["--produccion"] if produccion else []))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"content/{relpath}:1: " in result.stderr
    assert "1 error en 1 archivo" in result.stderr
    assert list(output.parent.iterdir()) == []
    _never_leaks(result.stdout + result.stderr, content, relpath)


def _tree(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() or path.is_symlink()}


def test_a_link_is_never_published_and_a_refused_one_leaves_the_old_site_intact(
        content_copy, tmp_path):
    secret = _secret_file(tmp_path / "afuera")
    # Hidden entries stay ignored, as before: a hidden link is not copied either.
    _link(content_copy, "adjuntos/gobierno/.env", secret)
    _link(content_copy, "adjuntos/gobierno/.oculta", secret.parent)
    output = tmp_path / "salida" / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    before = _tree(output)
    assert "adjuntos/gobierno/solicitud-permiso-espectaculos-publicos.pdf" in before
    # The only hidden file is the build's own marker (build_safety.MARKER), at the root.
    assert [name for name in before if "/." in f"/{name}"] == [MARKER]
    assert not any(SECRET.encode() in path.read_bytes()
                   for path in output.rglob("*") if path.is_file())

    _link(content_copy, "adjuntos/gobierno/acta.pdf", secret)
    with pytest.raises(InvalidContent) as error:
        build_site(content_copy, output, PREVIEW_SETTINGS)
    assert str(error.value).startswith("content/adjuntos/gobierno/acta.pdf:1: ")
    assert str(secret.parent) not in str(error.value)
    assert _tree(output) == before
    assert sorted(path.name for path in output.parent.iterdir()) == ["output"]


def test_the_validation_cache_never_takes_a_link_for_the_file_it_replaced(content_copy,
                                                                         tmp_path):
    assert check_content(content_copy, today=TODAY).problems == []  # fills the cache
    tramite = content_copy / "tramites" / "gobierno" / "certificado-de-residencia.yml"
    moved = tmp_path / "afuera" / tramite.name
    moved.parent.mkdir()
    shutil.copy2(tramite, moved)  # same bytes, same times: only the link differs
    tramite.unlink()
    tramite.symlink_to(moved)
    problems = [str(problem) for problem in check_content(content_copy, today=TODAY).problems]
    assert len(problems) == 1 and problems[0].startswith(
        "content/tramites/gobierno/certificado-de-residencia.yml:1: "), problems
    assert "fuera de content/" in problems[0]


@contextlib.contextmanager
def _deadline(seconds: int):
    """Fail a call that blocks (e.g. opening a pipe nobody writes to) instead of hanging."""
    def expire(signum, frame):
        raise TimeoutError(f"seguía esperando después de {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_reading_a_content_file_refuses_links_and_pipes_without_reading(tmp_path):
    secret = _secret_file(tmp_path / "afuera")
    link = tmp_path / "entidad.yml"
    link.symlink_to(secret)
    pipe = tmp_path / "tuberia.yml"
    os.mkfifo(pipe)
    for path in (link, pipe):
        with _deadline(10), pytest.raises(SourceError) as error:
            read_text(path)
        assert "no es un archivo normal" in error.value.message
        assert SECRET not in error.value.message


def test_the_sites_address_is_not_taken_from_a_linked_entidad(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    outside = tmp_path / "afuera"
    outside.mkdir()
    (outside / "entidad.yml").write_text("dominio: otro-sitio.gov.co\n", encoding="utf-8")
    (content / "entidad.yml").symlink_to(outside / "entidad.yml")
    assert site_url(content) == ""
    (content / "entidad.yml").unlink()
    (content / "entidad.yml").write_text("dominio: propio.gov.co\n", encoding="utf-8")
    assert site_url(content) == "https://propio.gov.co"


def test_a_photo_that_became_a_link_is_refused_unread(tmp_path):
    photo = SAMPLE_CONTENT / "adjuntos" / "planeacion" / "placa-huella-vereda-el-roble.jpg"
    content = tmp_path / "content"
    (content / "adjuntos" / "planeacion").mkdir(parents=True)
    (content / "adjuntos" / "planeacion" / photo.name).symlink_to(photo)
    with pytest.raises(BadImage) as error:
        web_image(content, f"adjuntos/planeacion/{photo.name}", None)
    assert f"adjuntos/planeacion/{photo.name}" in str(error.value)
    assert "no es un archivo normal" in str(error.value)
    assert str(photo) not in str(error.value)



def test_a_links_cache_key_is_its_own_not_its_targets(tmp_path):
    target = tmp_path / "tramite.yml"
    target.write_text("nombre: x\n", encoding="utf-8")
    link = tmp_path / "enlace.yml"
    link.symlink_to(target)
    assert stat_key(link)[3] == link.lstat().st_ino != target.stat().st_ino
