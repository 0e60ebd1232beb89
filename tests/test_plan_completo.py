"""Every action of the plan (DESIGN.md §3, §5.1): vigencias, medicion ninguna and visitas,
and the summary line of each, with hand-worked figures."""

from __future__ import annotations

import datetime
import json

from test_indicadores_eventos import event_file

from gitrepo import GitRepo
from municipal.indicators.compliance import Compliance, indicators_of, terminal_table
from municipal.indicators.computation import compute, to_csv
from municipal.indicators.history import GIT, HeldEvent, History, Update
from municipal.indicators.visits_view import visits_view, with_visits

D = datetime.date
OFFICES = ["despacho", "gobierno", "juridica"]
EMPALME = {"id": "empalme", "nombre": "Empalmar con la siguiente administración",
           "tipos": ["eventos"], "tipos_evento": ["empalme"], "oficinas": "todas",
           "meta_anual": 1, "vigencias": [2027]}
CORREO = {"id": "correo", "nombre": "Empleo de correo electrónico institucional",
          "medicion": "ninguna", "oficinas": ["juridica"], "indicador": "Revisión diaria."}
DIFUSION = {"id": "difusion", "nombre": "Difundir el sitio web del municipio",
            "medicion": "visitas", "oficinas": "todas", "indicador": "Cantidad de visitas."}
SOCIALIZACION = {"id": "socializacion", "nombre": "Socialización", "tipos": ["eventos"],
                 "tipos_evento": ["socializacion"], "oficinas": ["despacho"], "meta_anual": 2}
INFORMACION = {"id": "informacion", "nombre": "Actualización permanente de la información",
               "tipos": ["noticias"], "oficinas": "todas", "meta_anual": 12}
PLAN = [INFORMACION, CORREO, EMPALME, SOCIALIZACION, DIFUSION]


def history() -> History:
    updates = [Update(D(2025, 3, 4), "noticias", "despacho", "a"),
               Update(D(2027, 1, 20), "noticias", "gobierno", "b")]
    events = [HeldEvent(D(2027, 2, 20), "gobierno", "empalme"),
              HeldEvent(D(2026, 11, 30), "despacho", "empalme"),  # outside the vigencias
              HeldEvent(D(2026, 12, 31), "despacho", "socializacion")]
    return History(GIT, updates, events=events)


def test_vigencias_limit_the_rows_to_their_years():
    document = compute(history(), [EMPALME], OFFICES, D(2027, 3, 10))
    # History starts in 2025, but empalme is evaluated only in 2027: one row per office.
    # 2027 is one period that holds the cut-off: gobierno's 20 February jornada meets
    # it; the others have none yet, so nothing is expected of them (sin_datos). The
    # 30 November 2026 jornada of despacho falls in a year that is not evaluated.
    rows = {row["oficina"]: row for row in document["indicadores"]}
    assert [(row["accion"], row["vigencia"]) for row in document["indicadores"]] == [
        ("empalme", 2027)] * 3
    assert rows["gobierno"] == {
        "accion": "empalme", "oficina": "gobierno", "vigencia": 2027, "meta_anual": 1,
        "periodos_cumplidos": 1, "periodos_esperados": 1, "cumplimiento": 1.0,
        "estado": "cumple", "ultima_actualizacion": "2027-02-20", "periodos": [True]}
    assert rows["despacho"]["periodos"] == [None]
    assert rows["despacho"]["estado"] == "sin_datos"
    assert rows["despacho"]["ultima_actualizacion"] == "2026-11-30"
    # Before 2027 the action has no row at all.
    assert compute(history(), [EMPALME], OFFICES, D(2026, 12, 5))["indicadores"] == []


def test_unmeasured_and_visits_actions_have_no_rows():
    document = compute(history(), PLAN, OFFICES, D(2027, 3, 10))
    assert {row["accion"] for row in document["indicadores"]} == {
        "informacion", "empalme", "socializacion"}
    assert document["acciones_sin_medicion"] == [
        {"accion": "correo", "nombre": "Empleo de correo electrónico institucional",
         "oficinas": ["juridica"], "indicador": "Revisión diaria."}]
    # informacion: 3 offices × 3 years (2025–2027); empalme: 3 × 2027; socialización: 3 years.
    assert len(document["indicadores"]) == 9 + 3 + 3
    assert len(to_csv(document).splitlines()) == 1 + 15
    assert "correo" not in to_csv(document) and "difusion" not in to_csv(document)


def test_todas_lists_every_office_and_the_list_survives_without_history():
    correo_todas = {**CORREO, "oficinas": "todas", "indicador": None}
    document = compute(History("sin_historial"), [correo_todas], OFFICES, D(2027, 3, 10))
    assert document == {"hasta": "2027-03-10", "fuente": "sin_historial", "inicio": None,
                        "acciones_sin_medicion": [{
                            "accion": "correo",
                            "nombre": "Empleo de correo electrónico institucional",
                            "oficinas": OFFICES, "indicador": None}],
                        "indicadores": []}


def test_a_plan_without_unmeasured_actions_has_the_designed_keys():
    document = compute(history(), [INFORMACION], OFFICES, D(2027, 3, 10))
    assert list(document) == ["hasta", "fuente", "inicio", "indicadores"]


VISITAS = [{"mes": "2026-10", "visitas": 812, "visitantes": 301,
            "origenes": {"cartelera-plaza": 40}},
           {"mes": "2026-09", "visitas": 1, "visitantes": 1}]


def compliance(hasta: D, visitas=VISITAS) -> Compliance:
    document = compute(history(), PLAN, OFFICES, hasta)
    names = {"despacho": "Despacho", "gobierno": "Gobierno", "juridica": "Jurídica"}
    return Compliance(document, "", {"acciones": PLAN}, names, visits=visits_view(visitas))


def test_one_summary_line_per_action_in_plain_spanish():
    # 2027-03-10: informacion expects January and February of each office (gobierno
    # updated in January only; the others not at all): nobody meets 2 of 2. Socialización:
    # the 31 December 2026 jornada is in 2026, so 2027's first semester (holding the
    # cut-off) is not expected yet.
    assert compliance(D(2027, 3, 10)).summary_lines() == [
        "Actualización permanente de la información: 0 de 3 dependencias cumplen "
        "(meta: 12 actualizaciones al año)",
        "Empleo de correo electrónico institucional: no se mide desde el sitio",
        "Empalmar con la siguiente administración: 1 de 3 dependencias con su jornada al "
        "día en 2027 (meta: una jornada por año)",
        "Socialización: ninguna jornada todavía en 2027; el semestre en curso cuenta cuando "
        "la tenga (meta: una jornada por semestre)",
        "Difundir el sitio web del municipio: 812 visitas en octubre de 2026",
    ]


def test_summary_before_the_vigencia_and_without_visits():
    lines = compliance(D(2026, 12, 5), visitas=[]).summary_lines()
    assert lines[2] == "Empalmar con la siguiente administración: se evalúa en 2027"
    # 2026: semester 1 had no socialización, semester 2 holds the cut-off without one
    # (the 31 December jornada comes later): 0 of 1.
    assert lines[3] == ("Socialización: 0 de 1 semestre de 2026 con jornada "
                        "(meta: una jornada por semestre)")
    assert lines[4] == ("Difundir el sitio web del municipio: aún no hay cifras de visitas "
                        "del sitio")


def test_cumplimiento_json_carries_unmeasured_actions_and_visits_sorted():
    document = with_visits(compute(history(), PLAN, OFFICES, D(2027, 3, 10)), VISITAS)
    assert list(document) == ["hasta", "fuente", "inicio", "acciones_sin_medicion",
                              "indicadores", "visitas"]
    assert [month["mes"] for month in document["visitas"]] == ["2026-09", "2026-10"]
    assert json.loads(json.dumps(document))["acciones_sin_medicion"][0]["accion"] == "correo"


# --- the sample's compliance page (content/plan.yml: the seed's seven actions) -------

SEVEN = ["informacion", "contratacion", "tramites", "correo", "empalme", "socializacion",
         "difusion"]


def test_the_sample_page_shows_the_seven_actions_of_the_seed_plan(sample_site):
    main = sample_site.page("/cumplimiento/").find("main")
    summary = main.find("h2", string=lambda text: text and text.startswith("Resumen de"))
    items = summary.find_next("ul").find_all("li")
    assert [item.find("a")["href"] for item in items] == [f"#{name}" for name in SEVEN]
    assert [main.find(id=name).name for name in SEVEN] == ["h2"] * 7
    text = {item.find("a")["href"][1:]: " ".join(item.get_text().split()) for item in items}
    assert text["correo"] == ("Empleo de correo electrónico institucional: no se mide desde "
                              "el sitio.")
    # The unmeasured action shows what the site can: the offices' institutional addresses.
    addresses = main.find(id="correo").find_next("ul").find_all("a")
    assert [anchor["href"] for anchor in addresses] == [
        "mailto:juridica@chitaga-nortedesantander.gov.co",
        "mailto:personeria@chitaga-nortedesantander.gov.co"]
    document = json.loads((sample_site.output / "cumplimiento.json").read_text())
    assert [item["accion"] for item in document["acciones_sin_medicion"]] == ["correo"]
    assert not {"correo", "difusion"} & {row["accion"] for row in document["indicadores"]}


def test_the_terminal_table_names_the_unmeasured_actions():
    table = terminal_table(compute(history(), PLAN, OFFICES, D(2027, 3, 10)), "")
    assert table.splitlines()[-2:] == [
        "Sin medición desde el sitio: correo (juridica).",
        "Datos hasta 2027-03-10; historial desde 2025-03-04."]


def test_the_office_page_names_its_unmeasured_action(sample_site):
    assert ("También responde por «Empleo de correo electrónico institucional», que el sitio "
            "no puede medir.") in sample_site.main_text("/oficinas/personeria/")
    assert "que el sitio no puede medir" not in sample_site.main_text("/oficinas/hacienda/")


def test_from_git_to_rows_empalme_in_its_vigencia_and_correo_unmeasured(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2026-02-02T09:00:00-05:00", {
        "content/noticias/despacho/2026-02-02-n.md": "noticia"})
    repo.commit("2027-01-15T09:00:00-05:00", {
        # gobierno's empalme jornada on 30 December 2027 (the term's last days), written
        # down early; a draft empalme of despacho and a socialización of juridica do not count.
        "content/eventos/gobierno/2027-12-30-empalme.md": event_file("2027-12-30", "empalme"),
        "content/eventos/despacho/2027-06-01-empalme.md": event_file(
            "2027-06-01", "empalme", "borrador: true\n"),
        "content/eventos/juridica/2027-05-01-jornada.md": event_file("2027-05-01",
                                                                    "socializacion")})
    plan = {"acciones": [EMPALME, CORREO]}
    document, reason = indicators_of(repo.root / "content", plan, OFFICES, "America/Bogota",
                                     D(2028, 1, 10))
    assert reason == ""
    # History starts in 2026, but empalme has rows for 2027 only. By 10 January 2028 the
    # year 2027 is over: gobierno met it on 30 December; despacho (draft) and juridica
    # (another tipo) did not.
    assert [(row["oficina"], row["vigencia"], row["periodos"], row["estado"])
            for row in document["indicadores"]] == [
        ("despacho", 2027, [False], "incumple"), ("gobierno", 2027, [True], "cumple"),
        ("juridica", 2027, [False], "incumple")]
    assert [item["accion"] for item in document["acciones_sin_medicion"]] == ["correo"]
