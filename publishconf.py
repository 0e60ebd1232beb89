"""Pelican settings for the public site: absolute URLs on the entity's domain."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "plugins"))

from chitaga.site import site_url
from pelicanconf import *  # noqa: F403

SITEURL = site_url(Path(__file__).parent / PATH)  # noqa: F405  # https://<dominio>
RELATIVE_URLS = False
