"""Where each kind of content lives, and which office owns a file.

The layout is the contract of DESIGN.md §2: `content/<tipo>/<oficina>/<archivo>`.
"""

from __future__ import annotations

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

    path: Path
    relpath: str  # relative to the content folder, with "/" separators
    kind: str
    office: str

    @property
    def slug(self) -> str:
        return self.path.stem

    @property
    def is_markdown(self) -> bool:
        return self.path.suffix == ".md"


@dataclass(frozen=True)
class StrayFile:
    """A file in content/ that is not where any kind of content belongs."""

    relpath: str
    reason: str


def discover(content_dir: Path) -> tuple[list[ContentFile], list[StrayFile]]:
    """List the content files under content_dir, and the files out of place.

    Hidden files and folders (".git", ".gitkeep", editor backups) are ignored;
    everything under adjuntos/ is an attachment and is not listed.
    """
    files: list[ContentFile] = []
    strays: list[StrayFile] = []
    for path in sorted(_visible_files(content_dir)):
        relpath = path.relative_to(content_dir).as_posix()
        parts = relpath.split("/")
        if parts[0] == ATTACHMENTS_FOLDER:
            continue
        if len(parts) == 1:
            if relpath not in SITE_FILES:
                strays.append(StrayFile(relpath, _top_level_reason(relpath)))
            continue
        kind = parts[0]
        if kind not in KIND_EXTENSIONS:
            strays.append(StrayFile(relpath, _unknown_folder_reason(kind)))
        elif len(parts) != 3:
            strays.append(StrayFile(relpath, (
                f"los archivos de {kind} van en content/{kind}/<oficina>/, "
                "sin subcarpetas"
            )))
        elif path.suffix != KIND_EXTENSIONS[kind]:
            strays.append(StrayFile(relpath, (
                f"en content/{kind}/ solo van archivos "
                f"{KIND_EXTENSIONS[kind]} (este es "
                f"{path.suffix or 'un archivo sin extensión'})"
            )))
        else:
            files.append(ContentFile(path, relpath, kind, parts[1]))
    return files, strays


def _visible_files(folder: Path):
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file():
            yield path


def _top_level_reason(name: str) -> str:
    return (
        f'"{name}" no es un archivo conocido; en la raíz de content/ solo van '
        + ", ".join(SITE_FILES)
    )


def _unknown_folder_reason(folder: str) -> str:
    known = ", ".join([*KIND_EXTENSIONS, ATTACHMENTS_FOLDER])
    return f'la carpeta "{folder}" no es un tipo de contenido; use una de: {known}'
