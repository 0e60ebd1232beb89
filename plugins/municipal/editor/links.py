""""Editar esta página": where a content page sends the person who keeps it (DESIGN.md §11).

To its entry in the web editor when the editor is on (`EDITOR_WEB`), else to its
source file on the forge (`EDITAR_URL` + the file's path in the repository), else
nowhere: the page shows no link.
"""

from __future__ import annotations

from pathlib import Path

from .config import collection_name

EDITOR_PATH = "admin/"


def content_prefix(settings: dict) -> str:
    """The content folder's path inside the repository (`content`), as the editor writes it."""
    editor = settings.get("EDITOR_WEB")
    if isinstance(editor, dict) and isinstance(editor.get("ruta_contenido"), str):
        return editor["ruta_contenido"].strip("/")
    return Path(settings["PATH"]).name


def edit_link(item, settings: dict) -> str | None:
    """The address of the editor for `item` (an article, page, trámite or contrato), or None.

    The editor's address is relative to the site root (`admin/#/…`), as the
    templates write every other address after `SITEURL/`; EDITAR_URL is absolute.
    """
    source = getattr(item, "source_path", None)
    kind, office = getattr(item, "tipo_contenido", None), getattr(item, "oficina", None)
    if not source or not kind or not office:
        return None
    slug = Path(source).stem
    if settings.get("EDITOR_WEB") or settings.get("EDITOR_LOCAL"):  # EDITOR_LOCAL: invoke editor
        return f"{EDITOR_PATH}#/collections/{collection_name(kind, office)}/entries/{slug}"
    base = settings.get("EDITAR_URL")
    if not base:
        return None
    relpath = Path(source).resolve().relative_to(Path(settings["PATH"]).resolve()).as_posix()
    prefix = content_prefix(settings)
    path = f"{prefix}/{relpath}" if prefix else relpath
    return f"{base.rstrip('/')}/{path}"


def editor_filters() -> dict:
    """Template filters: `item|enlace_edicion` (the context carries the settings)."""
    from jinja2 import pass_context  # noqa: PLC0415 - only templates need it

    @pass_context
    def enlace_edicion(context, item):
        return edit_link(item, context)

    return {"enlace_edicion": enlace_edicion}
