"""The one validator: used by the build, `invoke validar`, pre-commit and CI.

`check_content` loads a content folder and returns it with every problem
found, sorted; `report` formats them compiler-style for people and CI.
"""

from __future__ import annotations

from pathlib import Path

from .site import Problem, Site, load_site


class InvalidContent(Exception):
    """Raised to stop a build whose content has problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__(report(problems))
        self.problems = problems


def check_content(content_dir: Path) -> Site:
    """Load content_dir and check it; `site.problems` lists every mistake."""
    site = load_site(content_dir)
    _check_office_folders(site)
    site.problems = sorted(set(site.problems))
    return site


def report(problems: list[Problem]) -> str:
    """One line per problem, then a summary line, in Spanish."""
    lines = [str(problem) for problem in problems]
    lines.append(summary(problems))
    return "\n".join(lines)


def summary(problems: list[Problem]) -> str:
    if not problems:
        return "Sin errores: el contenido es válido."
    files = len({problem.path for problem in problems})
    errors = "error" if len(problems) == 1 else "errores"
    archivos = "archivo" if files == 1 else "archivos"
    return f"{len(problems)} {errors} en {files} {archivos}"


def _check_office_folders(site: Site) -> None:
    known = [office for office in site.office_ids if office]
    if not known:
        return  # oficinas.yml itself is reported
    for relpath, document in site.documents.items():
        office = document.file.office
        if office not in known:
            site.add_problem(relpath, 1, "", (
                f'la carpeta "{office}" no es una oficina de oficinas.yml; '
                f"use una de: {', '.join(known)}"
            ))
