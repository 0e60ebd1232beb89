"""Events (DESIGN.md §3 eventos, §12): the agenda's order, and each event's .ics file."""

from __future__ import annotations

import datetime
from xml.etree import ElementTree

import icalendar
import pytest

from conftest import PREVIEW_SETTINGS, SAMPLE_CONTENT, BuiltSite
from municipal.content.validation import check_content
from municipal.indicators.compliance import cutoff
from municipal.publishing.build import build_site
from municipal.site import calendar as calendar_module
from municipal.site.calendar import event_ics
from municipal.site.events import events_of, held, upcoming
from municipal.site.formatting import clock_time, weekday_date

D = datetime.date
ATOM = "{http://www.w3.org/2005/Atom}"
ENTIDAD = {"nombre": "Alcaldía Municipal de Chitagá", "municipio": "Chitagá",
           "departamento": "Norte de Santander", "dominio": "chitaga-nortedesantander.gov.co"}
DESPACHO = {"id": "despacho", "nombre": "Despacho del Alcalde",
            "correo": "despacho@chitaga-nortedesantander.gov.co"}
LLANO_GRANDE = {"titulo": "Jornada de socialización del sitio web en la vereda Llano Grande",
                "fecha": "2027-01-23", "hora": "09:30", "tipo": "socializacion",
                "lugar": "Escuela de la vereda Llano Grande",
                "resumen": "Venga con su teléfono y aprenda a consultar el sitio web."}
URL = ("https://chitaga-nortedesantander.gov.co/eventos/"
       "2027-01-23-socializacion-del-sitio-web-en-llano-grande/")


def ics(event=LLANO_GRANDE, slug="2027-01-23-socializacion-del-sitio-web-en-llano-grande"):
    return event_ics(event, slug=slug, office=DESPACHO, entity=ENTIDAD, url=URL)


def only_event(data: bytes) -> icalendar.Event:
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return event


def test_the_ics_of_a_timed_event_parses_back_in_bogota_time():
    data = ics()
    assert b"DTSTART;TZID=America/Bogota:20270123T093000\r\n" in data
    assert b"BEGIN:VTIMEZONE\r\nTZID:America/Bogota\r\n" in data
    event = only_event(data)
    start = event.decoded("dtstart")
    assert start == datetime.datetime(2027, 1, 23, 9, 30,
                                      tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))
    assert start.tzinfo.key == "America/Bogota"
    assert str(event["summary"]) == LLANO_GRANDE["titulo"]
    assert str(event["location"]) == ("Escuela de la vereda Llano Grande, Chitagá, "
                                      "Norte de Santander")
    assert str(event["url"]) == URL
    assert URL in str(event["description"])
    assert str(event["organizer"]) == "mailto:despacho@chitaga-nortedesantander.gov.co"


def test_an_event_without_hora_is_an_all_day_event():
    all_day = {key: value for key, value in LLANO_GRANDE.items() if key != "hora"}
    data = ics(all_day)
    assert b"DTSTART;VALUE=DATE:20270123\r\n" in data
    assert b"DTEND;VALUE=DATE:20270124\r\n" in data
    event = only_event(data)
    assert event.decoded("dtstart") == D(2027, 1, 23)
    assert event.decoded("dtend") == D(2027, 1, 24)


def test_the_ics_is_the_same_bytes_every_time_with_a_stable_uid_and_dtstamp():
    assert ics() == ics()
    event = only_event(ics())
    assert str(event["uid"]) == ("evento-2027-01-23-socializacion-del-sitio-web-en-llano-grande"
                                 "@chitaga-nortedesantander.gov.co")
    # Midnight of the event's day in Bogotá (UTC−5) is 05:00 UTC.
    assert b"DTSTAMP:20270123T050000Z\r\n" in ics()


def test_the_ics_is_what_icalendar_writes_with_its_own_timezone_lookup(monkeypatch):
    """The VTIMEZONE is computed once per process (issue 19): the bytes stay icalendar's."""
    ours = [ics(), ics(), ics({**LLANO_GRANDE, "hora": None})]

    def own_lookup(calendar):
        calendar.add_missing_timezones()

    monkeypatch.setattr(calendar_module, "add_missing_timezones", own_lookup)
    assert [ics(), ics(), ics({**LLANO_GRANDE, "hora": None})] == ours
    assert b"BEGIN:VTIMEZONE" in ours[0] and b"BEGIN:VTIMEZONE" not in ours[2]


def test_a_place_that_names_the_municipality_is_not_repeated():
    event = only_event(ics({**LLANO_GRANDE, "lugar": "Parque principal de Chitagá"}))
    assert str(event["location"]) == "Parque principal de Chitagá"


@pytest.fixture(scope="module")
def sample_events():
    site = check_content(SAMPLE_CONTENT, today=D(2026, 12, 5), use_cache=False)
    assert site.problems == []
    return events_of(site)


def test_drafts_are_left_out_of_the_agenda(sample_events):
    slugs = [event.slug for event in sample_events]
    assert "2027-03-20-socializacion-del-sitio-web-en-tane" not in slugs
    assert len(slugs) == 9


def test_upcoming_soonest_first_and_held_newest_first(sample_events):
    today = D(2026, 12, 5)
    assert [event.slug for event in upcoming(sample_events, today)] == [
        "2026-12-16-audiencia-publica-de-rendicion-de-cuentas-2026",
        "2027-01-23-socializacion-del-sitio-web-en-llano-grande",
        "2027-02-13-socializacion-del-sitio-web-en-presidente",
        "2027-03-06-capacitacion-a-juntas-de-accion-comunal",
    ]
    assert [(event.slug[:10], event.asistentes) for event in held(sample_events, today)] == [
        ("2026-11-21", 65), ("2026-10-24", 44), ("2026-08-19", 31), ("2026-05-23", 27),
        ("2026-03-14", 38),
    ]


def test_an_event_of_today_is_still_upcoming(sample_events):
    today = D(2026, 12, 16)
    assert upcoming(sample_events, today)[0].slug.startswith("2026-12-16")
    assert held(sample_events, today)[0].slug.startswith("2026-11-21")


# --- pages of the sample site --------------------------------------------------------

# The sample agenda, by hand: (slug, office, asistentes); the draft is not in it.
SAMPLE_AGENDA = [
    ("2026-03-14-socializacion-del-sitio-web-en-el-roble", "despacho", 38),
    ("2026-05-23-socializacion-del-sitio-web-en-las-lagunas", "despacho", 27),
    ("2026-08-19-capacitacion-a-proveedores-locales-en-secop-ii", "juridica", 31),
    ("2026-10-24-socializacion-del-sitio-web-en-san-carlos", "despacho", 44),
    ("2026-11-21-divulgacion-del-sitio-web-en-el-mercado-campesino", "despacho", 65),
    ("2026-12-16-audiencia-publica-de-rendicion-de-cuentas-2026", "despacho", None),
    ("2027-01-23-socializacion-del-sitio-web-en-llano-grande", "despacho", None),
    ("2027-02-13-socializacion-del-sitio-web-en-presidente", "despacho", None),
    ("2027-03-06-capacitacion-a-juntas-de-accion-comunal", "gobierno", None),
]


def build_day() -> datetime.date:
    """The day the session's sample site was built for: SOURCE_DATE_EPOCH, else today."""
    return cutoff(None, "America/Bogota")


def split_agenda(today):
    """(upcoming soonest first, held newest first) of SAMPLE_AGENDA on `today`."""
    coming = [row for row in SAMPLE_AGENDA if D.fromisoformat(row[0][:10]) >= today]
    past = [row for row in SAMPLE_AGENDA if D.fromisoformat(row[0][:10]) < today]
    return coming, past[::-1]


def listed(section) -> list[str]:
    return [a["href"].rstrip("/").rsplit("/", 1)[-1]
            for a in section.select("li.noticia h2 a, li.noticia h3 a, li.noticia h4 a")]


def test_agenda_page_upcoming_soonest_first_then_held_newest_first_with_attendance(sample_site):
    coming, past = split_agenda(build_day())
    page = sample_site.page("/eventos/")
    headings = [h2.get_text() for h2 in page.find("main").find_all("h2")]
    assert headings == ["Próximos eventos", "Eventos realizados"][: 2 if past else 1]
    lists = page.find("main").find_all("ul", class_="noticias")
    assert listed(lists[0]) == [slug for slug, _, _ in coming]
    if past:
        assert listed(lists[1]) == [slug for slug, _, _ in past]
        attendance = [" ".join(item.find_all("p")[-1].get_text().split())
                      for item in lists[1].find_all("li")]
        assert attendance == [f"Asistieron {people} personas." if people is not None
                              else "Asistencia no registrada." for _, _, people in past]
    assert "Asistieron" not in lists[0].get_text()
    assert "/tane" not in str(page)  # the draft


def test_event_page_has_its_calendar_file_and_its_details(sample_site):
    slug = "2027-01-23-socializacion-del-sitio-web-en-llano-grande"
    page = sample_site.page(f"/eventos/{slug}/")
    main = " ".join(page.find("main").get_text(" ").split())
    assert "23 de enero de 2027" in main and "9:30 a. m." in main
    assert "Escuela de la vereda Llano Grande" in main and "Socialización" in main
    assert page.find("time")["datetime"] == "2027-01-23T09:30"
    if build_day() <= D(2027, 1, 23):
        link = page.find("a", string="Agregar a mi calendario")
        assert link["href"] == f"../../eventos/{slug}.ics"
    event = only_event((sample_site.output / "eventos" / f"{slug}.ics").read_bytes())
    assert str(event["summary"]) == LLANO_GRANDE["titulo"]
    assert event.decoded("dtstart").isoformat() == "2027-01-23T09:30:00-05:00"
    assert str(event["url"]) == URL


def test_a_held_event_page_shows_attendance_and_no_calendar_link(sample_site):
    page = sample_site.page("/eventos/2026-03-14-socializacion-del-sitio-web-en-el-roble/")
    details = dict(zip([dt.get_text() for dt in page.select("dl.dato dt")],
                       [" ".join(dd.get_text().split()) for dd in page.select("dl.dato dd")],
                       strict=True))
    assert details["Asistentes"] == "38 personas"
    assert details["Lugar"] == "Escuela de la vereda El Roble"
    assert page.find("a", string="Agregar a mi calendario") is None


def test_every_published_event_has_a_page_and_a_calendar_file_and_drafts_none(sample_site):
    folder = sample_site.output / "eventos"
    assert sorted(path.name for path in folder.glob("*.ics")) == sorted(
        f"{slug}.ics" for slug, _, _ in SAMPLE_AGENDA)
    assert sorted(path.name for path in folder.iterdir() if path.is_dir()) == sorted(
        slug for slug, _, _ in SAMPLE_AGENDA)


def test_home_page_shows_the_next_three_events(sample_site):
    coming, _ = split_agenda(build_day())
    section = sample_site.page("/").find("section", attrs={"aria-labelledby": "agenda"})
    assert listed(section) == [slug for slug, _, _ in coming[:3]]
    assert section.find("a", string="Ver la agenda de eventos")["href"] == "./eventos/"


def test_office_pages_list_their_own_events(sample_site):
    coming, past = split_agenda(build_day())
    for office in ("despacho", "juridica", "gobierno", "hacienda"):
        page = sample_site.page(f"/oficinas/{office}/")
        # Its next five events, then its latest five held ones.
        own = ([slug for slug, owner, _ in coming if owner == office][:5]
               + [slug for slug, owner, _ in past if owner == office][:5])
        links = [a["href"].rstrip("/").rsplit("/", 1)[-1]
                 for a in page.select("main a[href*='eventos/20']")]
        assert links == own, office
        assert (page.find("h2", id="eventos") is None) == (not own)


@pytest.mark.parametrize(("written", "shown"), [
    ("00:00", "12:00 a. m."), ("09:30", "9:30 a. m."), ("12:00", "12:00 m."),
    ("12:30", "12:30 p. m."), ("15:00", "3:00 p. m."), ("23:59", "11:59 p. m."),
])
def test_hours_are_shown_as_colombians_write_them(written, shown):
    assert clock_time(written) == shown


def test_event_dates_carry_the_day_of_the_week():
    # 5 December 2026 is a Saturday (the day the sample agenda was written).
    assert weekday_date("2026-12-05") == "sábado 5 de diciembre de 2026"
    assert weekday_date("2027-01-23") == "sábado 23 de enero de 2027"
    assert weekday_date("2026-12-16") == "miércoles 16 de diciembre de 2026"


@pytest.mark.parametrize(("today", "problems"), [
    (D(2026, 11, 21), []),  # on the day of the event, attendance may be written
    (D(2026, 11, 20), [
        "content/eventos/despacho/2026-11-21-divulgacion-del-sitio-web-en-el-mercado-campesino"
        ".md:8: asistentes: el evento es del 2026-11-21 y aún no ha ocurrido (hoy es "
        "2026-11-20); quite asistentes y escriba cuántas personas asistieron después del "
        "evento"]),
])
def test_attendance_is_allowed_from_the_day_of_the_event(today, problems):
    site = check_content(SAMPLE_CONTENT, today=today, use_cache=False)
    assert [str(problem) for problem in site.problems
            if "asistentes" in problem.message] == problems


def test_an_office_with_events_and_no_news_gets_a_feed_of_its_events(content_copy, tmp_path):
    for news in (content_copy / "noticias" / "gobierno").glob("*.md"):
        news.unlink()
    output = tmp_path / "salida"
    build_site(content_copy, output, PREVIEW_SETTINGS,
               {"CATEGORY_FEED_ATOM": "feeds/{slug}.atom.xml"})
    feed = ElementTree.parse(output / "feeds" / "gobierno.atom.xml").getroot()
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]
    assert [link.rsplit("eventos/", 1)[-1] for link in links] == [
        "2027-03-06-capacitacion-a-juntas-de-accion-comunal/"]
    page = BuiltSite(output).page("/oficinas/gobierno/")
    assert page.find("a", string="Canal Atom de los eventos de Secretaría de Gobierno")
