"""Pelican settings for the public site: absolute URLs, feeds, sitemap, precompressed files.

The domain comes from content/entidad.yml (`dominio`), so a municipality that
replaces content/ publishes on its own domain without touching this file.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "plugins"))

from municipal.content.model import site_url
from pelicanconf import *  # noqa: F403

SITEURL = site_url(Path(__file__).parent / PATH)  # noqa: F405  # https://<dominio>
RELATIVE_URLS = False

# pelican-sitemap writes sitemap.xml; pelican-precompress writes .gz and .br beside every
# text file (after everything else, so the sitemap and our JSON/CSV are compressed too).
PLUGINS = [*PLUGINS, "pelican.plugins.sitemap", "pelican.plugins.precompress"]  # noqa: F405
SITEMAP = {
    "format": "xml",
    "exclude": [r"^404\.html$"],
    "changefreqs": {"articles": "monthly", "pages": "monthly", "indexes": "daily"},
}
PRECOMPRESS_OVERWRITE = True  # a stale .gz beside a changed page would be served instead
PRECOMPRESS_ZSTANDARD = False
PRECOMPRESS_TEXT_EXTENSIONS = {".html", ".css", ".js", ".xml", ".json", ".csv", ".txt", ".svg",
                               ".ics"}

# Atom feeds: all news, and the news of each office (its category).
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/noticias.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
RSS_FEED_SUMMARY_ONLY = True
