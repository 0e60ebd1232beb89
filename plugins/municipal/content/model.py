"""A content folder as the build sees it: the entity, its offices, its plan, its files.

`validation.check_content` fills a `Site` and its problems; the readers then
take each document from it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .layout import ContentFile
from .yaml_loader import (
    SourceError,
    YamlDocument,
    decode_text,
    parse_yaml,
    read_bytes,
    read_text,
    split_front_matter,
)


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one file, ready to be shown to the person who made it."""

    path: str  # relative to the content folder's parent, e.g. content/plan.yml
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        return f"{self.path}:{self.line}:{field} {self.message}"


@dataclass
class Document:
    """A parsed content file: its data (front matter for Markdown) and body."""

    file: ContentFile
    yaml: YamlDocument
    body: str | None = None  # Markdown text after the front matter
    body_line: int = 1

    @property
    def data(self) -> dict[str, Any]:
        return self.yaml.data


@dataclass
class Site:
    """Everything in a content folder that could be read, and what could not."""

    content_dir: Path
    entidad: dict[str, Any] = field(default_factory=dict)
    oficinas: list[dict[str, Any]] = field(default_factory=list)
    plan: dict[str, Any] = field(default_factory=dict)
    site_documents: dict[str, YamlDocument] = field(default_factory=dict)
    files: dict[str, ContentFile] = field(default_factory=dict)  # by relpath
    visitas: list[dict[str, Any]] = field(default_factory=list)  # visitas/AAAA-MM.yml, by mes
    problems: list[Problem] = field(default_factory=list)
    checked_now: set[str] = field(default_factory=set)  # not from the validation cache
    _documents: dict[str, Document] = field(default_factory=dict, repr=False)

    def display_path(self, relpath: str) -> str:
        return f"{self.content_dir.name}/{relpath}"

    def __reduce__(self):
        """Pickled as None: a validated site belongs to one build. Pelican's reader cache
        pickles the settings (each category keeps them for its URL), and with this site
        in them every cache file carried a copy of every parsed file (3 MB at 1,000 items,
        0.13 s to load on every build)."""
        return _no_site, ()

    def __deepcopy__(self, memo):
        # Without this, copy.deepcopy would go through __reduce__ and give None. The site
        # is one per build and never changed after validation: a copy can be itself.
        return self

    def add_problem(self, relpath: str, line: int | None, field_name: str,
                    message: str) -> None:
        self.problems.append(
            Problem(self.display_path(relpath), line or 1, field_name, message)
        )

    @property
    def office_ids(self) -> list[str]:
        return [office.get("id") for office in self.oficinas if isinstance(office, dict)]

    def add_parsed(self, relpath: str, parsed: tuple[YamlDocument, str | None, int]) -> None:
        """A document parsed elsewhere (a worker process), so that it is not parsed again."""
        if relpath in self.files and relpath not in self._documents:
            self._documents[relpath] = Document(self.files[relpath], *parsed)

    def document_for(self, path: str | Path) -> Document | None:
        """The parsed document of an absolute or content-relative path.

        Parsed on first use: the validator has already checked the file.
        """
        path = Path(path)
        if path.is_absolute():
            try:
                path = path.relative_to(self.content_dir)
            except ValueError:
                return None
        relpath = path.as_posix()
        if relpath not in self._documents and relpath in self.files:
            self._documents[relpath] = parse_content_file(self.files[relpath])
        return self._documents.get(relpath)


def _no_site() -> None:
    return None


def parse_content_file(file: ContentFile) -> Document:
    """Read and parse one content file; raises SourceError on bad input.

    A file whose bytes were parsed before in this process is not parsed again: a live
    preview (`invoke servir`) builds the site on every save, and the handover report reads
    every contract on each build (0.1 s at 1,000 items). Keyed on the bytes, never the date.
    """
    raw = read_bytes(file.path)
    key = (str(file.path), hashlib.sha256(raw).digest())
    parsed = _PARSED.get(key)
    if parsed is None:
        text = decode_text(raw)
        if file.is_markdown:
            front, body, body_line = split_front_matter(text)
            parsed = (parse_yaml(front, first_line=2), body, body_line)
        else:
            parsed = (parse_yaml(text), None, 1)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = parsed
    return Document(file, *parsed)


_PARSED: dict[tuple[str, bytes], tuple[YamlDocument, str | None, int]] = {}
_PARSED_LIMIT = 50_000  # files; a preview running for days starts afresh past it


def site_url(content_dir: Path) -> str:
    """`https://<dominio>` from entidad.yml, or "" when it cannot be read.

    An unreadable entidad.yml is reported by the validator; this only must not fail.
    """
    try:
        entidad = parse_yaml(read_text(Path(content_dir) / "entidad.yml")).data
    except (OSError, SourceError):
        return ""
    domain = entidad.get("dominio") if isinstance(entidad, dict) else None
    return f"https://{domain}" if isinstance(domain, str) and domain else ""
