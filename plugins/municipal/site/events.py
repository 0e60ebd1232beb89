"""The events of a validated content folder (DESIGN.md §3, eventos), and the agenda's order.

An `Event` is one file of content/eventos/<oficina>/ with its front matter read
as it was validated. `upcoming` and `held` split them by a given day (the build's
cut-off, so that two builds of the same content agree); nothing here reads a clock.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from ..content.model import Site

KIND = "eventos"


@dataclass(frozen=True)
class Event:
    """One event: its slug and office come from its path, the rest from its front matter."""

    slug: str
    oficina: str
    relpath: str  # e.g. "eventos/despacho/2027-01-23-socializacion-en-llano-grande.md"
    data: dict[str, Any]
    body: str

    @property
    def fecha(self) -> datetime.date:
        return datetime.date.fromisoformat(self.data["fecha"])

    @property
    def hora(self) -> str | None:
        """`HH:MM` (24 h), or None for an event that lasts the whole day."""
        return self.data.get("hora")

    @property
    def asistentes(self) -> int | None:
        return self.data.get("asistentes")

    @property
    def borrador(self) -> bool:
        return self.data.get("borrador") is True

    @property
    def agenda_key(self) -> tuple:
        """Soonest first; on the same day, by hour (all-day events first), then by slug."""
        return (self.fecha, self.hora or "", self.slug)


def events_of(site: Site, *, drafts: bool = False) -> list[Event]:
    """Every event of a validated site in agenda order; drafts only when asked for."""
    events = []
    for relpath in sorted(site.files):
        file = site.files[relpath]
        if file.kind != KIND:
            continue
        document = site.document_for(relpath)
        event = Event(file.slug, file.office, relpath, dict(document.data), document.body or "")
        if drafts or not event.borrador:
            events.append(event)
    return sorted(events, key=lambda event: event.agenda_key)


def upcoming(events: list[Event], today: datetime.date) -> list[Event]:
    """Events of today or later, soonest first (today's event is still to come)."""
    return sorted((event for event in events if event.fecha >= today),
                  key=lambda event: event.agenda_key)


def held(events: list[Event], today: datetime.date) -> list[Event]:
    """Events before today, newest first."""
    return sorted((event for event in events if event.fecha < today),
                  key=lambda event: event.agenda_key, reverse=True)
