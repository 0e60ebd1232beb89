"""The receivers `register()` connects: each hands one step of a build to the layer that does it.

This is the one module that sees every layer (content, site, indicators, transparency,
publishing): it validates before Pelican's generators run, lists them, and wires the
readers, the page cache, the page budget, the sitemap clock, the web editor and the
server files into Pelican's signals.
"""


from __future__ import annotations

import datetime
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import blinker
from pelican import signals

from .content.validation import InvalidContent, check_content
from .editor.admin import AdminGenerator
from .editor.links import editor_filters
from .indicators.compliance import build_time
from .indicators.page import CumplimientoGenerator
from .publishing.server_config import write_htaccess
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
from .site.readers import SITE_SETTING, MarkdownContentReader, YamlContentReader
from .transparency.rules import check_site


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
    # A total order (ties broken by slug) keeps two builds of the same content identical.
    pelican.settings["ARTICLE_ORDER_BY"] = newest_first
    pelican.settings["PAGE_ORDER_BY"] = by_order_then_slug
    generators = [NewsImagesGenerator, TramitesGenerator, ContratosGenerator, OficinasGenerator,
                  CumplimientoGenerator, ErrorPageGenerator, RobotsGenerator]
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
    """The Apache .htaccess, with the CSP hash of the inline CSS just written.

    Only for the public site: a local preview is not served by Apache, and the
    hash needs every page read back.
    """
    if not pelican.settings["RELATIVE_URLS"]:
        write_htaccess(Path(pelican.output_path))


def add_readers(readers):
    readers.reader_classes["md"] = MarkdownContentReader
    readers.reader_classes["yml"] = YamlContentReader


def share_site_data(generator):
    """Give every template the entity, its offices and its plan, and our filters."""
    generator.env.filters.update(FILTERS)
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
    )
