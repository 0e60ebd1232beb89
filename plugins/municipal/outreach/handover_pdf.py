"""The handover report as a PDF (`invoke empalme`, DESIGN.md §12): the same template macros
as /informe-de-empalme/, every office in one document, with print styles.

WeasyPrint loads only the font files from Debian's packages; links point at the public
site (https://<dominio>/...), so the printed report leads back to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import weasyprint

from ..content.model import Site
from ..indicators.compliance import indicators_of
from .handover_page import report_for_build
from .output_files import OutreachError
from .poster import FONT_FOLDERS, _environment

FONTS = {
    # (family, weight, style): (Debian package, file)
    ("Informe", "normal", "normal"): ("fonts-liberation2", "LiberationSans-Regular.ttf"),
    ("Informe", "bold", "normal"): ("fonts-liberation2", "LiberationSans-Bold.ttf"),
    ("Informe", "normal", "italic"): ("fonts-liberation2", "LiberationSans-Italic.ttf"),
}


class _FontsOnly(weasyprint.URLFetcher):
    """Loads the font files and nothing else: no network, no other file."""

    def __init__(self, allowed: set[str]):
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self.allowed = allowed

    def fetch(self, url, headers=None):
        if url not in self.allowed:
            raise ValueError(f"el informe no carga {url}")
        return super().fetch(url, headers)


def _fonts() -> list[dict]:
    fonts = []
    for (family, weight, style), (package, name) in FONTS.items():
        path = FONT_FOLDERS[package] / name
        if not path.is_file():
            raise OutreachError(f"falta la fuente {path}: instale el paquete de Debian "
                                f"{package} (sudo apt-get install {package})")
        fonts.append({"familia": family, "peso": weight, "estilo": style, "url": path.as_uri()})
    return fonts


def handover_pdf(site: Site, settings: Mapping, templates_dir: Path, hasta) -> tuple[bytes, int]:
    """The report as PDF bytes, and its number of pages."""
    timezone = settings["TIMEZONE"]
    indicators, _ = indicators_of(site.content_dir, site.plan, site.office_ids, timezone, hasta)
    report = report_for_build(site, {**settings, "INDICADORES_HASTA": hasta.isoformat()},
                              indicators)
    fonts = _fonts()
    html = _environment(templates_dir).get_template("informe_empalme.html").render(
        informe=report, fuentes=fonts, base=f"https://{site.entidad['dominio']}/",
        **{name: settings[name] for name in ("CUMPLIMIENTO_URL", "TRANSPARENCIA_URL")})
    document = weasyprint.HTML(string=html, url_fetcher=_FontsOnly(
        {font["url"] for font in fonts})).render()
    return document.write_pdf(), len(document.pages)
