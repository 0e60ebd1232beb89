"""Where each kind of content lives, and which office owns a file.

The layout is the contract of DESIGN.md §2: `content/<tipo>/<oficina>/<archivo>`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

KIND_EXTENSIONS = {
    "noticias": ".md",
    "tramites": ".yml",
    "contratos": ".yml",
    "paginas": ".md",
}
"""Content kinds (the folder names counted by plan.yml's `tipos`) and their file type."""

SITE_FILES = ("entidad.yml", "oficinas.yml", "plan.yml")
ATTACHMENTS_FOLDER = "adjuntos"


@dataclass(frozen=True)
class ContentFile:
    """One content file: its kind, owning office and slug come from its path."""

    content_dir: Path
    relpath: str  # relative to the content folder, with "/" separators
    kind: str
    office: str

    @property
    def path(self) -> Path:
        return self.content_dir / self.relpath

    @property
    def slug(self) -> str:
        return self.relpath.rsplit("/", 1)[-1].rsplit(".", 1)[0]

    @property
    def is_markdown(self) -> bool:
        return self.relpath.endswith(".md")


@dataclass(frozen=True)
class StrayFile:
    """A file in content/ that is not where any kind of content belongs."""

    relpath: str
    reason: str


@dataclass
class Discovery:
    """What is in a content folder: content files, misplaced files, attachments."""

    files: list[ContentFile]
    strays: list[StrayFile]
    attachments: set[str]  # relative paths, e.g. "adjuntos/hacienda/formulario.pdf"


def discover(content_dir: Path) -> Discovery:
    """List the content files under content_dir, the files out of place and the attachments.

    Hidden files and folders (".git", ".gitkeep", editor backups) are ignored;
    everything under adjuntos/ is an attachment.
    """
    found = Discovery([], [], set())
    for relpath in sorted(_visible_files(content_dir)):
        parts = relpath.split("/")
        if parts[0] == ATTACHMENTS_FOLDER:
            found.attachments.add(relpath)
            continue
        if len(parts) == 1:
            if relpath not in SITE_FILES:
                found.strays.append(StrayFile(relpath, _top_level_reason(relpath)))
            continue
        kind = parts[0]
        suffix = os.path.splitext(relpath)[1]
        if kind not in KIND_EXTENSIONS:
            found.strays.append(StrayFile(relpath, _unknown_folder_reason(kind)))
        elif len(parts) != 3:
            found.strays.append(StrayFile(relpath, (
                f"los archivos de {kind} van en content/{kind}/<oficina>/, "
                "sin subcarpetas"
            )))
        elif suffix != KIND_EXTENSIONS[kind]:
            found.strays.append(StrayFile(relpath, (
                f"en content/{kind}/ solo van archivos "
                f"{KIND_EXTENSIONS[kind]} (este es "
                f"{suffix or 'un archivo sin extensión'})"
            )))
        else:
            found.files.append(ContentFile(content_dir, relpath, kind, parts[1]))
    return found


def _visible_files(folder: Path):
    """Relative paths ("/"-separated) of the files under folder, hidden ones left out."""
    for directory, subdirectories, names in os.walk(folder):
        subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
        relative = os.path.relpath(directory, folder).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        yield from (prefix + name for name in names if not name.startswith("."))


def _top_level_reason(name: str) -> str:
    return (
        f'"{name}" no es un archivo conocido; en la raíz de content/ solo van '
        + ", ".join(SITE_FILES)
    )


def _unknown_folder_reason(folder: str) -> str:
    known = ", ".join([*KIND_EXTENSIONS, ATTACHMENTS_FOLDER])
    return f'la carpeta "{folder}" no es un tipo de contenido; use una de: {known}'
