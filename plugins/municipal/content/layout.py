"""Where each kind of content lives, and which office owns a file.

The layout is the contract of DESIGN.md §2: `content/<tipo>/<oficina>/<archivo>`.
Only regular files and real folders count: a symbolic link (wherever it points)
and a pipe, socket or device are refused, never followed or read (DESIGN.md §4).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

KIND_EXTENSIONS = {
    "noticias": ".md",
    "tramites": ".yml",
    "contratos": ".yml",
    "paginas": ".md",
    "eventos": ".md",
}
"""Content kinds (the folder names counted by plan.yml's `tipos`) and their file type."""

SITE_FILES = ("entidad.yml", "oficinas.yml", "plan.yml", "transparencia.yml")
OPTIONAL_SITE_FILES = ("transparencia.yml",)  # absent: no entries
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
    everything under adjuntos/ is an attachment. A symbolic link or a file that
    is not a regular one is a stray, whatever its name (see `refusal`). A refused
    attachment still counts as present, so content naming it gets one error, not two.
    """
    content_dir = Path(content_dir)
    found = Discovery([], [], set())
    for relpath, reason in sorted(_visible_files(content_dir)):
        parts = relpath.split("/")
        if reason:
            found.strays.append(StrayFile(relpath, reason))
            if parts[0] == ATTACHMENTS_FOLDER:
                found.attachments.add(relpath)
            continue
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


def _visible_files(content_dir: Path):
    """(relative path, refusal or None) of every entry under content_dir that is not
    a real folder; hidden ones are left out. Links are listed, never followed."""
    pending = [""]
    while pending:
        prefix = pending.pop()
        try:
            with os.scandir(content_dir / prefix) as listing:
                entries = list(listing)
        except OSError as error:
            yield prefix.rstrip("/"), f"no se pudo leer la carpeta ({error.strerror})"
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            relpath = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append(relpath + "/")
            elif entry.is_file(follow_symlinks=False):  # from the listing: no system call
                yield relpath, None
            else:
                yield relpath, refusal(content_dir, relpath)


def refusal(content_dir: Path, relpath: str) -> str | None:
    """Why content_dir/relpath is refused, or None for a regular file.

    Looks at the entry itself (lstat): its target is located but never opened,
    and the message never says what it points to.
    """
    path = os.path.join(content_dir, relpath)
    try:
        mode = os.lstat(path).st_mode
    except OSError as error:
        return f"no se pudo leer el archivo ({error.strerror})"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISLNK(mode):
        return _link_reason(content_dir, path)
    return (f"no es un archivo normal sino {_special_kind(mode)}; el sitio no lo lee ni lo "
            "publica: bórrelo y, si hace falta, ponga en su lugar un archivo normal")


LINK_OUTSIDE = (
    "es un enlace simbólico que apunta fuera de content/; el sitio nunca sigue enlaces "
    "ni publica archivos de fuera de content/: borre el enlace y, si el archivo debe "
    "publicarse, ponga aquí una copia del archivo"
)
LINK_INSIDE = (
    "es un enlace simbólico a otro archivo de content/; el sitio no sigue enlaces: borre "
    "el enlace y ponga aquí una copia del archivo (git guarda una sola vez los archivos "
    "iguales)"
)
LINK_TO_FOLDER = (
    "es un enlace simbólico a una carpeta; el sitio no sigue enlaces: borre el enlace y "
    "ponga los archivos en una carpeta real"
)
LINK_BROKEN = (
    "es un enlace simbólico roto (no lleva a ningún archivo, o forma un ciclo); bórrelo y, "
    "si hace falta, ponga aquí el archivo real"
)


def _link_reason(content_dir: Path, path: str) -> str:
    # realpath only reads links (readlink/lstat); the target is never opened.
    root = os.path.realpath(content_dir)
    target = os.path.realpath(path)
    if os.path.commonpath([root, target]) != root:
        return LINK_OUTSIDE
    try:
        mode = os.stat(target).st_mode
    except OSError:  # dangling, or a loop of links
        return LINK_BROKEN
    if stat.S_ISDIR(mode):
        return LINK_TO_FOLDER
    return LINK_INSIDE if stat.S_ISREG(mode) else LINK_BROKEN


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "una tubería con nombre (FIFO)"
    if stat.S_ISSOCK(mode):
        return "un socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "un dispositivo"
    return "un archivo especial"


def _top_level_reason(name: str) -> str:
    return (
        f'"{name}" no es un archivo conocido; en la raíz de content/ solo van '
        + ", ".join(SITE_FILES)
    )


def _unknown_folder_reason(folder: str) -> str:
    known = ", ".join([*KIND_EXTENSIONS, ATTACHMENTS_FOLDER])
    return f'la carpeta "{folder}" no es un tipo de contenido; use una de: {known}'
