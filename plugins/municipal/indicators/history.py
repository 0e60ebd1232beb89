"""Read, in one pass, which office updated which kind of content, and when (DESIGN.md §5).

One `git log` over the content folder (non-merge commits reachable from HEAD,
with the files each one added, modified or renamed) is parsed into `Update`s,
attributed to (kind, office) by path alone. Dates are the committer date as a
calendar date in the site's time zone. The events at HEAD are read too
(`HeldEvent`s: office, own date, tipo), since an event counts on its own date (§5.1).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import git

from ..content.formats import is_date
from ..content.layout import KIND_EXTENSIONS
from ..content.yaml_loader import (
    MAX_FILE_BYTES,
    SourceError,
    decode_text,
    parse_yaml,
    split_front_matter,
)

GIT = "git"
NO_HISTORY = "sin_historial"
SHALLOW = "historial_incompleto"
_COMMIT = "\x1e"
_COUNTED = ("A", "M", "R", "C", "T")
"""Added, modified, renamed, copied, type changed; a deletion alone is not an update."""


@dataclass(frozen=True, order=True)
class Update:
    """One commit that changed at least one file of one office for one kind."""

    date: datetime.date
    kind: str
    office: str
    commit: str


@dataclass(frozen=True, order=True)
class HeldEvent:
    """One event file of content/eventos/<oficina>/ at HEAD, not a draft: it counts
    for the plan on its own date, not on its commit's (DESIGN.md §5.1)."""

    date: datetime.date
    office: str
    tipo: str


@dataclass
class History:
    source: str  # "git", "sin_historial" or "historial_incompleto"
    updates: list[Update] = field(default_factory=list)
    reason: str = ""  # why there are no figures, in Spanish
    events: list[HeldEvent] = field(default_factory=list)


def read_history(content_dir: Path, timezone: str = "America/Bogota") -> History:
    """Every update under content_dir, from the git repository that holds it."""
    log = _content_log(content_dir)
    if isinstance(log, History):
        return log
    output, base, repo = log
    return History(GIT, parse_log(output, base, ZoneInfo(timezone)),
                   events=read_events(repo, base))


def first_dates(content_dir: Path, timezone: str = "America/Bogota") -> dict[str, datetime.date]:
    """The first date each file under content_dir was added or changed, by its path
    relative to content_dir (the same one `git log` pass); {} without a usable history."""
    log = _content_log(content_dir)
    if isinstance(log, History):
        return {}
    output, base, _ = log
    zone = ZoneInfo(timezone)
    found: dict[str, datetime.date] = {}
    for chunk in output.split(_COMMIT)[1:]:  # newest first: the last date seen is the first
        header, _, changes = chunk.partition("\0")
        date = datetime.datetime.fromtimestamp(int(header.split(" ")[1]), zone).date()
        for path in _changed_paths(changes.lstrip("\n").split("\0")):
            if path.startswith(base):
                found[path[len(base):]] = date
    return found


def last_dates(content_dir: Path, timezone: str = "America/Bogota") -> dict[str, datetime.date]:
    """The last date each file under content_dir was added or changed (like first_dates)."""
    log = _content_log(content_dir)
    if isinstance(log, History):
        return {}
    output, base, _ = log
    zone = ZoneInfo(timezone)
    found: dict[str, datetime.date] = {}
    for chunk in output.split(_COMMIT)[1:]:  # newest first: the first date seen is the last
        header, _, changes = chunk.partition("\0")
        date = datetime.datetime.fromtimestamp(int(header.split(" ")[1]), zone).date()
        for path in _changed_paths(changes.lstrip("\n").split("\0")):
            if path.startswith(base):
                found.setdefault(path[len(base):], date)
    return found


def _content_log(content_dir: Path) -> tuple[str, str, git.Repo] | History:
    """The raw `git log` over content_dir, the prefix of its paths and the repository,
    or why there is none."""
    content_dir = Path(content_dir).resolve()
    try:
        repo = git.Repo(content_dir, search_parent_directories=True)
        if repo.git.rev_parse("--is-shallow-repository") == "true":
            return History(SHALLOW, reason=(
                "el repositorio es una copia parcial (shallow clone): faltan commits "
                "antiguos y las cifras serían falsas; clone el historial completo "
                "(git fetch --unshallow, o fetch-depth: 0 en la integración continua)"))
        if not repo.head.is_valid():
            return History(NO_HISTORY, reason="el repositorio aún no tiene commits")
        prefix = content_dir.relative_to(Path(repo.working_tree_dir).resolve()).as_posix()
        output = repo.git.log(
            "HEAD", "-z", "--no-merges", "--name-status", "-M",
            f"--format={_COMMIT}%H %ct", "--", prefix if prefix != "." else ".",
        )
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError,
            git.GitCommandNotFound, ValueError):
        return History(NO_HISTORY, reason=(
            "el contenido no está en un repositorio git con historial"))
    return output, ("" if prefix == "." else prefix + "/"), repo


def read_events(repo: git.Repo, base: str) -> list[HeldEvent]:
    """The events committed at HEAD under <base>eventos/<oficina>/, drafts left out.

    A file that cannot be read as an event (the validator tells its author why)
    counts for no one.
    """
    try:
        folder = repo.head.commit.tree / f"{base}eventos"
    except KeyError:
        return []
    events = []
    for entry in folder.traverse():
        parts = entry.path[len(base):].split("/")
        if (entry.type != "blob" or len(parts) != 3 or not parts[2].endswith(".md")
                or entry.size > MAX_FILE_BYTES):
            continue
        event = _held_event(entry.data_stream.read(), parts[1])
        if event is not None:
            events.append(event)
    return sorted(events)


def _held_event(raw: bytes, office: str) -> HeldEvent | None:
    try:
        front, _, _ = split_front_matter(decode_text(raw))
        data = parse_yaml(front).data
    except SourceError:
        return None
    if not isinstance(data, dict) or data.get("borrador") is True:
        return None
    fecha, tipo = data.get("fecha"), data.get("tipo")
    if not (isinstance(fecha, str) and is_date(fecha) and isinstance(tipo, str)):
        return None
    return HeldEvent(datetime.date.fromisoformat(fecha), office, tipo)


def parse_log(output: str, base: str, zone: ZoneInfo) -> list[Update]:
    """Updates from `git log -z --name-status --format=<\\x1e>%H %ct` output."""
    updates: set[Update] = set()
    for chunk in output.split(_COMMIT)[1:]:
        header, _, changes = chunk.partition("\0")
        commit, timestamp = header.split(" ")
        date = datetime.datetime.fromtimestamp(int(timestamp), zone).date()
        for path in _changed_paths(changes.lstrip("\n").split("\0")):
            owner = _owner(path, base)
            if owner:
                updates.add(Update(date, *owner, commit))
    return sorted(updates)


def _changed_paths(fields: list[str]):
    """The paths a commit added, modified or renamed to (deletions left out)."""
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status[0] in "RC":
            path, index = fields[index + 2], index + 3
        else:
            path, index = fields[index + 1], index + 2
        if status[0] in _COUNTED:
            yield path


def _owner(path: str, base: str) -> tuple[str, str] | None:
    """(kind, office) of a path under content/<tipo>/<oficina>/, else None."""
    if not path.startswith(base):
        return None
    parts = path[len(base):].split("/")
    if len(parts) != 3 or parts[0] not in KIND_EXTENSIONS:
        return None
    return parts[0], parts[1]
