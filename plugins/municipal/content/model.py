"""A content folder as the build sees it: the entity, its offices, its plan, its files.

`validation.check_content` fills a `Site` and its problems; the readers then
take each document from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .layout import ContentFile
from .yaml_loader import SourceError, YamlDocument, parse_yaml, read_text, split_front_matter


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
    _documents: dict[str, Document] = field(default_factory=dict, repr=False)

    def display_path(self, relpath: str) -> str:
        return f"{self.content_dir.name}/{relpath}"

    def add_problem(self, relpath: str, line: int | None, field_name: str,
                    message: str) -> None:
        self.problems.append(
            Problem(self.display_path(relpath), line or 1, field_name, message)
        )

    @property
    def office_ids(self) -> list[str]:
        return [office.get("id") for office in self.oficinas if isinstance(office, dict)]

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


def parse_content_file(file: ContentFile) -> Document:
    """Read and parse one content file; raises SourceError on bad input."""
    text = read_text(file.path)
    if not file.is_markdown:
        return Document(file, parse_yaml(text))
    front, body, body_line = split_front_matter(text)
    return Document(file, parse_yaml(front, first_line=2), body, body_line)


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
