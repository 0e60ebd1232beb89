"""Pelican content classes for trámites, contratos and offices.

Like Pelican's Article and Page, each takes its URL and output path from the
settings (`TRAMITE_URL`, `CONTRATO_SAVE_AS`, `OFICINA_URL`, ...).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from pelican.contents import Content

from .formatting import as_date


class Tramite(Content):
    """A citizen procedure (trámite), read from content/tramites/<oficina>/."""

    mandatory_properties = ("title",)
    default_template = "tramite"
    default_status = "published"

    @property
    def sort_key(self) -> str:
        return _alphabetical_key(self.title)

    @property
    def inicial(self) -> str:
        """The letter it is listed under in the A–Z index (Á under A)."""
        return self.sort_key[:1].upper()


class Contrato(Content):
    """A contract or an open contracting process, from content/contratos/<oficina>/."""

    mandatory_properties = ("title",)
    default_template = "contrato"
    default_status = "published"

    @property
    def fecha_referencia(self) -> datetime.date | None:
        """The date that places it in a year: signed, else opened, else started."""
        for name in ("fecha_firma", "fecha_cierre", "fecha_inicio"):
            value = getattr(self, name, None)
            if value:
                return as_date(value)
        return None

    @property
    def anio(self) -> int | None:
        date = self.fecha_referencia
        return date.year if date else None

    @property
    def sort_key(self) -> tuple:
        """Newest first; processes without a date go last."""
        date = self.fecha_referencia or datetime.date.min
        return (-date.toordinal(), self.slug)


class Oficina:
    """An office (dependencia): its data from oficinas.yml, nothing else.

    What it publishes is an `OfficeContent`, given only to its own page, so that
    pages showing an office's name do not depend on every item it publishes
    (incremental builds compare what each page read).
    """

    def __init__(self, data: dict, settings: dict):
        self.data = data
        self.id = data["id"]
        self.slug = self.id
        self.nombre = data["nombre"]
        self.url = settings["OFICINA_URL"].format(slug=self.slug)
        self.save_as = settings["OFICINA_SAVE_AS"].format(slug=self.slug)

    def page_fingerprint(self, fingerprint) -> str:
        """What pages that show this office depend on (incremental.py)."""
        return f"{fingerprint(self.data)}:{self.url}:{self.save_as}"

    def __getattr__(self, name: str):
        # Template access to the office's own fields: oficina.correo, oficina.horario.
        try:
            return self.__dict__["data"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class OfficeContent:
    """Everything one office publishes, newest or A–Z as in the site's lists."""

    noticias: list = field(default_factory=list)
    paginas: list = field(default_factory=list)
    tramites: list = field(default_factory=list)
    contratos: list = field(default_factory=list)
    eventos: list = field(default_factory=list)  # upcoming (soonest first), then held


def newest_first(article) -> tuple:
    """ARTICLE_ORDER_BY: newest news first, ties broken by slug."""
    return (-article.date.timestamp(), article.slug)


def by_order_then_slug(page) -> tuple:
    """PAGE_ORDER_BY: the `orden` field of institutional pages, then the slug."""
    return (getattr(page, "orden", 999), page.slug)


def _alphabetical_key(text: str) -> str:
    """Sort Spanish text ignoring accents and case (Á with A, ñ after n)."""
    table = str.maketrans("áéíóúüÁÉÍÓÚÜ", "aeiouuAEIOUU")
    return text.translate(table).casefold().replace("ñ", "n~")
