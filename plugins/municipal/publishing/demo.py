"""The demonstration site (`invoke demostracion`, DESIGN.md §12): the sample content with a
replayed two-year history, so a newcomer sees the compliance page with real-looking figures.

A temporary git repository receives a copy of the content, committed file by file at
its own dates (news on their date, contracts on their signature or a little before their
closing date, events a little before they happen) and, for pages, trámites and contracts,
revisions at a pace that differs by office, so that the compliance page shows every state
(cumple, parcial, incumple, sin datos). The real content folder is only read, and its
repository is never touched. Monthly visit figures, made up, fill the visits chart.
Every page carries the "Datos de demostración" banner (setting DEMOSTRACION).
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..content.yaml_loader import SourceError, parse_yaml, read_text
from .build import BuildResult, build_site

DEMO_HASTA = datetime.date(2027, 3, 10)
"""The demonstration's cut-off: early in a year, so that the current year shows offices
that are up to date, half behind, behind, and not yet measured."""
YEARS = 2
DATED_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-")
TIME_OF_DAY = "T10:00:00-05:00"
FOLDERS_BY_DATE = ("noticias", "eventos", "contratos")
REVISED = ("paginas", "noticias", "tramites", "contratos")
SEMESTER_MONTHS = (2, 8)  # trámites are reviewed twice a year, in these months


class DemoError(Exception):
    """Why the demonstration could not be made, in Spanish."""


@dataclass(frozen=True)
class Pace:
    """How often an office revises its content in the demonstration."""

    nombre: str

    def active(self, month: datetime.date, start: datetime.date, hasta: datetime.date) -> bool:
        if self.nombre == "al_dia":
            return True
        if self.nombre == "atrasada":  # stopped four months before the cut-off
            return _months_between(month, hasta) > 4
        if self.nombre == "a_medias":  # one month in three
            return month.month % 3 == 2
        return _months_between(start, month) < 12  # abandonada: only the first year


PACES = (Pace("al_dia"), Pace("atrasada"), Pace("a_medias"), Pace("abandonada"))
"""Offices take these in turn, in the order of oficinas.yml."""


def _months_between(earlier: datetime.date, later: datetime.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _clamp(day: datetime.date, start: datetime.date, hasta: datetime.date) -> datetime.date:
    return min(max(day, start), hasta)


@dataclass
class Commit:
    day: datetime.date
    files: dict[str, bytes]  # path inside content/ → bytes
    message: str


def content_files(content_dir: Path) -> dict[str, bytes]:
    """Every regular file of the content folder (no links, no hidden files), by relative path."""
    files = {}
    for path in sorted(content_dir.rglob("*")):
        relative = path.relative_to(content_dir)
        if path.is_symlink() or not path.is_file() \
                or any(part.startswith(".") for part in relative.parts):
            continue
        files[relative.as_posix()] = path.read_bytes()
    return files


def _yaml_data(content_dir: Path, relpath: str) -> dict:
    try:
        data = parse_yaml(read_text(content_dir / relpath)).data
    except (OSError, SourceError):
        return {}
    return data if isinstance(data, dict) else {}


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _own_date(content_dir: Path, relpath: str) -> datetime.date | None:
    """The day a news item, event or contract enters the history."""
    kind = relpath.split("/", 1)[0]
    if kind in ("noticias", "eventos"):
        match = DATED_NAME.match(relpath.rsplit("/", 1)[-1])
        day = _date(match.group(1)) if match else None
        if day and kind == "eventos":
            day -= datetime.timedelta(days=14)  # announced two weeks before
        return day
    data = _yaml_data(content_dir, relpath)
    if _date(data.get("fecha_firma")):
        return _date(data["fecha_firma"])
    if _date(data.get("fecha_cierre")):  # an open process is published before it closes
        return _date(data["fecha_cierre"]) - datetime.timedelta(days=15)
    return _date(data.get("fecha_inicio"))


def history_plan(content_dir: Path, hasta: datetime.date = DEMO_HASTA) -> list[Commit]:
    """The commits of the demonstration repository, oldest first; the last state of every
    file is the content as it is."""
    files = content_files(content_dir)
    start = datetime.date(hasta.year - YEARS, 1, 2)
    offices = [office.get("id") for office in
               (_yaml_data(content_dir, "oficinas.yml").get("oficinas") or [])
               if isinstance(office, dict)]
    first: dict[str, datetime.date] = {}
    spread = sorted(path for path in files if path.split("/", 1)[0] in ("paginas", "tramites"))
    for index, path in enumerate(spread):  # pages and trámites appear over the first year
        first[path] = start + datetime.timedelta(days=index * 365 // max(len(spread), 1))
    for path in files:
        kind = path.split("/", 1)[0]
        if path in first:
            continue
        own = _own_date(content_dir, path) if kind in FOLDERS_BY_DATE else None
        first[path] = _clamp(own or start, start, hasta)
    revisions = _revisions(files, offices, first, start, hasta)
    return _commits(files, first, revisions)


def _revisions(files, offices, first, start, hasta) -> dict[str, list[datetime.date]]:
    """For each office, one file per kind revised at the office's pace, on the 10th."""
    revisions: dict[str, list[datetime.date]] = {}
    for index, office in enumerate(offices):
        pace = PACES[index % len(PACES)]
        chosen = {}
        for kind in REVISED:
            owned = sorted(path for path in files if path.startswith(f"{kind}/{office}/"))
            if owned:
                chosen.setdefault("informacion" if kind in ("paginas", "noticias") else kind,
                                  owned[0])
        for action, path in chosen.items():
            month = datetime.date(start.year, start.month, 10)
            while month <= hasta:
                due = action != "tramites" or month.month in SEMESTER_MONTHS
                if due and month > first[path] and pace.active(month, start, hasta):
                    revisions.setdefault(path, []).append(month)
                month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 10)
    return revisions


def _commits(files, first, revisions) -> list[Commit]:
    """A file revised n times alternates between its text and its text plus an empty line,
    ending on its own text."""
    by_day: dict[datetime.date, dict[str, bytes]] = {}
    for path, data in files.items():
        days = [first[path], *revisions.get(path, [])]
        for number, day in enumerate(days):
            changed = (len(days) - 1 - number) % 2 == 1
            by_day.setdefault(day, {})[path] = data + b"\n" if changed else data
    return [Commit(day, by_day[day], f"Contenido al {day.isoformat()}")
            for day in sorted(by_day)]


def visit_figures(hasta: datetime.date, months: int = 24) -> dict[str, bytes]:
    """Made-up monthly visits (visitas/AAAA-MM.yml) for the months before the cut-off."""
    files = {}
    month = datetime.date(hasta.year, hasta.month, 1)
    for back in range(months, 0, -1):
        index = month.year * 12 + month.month - 1 - back
        year, number = divmod(index, 12)
        visits = 400 + 17 * (months - back) + (97 * back) % 130
        tramites, noticias = visits * 2 // 5, visits // 4
        origin = visits // 20
        files[f"visitas/{year}-{number + 1:02d}.yml"] = (
            f'mes: "{year}-{number + 1:02d}"\nvisitas: {visits}\nvisitantes: {visits * 3 // 8}\n'
            f"secciones:\n  inicio: {visits - tramites - noticias}\n  tramites: {tramites}\n"
            f"  noticias: {noticias}\norigenes:\n  cartelera-plaza: {origin}\n").encode()
    return files


def _git(repo: Path, *args: str, day: datetime.date | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Demostración", "GIT_AUTHOR_EMAIL": "demo@example.org",
           "GIT_COMMITTER_NAME": "Demostración", "GIT_COMMITTER_EMAIL": "demo@example.org",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "HOME": str(repo)}
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = day.isoformat() + TIME_OF_DAY
    try:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise DemoError(f"git no pudo preparar el repositorio de demostración ({error})") \
            from None


def make_repository(content_dir: Path, repo: Path, hasta: datetime.date = DEMO_HASTA) -> Path:
    """A new git repository in `repo` whose content/ replays content_dir's history."""
    commits = history_plan(content_dir, hasta)
    visits = visit_figures(hasta)
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    for commit in commits:
        _write(repo, commit.files)
        _git(repo, "add", "-A", "content")
        _git(repo, "commit", "-q", "-m", commit.message, day=commit.day)
    for path, data in visits.items():  # each month written early the next month
        mes = _date(path[len("visitas/"):-len(".yml")] + "-01")
        day = datetime.date(mes.year + mes.month // 12, mes.month % 12 + 1, 2)
        _write(repo, {path: data})
        _git(repo, "add", "-A", "content")
        _git(repo, "commit", "-q", "-m", f"Visitas de {path[8:15]}", day=min(day, hasta))
    return repo / "content"


def _write(repo: Path, files: dict[str, bytes]) -> None:
    for relpath, data in files.items():
        path = repo / "content" / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def build_demo(content_dir: Path, output_dir: Path, settings_file: Path,
               hasta: datetime.date = DEMO_HASTA) -> BuildResult:
    """Build the demonstration site of content_dir into output_dir (the repository is
    temporary and removed afterwards)."""
    workspace = Path(tempfile.mkdtemp(prefix="demostracion-"))
    try:
        demo_content = make_repository(Path(content_dir), workspace / "repo", hasta)
        return build_site(demo_content, output_dir, settings_file,
                          {"INDICADORES_HASTA": hasta.isoformat(), "DEMOSTRACION": True})
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
