"""How posters and invitations say when an event is, in Spanish."""

from __future__ import annotations

import datetime

from babel.dates import format_date, format_time

from ..site.events import Event
from ..site.formatting import LOCALE


def when(event: Event, *, weekday: bool = True, hour: bool = True) -> str:
    """`miércoles 16 de diciembre de 2026, 9:00 a. m.` (the hour only if it has one)."""
    pattern = "EEEE d 'de' MMMM 'de' y" if weekday else "d 'de' MMMM 'de' y"
    text = format_date(event.fecha, pattern, locale=LOCALE)
    if hour and event.hora:
        hours, minutes = (int(part) for part in event.hora.split(":"))
        text += ", " + format_time(datetime.time(hours, minutes), "h:mm a", locale=LOCALE)
    return text
