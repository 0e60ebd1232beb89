"""The transparency pages: /transparencia/ (the menu), /transparencia/<id>/, the esquema de
publicación, and /transparencia.json and .csv (DESIGN.md §9).

A Pelican generator like indicators/page.py. It also adds its pages to the
site map (`SITE_MAP_SECTIONS` of the context, read by site/site_map.py).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from pelican.generators import Generator

from ..indicators.history import first_dates
from ..site.readers import SITE_SETTING
from ..site.site_map import SITE_MAP_SECTIONS
from .catalogue import CATEGORY, HEADING, ITEM, load_catalogue
from .esquema import rows, to_csv
from .fillings import GENERATED_SOURCES
from .matrix import PUBLISHED, matrix, summary_line, to_json
from .matrix import to_csv as matrix_csv

MATRIX_FILES = ("transparencia.json", "transparencia.csv")
ESQUEMA_CSV = "transparencia/esquema-de-publicacion.csv"


class TransparenciaGenerator(Generator):
    """The menu of Res. 1519 with every item's state, its item pages, the esquema and the matrix."""

    def generate_context(self):
        site = self.settings[SITE_SETTING]
        catalogue = load_catalogue()
        settings = self.settings
        self.document = matrix(catalogue, site, settings, settings.get("SITEURL", ""))
        local = matrix(catalogue, site, settings)  # root-relative, for links in the pages
        titles = {"/" + settings[source.url_setting]: source.nombre
                  for source in GENERATED_SOURCES.values() if source.url_setting in settings}
        titles.update({"/" + page.url: page.title for page in self.context.get("pages", [])})
        rows_by_id = {row["id"]: row for row in local["items"]}
        self.item_pages = []
        categories = []
        for entry in catalogue.entries:
            if entry.tipo == CATEGORY:
                categories.append({"id": entry.id, "nombre": entry.nombre, "entradas": []})
            elif entry.tipo == HEADING:
                categories[-1]["entradas"].append({"id": entry.id, "nombre": entry.nombre,
                                                   "encabezado": True})
            elif entry.tipo == ITEM:
                row = rows_by_id[entry.id]
                links = [(titles.get(url) or _external(url), url) for url in row["urls"]]
                target = links[0][1] if len(links) == 1 else None
                if len(links) > 1:
                    target = "/" + settings["TRANSPARENCIA_ITEM_URL"].format(id=entry.id)
                    self.item_pages.append({"id": entry.id, "nombre": entry.nombre,
                                            "enlaces": links, "url": target})
                categories[-1]["entradas"].append({
                    "id": entry.id, "nombre": entry.nombre, "estado": row["estado"],
                    "motivo": row["motivo"], "enlace": target, "encabezado": False})
        self.menu = {"categorias": categories, "resumen": summary_line(local),
                     "publicados": local["resumen"][PUBLISHED]}
        item_urls = {entry["id"]: entry["enlace"] or "" for category in categories
                     for entry in category["entradas"] if not entry["encabezado"]}
        dates = first_dates(site.content_dir, settings["TIMEZONE"])
        self.esquema = rows(catalogue, site, settings, item_urls, dates)
        self.context.setdefault(SITE_MAP_SECTIONS, []).append((
            "Transparencia y acceso a la información pública", settings["TRANSPARENCIA_URL"],
            [(f"{page['id']} {page['nombre']}", page["url"].lstrip("/"))
             for page in self.item_pages]
            + [("Esquema de publicación de la información", settings["TRANSPARENCIA_ESQUEMA_URL"])],
        ))

    def generate_output(self, writer):
        settings = self.settings
        relative_urls = settings["RELATIVE_URLS"]
        writer.write_file(
            settings["TRANSPARENCIA_SAVE_AS"], self.get_template("transparencia"), self.context,
            relative_urls=relative_urls, url=settings["TRANSPARENCIA_URL"], menu=self.menu)
        template = self.get_template("transparencia_item")
        for page in self.item_pages:
            writer.write_file(
                settings["TRANSPARENCIA_ITEM_SAVE_AS"].format(id=page["id"]), template,
                self.context, relative_urls=relative_urls, url=page["url"].lstrip("/"),
                item=page)
        writer.write_file(
            settings["TRANSPARENCIA_ESQUEMA_SAVE_AS"], self.get_template("esquema"),
            self.context, relative_urls=relative_urls, url=settings["TRANSPARENCIA_ESQUEMA_URL"],
            # Paginated as PAGINATED_TEMPLATES says; without an entry there, on one page.
            paginated={"filas": self.esquema}, template_name="esquema", filas=self.esquema,
            esquema_csv=ESQUEMA_CSV)
        output = Path(self.output_path)
        for name, text in ((MATRIX_FILES[0], to_json(self.document)),
                           (MATRIX_FILES[1], matrix_csv(self.document)),
                           (ESQUEMA_CSV, to_csv(self.esquema, settings.get("SITEURL", "")))):
            path = output / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def _external(url: str) -> str:
    return f"Enlace externo: {urlparse(url).netloc or url}"

