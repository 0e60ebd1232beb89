"""What keeps a build from harming anything but the output folder it owns.

Before a build touches the disk: the content folder must be a non-empty folder,
and the output folder must be a new path or a folder an earlier build created
(it holds MARKER), never the content, the repository or a file. While it runs, a
lock beside the output keeps a second build out, and SIGTERM / Ctrl-C remove the
half-built folder. Staging folders of builds that died are removed on the next run.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Collection, Iterator
from pathlib import Path

MARKER = ".sitio-generado"
MARKER_TEXT = (
    "Esta carpeta la crea `invoke construir` y se reemplaza entera en cada construcción:\n"
    "no guarde aquí nada a mano. Este archivo le permite reconocerla (no se publica).\n"
)
LOCK_WAIT_SECONDS = 120  # a second build waits this long for the first one, then gives up
_LOCK_POLL_SECONDS = 0.2
_LEFTOVER = re.compile(r"-(?:nuevo|anterior)-(\d+)(?:-\d+)?")  # -<pid>[-<build of that process>]

logger = logging.getLogger(__name__)


class UnsafeBuild(Exception):
    """The build would harm something or cannot start; the message says why, in Spanish."""


class Interrupted(BaseException):
    """SIGTERM arrived; a BaseException so that no `except Exception` swallows it."""


def check_content_folder(given: Path) -> Path:
    """The content folder, resolved, if it exists, is a folder and holds something."""
    try:
        content_dir = given.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise UnsafeBuild(f"la ruta de la carpeta de contenido {given} no se puede "
                          "resolver; indique otra con --contenido") from None
    if not content_dir.exists():
        raise UnsafeBuild(
            f"la carpeta de contenido {content_dir} no existe; indique la correcta con "
            "--contenido (por defecto: content)")
    if not content_dir.is_dir():
        raise UnsafeBuild(
            f"{content_dir} no es una carpeta; --contenido debe ser la carpeta del contenido "
            "(la que tiene entidad.yml)")
    try:
        empty = next(content_dir.iterdir(), None) is None
    except OSError as error:
        raise UnsafeBuild(f"no se puede leer la carpeta de contenido {content_dir} "
                          f"({error.strerror})") from None
    if empty:
        raise UnsafeBuild(
            f"la carpeta de contenido {content_dir} está vacía; indique la carpeta que tiene "
            "entidad.yml, oficinas.yml y plan.yml")
    return content_dir


def check_output_folder(output_dir: Path, content_dir: Path, protected: list[Path]) -> Path:
    """Refuse an output folder that a build would destroy; return its resolved path.

    `output_dir` is as given (absolute, not resolved), `content_dir` resolved;
    `protected` are folders (the repository) that the output may lie in but must
    not be or contain.
    """
    given = Path(os.path.abspath(output_dir))
    if given.is_symlink():
        raise UnsafeBuild(
            f"la salida {given} es un enlace simbólico; indique con --salida una carpeta real")
    try:
        output = given.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise UnsafeBuild(f"la ruta de la salida {given} no se puede resolver (¿enlaces "
                          "simbólicos en círculo?); indique otra con --salida") from None
    home = Path.home().resolve()
    if output == Path(output.anchor):
        raise UnsafeBuild(f"la salida {output} es la raíz del disco; la construcción la "
                          "reemplazaría entera. Use una carpeta aparte, por ejemplo "
                          "--salida output")
    if _inside(home, output):
        raise UnsafeBuild(
            f"la salida {output} {_relation(output, home)} la carpeta personal {home}; la "
            "construcción la reemplazaría entera. Use una carpeta aparte, por ejemplo "
            "--salida output")
    relation = _relation(output, content_dir)
    if relation:
        raise UnsafeBuild(
            f"la salida {output} {relation} la carpeta de contenido {content_dir}; la "
            "construcción la borraría. Use una carpeta aparte, por ejemplo --salida output")
    for folder in protected:
        if _inside(folder, output):
            raise UnsafeBuild(
                f"la salida {output} {_relation(output, folder)} la carpeta del proyecto "
                f"{folder}; la construcción la borraría. Use una carpeta aparte, por ejemplo "
                "--salida output")
    if output.exists() and not output.is_dir():
        raise UnsafeBuild(
            f"la salida {output} ya existe y no es una carpeta; la construcción no la "
            "reemplaza. Bórrela usted mismo o elija otra con --salida")
    if output.is_dir() and not (output / MARKER).is_file() and _has_entries(output):
        raise UnsafeBuild(
            f"la carpeta {output} ya existe, no está vacía y no la creó una construcción (no "
            f"tiene el archivo {MARKER}); la construcción la reemplazaría entera. Si es un "
            "sitio construido antes, bórrela usted mismo; si no, elija otra con --salida")
    return output


def repository_of(folder: Path) -> Path | None:
    """The git work tree that holds `folder`, if any."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def write_marker(site_dir: Path) -> None:
    (site_dir / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


@contextlib.contextmanager
def output_lock(output_dir: Path, wait: float | None = None) -> Iterator[None]:
    """Hold `.<output>.lock` beside the output: one build at a time writes into it.

    A second build waits up to `wait` seconds (default LOCK_WAIT_SECONDS), then
    raises UnsafeBuild. The holder deletes the file when done; a waiter that
    locked a deleted file notices (another inode) and locks the new one.
    """
    path = output_dir.parent / f".{output_dir.name}.lock"
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    waiting = False
    while True:
        descriptor = _open_lock(path)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(descriptor)
            os.close(descriptor)
            if time.monotonic() >= deadline:
                raise UnsafeBuild(
                    f"otra construcción{holder} sigue escribiendo en {output_dir.name}/; "
                    "espere a que termine y vuelva a intentarlo") from None
            if not waiting:
                logger.warning("Otra construcción%s escribe en %s/; esperando a que termine...",
                               holder, output_dir.name)
                waiting = True
            time.sleep(_LOCK_POLL_SECONDS)
            continue
        if _is_current(descriptor, path):
            break
        os.close(descriptor)
    try:
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(descriptor)


def remove_leftovers(output_dir: Path, ours: Collection[str] = ()) -> None:
    """Delete `.<output>-nuevo-<pid>[-<n>]` and `-anterior-<pid>` folders of builds that died.

    `ours` names the folders of this process's earlier builds: the replaced sites that a
    background `rm` is deleting (build.py), left to it.
    """
    prefix = f".{output_dir.name}"
    for folder in output_dir.parent.glob(f"{glob_escape(prefix)}-*-*"):
        match = _LEFTOVER.fullmatch(folder.name[len(prefix):])
        if match and folder.name not in ours and folder.is_dir() and not folder.is_symlink() \
                and not _alive(int(match.group(1))):
            logger.info("Se borra %s, de una construcción que no terminó", folder.name)
            shutil.rmtree(folder, ignore_errors=True)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGTERM into Interrupted while the block runs (Ctrl-C is KeyboardInterrupt)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; a server thread keeps the defaults
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def signals_ignored() -> Iterator[None]:
    """Let a clean-up finish even if the person presses Ctrl-C again."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, signal.SIG_IGN)
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _raise_interrupted(number: int, frame) -> None:
    raise Interrupted(number)


def _open_lock(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise UnsafeBuild(f"no se puede crear {path} para la construcción "
                          f"({error.strerror}); revise los permisos de {path.parent}") from None


def _is_current(descriptor: int, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(descriptor).st_ino
    except FileNotFoundError:
        return False


def _read_pid(descriptor: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        return f" (proceso {int(os.pread(descriptor, 32, 0).decode().strip())})"
    return ""


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # a folder of this very process is from an earlier build in it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError as error:
        return error.errno != errno.ESRCH
    return True


def _relation(output: Path, folder: Path) -> str:
    """How `output` and `folder` overlap, in words ("" if they do not)."""
    if output == folder:
        return "es"
    if _inside(output, folder):
        return "está dentro de"
    return "contiene" if _inside(folder, output) else ""


def _inside(folder: Path, other: Path) -> bool:
    """Whether `folder` is `other` or lies inside it."""
    return folder == other or other in folder.parents


def _has_entries(folder: Path) -> bool:
    try:
        return next(folder.iterdir(), None) is not None
    except OSError:
        return True

