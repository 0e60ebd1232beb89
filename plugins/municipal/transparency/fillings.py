"""What fills the menu's items in a content folder: the site itself, pages, transparencia.yml.

Read from a validated `content.model.Site`; a value of the wrong type is skipped
here, since the validator has already reported it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.model import Site
from ..content.yaml_loader import SourceError

TRANSPARENCY_FILE = "transparencia.yml"

# The sources the site generates today, and their list page (pelicanconf.py's *_URL).
# Sources of the catalogue absent here (eventos, informe_de_empalme,
# esquema_de_publicacion, datos_abiertos, rendicion_de_cuentas) are not generated yet.
GENERATED_SOURCES = {
    "oficinas": "oficinas/",
    "contratos": "contratos/",
    "tramites": "tramites/",
}


@dataclass(frozen=True)
class PageClaim:
    """A page whose `seccion` names an item."""

    relpath: str
    line: int
    seccion: str
    url: str  # root-relative, e.g. "mision-y-vision/"


@dataclass(frozen=True)
class Declaration:
    """One entry of transparencia.yml's `items`."""

    index: int
    line: int
    id: str
    enlace: str | None
    no_aplica: str | None
    no_aplica_line: int


def generated_sources(site: Site) -> dict[str, str]:
    """The sources the site generates from this content now, with their URL."""
    present = {
        "oficinas": bool(site.oficinas),
        "contratos": any(file.kind == "contratos" for file in site.files.values()),
        "tramites": any(file.kind == "tramites" for file in site.files.values()),
    }
    return {source: url for source, url in GENERATED_SOURCES.items() if present[source]}


def page_claims(site: Site) -> list[PageClaim]:
    claims = []
    for relpath, file in sorted(site.files.items()):
        if file.kind != "paginas":
            continue
        try:
            document = site.document_for(relpath)
        except SourceError:  # unreadable: the validator has already said why
            continue
        seccion = document.data.get("seccion") if document and isinstance(document.data, dict) \
            else None
        if isinstance(seccion, str):
            line = document.yaml.line_of(("seccion",)) or 1
            claims.append(PageClaim(relpath, line, seccion, f"{file.slug}/"))
    return claims


def declarations(site: Site) -> list[Declaration]:
    document = site.site_documents.get(TRANSPARENCY_FILE)
    data = document.data if document is not None and isinstance(document.data, dict) else {}
    items = data.get("items")
    if not isinstance(items, list):
        return []
    found = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        enlace, no_aplica = item.get("enlace"), item.get("no_aplica")
        found.append(Declaration(
            index, document.line_of(("items", index, "id")) or 1, item["id"],
            enlace if isinstance(enlace, str) else None,
            no_aplica if isinstance(no_aplica, str) else None,
            document.line_of(("items", index, "no_aplica")) or 1,
        ))
    return found
