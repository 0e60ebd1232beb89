"""The compliance page: /cumplimiento/, with its JSON and CSV (DESIGN.md §5).

A Pelican generator, like those of site/generators.py, one layer up: it reads the
indicators and shares them with every template as `cumplimiento`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.generators import Generator

from ..site.readers import SITE_SETTING
from .compliance import Compliance, cutoff, indicators_of
from .computation import to_csv, to_json
from .history import read_history
from .visits_view import visits_view, with_visits

logger = logging.getLogger(__name__)
HISTORY = "historial_git"
"""Context key of the build's git history (history.History), read once by this generator."""


class CumplimientoGenerator(Generator):
    """The compliance indicators: /cumplimiento/, /cumplimiento.json and /cumplimiento.csv.

    The figures are computed once per build from the git history (DESIGN.md §5)
    and shared as `cumplimiento` with every template (office and home pages); the
    visit figures of content/visitas/ (§5.1) go with them.
    """

    def generate_context(self):
        site = self.settings[SITE_SETTING]
        timezone = self.settings["TIMEZONE"]
        hasta = cutoff(self.settings.get("INDICADORES_HASTA"), timezone)
        # Read once per build and shared: /datos/ dates its datasets with the same history.
        history = self.context[HISTORY] = read_history(site.content_dir, timezone)
        document, reason = indicators_of(site.content_dir, site.plan, site.office_ids,
                                         timezone, hasta, history=history)
        if reason:
            logger.warning("Indicadores no disponibles: %s", reason)
        office_names = {office["id"]: office["nombre"] for office in site.oficinas}
        self.context["cumplimiento"] = Compliance(document, reason, site.plan, office_names,
                                                  visits=visits_view(site.visitas))
        self.visits = site.visitas

    def generate_output(self, writer):
        compliance = self.context["cumplimiento"]
        writer.write_file(
            self.settings["CUMPLIMIENTO_SAVE_AS"], self.get_template("cumplimiento"),
            self.context, relative_urls=self.settings["RELATIVE_URLS"],
            url=self.settings["CUMPLIMIENTO_URL"],
        )
        published = with_visits(compliance.document, self.visits)
        for name, text in (("cumplimiento.json", to_json(published)),
                           ("cumplimiento.csv", to_csv(compliance.document))):
            path = Path(self.output_path) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
