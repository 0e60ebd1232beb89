"""Remember each file's own check by content hash, so re-validation is instant.

An entry is reused only when the file's path and SHA-256 are the same and the
cache was written by the same schemas and the same checking code (the
"fingerprint"); anything else is checked again. Cross-file rules are never
cached. A missing, unreadable or foreign cache file is simply ignored.

Like git's index, an entry also keeps the file's size, times and inode: when
they are unchanged the file is not even read. A file modified less than
RACY_SECONDS before it was checked is not trusted that way (a second edit in
the same clock tick could keep the same times); it is read and hashed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from importlib.metadata import version
from pathlib import Path

import yaml

from .file_checks import FileReport
from .schemas import SCHEMAS_DIR
from .yaml_loader import C_LOADER_AVAILABLE

FORMAT_VERSION = 1
RACY_SECONDS = 2
_PLUGIN_DIR = Path(__file__).resolve().parents[1]


def cache_root(content_dir: Path) -> Path:
    """`.cache/` beside the content folder: where every cache of the build lives."""
    return content_dir.parent / ".cache"


def cache_file_for(content_dir: Path) -> Path:
    """`.cache/validacion-<content folder>.json` beside the content folder."""
    return cache_root(content_dir) / f"validacion-{content_dir.name}.json"


def fingerprint() -> str:
    """Hash of everything a file's own check depends on besides the file itself."""
    digest = hashlib.sha256()
    versions = (FORMAT_VERSION, yaml.__version__, version("jsonschema"),
                version("fastjsonschema"), version("markdown"), C_LOADER_AVAILABLE)
    digest.update(repr(versions).encode())
    # Every module of every subpackage, each named by its path in the plugin.
    for path in sorted([*SCHEMAS_DIR.glob("*.schema.json"), *_PLUGIN_DIR.rglob("*.py")]):
        digest.update(path.relative_to(path.parents[1]).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def stat_key(path: str | os.PathLike) -> list[int]:
    """Size, times and inode of the entry itself: a link is not taken for its target."""
    status = os.lstat(path)
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


def _trusted_stat(key: list[int]) -> list[int] | None:
    """The stat key if the file is old enough for it to prove the content unchanged."""
    recent = time.time_ns() - key[1] < RACY_SECONDS * 1_000_000_000
    return None if recent else key


def _well_formed(entry) -> bool:
    """Whether a cache entry is exactly as `put` writes it; any other is checked again."""
    if not isinstance(entry, dict) or not {"sha256", "stat", "problems", "facts"} <= entry.keys():
        return False
    stat, problems, facts = entry["stat"], entry["problems"], entry["facts"]
    return (isinstance(entry["sha256"], str) and len(entry["sha256"]) == 64
            and (stat is None or (isinstance(stat, list) and len(stat) == 4
                                  and all(type(number) is int for number in stat)))
            and isinstance(problems, list)
            and all(isinstance(problem, list) and len(problem) == 3
                    and type(problem[0]) is int
                    and isinstance(problem[1], str) and isinstance(problem[2], str)
                    for problem in problems)
            and isinstance(facts, dict) and _facts_well_formed(facts))


def _facts_well_formed(facts: dict) -> bool:
    """The facts the cross-file rules read (file_checks.py) have their shapes."""
    def line(value) -> bool:
        return value is None or type(value) is int

    def located(value) -> bool:  # [text, line]
        return (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)
                and line(value[1]))

    archivos = facts.get("archivos", [])
    return (isinstance(archivos, list)
            and all(isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
                    and line(item[1]) and isinstance(item[2], str) for item in archivos)
            and all(located(facts[key]) for key in ("fecha", "referencia") if key in facts)
            and isinstance(facts.get("borrador", False), bool))


_ENTRIES_KEY = ', "archivos": '


def _checksum(entries_text: str) -> str:
    return hashlib.sha256(entries_text.encode("utf-8")).hexdigest()


def _entries_text(text: str) -> str:
    """The entries as `save` wrote them: after the key, to the closing brace. A file
    whose entries still match the checksum holds entries of the right shape, and
    checking each one costs more than this at 10,000 files."""
    start = text.find(_ENTRIES_KEY)
    return text[start + len(_ENTRIES_KEY):-1] if start >= 0 and text.endswith("}") else ""


class ValidationCache:
    def __init__(self, path: Path | None):
        self.path = path
        self.fingerprint = fingerprint() if path else ""
        self.entries: dict[str, dict] = {}
        self.used: dict[str, dict] = {}
        self.changed = False
        if path:
            self.entries = self._read(path)

    def _read(self, path: Path) -> dict[str, dict]:
        try:
            text = path.read_text(encoding="utf-8")
            stored = json.loads(text)
        except (OSError, ValueError):
            return {}
        if not isinstance(stored, dict) or stored.get("huella") != self.fingerprint:
            return {}
        entries = stored.get("archivos")
        if not isinstance(entries, dict):
            return {}
        if stored.get("suma") == _checksum(_entries_text(text)):
            return entries  # exactly as `save` wrote them: no need to inspect each one
        return {relpath: entry for relpath, entry in entries.items() if _well_formed(entry)}

    def get_unchanged(self, relpath: str, key: list[int]) -> FileReport | None:
        """The report of a file whose size, times and inode are as recorded."""
        entry = self.entries.get(relpath)
        if not entry or entry.get("stat") != key:
            return None
        return self._reuse(relpath, entry)

    def get(self, relpath: str, sha256: str, key: list[int]) -> FileReport | None:
        """The report of a file with this content hash (its stat key is updated)."""
        entry = self.entries.get(relpath)
        if not entry or entry.get("sha256") != sha256:
            return None
        report = self._reuse(relpath, entry)
        if report is not None and entry.get("stat") != _trusted_stat(key):
            self.used[relpath] = {**entry, "stat": _trusted_stat(key)}
            self.changed = True
        return report

    def _reuse(self, relpath: str, entry: dict) -> FileReport | None:
        try:
            report = FileReport.from_json(entry)
        except (KeyError, TypeError, ValueError):
            return None
        self.used[relpath] = entry
        return report

    def put(self, relpath: str, sha256: str, key: list[int], report: FileReport) -> None:
        self.used[relpath] = {"sha256": sha256, "stat": _trusted_stat(key),
                              **report.to_json()}
        self.changed = True

    def save(self) -> None:
        """Keep the entries of the files seen this run; never fail the validation."""
        if not self.path or (not self.changed and len(self.used) == len(self.entries)):
            return
        entries = json.dumps(self.used, ensure_ascii=False)
        head = json.dumps({"version": FORMAT_VERSION, "huella": self.fingerprint,
                           "suma": _checksum(entries)})
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One JSON document, with the entries written once, last (see _entries_text).
            temporary.write_text(f"{head[:-1]}{_ENTRIES_KEY}{entries}}}", encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):  # .cache may be a file: no folder to clean
                temporary.unlink(missing_ok=True)
