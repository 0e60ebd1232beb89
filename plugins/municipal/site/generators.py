"""Pelican generators for trámites, contratos, office pages, news photos and the 404 page.

They follow Pelican's own ArticlesGenerator: `generate_context` reads files
through the readers (and their cache) into the shared context, and
`generate_output` renders one page per item plus an index page.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from operator import attrgetter
from pathlib import Path

from pelican.generators import CachingGenerator, Generator

from ..content.validation_cache import cache_root
from .contents import Contrato, OfficeContent, Oficina, Tramite
from .images import BadImage, web_image
from .readers import SITE_SETTING

logger = logging.getLogger(__name__)


class YamlKindGenerator(CachingGenerator):
    """Reads content/<kind>/<oficina>/*.yml into items of `content_class`."""

    kind = ""
    content_class: type = Tramite
    item_name = ""  # template variable for one item, e.g. "tramite"

    def generate_context(self):
        items = []
        for path in sorted(self.get_files([self.kind], extensions=["yml"])):
            item = self.get_cached_data(path, None)
            if item is None:
                item = self.readers.read_file(
                    base_path=self.path,
                    path=path,
                    content_class=self.content_class,
                    context=self.context,
                )
                self.cache_data(path, item)
            self.add_source_path(item)
            items.append(item)
        items.sort(key=attrgetter("sort_key"))
        self.items = items
        self.context[self.kind] = items
        self.save_cache()
        self.readers.save_cache()

    def generate_output(self, writer):
        relative_urls = self.settings["RELATIVE_URLS"]
        template = self.get_template(self.content_class.default_template)
        for item in self.items:
            writer.write_file(
                item.save_as, template, self.context,
                relative_urls=relative_urls, url=item.url,
                **{self.item_name: item},
            )
        # The index is paginated (PAGINATED_TEMPLATES) so each page stays in the
        # 13 KB budget however many items an office publishes.
        index = self.kind.upper()
        writer.write_file(
            self.settings[f"{index}_SAVE_AS"], self.get_template(self.kind),
            self.context, relative_urls=relative_urls,
            paginated={self.kind: self.items}, template_name=self.kind,
            url=self.settings[f"{index}_URL"], **self.index_variables(),
        )

    def index_variables(self) -> dict:
        return {}

    def by_office(self) -> list[tuple[Oficina, list]]:
        """Items grouped by office, in the order of oficinas.yml."""
        groups = defaultdict(list)
        for item in self.items:
            groups[item.oficina].append(item)
        return [
            (office, groups[office.id])
            for office in self.context["oficinas"] if groups[office.id]
        ]


class TramitesGenerator(YamlKindGenerator):
    kind = "tramites"
    content_class = Tramite
    item_name = "tramite"

    def index_variables(self) -> dict:
        return {"tramites_por_oficina": self.by_office()}


class ContratosGenerator(YamlKindGenerator):
    kind = "contratos"
    content_class = Contrato
    item_name = "contrato"

    def index_variables(self) -> dict:
        return {"convocatorias": [item for item in self.items if item.estado == "convocado"]}


class OficinasGenerator(Generator):
    """One page per office with its contact data and everything it publishes."""

    def generate_context(self):
        self.published = {office.id: OfficeContent() for office in self.context["oficinas"]}
        for name in ("articles", "pages", "tramites", "contratos", "eventos"):
            for item in self.context.get(name, []):
                content = self.published.get(getattr(item, "oficina", None))
                if content is not None:
                    getattr(content, _OFFICE_LISTS[name]).append(item)

    def generate_output(self, writer):
        relative_urls = self.settings["RELATIVE_URLS"]
        template = self.get_template("oficina")
        for office in self.context["oficinas"]:
            writer.write_file(
                office.save_as, template, self.context,
                relative_urls=relative_urls, url=office.url, oficina=office,
                publicado=self.published[office.id],
            )
        writer.write_file(
            self.settings["OFICINAS_SAVE_AS"], self.get_template("oficinas"),
            self.context, relative_urls=relative_urls,
            url=self.settings["OFICINAS_URL"],
        )


class NewsImagesGenerator(Generator):
    """The web versions of news photos (images.py), shared with templates as `article.foto`."""

    def generate_context(self):
        site = self.settings[SITE_SETTING]
        cache_dir = cache_root(site.content_dir) / "imagenes"
        self.files: dict[str, bytes] = {}
        for article in self.context.get("articles", []):
            imagen = getattr(article, "imagen", None)
            if not imagen:
                continue
            try:
                encoded = web_image(site.content_dir, imagen["archivo"], cache_dir)
            except BadImage as error:
                source = Path(article.source_path).relative_to(site.content_dir)
                raise BadImage(f"content/{source.as_posix()}: {error}") from error
            article.foto = encoded.image
            self.files.update(encoded.files)

    def generate_output(self, writer):
        for name, data in sorted(self.files.items()):
            path = Path(self.output_path) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


class ErrorPageGenerator(Generator):
    """The "page not found" page (404.html) the web server sends for a missing address.

    It is served at whatever address was asked for, so relative links would
    break: it is written with links from the site root.
    """

    def generate_output(self, writer):
        writer.write_file(
            self.settings.get("ERROR_404_SAVE_AS", "404.html"), self.get_template("404"),
            self.context,
            relative_urls=False,
        )


class RobotsGenerator(Generator):
    """robots.txt: everything may be indexed; it points to the sitemap when there is one."""

    def generate_output(self, writer):
        lines = ["User-agent: *", "Disallow:"]
        siteurl = self.settings.get("SITEURL", "")
        if siteurl.startswith("https://") and SITEMAP_PLUGIN in self.settings["PLUGINS"]:
            lines.append(f"Sitemap: {siteurl}/sitemap.xml")
        path = Path(self.output_path) / "robots.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


SITEMAP_PLUGIN = "pelican.plugins.sitemap"

_OFFICE_LISTS = {
    "articles": "noticias",
    "pages": "paginas",
    "tramites": "tramites",
    "contratos": "contratos",
    "eventos": "eventos",
}


