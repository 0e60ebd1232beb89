"""The catalogue of the transparency menu, read once from res1519.yml.

Nothing else in the code knows the resolution's numbering: a new resolution
is a new data file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

CATALOGUE_FILE = Path(__file__).resolve().parent / "res1519.yml"
CATEGORY, HEADING, ITEM, SUBITEM = "categoria", "encabezado", "item", "subitem"


@dataclass(frozen=True)
class Entry:
    """One category, heading, item or sub-item of the menu."""

    id: str
    nombre: str
    padre: str | None
    tipo: str
    fuente: str | None = None
    alias: tuple[str, ...] = ()

    @property
    def categoria(self) -> str:
        return self.id.split(".", 1)[0]


@dataclass(frozen=True)
class Catalogue:
    """Every entry in the resolution's order."""

    resolucion: str
    entries: tuple[Entry, ...]

    @functools.cached_property
    def by_id(self) -> dict[str, Entry]:
        return {entry.id: entry for entry in self.entries}

    @property
    def rows(self) -> tuple[Entry, ...]:
        """The entries that are rows of the matrix: items, not categories or headings."""
        return tuple(entry for entry in self.entries if entry.tipo == ITEM)

    def row_of(self, entry_id: str) -> Entry | None:
        """The row an id fills: itself, or the item above a sub-item; None if unknown."""
        entry = self.by_id.get(entry_id)
        while entry is not None and entry.tipo == SUBITEM:
            entry = self.by_id.get(entry.padre)
        return entry if entry is not None and entry.tipo == ITEM else None


@functools.cache
def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = tuple(
        Entry(str(raw["id"]), raw["nombre"], raw.get("padre"), raw["tipo"],
              raw.get("fuente"), tuple(raw.get("alias") or ()))
        for raw in data["entradas"]
    )
    return Catalogue(data["resolucion"], entries)
