"""The receivers `register()` connects: each hands one step of a build to the layer that does it.

This is the one module that sees every layer (content, site, indicators, transparency,
opendata, outreach, editor, publishing): it validates before Pelican's generators run, lists
them, and wires the readers, the page cache, the page budget, the sitemap clock, the web editor
and the server files into Pelican's signals.
"""


from __future__ import annotations

import datetime
import logging
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import blinker
from pelican import signals

from .content.validation import InvalidContent, check_content
from .editor.admin import AdminGenerator
from .editor.config import check_backend
from .editor.links import editor_filters
from .indicators.compliance import build_time, cutoff
from .indicators.page import CumplimientoGenerator
from .opendata.jsonld import FILTERS as JSONLD_FILTERS
from .opendata.page import DatosGenerator
from .outreach.handover_page import InformeEmpalmeGenerator
from .publishing.server_config import write_htaccess
from .site.agenda import AGENDA_TODAY, EventosGenerator
from .site.contents import Oficina, by_order_then_slug, newest_first
from .site.formatting import FILTERS
from .site.generators import (
    SITEMAP_PLUGIN,
    ContratosGenerator,
    ErrorPageGenerator,
    NewsImagesGenerator,
    OficinasGenerator,
    RobotsGenerator,
    TramitesGenerator,
)
from .site.incremental import PREVIOUS_OUTPUT
from .site.readers import (
    RENDERED_BODIES,
    SITE_SETTING,
    MarkdownContentReader,
    YamlContentReader,
    prepare_changed_files,
)
from .site.search import INDEX_LATER, INDEX_PENDING, SearchPageGenerator, build_index
from .site.site_map import SiteMapGenerator
from .transparency.page import TransparenciaGenerator
from .transparency.rules import check_site

logger = logging.getLogger(__name__)
PRECOMPRESS_PLUGIN = "pelican.plugins.precompress"


def validate_and_list_generators(pelican):
    """Validate the content before any generator runs; refuse invalid content.

    Runs at the start of every `Pelican.run()`, so an autoreloading server
    re-validates on each change and never writes a site from bad content.
    """
    timezone = ZoneInfo(pelican.settings.get("TIMEZONE") or "America/Bogota")
    site = check_site(check_content(Path(pelican.settings["PATH"]),
                                    today=datetime.datetime.now(timezone).date()))
    if site.problems:
        raise InvalidContent(site.problems)
    pelican.settings[SITE_SETTING] = site
    # The files validated anew are parsed and their Markdown rendered on every core.
    pelican.settings[RENDERED_BODIES] = prepare_changed_files(site, pelican.settings)
    # A total order (ties broken by slug) keeps two builds of the same content identical.
    pelican.settings["ARTICLE_ORDER_BY"] = newest_first
    pelican.settings["PAGE_ORDER_BY"] = by_order_then_slug
    # The agenda splits upcoming from held events on the indicators' cut-off day.
    pelican.settings[AGENDA_TODAY] = cutoff(pelican.settings.get("INDICADORES_HASTA"),
                                            str(timezone))
    # DatosGenerator after those that write data files (its catalogue lists what exists) and
    # before SiteMapGenerator (the site map lists its pages).
    generators = [NewsImagesGenerator, TramitesGenerator, ContratosGenerator, EventosGenerator,
                  OficinasGenerator, CumplimientoGenerator, TransparenciaGenerator,
                  InformeEmpalmeGenerator, SearchPageGenerator, ErrorPageGenerator,
                  RobotsGenerator, DatosGenerator, SiteMapGenerator]
    if pelican.settings.get("EDITOR_WEB"):
        generators.append(AdminGenerator)  # /admin/, only when the web editor is enabled
    return generators


def pin_sitemap_clock(pelican):
    """Date undated pages of sitemap.xml with the build time of SOURCE_DATE_EPOCH.

    pelican-sitemap dates pages that have no date (lists, trámites, contracts)
    with the moment it was imported, so two builds would differ.
    """
    sitemap = sys.modules.get("pelican.plugins.sitemap.sitemap")
    if sitemap is None:
        return
    if SITEMAP_PLUGIN not in pelican.settings["PLUGINS"]:
        _disconnect_plugins_of_earlier_builds(sitemap)
        return
    timezone = pelican.settings.get("TIMEZONE") or "America/Bogota"
    sitemap.generator.now = build_time(timezone).replace(microsecond=0)
    # It also remembers the Pelican of a build that failed before writing the
    # sitemap, and then never writes one again in this process: start afresh.
    sitemap.generator._main_pelican = None
    sitemap.generator.page_queue = []


def _disconnect_plugins_of_earlier_builds(sitemap) -> None:
    """A production build connected sitemap and precompress for the whole process;
    a later preview build in the same process (tests, `invoke servir`) must not run them."""
    generator = sitemap.generator
    signals.get_generators.disconnect(generator.init)
    signals.content_written.disconnect(generator.queue_page)
    signals.finalized.disconnect(generator.finalize)
    precompress = sys.modules.get("pelican.plugins.precompress")
    if precompress is not None:
        blinker.signal("compress").disconnect(precompress.compress_files)


def write_server_files(pelican):
    """The Apache .htaccess, with the CSP hash of the inline CSS just written, and the
    editor's own policy for /admin/ when the site has it (AdminGenerator has already
    refused a bad EDITOR_WEB).

    Only for the public site: a local preview is not served by Apache, and the
    hash needs every page read back.
    """
    if not pelican.settings["RELATIVE_URLS"]:
        editor = pelican.settings.get("EDITOR_WEB")
        write_htaccess(Path(pelican.output_path), check_backend(editor) if editor else None)


def build_search_index(pelican):
    """The search index of the pages just written, in the build's own output folder.

    Runs at `finalized`, before pelican-precompress (granular signals): pagefind.js and
    its JSON get .gz/.br like every text file; its own gzipped files get a .br copy.
    """
    previous = pelican.settings.get(PREVIOUS_OUTPUT)
    summary = build_index(Path(pelican.output_path),
                          brotli_copies=PRECOMPRESS_PLUGIN in pelican.settings["PLUGINS"],
                          previous=Path(previous) if previous else None,
                          later=bool(pelican.settings.get(INDEX_LATER)))
    if summary.pending:
        pelican.settings[INDEX_PENDING] = True  # build.py writes it once the pages are served
        logger.info("Índice de búsqueda: el anterior, mientras se escribe el nuevo")
        return
    logger.info("Índice de búsqueda: %d páginas, %d archivos", summary.pages, summary.files)


def add_readers(readers):
    readers.reader_classes["md"] = MarkdownContentReader
    readers.reader_classes["yml"] = YamlContentReader


def share_site_data(generator):
    """Give every template the entity, its offices and its plan, and our filters."""
    generator.env.filters.update(FILTERS)
    generator.env.filters.update(JSONLD_FILTERS)
    generator.env.filters.update(editor_filters())
    context = generator.context
    if "ENTIDAD" in context:
        return
    site = generator.settings[SITE_SETTING]
    offices = [Oficina(data, generator.settings) for data in site.oficinas]
    context.update(
        ENTIDAD=site.entidad,
        PLAN=site.plan,
        SITENAME=site.entidad["nombre"],
        oficinas=offices,
        oficinas_por_id={office.id: office for office in offices},
        # Links inside data (JSON-LD) are absolute in production and from the site root in
        # a preview, never relative to the page like SITEURL there.
        URL_BASE="" if generator.settings["RELATIVE_URLS"] else generator.settings["SITEURL"],
        DATOS_URL=generator.settings.get("DATOS_URL", "datos/"),
    )
