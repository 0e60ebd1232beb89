"""The handover report on the site: /informe-de-empalme/ and one page per office (DESIGN.md §12).

A Pelican generator like transparency/page.py. The summary page stays within the
page budget however many offices there are: each office's part is a page of its own.
"""

from __future__ import annotations

import os

from pelican.generators import Generator

from ..indicators.compliance import cutoff
from ..indicators.history import read_history
from ..indicators.page import HISTORY
from ..site.readers import SITE_SETTING
from ..site.site_map import SITE_MAP_SECTIONS
from ..transparency.catalogue import load_catalogue
from ..transparency.matrix import matrix
from .handover import handover_report

TITLE = "Informe de empalme"


def report_for_build(site, settings, indicators: dict, history=None, items=()):
    """The report of this build: the indicators' cut-off and document, the root-relative matrix;
    the git history is read unless given. `items`: Pelican's contents read in this build,
    whose metadata holds each file's data (not parsed again)."""
    timezone = settings["TIMEZONE"]
    known = {os.path.relpath(item.source_path, site.content_dir): item.metadata
             for item in items}
    return handover_report(
        site, settings, hasta=cutoff(settings.get("INDICADORES_HASTA"), timezone),
        history=history or read_history(site.content_dir, timezone), indicators=indicators,
        transparency=matrix(load_catalogue(), site, settings), known=known)


class InformeEmpalmeGenerator(Generator):
    """/informe-de-empalme/ and /informe-de-empalme/<oficina>/, when entidad.yml has a term."""

    def generate_context(self):
        site = self.settings[SITE_SETTING]
        self.report = None
        if "administracion" not in site.entidad:
            return
        self.report = report_for_build(
            site, self.settings, self.context["cumplimiento"].document,
            self.context.get(HISTORY),
            items=[*self.context.get("contratos", []), *self.context.get("tramites", [])])
        self.context.setdefault(SITE_MAP_SECTIONS, []).append((
            TITLE, self.settings["INFORME_EMPALME_URL"],
            [(f"{TITLE}: {office.nombre}",
              self.settings["INFORME_EMPALME_OFICINA_URL"].format(slug=office.id))
             for office in self.report.oficinas]))

    def generate_output(self, writer):
        if self.report is None:
            return
        settings = self.settings
        writer.write_file(
            settings["INFORME_EMPALME_SAVE_AS"], self.get_template("empalme"), self.context,
            relative_urls=settings["RELATIVE_URLS"], url=settings["INFORME_EMPALME_URL"],
            informe=self.report)
        template = self.get_template("empalme_oficina")
        for office in self.report.oficinas:
            writer.write_file(
                settings["INFORME_EMPALME_OFICINA_SAVE_AS"].format(slug=office.id), template,
                self.context, relative_urls=settings["RELATIVE_URLS"],
                url=settings["INFORME_EMPALME_OFICINA_URL"].format(slug=office.id),
                informe=self.report, dependencia=office)
