"""Where outreach commands may write, and how: never inside content/, never half a file.

Posters and invitations are written by staff on their own computer. They must not
end up in the content folder (an invitation names its recipient: personal data),
and an interrupted command must leave either the previous file or the new one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class OutreachError(Exception):
    """A mistake in a command's arguments or inputs, said in Spanish for the person."""


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies under it, as written or once links are resolved.

    Both readings count: a link inside content/ that points elsewhere is inside,
    and so is a link elsewhere that points into content/.
    """
    folders = {os.path.abspath(folder), os.path.realpath(folder)}
    paths = {os.path.abspath(path), os.path.realpath(path)}
    return any(os.path.commonpath([candidate, root]) == root
               for candidate in paths for root in folders)


def refuse_inside_content(path: Path, content_dir: Path, what: str) -> None:
    """Raise OutreachError if `path` is in the content folder (what: «la cartelera», ...)."""
    if inside(path, content_dir):
        raise OutreachError(
            f"{path}: {what} no puede quedar dentro de la carpeta de contenido "
            f"({Path(content_dir).name}/), que se publica y se guarda en el repositorio; "
            "elija otra carpeta, por ejemplo su carpeta personal"
        )


def replace_folder_atomically(folder: Path, files: dict[str, bytes],
                              allowed_suffix: str) -> None:
    """Make `folder` hold exactly `files` (name → bytes), all of them or none.

    The files are written into a new hidden folder beside it, which then takes
    the old folder's place. An existing folder is only replaced if everything in
    it has `allowed_suffix` (what an earlier run wrote), so no other file is lost.
    """
    folder = Path(folder)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise OutreachError(f"{folder}: ya existe y no es una carpeta; elija otro nombre")
    if folder.is_dir():
        strangers = sorted(entry.name for entry in folder.iterdir()
                           if not (entry.is_file() and not entry.is_symlink()
                                   and entry.name.endswith(allowed_suffix)))
        if strangers:
            raise OutreachError(
                f"{folder}: la carpeta ya tiene archivos que no son {allowed_suffix} "
                f"({', '.join(strangers[:3])}); elija una carpeta vacía o nueva"
            )
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp",
                                    dir=folder.parent))
    previous = None
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        os.chmod(staging, 0o700)  # the invitations name people: only their owner reads them
        if folder.is_dir():
            previous = folder.with_name(f".{folder.name}.anterior-{os.getpid()}")
            os.replace(folder, previous)
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if previous is not None and not folder.exists():
            os.replace(previous, folder)
        raise
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def pdf_output(salida: str | Path, content_dir: Path, what: str) -> Path:
    """The absolute path to write a PDF to, checked before any work is done."""
    path = Path(os.path.abspath(Path(salida).expanduser()))
    if path.suffix.lower() != ".pdf":
        raise OutreachError(f"--salida {salida}: el nombre del archivo debe terminar en .pdf")
    if path.is_dir():
        raise OutreachError(f"--salida {salida}: es una carpeta; escriba el nombre del archivo "
                            f"PDF, por ejemplo {Path(salida) / 'cartelera.pdf'}")
    if not path.parent.is_dir():
        raise OutreachError(f"--salida {salida}: la carpeta {path.parent} no existe")
    refuse_inside_content(path, content_dir, what)
    return path
