"""Events count for the plan on their own date (DESIGN.md §5.1), with hand-worked rows."""

from __future__ import annotations

import contextlib
import datetime
import gc
import os
from pathlib import Path

import pytest

from gitrepo import GitRepo
from municipal.content.validation import check_content
from municipal.indicators.compliance import indicators_of
from municipal.indicators.computation import compute
from municipal.indicators.history import GIT, HeldEvent, History, Update, read_history
from municipal.opendata.catalogue import last_commit_date

D = datetime.date
HASTA = D(2026, 12, 5)
SOCIALIZACION = {"id": "socializacion", "nombre": "Socialización del sitio web",
                 "tipos": ["eventos"], "tipos_evento": ["socializacion", "divulgacion"],
                 "oficinas": ["despacho"], "meta_anual": 2}


def history(events, updates=(("2026-01-10", "noticias", "despacho"),)) -> History:
    return History(GIT, [Update(D.fromisoformat(day), kind, office, f"c{index}")
                         for index, (day, kind, office) in enumerate(updates)],
                   events=[HeldEvent(D.fromisoformat(day), office, tipo)
                           for day, office, tipo in events])


def only_row(document) -> dict:
    (row,) = document["indicadores"]
    return row


EVENTS = [
    ("2026-06-30", "despacho", "socializacion"),  # last day of the first semester
    ("2026-09-15", "despacho", "capacitacion"),  # a tipo the action does not count
    ("2026-12-20", "despacho", "socializacion"),  # after the cut-off
    ("2026-08-01", "gobierno", "socializacion"),  # another office's
]


def test_an_event_counts_on_its_own_date_only_for_its_tipos_and_up_to_the_cut_off():
    # A commit to content/eventos/ (2026-10-01) is not an update of the action:
    # what the plan measures is that the jornada took place, on its own day.
    document = compute(history(EVENTS, updates=[("2026-01-10", "noticias", "despacho"),
                                                ("2026-10-01", "eventos", "despacho")]),
                       [SOCIALIZACION], ["despacho", "gobierno"], HASTA)
    assert document["inicio"] == "2026-01-10"
    # Semester 1 ended before the cut-off and had the 30 June jornada; semester 2 holds
    # the cut-off and has no counted event yet (the capacitación is of another tipo,
    # the 20 December one comes after 5 December), so it is not expected yet.
    assert only_row(document) == {
        "accion": "socializacion", "oficina": "despacho", "vigencia": 2026, "meta_anual": 2,
        "periodos_cumplidos": 1, "periodos_esperados": 1, "cumplimiento": 1.0,
        "estado": "cumple", "ultima_actualizacion": "2026-06-30", "periodos": [True, None]}


def test_without_tipos_evento_every_tipo_counts():
    every_tipo = {key: value for key, value in SOCIALIZACION.items() if key != "tipos_evento"}
    document = compute(history(EVENTS), [every_tipo], ["despacho"], HASTA)
    assert only_row(document)["periodos"] == [True, True]
    assert (only_row(document)["periodos_cumplidos"],
            only_row(document)["periodos_esperados"]) == (2, 2)
    assert only_row(document)["ultima_actualizacion"] == "2026-09-15"


def test_the_cut_off_semester_fails_once_it_is_over_without_an_event():
    document = compute(history(EVENTS), [SOCIALIZACION], ["despacho"], D(2027, 1, 10))
    rows = {row["vigencia"]: row for row in document["indicadores"]}
    # By 10 January 2027 the second semester of 2026 is over: the 20 December
    # jornada is now before the cut-off and meets it.
    assert rows[2026]["periodos"] == [True, True]
    assert rows[2026]["ultima_actualizacion"] == "2026-12-20"
    assert rows[2027]["periodos"] == [None, None]
    assert rows[2027]["estado"] == "sin_datos"


def test_events_and_git_history_together_and_other_actions_unaffected():
    mixed = {"id": "divulgacion", "nombre": "Difusión", "tipos": ["noticias", "eventos"],
             "oficinas": ["despacho"], "meta_anual": 12}
    news_only = {"id": "informacion", "nombre": "Información", "tipos": ["noticias"],
                 "oficinas": ["despacho"], "meta_anual": 12}
    document = compute(history(EVENTS, updates=[("2026-01-10", "noticias", "despacho"),
                                                ("2026-03-02", "noticias", "despacho")]),
                       [mixed, news_only], ["despacho"], HASTA)
    rows = {row["accion"]: row for row in document["indicadores"]}
    # Months: news in January and March; events in June and September (capacitación
    # counts: no tipos_evento); the 20 December one is after the cut-off.
    assert rows["divulgacion"]["periodos"] == [True, False, True, False, False, True,
                                               False, False, True, False, False, None]
    assert (rows["divulgacion"]["periodos_cumplidos"],
            rows["divulgacion"]["periodos_esperados"]) == (4, 11)
    assert rows["informacion"]["periodos"] == [True, False, True, False, False, False,
                                               False, False, False, False, False, None]


# --- events read from git at HEAD ----------------------------------------------------

def event_file(fecha: str, tipo: str, extra: str = "") -> str:
    return (f"---\ntitulo: Jornada\nfecha: {fecha}\ntipo: {tipo}\nlugar: Escuela\n"
            f"resumen: Jornada en la vereda.\n{extra}---\nTexto.\n")


def test_events_are_read_at_head_without_drafts_or_unreadable_files(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2026-01-10T09:00:00-05:00", {
        "content/eventos/despacho/2026-06-30-a.md": event_file("2026-06-30", "socializacion"),
        "content/eventos/despacho/2026-07-04-b.md": event_file("2026-07-04", "empalme",
                                                              "borrador: true\n"),
        "content/eventos/gobierno/2027-02-01-c.md": event_file("2027-02-01", "capacitacion"),
        "content/eventos/gobierno/roto.md": "sin datos",
        "content/noticias/despacho/2026-01-10-n.md": event_file("2026-01-10", "otro"),
    })
    # Not committed: HEAD is what counts.
    (repo.root / "content/eventos/despacho/2026-08-08-d.md").write_text(
        event_file("2026-08-08", "socializacion"), encoding="utf-8")
    result = read_history(repo.root / "content")
    assert result.events == [HeldEvent(D(2026, 6, 30), "despacho", "socializacion"),
                             HeldEvent(D(2027, 2, 1), "gobierno", "capacitacion")]


def child_commands() -> list[str]:
    """The command lines of this process's living children."""
    pids = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        pids += (task / "children").read_text().split()
    commands = []
    for pid in pids:
        with contextlib.suppress(OSError):
            commands.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                            .decode())
    return commands


def test_reading_the_history_leaves_no_git_process_behind(tmp_path):
    """GitPython answers HEAD's tree through `git cat-file` processes it keeps alive;
    left to the garbage collector they die at an arbitrary later moment (a ResourceWarning
    in someone else's test, or processes piling up in `invoke servir`)."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2026-01-10T09:00:00-05:00", {
        "content/eventos/despacho/2026-06-30-a.md": event_file("2026-06-30", "socializacion")})
    gc.disable()  # what the collector would clean up later must not count as cleaned
    try:
        assert read_history(repo.root / "content").events
        assert last_commit_date(repo.root / "content", ["eventos"], "America/Bogota")
        assert [command for command in child_commands() if "git" in command] == []
    finally:
        gc.enable()


def test_a_repository_without_events_has_none(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2026-01-10T09:00:00-05:00", {"content/noticias/despacho/a.md": "a"})
    assert read_history(repo.root / "content").events == []


# --- plan.yml: eventos and tipos_evento --------------------------------------------

@pytest.mark.parametrize(("tipos", "tipos_evento", "expected"), [
    ("[eventos]", "[socializacion]", []),
    ("[noticias, eventos]", None, []),
    ("[noticias]", "[socializacion]", [
        "content/plan.yml:{line}: acciones[{number}].tipos_evento: tipos_evento solo sirve "
        "cuando tipos incluye eventos; agregue eventos a tipos o quite tipos_evento"]),
    ("[eventos]", "[socialisacion]", [
        'content/plan.yml:{line}: acciones[{number}].tipos_evento[1]: "socialisacion" no es un '
        "tipo de evento válido. Use uno de: socializacion, divulgacion, rendicion_de_cuentas, "
        'empalme, capacitacion, otro. ¿Quiso decir "socializacion"?']),
])
def test_plan_accepts_eventos_and_checks_tipos_evento(content_copy, tipos, tipos_evento,
                                                       expected):
    plan = content_copy / "plan.yml"
    text = plan.read_text(encoding="utf-8")
    line = text.count("\n") + 4
    number = text.count("\n  - id: ") + 1  # the appended action, counted from 1
    text += (f"  - id: jornadas\n    nombre: Socialización del sitio web\n"
             f"    tipos: {tipos}\n")
    if tipos_evento:
        text += f"    tipos_evento: {tipos_evento}\n"
    text += "    oficinas: [despacho]\n    meta_anual: 2\n"
    plan.write_text(text, encoding="utf-8")
    site = check_content(content_copy, today=HASTA, use_cache=False)
    assert [str(problem) for problem in site.problems] == [
        message.format(line=line, number=number) for message in expected]


def test_from_git_to_rows_an_event_committed_later_counts_on_its_own_day(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2026-02-02T09:00:00-05:00", {
        "content/noticias/despacho/2026-02-02-n.md": "noticia"})
    # The 30 June jornada is written down in a commit of 3 July: it meets semester 1.
    repo.commit("2026-07-03T09:00:00-05:00", {
        "content/eventos/despacho/2026-06-30-jornada.md": event_file("2026-06-30",
                                                                    "socializacion",
                                                                    "asistentes: 40\n")})
    document, reason = indicators_of(repo.root / "content", {"acciones": [SOCIALIZACION]},
                                     ["despacho"], "America/Bogota", HASTA)
    assert reason == ""
    assert document["inicio"] == "2026-02-02"
    assert only_row(document)["periodos"] == [True, None]
    assert only_row(document)["ultima_actualizacion"] == "2026-06-30"
