"""Build the site into a temporary folder and swap it in only when it succeeded.

A failed build (invalid content, a template error) leaves the previous output
folder exactly as it was and no temporary folder behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import gc
import hashlib
import itertools
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from pelican import Pelican
from pelican.log import FatalLogger
from pelican.log import init as init_pelican_logging
from pelican.settings import read_settings

from ..content.model import site_url
from ..content.validation import InvalidContent
from ..content.validation_cache import cache_root, fingerprint
from ..editor.admin import EditorUnavailable
from ..site.images import BadImage
from ..site.incremental import BUILD_FINGERPRINT, PAGE_CACHE_DIR, PAGE_STATS, PREVIOUS_OUTPUT
from ..site.search import (
    INDEX_FOLDER,
    INDEX_LATER,
    INDEX_PENDING,
    SearchIndexFailed,
    write_index,
)
from .build_safety import (
    Interrupted,
    UnsafeBuild,
    check_content_folder,
    check_output_folder,
    interruptible,
    output_lock,
    remove_leftovers,
    repository_of,
    signals_ignored,
    write_marker,
)
from .folder_tree import FolderTree

logger = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parents[3]  # the folder of pelicanconf.py and tasks.py


class BuildFailed(Exception):
    """The site could not be built; the message says why, in Spanish."""


@dataclass(frozen=True)
class BuildResult:
    output_dir: Path
    seconds: float
    html_pages: int
    pages_reused: int = 0  # rendered pages taken from the previous build (incremental.py)


def build_site(
    content_dir: Path,
    output_dir: Path,
    settings_file: Path,
    overrides: dict | None = None,
    *,
    index_later: bool = False,
) -> BuildResult:
    """Validate content_dir and build it into output_dir with settings_file.

    With `index_later` (a live preview: `invoke servir`, `invoke editor`), a changed site is
    swapped in with the last build's search index, and the new index replaces it right
    after, still under the lock: a saved page is served without waiting for Pagefind.

    Raises InvalidContent (with every problem) or BuildFailed (BuildInterrupted
    on SIGTERM or Ctrl-C); in every case output_dir is untouched. An output that
    the build would destroy (the content, the repository, a file, a folder the
    build did not create) is refused before anything is written (build_safety.py).
    """
    started = time.perf_counter()
    settings_file = Path(settings_file)
    try:
        content_dir = check_content_folder(Path(content_dir))
        output_dir = check_output_folder(Path(output_dir), content_dir,
                                         _protected(settings_file, content_dir))
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(output_dir), _fewer_garbage_collections():
            remove_leftovers(output_dir, _folders_of_this_process)
            return _build_locked(content_dir, output_dir, settings_file, overrides or {},
                                 started, index_later=index_later)
    except UnsafeBuild as error:
        raise BuildRefused(str(error)) from None
    except OSError as error:  # the output's parent folder cannot be created
        raise BuildRefused(f"no se puede escribir junto a {output_dir} ({error.strerror}); "
                          "revise la ruta de --salida y sus permisos") from None


class BuildRefused(BuildFailed):
    """The build did not start: it would harm its folders, or another build is running."""


class BuildInterrupted(BuildFailed):
    """SIGTERM or Ctrl-C stopped the build; the half-built folder was removed.

    `index_pending`: it came while a live preview wrote the search index after the swap; the
    new pages are in place, with the last index (marked stale; the next build writes it).
    """

    def __init__(self, signal_number: int, *, index_pending: bool = False):
        super().__init__("construcción interrumpida")
        self.signal_number = signal_number
        self.index_pending = index_pending


def _build_locked(content_dir: Path, output_dir: Path, settings_file: Path, overrides: dict,
                  started: float, *, index_later: bool) -> BuildResult:
    staging = _new_folder_beside(output_dir)
    folders = None
    try:
        with interruptible():
            staging.mkdir()  # there from the start: an interrupted build has one to remove
            _make_errors_fatal()
            settings = _settings(settings_file, content_dir, staging, overrides)
            settings[INDEX_LATER] = index_later
            if output_dir.is_dir() and _built_with(output_dir, settings):
                settings[PREVIOUS_OUTPUT] = str(output_dir)  # unchanged pages are linked from it
                # Not the search index's folders: build_index replaces that folder whole.
                folders = FolderTree(output_dir, staging, skip=(INDEX_FOLDER,))
            try:
                _build_into(settings, staging)
            except BaseException:
                if folders is not None:
                    folders.abandon()
                raise
            if folders is not None:
                folders.finish()
            with signals_ignored():  # the output is the old site or the new one, never neither
                _forget_builder(output_dir, settings)
                _replace_folder(staging, output_dir)
                _remember_builder(output_dir, settings)
    except (KeyboardInterrupt, Interrupted) as error:
        raise _interrupted(error, staging) from None
    pages = _count_pages(output_dir)
    _, reused = settings.get(PAGE_STATS, (0, 0))
    seconds = time.perf_counter() - started
    if settings.get(INDEX_PENDING):
        _replace_search_index(output_dir)
    return BuildResult(output_dir, seconds, pages, reused)


def _replace_search_index(output_dir: Path) -> None:
    """Write the search index of the pages now served and swap it in for the stale one.

    If Pagefind fails or the build is interrupted here, the stale index (marked as such)
    stays and the next build writes a new one; the pages are already the new ones.
    """
    fresh = _new_folder_beside(output_dir)
    try:
        with interruptible():
            write_index(output_dir, fresh)
            with signals_ignored():
                _replace_folder(fresh, output_dir / INDEX_FOLDER)
    except (KeyboardInterrupt, Interrupted) as error:
        raise _interrupted(error, fresh, index_pending=True) from None
    except SearchIndexFailed as error:
        shutil.rmtree(fresh, ignore_errors=True)
        logger.warning("La búsqueda sigue con el índice anterior: %s", error)


def _interrupted(error: BaseException, half_written: Path, *,
                 index_pending: bool = False) -> BuildInterrupted:
    """Remove the folder a stopped build was writing; the BuildInterrupted to raise."""
    with signals_ignored():
        shutil.rmtree(half_written, ignore_errors=True)
    number = error.args[0] if isinstance(error, Interrupted) else signal.SIGINT
    return BuildInterrupted(number, index_pending=index_pending)


@contextlib.contextmanager
def _fewer_garbage_collections():
    """Python's cycle collector runs every 700 new objects and walks them all; a build
    makes millions (one Article, its metadata and its URLs per item) that live to its end.
    Collecting 70 times less often (and never the objects from before the build) saved
    0.1 to 0.3 s of a 1-s rebuild at 1,000 items (bench/README.md); the thresholds are
    restored after, so a live preview collects as usual between builds."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1_000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


_builds_of_this_process = itertools.count(1)
_folders_of_this_process: set[str] = set()


def _new_folder_beside(output_dir: Path) -> Path:
    """A folder name for a new build, never used before by this process.

    The folder a build replaces is deleted in the background under its own name; in a
    live preview the next build starts at once, and must neither build where `rm` still
    works nor delete that folder again itself (remove_leftovers).
    """
    name = f".{output_dir.name}-nuevo-{os.getpid()}-{next(_builds_of_this_process)}"
    _folders_of_this_process.add(name)
    return output_dir.parent / name


def _count_pages(folder: Path) -> int:
    """The HTML files under folder (os.walk: ten times faster than Path.rglob here)."""
    return sum(name.endswith(".html") for _, _, files in os.walk(folder) for name in files)


def _build_into(settings: dict, staging: Path) -> None:
    errors = _ErrorRecords()
    try:
        _run_pelican(settings, staging, errors)
        write_marker(staging)
    except InvalidContent:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except (BadImage, SearchIndexFailed, EditorUnavailable) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(str(error)) from error
    except Exception as error:
        shutil.rmtree(staging, ignore_errors=True)
        logger.debug("Build failed", exc_info=True)
        if errors.first is not None:
            raise BuildFailed(_logged_error(errors, settings)) from error
        raise BuildFailed(
            f"no se pudo construir el sitio ({type(error).__name__}: {error})"
        ) from error


class _ErrorRecords(logging.Handler):
    """Keeps the first error logged while Pelican runs, and the exception being handled
    then (Pelican logs "Could not process FILE" from inside its `except`, without it)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.first: logging.LogRecord | None = None
        self.exception: BaseException | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.first is None:
            self.first = record
            self.exception = sys.exc_info()[1]

    def reset(self) -> None:
        self.first = self.exception = None


def _logged_error(errors: _ErrorRecords, settings: dict) -> str:
    """The Spanish message for the first error Pelican logged, naming its file."""
    record = errors.first
    content = Path(settings["PATH"])
    arguments = record.args if isinstance(record.args, tuple) else ()
    files = [shown for shown in (_content_file(argument, content) for argument in arguments)
             if shown]
    where = f"{files[0]}: " if files else ""
    text = str(record.msg)
    if text.startswith("Could not process") and files:
        cause = errors.exception
        detail = f" ({type(cause).__name__}: {cause})" if cause is not None else ""
        return (f"{where}no se pudo construir el sitio: Pelican no pudo procesar este "
                f"archivo{detail}. El archivo pasó la validación, así que el fallo es del "
                "generador: avise al equipo de desarrollo con este mensaje")
    if "would be written outside output path" in text and files:
        return (f"{where}no se pudo construir el sitio: su página se escribiría fuera de la "
                f"carpeta de salida ({arguments[1]!r}). Revise *_SAVE_AS en la "
                "configuración del sitio")
    return (f"{where}no se pudo construir el sitio: Pelican registró este error: "
            f"{_short_text(record.getMessage())}. Avise al equipo de desarrollo con este "
            "mensaje")


def _content_file(argument, content: Path) -> str | None:
    """`argument` as content/<path> if it names a file of the content folder."""
    try:
        path = Path(str(argument))
        if not path.is_absolute():
            path = content / path
        relative = path.resolve().relative_to(content.resolve())
        if not path.is_file():
            return None
    except (OSError, ValueError):
        return None
    return (Path(content.name) / relative).as_posix()


def _short_text(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _protected(settings_file: Path, content_dir: Path) -> list[Path]:
    """Folders the output may lie in but never be or contain: the project, the content's
    repository."""
    folders = {settings_file.resolve().parent, PROJECT_ROOT}
    repository = repository_of(content_dir)
    if repository is not None:
        folders.add(repository)
    return sorted(folders)


def _run_pelican(settings: dict, staging: Path, errors: _ErrorRecords) -> None:
    failures = _ReaderFailures()
    generators_log = logging.getLogger("pelican.generators")
    generators_log.addFilter(failures)
    logging.getLogger().addHandler(errors)
    try:
        Pelican(settings).run()
    except Exception as error:
        if not (_from_the_cache(error) or failures.seen) or not _has_reader_cache(settings):
            raise
        # A cache file cut short (a build killed while saving it) or not what this
        # Pelican writes only costs time: Pelican reports a file it "could not process".
        logger.warning("La caché de Pelican estaba dañada; se construye sin ella.")
        shutil.rmtree(settings["CACHE_PATH"], ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        errors.reset()
        Pelican(settings).run()
    finally:
        generators_log.removeFilter(failures)
        logging.getLogger().removeHandler(errors)


class _ReaderFailures(logging.Filter):
    """Notes whether Pelican logged that it could not read a file (its cache may be why)."""

    def __init__(self):
        super().__init__()
        self.seen = False

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Could not process"):
            self.seen = True
        return True


def _has_reader_cache(settings: dict) -> bool:
    folder = Path(settings.get("CACHE_PATH", ""))
    return bool(settings.get("LOAD_CONTENT_CACHE")) and folder.is_dir() and any(folder.iterdir())


def _from_the_cache(error: Exception) -> bool:
    frames = traceback.extract_tb(error.__traceback__)
    return any(Path(frame.filename).parts[-2:] == ("pelican", "cache.py") for frame in frames)


def _settings(settings_file: Path, content_dir: Path, output_dir: Path,
              overrides: dict) -> dict:
    caching = _cache_usable(content_dir)
    override = {
        "PATH": str(content_dir),
        "OUTPUT_PATH": str(output_dir),
        "DELETE_OUTPUT_DIRECTORY": False,
        **(_reader_cache(settings_file, content_dir) if caching else _NO_READER_CACHE),
        **overrides,
    }
    settings = read_settings(str(settings_file.resolve()), override=override)
    if not settings["RELATIVE_URLS"] and "SITEURL" not in overrides:
        # Production URLs follow the domain of the content folder being built.
        settings["SITEURL"] = site_url(content_dir)
        settings["FEED_DOMAIN"] = settings["SITEURL"]
    if caching:
        settings.update(_page_cache(settings, settings_file, content_dir, overrides))
        templates = _template_cache(content_dir)
        if templates is not None:
            settings["JINJA_ENVIRONMENT"] = {**settings["JINJA_ENVIRONMENT"],
                                             "bytecode_cache": templates}
    return settings


class _TemplateCache(FileSystemBytecodeCache):
    """Compiled templates, kept between builds: compiling the theme's 40-odd templates
    costs about 0.4 s on every build. Jinja keys each entry on the template's source and
    recompiles when it changed (and writes each entry to a temporary file first).

    An entry cut short or damaged is compiled again: Jinja itself fails on a cut header.
    """

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # any unreadable entry only costs a compile
            bucket.reset()


def _template_cache(content_dir: Path) -> _TemplateCache | None:
    folder = cache_root(content_dir) / f"plantillas-{version('jinja2')}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir() or folder.is_symlink():
            raise FileExistsError(errno.EEXIST, "no es una carpeta")
    except OSError as error:
        logger.warning("No se puede usar la caché de plantillas %s (%s); se construye sin "
                       "ella, más despacio. Bórrela para recuperar la velocidad.",
                       folder, _why(error, folder))
        return None
    return _TemplateCache(str(folder))


_NO_READER_CACHE = {"CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False}


def _cache_usable(content_dir: Path) -> bool:
    """Whether `.cache/` can be written; if not (a file, read-only), build without it.

    The caches only save time: the site built without them is the same.
    """
    folder = cache_root(content_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, probe = tempfile.mkstemp(prefix=".prueba-", dir=folder)
        os.close(descriptor)
        os.unlink(probe)
    except OSError as error:
        logger.warning("No se puede usar la caché %s (%s); se construye sin ella, más despacio. "
                       "Bórrela o corrija sus permisos para recuperar la velocidad.",
                       folder, _why(error, folder))
        return False
    return True


def _why(error: OSError, folder: Path) -> str:
    if folder.exists() and not folder.is_dir():
        return "es un archivo, no una carpeta"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "no se puede escribir en ella"
    return error.strerror or type(error).__name__


def _page_cache(settings: dict, settings_file: Path, content_dir: Path,
                overrides: dict) -> dict:
    """Where the rendered pages of the last build wait (incremental.py), and what
    every page depends on: the plugin's code, the settings and the theme."""
    digest = hashlib.sha256(fingerprint().encode())
    digest.update(settings_file.read_bytes())
    digest.update(repr(sorted((key, repr(value)) for key, value in overrides.items())).encode())
    digest.update(f"{settings['SITEURL']}|{settings['RELATIVE_URLS']}".encode())
    folder = settings_file.stem + "-" + digest.hexdigest()[:12]
    for package in ("pelican", "jinja2", "markdown", "babel"):
        digest.update(f"{package}={version(package)}".encode())
    for path in sorted(Path(settings["THEME"]).rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(settings["THEME"])).encode() + b"\0")
            digest.update(path.read_bytes())
    return {
        PAGE_CACHE_DIR: str(cache_root(content_dir) / f"paginas-{content_dir.name}-{folder}"),
        BUILD_FINGERPRINT: digest.hexdigest(),
    }


def _reader_cache(settings_file: Path, content_dir: Path) -> dict:
    """Pelican's reader cache, keyed on each file's content (sha256), not its date.

    A CI checkout gives every file a new date, so dates would miss every time.
    The cache folder is named after the settings and the plugin's code: when
    either changes, a fresh cache starts and the stale ones are removed.
    """
    digest = hashlib.sha256(fingerprint().encode() + settings_file.read_bytes())
    digest.update(version("pelican").encode())  # another Pelican may pickle other objects
    # One cache per settings file: a preview and a production build of the same
    # content do not throw away each other's cache.
    prefix = f"pelican-{content_dir.name}-{settings_file.stem}-"
    cache_dir = cache_root(content_dir) / f"{prefix}{digest.hexdigest()[:16]}"
    for stale in cache_dir.parent.glob(f"{prefix}*"):
        if stale != cache_dir:
            shutil.rmtree(stale, ignore_errors=True)
    return {
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CONTENT_CACHING_LAYER": "reader",
        "CHECK_MODIFIED_METHOD": "sha256",
        "GZIP_CACHE": False,
        "CACHE_PATH": str(cache_dir),
    }


def _make_errors_fatal() -> None:
    """Like `pelican --fatal errors`: a logged error (e.g. a broken template) fails the build."""
    init_pelican_logging(level=logging.WARNING, fatal="errors")
    FatalLogger.fatal_lvl = logging.ERROR


def _builder_record(output_dir: Path, settings: dict) -> Path | None:
    """Where the page cache that last built `output_dir` is noted (one file per output)."""
    folder = settings.get(PAGE_CACHE_DIR)
    if not folder:
        return None
    name = hashlib.sha256(str(output_dir.resolve()).encode()).hexdigest()[:16]
    return Path(folder).parent / "salidas" / name


def _built_with(output_dir: Path, settings: dict) -> bool:
    """Whether this build's page cache made `output_dir`: only then are its unchanged pages
    that build's pages. (Two settings, e.g. with and without EDITAR_URL, keep two page caches;
    after building with the other one, the folder holds the other one's pages.)"""
    record = _builder_record(output_dir, settings)
    try:
        return record is not None and record.read_text(encoding="utf-8") == settings[
            PAGE_CACHE_DIR]
    except OSError:
        return False


def _forget_builder(output_dir: Path, settings: dict) -> None:
    record = _builder_record(output_dir, settings)
    if record is not None:
        record.unlink(missing_ok=True)


def _remember_builder(output_dir: Path, settings: dict) -> None:
    record = _builder_record(output_dir, settings)
    if record is None:
        return
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(settings[PAGE_CACHE_DIR], encoding="utf-8")
    except OSError:
        pass  # the next build only renders its pages again instead of linking them


def _replace_folder(new: Path, target: Path) -> None:
    """Put the new site in place of the old one in a single step where the system allows it.

    With two renames, a SIGKILL between them (it cannot be ignored) would leave no output
    folder at all, and the next build would delete the old site as a dead build's
    leftover. Swapping both folders at once (Linux's renameat2 RENAME_EXCHANGE) leaves at
    every instant either the old site or the new one in place.
    """
    if target.is_dir() and _exchange(new, target):
        _delete_in_background(new)  # the folder that held the new site now holds the old one
        return
    previous = target.parent / f".{target.name}-anterior-{os.getpid()}"
    if target.exists():
        os.rename(target, previous)
    os.rename(new, target)
    if previous.exists():
        _delete_in_background(previous)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically; False if this system or file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library older than glibc 2.28
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                 _RENAME_EXCHANGE) == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False  # unsupported here: the two renames below
    raise OSError(number, os.strerror(number), str(second))


def _delete_in_background(folder: Path) -> None:
    """Delete the replaced site without making the build wait for it.

    With thousands of pages this takes seconds (one directory per page), and
    the new site is already in place. If `rm` cannot start, delete it here.
    """
    try:
        # The shell starts `rm` on its own and returns at once: nothing to wait for here.
        subprocess.run(["sh", "-c", 'rm -rf -- "$1" >/dev/null 2>&1 &', "sh", str(folder)],
                       check=True, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(folder, ignore_errors=True)
