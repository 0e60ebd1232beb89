"""E-mail invitations to an event (DESIGN.md §12): one message per recipient.

Each message is multipart: a plain-text and an HTML version of the same Spanish
text (what, when, where, the summary, a link to the event's page), and the
event's .ics file (site/calendar.py, METHOD:PUBLISH) to add it to a calendar. It
comes From the office that organises the event (its folder), at its institutional
address from oficinas.yml.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..content.messages import suggestion
from ..content.model import Site
from ..site.calendar import event_ics, location
from ..site.events import Event, events_of
from ..site.formatting import FILTERS
from .event_text import when
from .output_files import OutreachError
from .recipients import Recipient

EVENT_PATH = "eventos/{slug}/"  # EVENTO_URL of pelicanconf.py
ORIGIN = "invitacion"  # ?origen= of the link, counted by the visit figures (DESIGN.md §5.1)
DATA_POLICY_SLUG = "politica-de-tratamiento-de-datos"


def find_event(site: Site, evento: str, today: datetime.date) -> Event:
    """The event named by its slug (the file name without .md), with or without its date,
    or by its path; only a published event that has not happened yet can be invited to."""
    events = events_of(site, drafts=True)
    name = re.sub(r"\.md$", "", str(evento).strip().rstrip("/").rsplit("/", 1)[-1])
    by_slug = {event.slug: event for event in events}
    by_name = {}
    for event in events:
        by_name.setdefault(event.slug[len("AAAA-MM-DD-"):], []).append(event)
    event = by_slug.get(name)
    if event is None and len(by_name.get(name, [])) == 1:
        event = by_name[name][0]
    if event is None:
        hint = suggestion(name, by_slug) or suggestion(name, by_name)
        if not hint:
            close = [slug for slug in by_slug if name and name in slug]
            hint = f' ¿Quiso decir "{close[-1]}"?' if len(close) == 1 else ""
        coming = [event.slug for event in events if event.fecha >= today and not event.borrador]
        example = coming[0] if coming else "2027-01-23-socializacion-en-la-vereda"
        raise OutreachError(
            f'el evento "{evento}" no existe en {site.content_dir.name}/eventos/.{hint} '
            f"Escriba el nombre del archivo del evento sin .md, por ejemplo {example}"
        )
    shown = site.display_path(event.relpath)
    if event.borrador:
        raise OutreachError(f"{shown}: el evento es un borrador (borrador: true) y su página no "
                            "está publicada; publíquelo antes de enviar invitaciones")
    if event.fecha < today:
        raise OutreachError(f"{shown}: el evento fue el {event.fecha.isoformat()}, ya pasó; "
                            "no se envían invitaciones a eventos pasados")
    return event


@dataclass(frozen=True)
class Invitation:
    recipient: Recipient
    message: EmailMessage

    @property
    def file_name(self) -> str:
        """`0007-ana.perez@example.com.eml`: the line of the list, then the address."""
        safe = re.sub(r"[^A-Za-z0-9._@+-]", "_", self.recipient.correo)
        return f"{self.recipient.line:04d}-{safe}.eml"


def invitations(site: Site, event: Event, recipients: list[Recipient], templates_dir: Path,
                now: datetime.datetime) -> list[Invitation]:
    """One message per recipient, all of them made before any is written or sent."""
    entity = site.entidad
    office = next(office for office in site.oficinas if office.get("id") == event.oficina)
    site_url = f"https://{entity['dominio']}"
    url = f"{site_url}/{EVENT_PATH.format(slug=event.slug)}"
    ics = event_ics(event.data, slug=event.slug, office=office, entity=entity, url=url)
    policy = any(file.kind == "paginas" and file.slug == DATA_POLICY_SLUG
                 for file in site.files.values())
    environment = Environment(loader=FileSystemLoader(str(templates_dir)),
                              autoescape=select_autoescape(["html"]),
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(FILTERS)
    context = {
        "entidad": entity,
        "oficina": office,
        "evento": event.data,
        "cuando": when(event),
        "donde": location(event.data, entity),
        "resumen": " ".join(str(event.data["resumen"]).split()),
        "enlace": f"{url}?origen={ORIGIN}",
        "archivo_ics": f"{event.slug}.ics",
        "politica": f"{site_url}/{DATA_POLICY_SLUG}/" if policy else "",
    }
    text = environment.get_template("invitacion.txt")
    html = environment.get_template("invitacion.html")
    # The office's name alone: a longer name gets folded mid-word, which some readers
    # (Python's own parser among them) then show with a space inside a word.
    sender = Address(str(office["nombre"]), addr_spec=office["correo"])
    subject = f"Invitación: {event.data['titulo']}, {when(event, hour=False)}"
    made = []
    for recipient in recipients:
        message = EmailMessage()
        message["From"] = sender
        message["To"] = Address(recipient.nombre, addr_spec=recipient.correo)
        message["Subject"] = subject
        message["Organization"] = str(entity["nombre"])
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid("invitacion", domain=str(entity["dominio"]))
        message["Content-Language"] = "es-CO"
        values = {**context, "nombre": recipient.nombre}
        message.set_content(text.render(**values), charset="utf-8")
        message.add_alternative(html.render(**values), subtype="html", charset="utf-8")
        message.add_attachment(ics, maintype="text", subtype="calendar",
                               filename=f"{event.slug}.ics",
                               params={"method": "PUBLISH", "charset": "utf-8"})
        made.append(Invitation(recipient, message))
    return made
