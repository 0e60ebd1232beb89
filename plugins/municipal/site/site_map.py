"""The site map /mapa-del-sitio/ (Res. 1519 de 2020, Anexo 1): every section and page.

Page 1 lists the sections and their fixed pages (offices, what upper layers
add); every page lists its share of the items (institutional pages, trámites,
contracts, news), paginated like the other lists so that the map stays
within the page budget however much an Alcaldía publishes.

A section is one line of `SECTIONS`; a later layer adds its own pages in its
`generate_context` by appending (title, URL, [(title, URL), ...]) to the context's
`SITE_MAP_SECTIONS` list (transparency/page.py does).
"""

from __future__ import annotations

from dataclasses import dataclass

from pelican.generators import Generator

SITE_MAP_SECTIONS = "MAPA_DEL_SITIO_SECCIONES"

# (title, URL setting, the context's list of its items, paginated; "" for none)
SECTIONS = (
    ("Trámites y servicios", "TRAMITES_URL", "tramites"),
    ("Contratación", "CONTRATOS_URL", "contratos"),
    ("Noticias", "NOTICIAS_URL", "articles"),
    ("Dependencias", "OFICINAS_URL", ""),
    ("Cumplimiento del plan de acción", "CUMPLIMIENTO_URL", ""),
)


@dataclass(frozen=True)
class Entry:
    """One line of the map: its section, what it is called and its root-relative URL."""

    seccion: str
    titulo: str
    url: str


class SiteMapGenerator(Generator):
    """Writes /mapa-del-sitio/ after every other generator has read its content."""

    def generate_output(self, writer):
        settings, context = self.settings, self.context
        sections = [Entry("Inicio", "Inicio", "")]
        fixed = [Entry("Dependencias", office.nombre, office.url)
                 for office in context.get("oficinas", [])]
        items = [Entry("Información institucional", page.title, page.url)
                 for page in context.get("pages", [])]
        for title, url_setting, listed in SECTIONS:
            sections.append(Entry(title, title, settings[url_setting]))
            if listed:
                items += [Entry(title, item.title, item.url) for item in context.get(listed, [])]
        for title, url, pages in context.get(SITE_MAP_SECTIONS, []):
            sections.append(Entry(title, title, url))
            fixed += [Entry(title, page_title, page_url) for page_title, page_url in pages]
        writer.write_file(
            settings["MAPA_DEL_SITIO_SAVE_AS"], self.get_template("mapa_del_sitio"), context,
            relative_urls=settings["RELATIVE_URLS"], url=settings["MAPA_DEL_SITIO_URL"],
            # Paginated as PAGINATED_TEMPLATES says; without an entry there, on one page.
            paginated={"entradas": items}, template_name="mapa_del_sitio", entradas=items,
            secciones=sections, fijas=fixed,
        )
