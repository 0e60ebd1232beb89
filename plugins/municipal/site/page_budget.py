"""The page budget (DESIGN.md §8): every HTML page fits one round trip once compressed.

Each page is measured with gzip -9 (its CSS is inline, so it counts) as Pelican
writes it; at `finalized`, before build.py swaps the new site in, a build with
pages over `PRESUPUESTO_PAGINA_BYTES` fails naming each page, its size and the
content file that produced it. A page linked unchanged from the last build
(incremental.py) already passed under the same settings and code, and is not
measured again.
"""

from __future__ import annotations

import gzip
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..content.model import Problem
from ..content.validation import InvalidContent

BUDGET_SETTING = "PRESUPUESTO_PAGINA_BYTES"
DEFAULT_BUDGET = 13 * 1024
"""13 KB: the first TCP window (about 14.6 KB) minus the response headers."""

_ITEMS = ("article", "page", "tramite", "contrato")
"""Template variables that hold the one content item a page shows."""

logger = logging.getLogger(__name__)
_builds: dict[str, _Count] = {}  # output folder → what its build found


@dataclass(frozen=True)
class OverBudget:
    """One page over the budget, and the content file it shows (None for lists)."""

    page: str  # its address, e.g. /tramites/certificado-de-residencia/
    size: int  # bytes once compressed with gzip -9
    budget: int
    source: str | None  # e.g. content/tramites/hacienda/x.yml

    def message(self) -> str:
        weight = (f"la página {self.page} pesa {kilobytes(self.size)} KB comprimida y el "
                  f"máximo es {kilobytes(self.budget)} KB")
        if self.source:
            return f"{weight}; acorte el texto o divídalo"
        return (f"{weight}; muestre menos elementos por página (PAGINATED_TEMPLATES en "
                "pelicanconf.py) o acorte los textos que lista")

    def __str__(self) -> str:
        return f"{self.source}:1: {self.message()}" if self.source else self.message()


class PagesOverBudget(InvalidContent):
    """The build made pages too heavy for a citizen's phone; nothing is published.

    An InvalidContent, so build.py removes the new site and keeps the old one, and
    the commands show it as they show content errors.
    """

    def __init__(self, pages: list[OverBudget]):
        self.pages = sorted(pages, key=lambda page: (page.source or "~", page.page))
        super().__init__([Problem(page.source or page.page, 1, "", page.message())
                          for page in self.pages])

    def __str__(self) -> str:
        count = len(self.pages)
        summary = ("1 página supera" if count == 1 else f"{count} páginas superan") + (
            f" el presupuesto de {kilobytes(self.pages[0].budget)} KB comprimidos")
        return "\n".join([*map(str, self.pages), summary])


def kilobytes(size: int) -> str:
    """13312 → "13", 13313 → "13,1": KB of 1,024 bytes, rounded up to a tenth (a page one
    byte over budget must not read as the budget itself), with a decimal comma."""
    tenths = -(-size * 10 // 1024)
    whole, tenth = divmod(tenths, 10)
    return f"{whole}" if tenth == 0 else f"{whole},{tenth}"


def compressed_size(data: bytes) -> int:
    return len(gzip.compress(data, 9, mtime=0))


def budget(settings) -> int:
    """PRESUPUESTO_PAGINA_BYTES, a positive whole number of bytes; else the default."""
    value = settings.get(BUDGET_SETTING, DEFAULT_BUDGET)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    logger.warning("%s debe ser un número entero de bytes mayor que 0 (se encontró %r); "
                   "se usa %d", BUDGET_SETTING, value, DEFAULT_BUDGET)
    return DEFAULT_BUDGET


# --- Pelican signals (connected in __init__.py) ------------------------------------------


def start_counting(pelican) -> None:
    """initialized: read the budget, and forget what an earlier build into the same folder found."""
    _builds[_folder(pelican.output_path)] = _Count(budget(pelican.settings))


def measure_page(path, context) -> None:
    """content_written: note an HTML page over budget."""
    if not str(path).endswith(".html") or os.stat(path).st_nlink > 1:
        return  # hard-linked from the last build, which passed with this budget
    count = _builds.setdefault(_folder(context["OUTPUT_PATH"]), _Count(budget(context)))
    data = Path(path).read_bytes()
    # gzip adds at most a few bytes per 16 KB to data it cannot compress.
    if len(data) + 64 <= count.budget:
        return
    size = compressed_size(data)
    if size > count.budget:
        page = _address(os.path.relpath(path, context["OUTPUT_PATH"]))
        count.over.append(OverBudget(page, size, count.budget, _source(context)))


def refuse_pages_over_budget(pelican) -> None:
    """finalized: fail the build if any page it wrote is over budget."""
    count = _builds.pop(_folder(pelican.output_path), None)
    if count and count.over:
        raise PagesOverBudget(count.over)


@dataclass
class _Count:
    budget: int
    over: list[OverBudget] = field(default_factory=list)


def _folder(path) -> str:
    return os.path.abspath(path)


def _address(relpath: str) -> str:
    """tramites/x/index.html → /tramites/x/; 404.html → /404.html."""
    relpath = relpath.replace(os.sep, "/")
    if relpath == "index.html" or relpath.endswith("/index.html"):
        relpath = relpath.removesuffix("index.html")
    return "/" + relpath


def _source(context) -> str | None:
    """content/<tipo>/<oficina>/<archivo> of the one item the page shows, if it shows one."""
    content_dir = Path(context["PATH"])
    for name in _ITEMS:
        source = getattr(context.get(name), "source_path", None)
        if source:
            try:
                return f"{content_dir.name}/{Path(source).relative_to(content_dir).as_posix()}"
            except ValueError:
                return str(source)
    return None
