"""Read, in one pass, which office updated which kind of content, and when (DESIGN.md §5).

One `git log` over the content folder (non-merge commits reachable from HEAD,
with the files each one added, modified or renamed) is parsed into `Update`s,
attributed to (kind, office) by path alone. Dates are the committer date as a
calendar date in the site's time zone. The events at HEAD are read too
(`HeldEvent`s: office, own date, tipo), since an event counts on its own date (§5.1).

The raw `git log` is kept in `.cache/historial-<content folder>.json` with the HEAD it was
read at. When the old HEAD is an ancestor of the new one and no merge commit came in
between, only `git log OLD..HEAD` is read and put before the cached text: git walks a chain
of new commits down to OLD and then on exactly as from OLD, so the result is the text a full
read gives. Otherwise (amend, rebase, reset, a merge, a cache cut short) it is read in full.
"""

from __future__ import annotations

import contextlib
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import git

from ..content.formats import is_date
from ..content.layout import KIND_EXTENSIONS
from ..content.validation_cache import cache_root
from ..content.yaml_loader import (
    MAX_FILE_BYTES,
    SourceError,
    decode_text,
    parse_yaml,
    split_front_matter,
    write_atomically,
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
    log = _content_log(content_dir, with_events=True)
    if isinstance(log, History):
        return log
    output, base, events = log
    return History(GIT, parse_log(output, base, ZoneInfo(timezone)), events=events)


def first_dates(content_dir: Path, timezone: str = "America/Bogota") -> dict[str, datetime.date]:
    """The first date each file under content_dir was added or changed, by its path
    relative to content_dir (the same one `git log` pass); {} without a usable history."""
    return _dates_by_path(content_dir, timezone, first=True)


def last_dates(content_dir: Path, timezone: str = "America/Bogota") -> dict[str, datetime.date]:
    """The last date each file under content_dir was added or changed (like first_dates)."""
    return _dates_by_path(content_dir, timezone, first=False)


def _dates_by_path(content_dir: Path, timezone: str, *, first: bool) -> dict[str, datetime.date]:
    log = _content_log(content_dir)
    if isinstance(log, History):
        return {}
    output, base, _ = log
    zone = ZoneInfo(timezone)
    found: dict[str, datetime.date] = {}
    for chunk in output.split(_COMMIT)[1:]:  # newest first
        header, _, changes = chunk.partition("\0")
        date = datetime.datetime.fromtimestamp(int(header.split(" ")[1]), zone).date()
        for path in _changed_paths(changes.lstrip("\n").split("\0")):
            if not path.startswith(base):
                continue
            if first:  # the last date seen is the first
                found[path[len(base):]] = date
            else:  # the first date seen is the last
                found.setdefault(path[len(base):], date)
    return found


def _content_log(content_dir: Path, *, with_events: bool = False
                 ) -> tuple[str, str, list[HeldEvent]] | History:
    """The raw `git log` over content_dir, the prefix of its paths and (if asked) the
    events at HEAD, or why there is none."""
    content_dir = Path(content_dir).resolve()
    try:
        # Closed on leaving: GitPython keeps two `git cat-file` processes per repository,
        # which would otherwise outlive the build until the garbage collector finds them.
        with git.Repo(content_dir, search_parent_directories=True) as repo:
            if repo.git.rev_parse("--is-shallow-repository") == "true":
                return History(SHALLOW, reason=(
                    "el repositorio es una copia parcial (shallow clone): faltan commits "
                    "antiguos y las cifras serían falsas; clone el historial completo "
                    "(git fetch --unshallow, o fetch-depth: 0 en la integración continua)"))
            if not repo.head.is_valid():
                return History(NO_HISTORY, reason="el repositorio aún no tiene commits")
            prefix = content_dir.relative_to(Path(repo.working_tree_dir).resolve()).as_posix()
            base = "" if prefix == "." else prefix + "/"
            output = _cached_log(repo, prefix, content_dir)
            events = read_events(repo, base) if with_events else []
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError,
            git.GitCommandNotFound, ValueError):
        return History(NO_HISTORY, reason=(
            "el contenido no está en un repositorio git con historial"))
    return output, base, events


_CACHE_VERSION = 1


def _log_arguments(prefix: str) -> tuple[str, ...]:
    return ("-z", "--no-merges", "--name-status", "-M", f"--format={_COMMIT}%H %ct", "--",
            prefix if prefix != "." else ".")


def _cached_log(repo: git.Repo, prefix: str, content_dir: Path) -> str:
    """`git log HEAD` over prefix, reading only the commits the cache does not have."""
    head = repo.head.commit.hexsha
    where = {"version": _CACHE_VERSION, "repositorio": str(repo.git_dir), "ruta": prefix}
    cache_file = cache_root(content_dir) / f"historial-{content_dir.name}.json"
    cached = _load_log(cache_file, where)
    if cached is not None and cached[0] == head:
        return cached[1]
    if cached is not None and _only_new_commits(repo, cached[0], head):
        output = repo.git.log(f"{cached[0]}..{head}", *_log_arguments(prefix)) + cached[1]
    else:
        output = repo.git.log(head, *_log_arguments(prefix))
    _save_log(cache_file, {**where, "head": head, "log": output})
    return output


def _only_new_commits(repo: git.Repo, old: str, head: str) -> bool:
    """Whether head is old plus a chain of commits without merges."""
    try:
        repo.git.merge_base("--is-ancestor", old, head)
        merges = repo.git.rev_list("--min-parents=2", "--count", f"{old}..{head}")
    except git.GitCommandError:  # not an ancestor, or old no longer exists
        return False
    return merges.strip() == "0"


def _load_log(cache_file: Path, where: dict) -> tuple[str, str] | None:
    """(HEAD, log) of the cache if it is of this repository and folder, else None."""
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and all(data.get(key) == value for key, value in where.items())
            and isinstance(data.get("head"), str) and isinstance(data.get("log"), str)):
        return None
    return data["head"], data["log"]


def _save_log(cache_file: Path, data: dict) -> None:
    """Write the cache atomically; if it cannot be written, the next build reads in full."""
    with contextlib.suppress(OSError):
        write_atomically(cache_file, json.dumps(data))


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
