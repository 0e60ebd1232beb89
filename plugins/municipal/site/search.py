"""Site search: the /buscar/ page with its script, and the Pagefind index of the built site.

The item pages (trámites, news, contracts, institutional pages, offices) mark what is
searchable with `data-pagefind-body`; lists, pagination, the 404 page and /buscar/ itself
have no such mark, so Pagefind leaves them out. `build_index` runs Pagefind (the binary of
`pagefind[bin]`) over the build's staging folder at `finalized`, before pelican-precompress:
a build that fails afterwards is thrown away with its index, and the old site keeps the old
one. When no searchable page changed since the last build, its index is linked instead
(`_reuse_index`). /buscar/buscar.js queries the index through Pagefind's JS API (never its
default UI).
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pelican.generators import Generator

from .contents import _alphabetical_key as alphabetical_key
from .page_budget import BUDGET_SETTING, DEFAULT_BUDGET
from .site_map import SITE_MAP_SECTIONS

logger = logging.getLogger(__name__)

INDEX_FOLDER = "pagefind"
STALE_MARK = ".pendiente"  # in an index that stands in for the one being written
INDEX_LATER = "MUNICIPAL_INDEX_LATER"  # settings: a live preview indexes after the swap
INDEX_PENDING = "MUNICIPAL_INDEX_PENDING"  # settings: set when the build left that to do
LANGUAGE = "es"
"""Every page is `lang="es-CO"`; forcing `es` names the index and its stemmer (Spanish)
whatever the pages say, and pagefind.js finds `es` for `es-co` by the language prefix."""

SCRIPT = "buscar.js"
SCRIPT_SOURCE = Path("templates") / SCRIPT  # inside the theme, so the page cache sees it
SEARCH_URL = "buscar/"  # fixed: the server configurations give this folder its own CSP
SEARCH_SAVE_AS = "buscar/index.html"

INDEX_CHUNK_SIZE = "2000"
"""Word positions per index chunk (Pagefind's default is 20000). A query downloads the
chunks of its words: on the sample site the largest chunk goes from 31 KB to 4.4 KB; on a
synthetic site of 1,000 items the median chunk from 23 KB to 3.4 KB, while the chunk list in
the .pf_meta file grows from 7.6 KB to 8.9 KB. Pagefind 1.5.2 reads it from
PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE; tests/test_busqueda.py checks the bytes of a search."""

# Reproducible builds: Pagefind 1.5.2 writes the values of each filter in a random order
# (a Rust HashMap), so with two values of a filter the .pf_filter file, the .pf_meta that
# names it and pagefind-entry.json change from one build to the next. The pages carry one
# filter with one value, `tipo: tramite` on trámites only (enough to list them first);
# the index, fragments and metadata are then byte-identical (tests/test_busqueda.py).

TIMEOUT_SECONDS = 600
PRECOMPRESSED_SUFFIXES = (".pagefind", ".pf_meta", ".pf_index")
"""Pagefind writes these gzip-compressed already; a brotli copy (X.br) of the big ones
saves the first search about 15 %. Fragments and filters are small: left as they are."""

_UNUSED_FILES = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
    "pagefind-worker.js",  # buscar.js runs Pagefind in the page (noWorker): one file less
)


class SearchIndexFailed(Exception):
    """Pagefind could not index the site; the message says why, in Spanish."""


@dataclass(frozen=True)
class IndexSummary:
    pages: int  # pages indexed
    files: int  # files in OUTPUT/pagefind/
    pending: bool = False  # the last build's index stands in until write_index runs


class SearchPageGenerator(Generator):
    """/buscar/: the search form, the results (filled by buscar.js) and, for browsers
    without JavaScript, the A–Z index of trámites and sections."""

    def generate_context(self):
        # The site map (written after this generator) lists the search page.
        self.context.setdefault(SITE_MAP_SECTIONS, []).append(("Buscar en el sitio", SEARCH_URL,
                                                               []))

    def generate_output(self, writer):
        template = self.get_template("buscar")
        variables = {"secciones": self.sections(), "indice_tramites": sorted(
            self.context.get("tramites", []), key=lambda item: item.sort_key)}
        if not self._fits(template, variables):
            variables["indice_tramites"] = None  # the page links to the /tramites/ list
        writer.write_file(
            SEARCH_SAVE_AS, template, self.context,
            relative_urls=self.settings["RELATIVE_URLS"], url=SEARCH_URL, **variables,
        )
        script = Path(self.theme) / SCRIPT_SOURCE
        target = Path(self.output_path) / SEARCH_URL / SCRIPT
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(script, target)

    def _fits(self, template, variables: dict) -> bool:
        """Whether the page with every trámite listed stays within the page budget.

        Rendered here with the site's own SITEURL (absolute in production, so never
        shorter than what the writer writes), measured like page_budget.py does.
        """
        budget = self.settings.get(BUDGET_SETTING, DEFAULT_BUDGET)
        html = template.render({**self.context, **variables, "output_file": SEARCH_SAVE_AS,
                                "page_name": SEARCH_SAVE_AS.removesuffix(".html")})
        return len(gzip.compress(html.encode("utf-8"), 9, mtime=0)) <= budget

    def sections(self) -> list[tuple[str, str]]:
        """(name, URL) of every section and institutional page, from A to Z."""
        settings = self.settings
        sections = [
            ("Trámites y servicios", settings["TRAMITES_URL"]),
            ("Contratación", settings["CONTRATOS_URL"]),
            ("Noticias", settings["NOTICIAS_URL"]),
            ("Dependencias", settings["OFICINAS_URL"]),
            ("Cumplimiento del plan de acción", settings["CUMPLIMIENTO_URL"]),
        ]
        sections += [(page.title, page.url) for page in self.context.get("pages", [])]
        sections += [(f"Dependencia: {office.nombre}", office.url)
                     for office in self.context.get("oficinas", [])]
        return sorted(sections, key=lambda pair: alphabetical_key(pair[0]))


def build_index(output_dir: Path, *, brotli_copies: bool,
                previous: Path | None = None, later: bool = False) -> IndexSummary:
    """Index the HTML pages of output_dir into output_dir/pagefind/.

    With `brotli_copies` (production builds, which precompress), the index files Pagefind
    already gzips get a brotli copy beside them (X.br), served when the browser accepts it.
    With `previous` (the last build's output), its index is reused if no page changed
    (`_reuse_index`): Pagefind writes the same bytes from the same pages.
    With `later` (a live preview), a changed site gets the last build's index, marked stale,
    and the summary says `pending`: the caller writes the new one with `write_index` once
    the new pages are served, so a saved page shows without waiting for the index.
    """
    output_dir = Path(output_dir)
    target = output_dir / INDEX_FOLDER
    shutil.rmtree(target, ignore_errors=True)
    if previous is not None and _reuse_index(Path(previous), output_dir):
        return _summary(target, brotli_copies)
    if later and not brotli_copies and previous is not None \
            and _link_index(Path(previous) / INDEX_FOLDER, target):
        (target / STALE_MARK).touch()
        return IndexSummary(pages=0, files=0, pending=True)
    return write_index(output_dir, target, brotli_copies=brotli_copies)


def write_index(output_dir: Path, target: Path, *, brotli_copies: bool = False) -> IndexSummary:
    """Run Pagefind on output_dir's pages, writing the index into target (a new folder)."""
    _run_pagefind(output_dir, target)
    return _summary(target, brotli_copies)


def _summary(target: Path, brotli_copies: bool) -> IndexSummary:
    entry = target / "pagefind-entry.json"
    try:
        languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
    except (OSError, ValueError, KeyError) as error:
        raise SearchIndexFailed(
            "no se pudo construir el índice de búsqueda: Pagefind no escribió "
            f"{INDEX_FOLDER}/pagefind-entry.json ({error})") from None
    _remove_unused(target, languages)
    if brotli_copies:
        _write_brotli_copies(target)
    pages = sum(language.get("page_count", 0) for language in languages.values())
    files = sum(1 for path in target.rglob("*") if path.is_file())
    return IndexSummary(pages=pages, files=files)


def _reuse_index(previous: Path, output_dir: Path) -> bool:
    """Link the last build's index into output_dir if Pagefind would index the same pages
    with the same bytes (`_same_searchable_pages`) and the same Pagefind version wrote it
    (`_link_index`). Returns False, with nothing linked, when the index must be built again.
    """
    source = previous / INDEX_FOLDER
    try:
        entry = json.loads((source / "pagefind-entry.json").read_text(encoding="utf-8"))
        if not isinstance(entry, dict) or entry.get("version") != _pagefind_version():
            return False
        if (source / STALE_MARK).exists() or not _same_searchable_pages(previous, output_dir):
            return False
    except (OSError, ValueError):
        return False
    if not _link_index(source, output_dir / INDEX_FOLDER):
        return False
    logger.debug("Índice de búsqueda: ninguna página cambió; se reutiliza el anterior")
    return True


def _link_index(source: Path, target: Path) -> bool:
    """Hard-link Pagefind's own files of the index in source into target.

    Never the .gz and .br copies written after it (they are written again as new files, so
    nothing of the last build is ever changed), nor the stale mark. False, with nothing
    left in target, if source has no index or a link fails.
    """
    if not (source / "pagefind-entry.json").is_file():
        return False
    try:
        for top, _, files in os.walk(source):
            folder = target / Path(top).relative_to(source)
            folder.mkdir(parents=True, exist_ok=True)
            for name in files:
                if not name.endswith((".gz", ".br")) and name != STALE_MARK:
                    os.link(Path(top, name), folder / name)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        return False
    return True


_MARK = b"data-pagefind-body"


def _same_searchable_pages(previous: Path, output_dir: Path) -> bool:
    """Whether every page that carries the mark, or carried it, has the same bytes as in
    the last build: the last build's own file (a hard link, made only for a page rendered
    exactly as then), or a page written again with the same bytes.

    Once one page carries the mark, Pagefind leaves out every page without it, so those
    (lists, the compliance page...) may change without changing the index. Stops at the
    first searchable page that changed (a rebuild after an edit finds one early).
    """
    searchable = False  # Pagefind indexes every page when none carries the mark
    unchanged: list[Path] = []
    pages: set[str] = set()
    for path in _html_files(output_dir):
        name = os.path.relpath(path, output_dir)
        pages.add(name)
        before = previous / name
        if _same_file(path, before):
            unchanged.append(path)
            continue
        data = path.read_bytes()
        if _MARK in data.lower():
            if not before.is_file() or before.read_bytes() != data:
                return False  # a searchable page was added or changed
            searchable = True
    for path in _html_files(previous):
        if os.path.relpath(path, previous) not in pages and _marked(path):
            return False  # a searchable page was removed
    return searchable or any(_marked(path) for path in unchanged)


def _same_file(path: Path, other: Path) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


def _marked(path: Path) -> bool:
    return _MARK in path.read_bytes().lower()  # HTML attribute names ignore case


def _html_files(folder: Path):
    """Every .html file under folder."""
    for top, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".html"):
                yield Path(top, name)


def _pagefind_version() -> str | None:
    try:
        return version("pagefind_bin")
    except PackageNotFoundError:
        return None


def _run_pagefind(output_dir: Path, target: Path) -> None:
    try:
        from pagefind_bin import get_executable  # noqa: PLC0415 - only the build needs it

        binary = get_executable()
    except (ImportError, FileNotFoundError):
        raise SearchIndexFailed(
            "no se pudo construir el índice de búsqueda: falta el programa Pagefind; "
            "instálelo con `.venv/bin/pip install -r requirements.txt` (pagefind[bin])"
        ) from None
    command = [str(binary), "--site", str(output_dir), "--output-path", str(target.absolute()),
               "--force-language", LANGUAGE]
    # Pagefind also reads pagefind.yml from its working folder and PAGEFIND_* variables:
    # neither may change what the build writes. It runs in an empty folder, without them.
    env = {key: value for key, value in os.environ.items()
           if not key.upper().startswith("PAGEFIND")}
    env["PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"] = INDEX_CHUNK_SIZE
    with tempfile.TemporaryDirectory(prefix="pagefind-") as empty:
        try:
            result = subprocess.run(command, cwd=empty, env=env, capture_output=True,
                                    text=True, timeout=TIMEOUT_SECONDS, check=False,
                                    stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise SearchIndexFailed(
                "no se pudo construir el índice de búsqueda: Pagefind no terminó en "
                f"{TIMEOUT_SECONDS} s") from None
        except OSError as error:
            raise SearchIndexFailed(
                f"no se pudo construir el índice de búsqueda: Pagefind no arrancó ({error})"
            ) from None
    logger.debug("pagefind: %s", result.stdout)
    if result.returncode != 0:
        detail = " ".join((result.stderr or result.stdout).split())[-500:]
        raise SearchIndexFailed(
            "no se pudo construir el índice de búsqueda: Pagefind terminó con el código "
            f"{result.returncode} ({detail})")


def _remove_unused(target: Path, languages: dict) -> None:
    """Pagefind's ready-made interfaces (we use its API), the worker, and the WebAssembly
    of languages the index does not have."""
    for name in _UNUSED_FILES:
        (target / name).unlink(missing_ok=True)
    wanted = {f"wasm.{language.get('wasm', name)}.pagefind"
              for name, language in languages.items()}
    for wasm in target.glob("wasm.*.pagefind"):
        if wasm.name not in wanted:
            wasm.unlink()


def _write_brotli_copies(target: Path) -> None:
    import brotli  # noqa: PLC0415 - production builds only (pelican-precompress[brotli])

    for path in sorted(target.rglob("*")):
        if path.suffix in PRECOMPRESSED_SUFFIXES and path.is_file():
            data = gzip.decompress(path.read_bytes())
            path.with_name(path.name + ".br").write_bytes(brotli.compress(data))
