"""Build the site into a temporary folder and swap it in only when it succeeded.

A failed build (invalid content, a template error) leaves the previous output
folder exactly as it was and no temporary folder behind.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import time
import traceback
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from pelican import Pelican
from pelican.log import FatalLogger
from pelican.log import init as init_pelican_logging
from pelican.settings import read_settings

from .images import BadImage
from .incremental import BUILD_FINGERPRINT, PAGE_CACHE_DIR, PAGE_STATS, PREVIOUS_OUTPUT
from .site import site_url
from .validation import InvalidContent
from .validation_cache import cache_root, fingerprint

logger = logging.getLogger(__name__)


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
) -> BuildResult:
    """Validate content_dir and build it into output_dir with settings_file.

    Raises InvalidContent (with every problem) or BuildFailed; in both cases
    output_dir is untouched.
    """
    started = time.perf_counter()
    content_dir = Path(content_dir).resolve()
    output_dir = Path(output_dir).resolve()
    staging = output_dir.parent / f".{output_dir.name}-nuevo-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    settings = _settings(Path(settings_file), content_dir, staging, overrides or {})
    if output_dir.is_dir():
        settings[PREVIOUS_OUTPUT] = str(output_dir)  # unchanged pages are linked from it
    _make_errors_fatal()
    try:
        _run_pelican(settings, staging)
    except InvalidContent:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except BadImage as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(str(error)) from error
    except Exception as error:
        shutil.rmtree(staging, ignore_errors=True)
        logger.debug("Build failed", exc_info=True)
        raise BuildFailed(
            f"no se pudo construir el sitio ({type(error).__name__}: {error})"
        ) from error
    _replace_folder(staging, output_dir)
    pages = sum(1 for _ in output_dir.rglob("*.html"))
    _, reused = settings.get(PAGE_STATS, (0, 0))
    return BuildResult(output_dir, time.perf_counter() - started, pages, reused)


def _run_pelican(settings: dict, staging: Path) -> None:
    try:
        Pelican(settings).run()
    except Exception as error:
        if not _from_the_cache(error):
            raise
        # A cache file cut short (a build killed while saving it) only costs time.
        logger.warning("La caché de Pelican estaba dañada; se construye sin ella.")
        shutil.rmtree(settings["CACHE_PATH"], ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        Pelican(settings).run()


def _from_the_cache(error: Exception) -> bool:
    frames = traceback.extract_tb(error.__traceback__)
    return any(Path(frame.filename).parts[-2:] == ("pelican", "cache.py") for frame in frames)


def _settings(settings_file: Path, content_dir: Path, output_dir: Path,
              overrides: dict) -> dict:
    override = {
        "PATH": str(content_dir),
        "OUTPUT_PATH": str(output_dir),
        "DELETE_OUTPUT_DIRECTORY": False,
        **_reader_cache(settings_file, content_dir),
        **overrides,
    }
    settings = read_settings(str(settings_file.resolve()), override=override)
    if not settings["RELATIVE_URLS"] and "SITEURL" not in overrides:
        # Production URLs follow the domain of the content folder being built.
        settings["SITEURL"] = site_url(content_dir)
        settings["FEED_DOMAIN"] = settings["SITEURL"]
    settings.update(_page_cache(settings, settings_file, content_dir, overrides))
    return settings


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


def _replace_folder(new: Path, target: Path) -> None:
    previous = target.parent / f".{target.name}-anterior-{os.getpid()}"
    if target.exists():
        os.rename(target, previous)
    os.rename(new, target)
    if previous.exists():
        _delete_in_background(previous)


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
