"""An event as an iCalendar (.ics) file: "Agregar a mi calendario" (DESIGN.md §12).

Pure functions, no clock and no files: the same event always gives the same
bytes (UID from the slug and the domain, DTSTAMP from the event's date), so two
builds are byte-identical. Times are in America/Bogota with its VTIMEZONE; an
event without `hora` is an all-day event. Used by the event pages, and by
invitations and the open-data feed one layer up.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from .labels import LABELS

TIMEZONE = "America/Bogota"


def event_ics(event: Mapping[str, Any], *, slug: str, office: Mapping[str, Any],
              entity: Mapping[str, Any], url: str) -> bytes:
    """One event's .ics file.

    `event` is the event's front matter (titulo, fecha, hora, tipo, lugar,
    resumen), `slug` its file name without the extension, `office` its office
    from oficinas.yml, `entity` entidad.yml, `url` the absolute address of its page.
    """
    component = event_component(event, slug=slug, office=office, entity=entity, url=url)
    return calendar_ics([component], entity=entity)


def calendar_ics(components: Iterable[icalendar.Event], *, entity: Mapping[str, Any],
                 name: str | None = None) -> bytes:
    """A VCALENDAR holding `components` (one event, or a whole agenda)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{entity['dominio']}//Agenda de eventos//ES")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for component in components:
        calendar.add_component(component)
    add_missing_timezones(calendar)  # VTIMEZONE America/Bogota, 1970–2038, from tzdata
    return calendar.to_ical()


def add_missing_timezones(calendar: icalendar.Calendar) -> None:
    """What `calendar.add_missing_timezones()` does, with each VTIMEZONE computed once per
    process: icalendar walks the zone's transitions from 1970 to 2038 every time (about 10 ms,
    the most of one event's .ics)."""
    position = len(calendar.timezones)
    for tzid in sorted(calendar.get_missing_tzids()):
        timezone = _timezone(tzid)
        if timezone is not None:
            calendar.subcomponents.insert(position, timezone)
            position += 1


@functools.cache
def _timezone(tzid: str) -> icalendar.Timezone | None:
    """The VTIMEZONE of tzid (shared by every calendar: serialising it changes nothing)."""
    try:
        return icalendar.Timezone.from_tzid(tzid)
    except ValueError:
        return None


def event_component(event: Mapping[str, Any], *, slug: str, office: Mapping[str, Any],
                    entity: Mapping[str, Any], url: str) -> icalendar.Event:
    """The VEVENT of one event (see `event_ics` for the arguments)."""
    zone = ZoneInfo(TIMEZONE)
    day = datetime.date.fromisoformat(str(event["fecha"]))
    component = icalendar.Event()
    component.add("uid", f"evento-{slug}@{entity['dominio']}")
    # DTSTAMP is required; from the event (midnight of its day in Bogotá), not the clock.
    midnight = datetime.datetime.combine(day, datetime.time(), zone)
    component.add("dtstamp", midnight.astimezone(datetime.UTC))
    hora = event.get("hora")
    if hora:
        hour, minute = (int(part) for part in str(hora).split(":"))
        component.add("dtstart", datetime.datetime.combine(day, datetime.time(hour, minute),
                                                           zone))
    else:  # all day: DTSTART;VALUE=DATE and DTEND the next day (RFC 5545 §3.6.1)
        component.add("dtstart", day)
        component.add("dtend", day + datetime.timedelta(days=1))
    component.add("summary", str(event["titulo"]))
    component.add("location", location(event, entity))
    component.add("description", f"{' '.join(str(event['resumen']).split())}\n\n"
                                 f"Más información: {url}")
    component.add("url", url)
    component.add("categories", [LABELS["tipo_evento"].get(event["tipo"], event["tipo"])])
    component.add("organizer", f"mailto:{office['correo']}",
                  parameters={"CN": str(office["nombre"])})
    component.add("status", "CONFIRMED")
    component.add("transp", "TRANSPARENT" if not hora else "OPAQUE")
    return component


def location(event: Mapping[str, Any], entity: Mapping[str, Any]) -> str:
    """`Escuela de la vereda El Roble, Chitagá, Norte de Santander`: the place, findable
    on a map (the municipality is added unless the place already names it)."""
    lugar = " ".join(str(event["lugar"]).split())
    municipio, departamento = entity.get("municipio"), entity.get("departamento")
    if municipio and municipio.casefold() not in lugar.casefold():
        lugar += f", {municipio}"
        if departamento:
            lugar += f", {departamento}"
    return lugar
