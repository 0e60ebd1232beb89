"""The agenda: /eventos/, one page per event with its .ics, and events in the office feeds.

Like the other generators of this layer (generators.py), `EventosGenerator` reads
content/eventos/<oficina>/*.md through the readers (and their cache) into `Evento`
items, shares them with every template, and writes the pages. Drafts are not
published. Upcoming and held events are split by the build's cut-off day
(`AGENDA_TODAY`, set by the pipeline from SOURCE_DATE_EPOCH or today in Bogotá),
so two builds of the same content are identical.
"""

from __future__ import annotations

import datetime
from html import escape
from pathlib import Path

from pelican.contents import Content
from pelican.generators import CachingGenerator

from .calendar import event_ics
from .events import KIND, held, upcoming
from .formatting import clock_time, long_date
from .readers import SITE_SETTING

AGENDA_TODAY = "MUNICIPAL_AGENDA_TODAY"
"""Settings key: the day (datetime.date) that splits upcoming from held events."""


class Evento(Content):
    """An event of the agenda, from content/eventos/<oficina>/ (DESIGN.md §3)."""

    mandatory_properties = ("title", "date")
    default_template = "evento"
    default_status = "published"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hora = getattr(self, "hora", None)
        if hora:  # the feed's date and the page's <time> carry the hour too
            hour, minute = (int(part) for part in str(hora).split(":"))
            self.date = self.date.replace(hour=hour, minute=minute)

    @property
    def dia(self) -> datetime.date:
        """The day of the event."""
        return datetime.date.fromisoformat(str(self.metadata["fecha"]))

    @property
    def agenda_key(self) -> tuple:
        """Soonest first; on the same day by hour (all-day events first), then by slug."""
        return (self.dia, getattr(self, "hora", None) or "", self.slug)

    @property
    def ics_url(self) -> str:
        return self.settings["EVENTO_ICS_URL"].format(slug=self.slug)

    @property
    def ics_save_as(self) -> str:
        return self.settings["EVENTO_ICS_SAVE_AS"].format(slug=self.slug)


class EventFeedEntry:
    """An event as an Atom entry of its office's feed: what Pelican's writer reads.

    The entry is dated with the event's day and hour; its summary says when and where.
    """

    def __init__(self, evento: Evento):
        self.evento = evento
        self.title = evento.title
        self.url = evento.url
        self.date = evento.date
        self.category = evento.category
        when = long_date(evento.dia)
        if getattr(evento, "hora", None):
            when += f", {clock_time(evento.hora)}"
        self.summary = f"Evento: {when}, {escape(evento.lugar)}. {evento.summary}"

    def get_content(self, siteurl: str) -> str:
        return self.evento.get_content(siteurl)


class EventosGenerator(CachingGenerator):
    """/eventos/ (upcoming first, then held), /eventos/<slug>/ and /eventos/<slug>.ics."""

    def generate_context(self):
        events = []
        for path in sorted(self.get_files([KIND], extensions=["md"])):
            item = self.get_cached_data(path, None)
            if item is None:
                item = self.readers.read_file(base_path=self.path, path=path,
                                              content_class=Evento, context=self.context)
                self.cache_data(path, item)
            if item.status == "draft":  # borrador: true is never published
                continue
            self.add_source_path(item)
            events.append(item)
        self.today = self.settings[AGENDA_TODAY]
        self.upcoming = upcoming(events, self.today)
        self.held = held(events, self.today)
        self.events = self.upcoming + self.held
        self.context["eventos"] = self.events
        self.context["agenda_hoy"] = self.today
        self.context["proximos_eventos"] = self.upcoming[: self.settings.get(
            "PORTADA_PROXIMOS_EVENTOS", 3)]
        self.save_cache()
        self.readers.save_cache()

    def generate_output(self, writer):
        relative_urls = self.settings["RELATIVE_URLS"]
        template = self.get_template("evento")
        site = self.settings[SITE_SETTING]
        offices = {office["id"]: office for office in site.oficinas}
        for item in self.events:
            writer.write_file(item.save_as, template, self.context,
                              relative_urls=relative_urls, url=item.url, evento=item)
            data = event_ics(item.metadata, slug=item.slug, office=offices[item.oficina],
                             entity=site.entidad, url=self._absolute(item.url))
            path = Path(self.output_path) / item.ics_save_as
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        writer.write_file(
            self.settings["EVENTOS_SAVE_AS"], self.get_template("eventos"), self.context,
            relative_urls=relative_urls, paginated={"eventos": self.events},
            template_name="eventos", url=self.settings["EVENTOS_URL"],
        )
        self._write_office_feeds(writer)

    def _absolute(self, url: str) -> str:
        """A calendar entry lives outside the site: its link is always absolute."""
        siteurl = self.settings.get("SITEURL") or ""
        if not siteurl.startswith("https://"):
            siteurl = f"https://{self.settings[SITE_SETTING].entidad['dominio']}"
        return f"{siteurl}/{url}"

    def _write_office_feeds(self, writer) -> None:
        """Each office's Atom feed (production build): its news and its events, newest first.

        Pelican has written the feeds of offices with news; those with events are
        written again, once, with both.
        """
        feed_path = self.settings.get("CATEGORY_FEED_ATOM")
        if not feed_path:
            return
        for office in sorted({item.oficina for item in self.events}):
            entries = [article for article in self.context.get("articles", [])
                       if article.oficina == office]
            entries += [EventFeedEntry(item) for item in self.events if item.oficina == office]
            entries.sort(key=lambda entry: (-entry.date.timestamp(), entry.url))
            feed_url = self.settings.get("CATEGORY_FEED_ATOM_URL", str(feed_path))
            writer.write_feed(entries, self.context, str(feed_path).format(slug=office),
                              feed_url.format(slug=office), feed_title=office,
                              override_output=True)
