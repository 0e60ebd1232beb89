"""The transparency rules that need the catalogue: they run above content/.

`problems(site)` is called where the build validates (pipeline.py) and by
`invoke validar`, beside the validator's own problems.
"""

from __future__ import annotations

import re

from ..content.messages import suggestion
from ..content.model import Problem, Site
from .catalogue import Catalogue, load_catalogue
from .fillings import TRANSPARENCY_FILE, declarations, page_claims, present_sources

ID_PATTERN = re.compile(r"[0-9]+(\.[0-9]+)*")


def problems(site: Site, catalogue: Catalogue | None = None) -> list[Problem]:
    """Unknown ids, duplicate ids, and no_aplica items that something else fills; sorted."""
    catalogue = catalogue or load_catalogue()
    found: list[Problem] = []
    known = [entry.id for entry in catalogue.entries if catalogue.row_of(entry.id)]
    filled_by: dict[str, str] = {}  # row id → what fills it, for the no_aplica rule
    for key, source in present_sources(site).items():
        for row in catalogue.rows:
            if row.fuente == key:
                filled_by.setdefault(row.id, f"el sitio ({source.nombre})")
    for claim in page_claims(site):
        row = catalogue.row_of(claim.seccion)
        if row is None:
            if _is_a_number(claim.seccion):
                found.append(Problem(site.display_path(claim.relpath), claim.line, "seccion",
                                     _unknown(claim.seccion, known)))
        else:
            filled_by.setdefault(row.id, f"la página {site.display_path(claim.relpath)}")
    seen: dict[str, int] = {}
    path = site.display_path(TRANSPARENCY_FILE)
    for item in declarations(site):
        row = catalogue.row_of(item.id)
        field = f"items[{item.index + 1}]"
        if row is None:
            if _is_a_number(item.id):
                found.append(Problem(path, item.line, f"{field}.id", _unknown(item.id, known)))
            continue
        if row.id in seen:
            found.append(Problem(path, item.line, f"{field}.id", (
                f'la sección "{row.id}" ya está en la línea {seen[row.id]}: '
                "deje una sola entrada por sección"
            )))
            continue
        seen[row.id] = item.line
        if item.no_aplica is not None and row.id in filled_by:
            found.append(Problem(path, item.no_aplica_line, f"{field}.no_aplica", (
                f'la sección "{row.id}" no puede ser no_aplica: ya la publica '
                f"{filled_by[row.id]}; quite no_aplica o deje de publicarla"
            )))
    return sorted(found)


def _is_a_number(value: str) -> bool:
    """Only well-formed numbers: the schema already reports the others."""
    return ID_PATTERN.fullmatch(value) is not None


def _unknown(value: str, known: list[str]) -> str:
    return (f'"{value}" no es una sección del menú de transparencia (Res. 1519 de 2020): '
            "use el número de la sección, por ejemplo 1.1." + suggestion(value, known))


def check_site(site: Site) -> Site:
    """Add this module's problems to the validator's, sorted as one list."""
    site.problems = sorted(set(site.problems) | set(problems(site)))
    return site
