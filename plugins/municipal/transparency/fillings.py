"""What fills the menu's items in a content folder: the site itself, pages, transparencia.yml.

Read from a validated `content.model.Site`; a value of the wrong type is skipped
here, since the validator has already reported it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..content.model import Site
from ..content.yaml_loader import SourceError

TRANSPARENCY_FILE = "transparencia.yml"


@dataclass(frozen=True)
class GeneratedSource:
    """A list the site generates that fills the catalogue's items whose `fuente` is its key."""

    nombre: str  # how pages name it, in Spanish
    url_setting: str  # the pelicanconf.py setting of its page, e.g. "CONTRATOS_URL"
    present: Callable[[Site], bool]  # does this content folder give it?
    made_from: str = ""  # what it is made of: a kind folder ("contratos") or a file


def has_kind(kind: str) -> Callable[[Site], bool]:
    """The predicate "the content has at least one file of this kind"."""
    def present(site: Site) -> bool:
        return any(file.kind == kind for file in site.files.values())
    present.__name__ = f"has_{kind}"
    return present


def has_event_of_type(tipo: str) -> Callable[[Site], bool]:
    """The predicate "the content has an event of this `tipo` that is not a draft"."""
    def present(site: Site) -> bool:
        for relpath, file in site.files.items():
            if file.kind != "eventos":
                continue
            try:
                document = site.document_for(relpath)
            except SourceError:  # unreadable: the validator has already said why
                continue
            data = document.data if document and isinstance(document.data, dict) else {}
            if data.get("tipo") == tipo and data.get("borrador") is not True:
                return True
        return False
    present.__name__ = f"has_event_of_type_{tipo}"
    return present


def always(site: Site) -> bool:
    return True


# What the site generates, by the `fuente` of res1519.yml. A source listed in the
# catalogue but not here is not generated yet: its items stay pendiente. Registering one
# is one line here (its name, its page's URL setting, the predicate, what it is made of).
GENERATED_SOURCES: dict[str, GeneratedSource] = {
    "oficinas": GeneratedSource("Directorio de dependencias", "OFICINAS_URL",
                                lambda site: bool(site.oficinas), "oficinas.yml"),
    "contratos": GeneratedSource("Contratación", "CONTRATOS_URL", has_kind("contratos"),
                                 "contratos"),
    "tramites": GeneratedSource("Trámites", "TRAMITES_URL", has_kind("tramites"), "tramites"),
    "eventos": GeneratedSource("Agenda de eventos", "EVENTOS_URL", has_kind("eventos"),
                               "eventos"),
    "rendicion_de_cuentas": GeneratedSource("Rendición de cuentas", "EVENTOS_URL",
                                            has_event_of_type("rendicion_de_cuentas"),
                                            "eventos"),
    "informe_de_empalme": GeneratedSource("Informe de empalme", "INFORME_EMPALME_URL",
                                          lambda site: "administracion" in site.entidad,
                                          "entidad.yml"),
    "datos_abiertos": GeneratedSource("Datos abiertos", "DATOS_URL", always, "entidad.yml"),
    "esquema_de_publicacion": GeneratedSource("Esquema de publicación de la información",
                                              "TRANSPARENCIA_ESQUEMA_URL", always, "plan.yml"),
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


def present_sources(site: Site) -> dict[str, GeneratedSource]:
    """The sources the site generates from this content."""
    return {key: source for key, source in GENERATED_SOURCES.items() if source.present(site)}


def generated_sources(site: Site, settings: Mapping) -> dict[str, str]:
    """The sources the site generates from this content, with their root-relative URL."""
    return {key: settings[source.url_setting] for key, source in present_sources(site).items()}


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
