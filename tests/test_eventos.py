"""Events (DESIGN.md §3 eventos, §12): the agenda's order, and each event's .ics file."""

from __future__ import annotations

import datetime

import icalendar
import pytest

from conftest import SAMPLE_CONTENT
from municipal.content.validation import check_content
from municipal.site.calendar import event_ics
from municipal.site.events import events_of, held, upcoming

D = datetime.date
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
