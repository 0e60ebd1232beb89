"""The one validator: used by the build, `invoke validar`, pre-commit and CI.

`check_content` reads every file of a content folder and returns the `Site`
with every problem found, sorted by file and line. Each file's own check
(parse, schema, its own rules) is cached by content hash and runs on every
core when many files changed; the cross-file rules run every time.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from . import schemas
from .attachment_checks import attachment_problems
from .cross_file_rules import SiteInputs, cross_file_problems
from .file_checks import FileReport, check_document, check_file
from .layout import OPTIONAL_SITE_FILES, SITE_FILES, ContentFile, Discovery, discover
from .model import Problem, Site
from .validation_cache import ValidationCache, cache_file_for, content_hash, stat_key
from .workers import PARALLEL_FROM, map_in_workers
from .yaml_loader import SourceError, read_bytes

TIMEZONE = ZoneInfo("America/Bogota")


class InvalidContent(Exception):
    """Raised to stop a build whose content has problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__(report(problems))
        self.problems = problems


def check_content(content_dir: Path, *, today: datetime.date | None = None,
                  use_cache: bool = True, processes: int | None = None) -> Site:
    """Load content_dir and check it; `site.problems` lists every mistake.

    `today` (default: today in Bogotá) decides which news are in the future;
    `processes` (default: every core) bounds the worker processes.
    """
    content_dir = Path(content_dir).resolve()
    site = Site(content_dir)
    if not content_dir.is_dir():
        site.add_problem("", None, "", "la carpeta de contenido no existe")
        return site
    findings: list[tuple[str, int, str, str]] = []
    found = discover(content_dir)
    site_reports = _check_site_files(site, found, findings)
    site.files = {file.relpath: file for file in found.files}
    findings += [(stray.relpath, 1, "", stray.reason) for stray in found.strays]
    cache = ValidationCache(cache_file_for(content_dir) if use_cache else None)
    reports = _check_files(found.files, cache, processes, site.checked_now)
    visit_reports = _check_files(_site_folder_files(content_dir, found), cache, processes)
    cache.save()
    for file, file_report in visit_reports:
        findings += [(file.relpath, *problem) for problem in file_report.problems]
        if "cifras" in file_report.facts:
            site.visitas.append(file_report.facts["cifras"])
    site.visitas.sort(key=lambda figures: figures["mes"])
    for file, file_report in reports:
        findings += [(file.relpath, *problem) for problem in file_report.problems]
    inputs = SiteInputs(site.site_documents, site_reports, reports, found.attachments,
                        today or datetime.datetime.now(TIMEZONE).date())
    findings += cross_file_problems(inputs)
    findings += attachment_problems(content_dir, inputs)
    site.problems = sorted({Problem(site.display_path(relpath), line or 1, field, message)
                            for relpath, line, field, message in findings})
    return site


def report(problems: list[Problem]) -> str:
    """One line per problem, then a summary line, in Spanish."""
    lines = [str(problem) for problem in problems]
    lines.append(summary(problems))
    return "\n".join(lines)


def summary(problems: list[Problem]) -> str:
    if not problems:
        return "Sin errores: el contenido es válido."
    files = len({problem.path for problem in problems})
    errors = "error" if len(problems) == 1 else "errores"
    archivos = "archivo" if files == 1 else "archivos"
    return f"{len(problems)} {errors} en {files} {archivos}"


def _check_site_files(site: Site, found: Discovery,
                      findings: list) -> dict[str, FileReport]:
    """Check entidad.yml, oficinas.yml, plan.yml and transparencia.yml; keep their data."""
    reports = {}
    refused = {stray.relpath for stray in found.strays}
    for name in SITE_FILES:
        path = site.content_dir / name
        if name in refused:  # a link or a special file: discover() said why
            continue
        if not path.is_file():
            if name in OPTIONAL_SITE_FILES:
                continue
            findings.append((name, 1, "", f"falta el archivo {name}"))
            continue
        try:
            raw = read_bytes(path)
        except SourceError as error:
            findings.append((name, error.line, "", error.message))
            continue
        file_report, document = check_document(name, name, raw)
        reports[name] = file_report
        findings += [(name, *problem) for problem in file_report.problems]
        if document is not None:
            site.site_documents[name] = document
    site.entidad = _mapping(site, "entidad.yml")
    oficinas = _mapping(site, "oficinas.yml").get("oficinas")
    site.oficinas = [item for item in oficinas if isinstance(item, dict)] \
        if isinstance(oficinas, list) else []
    site.plan = _mapping(site, "plan.yml")
    return reports


def _site_folder_files(content_dir: Path, found: Discovery) -> list[ContentFile]:
    """content/visitas/AAAA-MM.yml as files of no office: checked and cached like the
    others, kept out of the cross-file rules (their figures come back as the fact
    `cifras`, see file_checks._check_visits)."""
    return [ContentFile(content_dir, relpath, relpath.split("/", 1)[0], "")
            for relpath in found.site_folder_files]


def _mapping(site: Site, name: str) -> dict:
    document = site.site_documents.get(name)
    return document.data if document and isinstance(document.data, dict) else {}


def _check_files(files: list[ContentFile], cache: ValidationCache, processes: int | None,
                 checked_now: set[str] | None = None) -> list[tuple[ContentFile, FileReport]]:
    """Each file's own report: from the cache when unchanged, else checked now (and then
    noted in `checked_now`)."""
    reports: dict[str, FileReport] = {}
    to_check: list[tuple[ContentFile, bytes, str, list[int]]] = []
    for file in files:
        path = os.path.join(file.content_dir, file.relpath)
        try:
            key = stat_key(path)
            cached = cache.get_unchanged(file.relpath, key)
            if cached is None:
                raw = read_bytes(path)
                digest = content_hash(raw)
                cached = cache.get(file.relpath, digest, key)
        except SourceError as error:
            reports[file.relpath] = FileReport([(error.line or 1, "", error.message)])
            continue
        except OSError as error:
            reports[file.relpath] = FileReport([(1, "", _unreadable(error))])
            continue
        if cached is not None:
            reports[file.relpath] = cached
        else:
            to_check.append((file, raw, digest, key))
    jobs = [(file.relpath, file.kind, raw) for file, raw, _, _ in to_check]
    if checked_now is not None:
        checked_now.update(relpath for relpath, _, _ in jobs)
    for (file, _, digest, key), file_report in zip(to_check, _run(jobs, processes), strict=True):
        reports[file.relpath] = file_report
        cache.put(file.relpath, digest, key, file_report)
    return [(file, reports[file.relpath]) for file in files]


def _run(jobs: list[tuple[str, str, bytes]], processes: int | None) -> list[FileReport]:
    if len(jobs) >= PARALLEL_FROM:
        schemas.load_all()  # compiled once here, inherited by the forked workers
    return map_in_workers(check_file, jobs, processes)


def _unreadable(error: OSError) -> str:
    return f"no se pudo leer el archivo ({error.strerror})"
