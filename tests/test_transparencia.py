"""The transparency menu (DESIGN.md §9): catalogue, rules, matrix and `invoke transparencia`.

The fixture tests/fixtures/contenido-transparencia fills one item of each kind:
1.1 by a page, 2.1 by two pages (one names the deeper id 2.1.1), 1.4 by the
offices, 5.1–5.4 by one trámite, 3.1 by an enlace, 9.1 by a no_aplica, and 7.1.3
by the esquema de publicación, which the site always generates; it has no contracts
(3.2 and 3.3 pendiente) and no events (1.11 pendiente).
"""

from __future__ import annotations

import re
import runpy
import shutil
from pathlib import Path

import pytest
from invoke import Context, Exit

import tasks
from conftest import ROOT, SAMPLE_CONTENT
from municipal.content.layout import ContentFile
from municipal.content.model import Problem, Site
from municipal.content.validation import check_content
from municipal.pipeline import validate_and_list_generators
from municipal.transparency import fillings
from municipal.transparency.catalogue import load_catalogue
from municipal.transparency.matrix import matrix, summary_line, terminal_table, to_csv, to_json
from municipal.transparency.rules import problems

SETTINGS = runpy.run_path(str(ROOT / "pelicanconf.py"))
RES1519 = ROOT.parent / "shared" / "transparencia-res1519.md"
FIXTURE = ROOT / "tests" / "fixtures" / "contenido-transparencia"
DOMAIN = "https://silos-nortedesantander.gov.co"
SECOP_PAA = "https://community.secop.gov.co/Public/App/AnnualPurchasingPlanManagementPublic/Index"
NO_APLICA_91 = ("El municipio no tiene normatividad especial que lo obligue a reportar "
                "información.")


def md_table() -> list[tuple[str, str]]:
    rows = []
    for line in RES1519.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and re.fullmatch(r"[0-9]+(\.[0-9]+)*", cells[0]):
            rows.append((cells[0], cells[1].strip("*")))
    return rows


def fixture_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


# The catalogue


def test_the_catalogue_is_the_table_of_the_resolution_item_by_item():
    table = md_table()
    assert len(table) == 67
    catalogue = load_catalogue()
    listed = [(entry.id, entry.nombre) for entry in catalogue.entries if entry.tipo != "subitem"]
    assert listed == table


def test_categories_headings_and_parents():
    catalogue = load_catalogue()
    categories = [entry.id for entry in catalogue.entries if entry.tipo == "categoria"]
    assert categories == [str(number) for number in range(1, 11)]
    assert [entry.id for entry in catalogue.entries if entry.tipo == "encabezado"] == ["7.1"]
    assert catalogue.by_id["7.1.3"].padre == "7.1"
    assert catalogue.by_id["1.14"].padre == "1"
    assert catalogue.by_id["10.2"].categoria == "10"
    assert len(catalogue.rows) == 56


def test_the_sources_are_the_site_column_of_the_table():
    sources = {entry.id: entry.fuente for entry in load_catalogue().entries if entry.fuente}
    assert sources == {
        "1.4": "oficinas", "1.11": "eventos", "3.2": "contratos", "3.3": "contratos",
        "4.5": "informe_de_empalme", "5.1": "tramites", "5.2": "tramites", "5.3": "tramites",
        "5.4": "tramites", "6.6": "rendicion_de_cuentas", "7.1.3": "esquema_de_publicacion",
        "7.2": "datos_abiertos",
    }


def test_a_deeper_id_fills_its_item_and_an_unknown_one_fills_nothing():
    catalogue = load_catalogue()
    assert catalogue.row_of("2.1.1").id == "2.1"
    assert catalogue.row_of("2.2.2").id == "2.2"
    assert catalogue.row_of("7.1") is None  # a heading is not a row
    assert catalogue.row_of("3") is None
    assert catalogue.row_of("1.99") is None


# The matrix


FILLED_ROWS = {
    "1.1": ("publicado", ["/mision-y-vision/"], None),
    "1.4": ("publicado", ["/oficinas/"], None),
    "2.1": ("publicado", ["/leyes/", "/normativa/"], None),
    "3.1": ("publicado", [SECOP_PAA], None),
    "5.1": ("publicado", ["/tramites/"], None),
    "5.2": ("publicado", ["/tramites/"], None),
    "5.3": ("publicado", ["/tramites/"], None),
    "5.4": ("publicado", ["/tramites/"], None),
    "7.1.3": ("publicado", ["/transparencia/esquema-de-publicacion/"], None),
    "7.2": ("publicado", ["/datos/"], None),  # every build publishes the open data section
    "9.1": ("no_aplica", [], NO_APLICA_91),
}


def fixture_matrix(base_url: str = "") -> dict:
    return matrix(load_catalogue(), check_content(FIXTURE, use_cache=False), SETTINGS, base_url)


def test_the_matrix_has_one_row_per_item_in_order_with_its_filling():
    document = fixture_matrix()
    assert document["resumen"] == {"publicado": 10, "no_aplica": 1, "pendiente": 45}
    items = {row["id"]: row for row in document["items"]}
    assert [row["id"] for row in document["items"]] == [
        id_ for id_, _ in md_table() if "." in id_ and id_ != "7.1"]
    assert items["1.1"] == {"id": "1.1", "nombre": "Misión, visión, funciones y deberes",
                            "estado": "publicado", "urls": ["/mision-y-vision/"],
                            "motivo": None, "categoria": "1"}
    assert items["9.1"] == {"id": "9.1", "nombre": "Normatividad especial",
                            "estado": "no_aplica", "urls": [], "motivo": NO_APLICA_91,
                            "categoria": "9"}
    for id_, row in items.items():
        estado, urls, motivo = FILLED_ROWS.get(id_, ("pendiente", [], None))
        assert (row["estado"], row["urls"], row["motivo"]) == (estado, urls, motivo), id_


def test_sources_the_site_does_not_generate_for_this_content_stay_pending():
    """The fixture has no contracts and no events, and the handover report is not built yet."""
    items = {row["id"]: row for row in fixture_matrix()["items"]}
    for id_ in ("1.11", "3.2", "3.3", "4.5", "6.6"):
        assert items[id_]["estado"] == "pendiente", id_


def test_the_urls_of_generated_lists_come_from_the_settings():
    settings = {**SETTINGS, "OFICINAS_URL": "dependencias/",
                "TRANSPARENCIA_ESQUEMA_URL": "transparencia/esquema/"}
    site = check_content(FIXTURE, use_cache=False)
    items = {row["id"]: row for row in matrix(load_catalogue(), site, settings)["items"]}
    assert items["1.4"]["urls"] == ["/dependencias/"]
    assert items["7.1.3"]["urls"] == ["/transparencia/esquema/"]


def test_registering_a_generated_source_is_one_entry(monkeypatch):
    """What the events feature will add: its item turns publicado, linked from its setting."""
    monkeypatch.setitem(fillings.GENERATED_SOURCES, "eventos", fillings.GeneratedSource(
        "Eventos", "EVENTOS_URL", fillings.has_kind("tramites"), "tramites"))
    site = check_content(FIXTURE, use_cache=False)
    items = {row["id"]: row for row in matrix(
        load_catalogue(), site, {**SETTINGS, "EVENTOS_URL": "eventos/"})["items"]}
    assert (items["1.11"]["estado"], items["1.11"]["urls"]) == ("publicado", ["/eventos/"])
    monkeypatch.setitem(fillings.GENERATED_SOURCES, "eventos", fillings.GeneratedSource(
        "Eventos", "EVENTOS_URL", fillings.has_kind("eventos"), "eventos"))
    items = {row["id"]: row for row in matrix(
        load_catalogue(), site, {**SETTINGS, "EVENTOS_URL": "eventos/"})["items"]}
    assert items["1.11"]["estado"] == "pendiente"  # this content has no events


def test_an_event_of_a_type_is_seen_unless_it_is_a_draft(tmp_path):
    """For 6.6: the rendición de cuentas is there when an event of that tipo is."""
    folder = tmp_path / "eventos" / "despacho"
    folder.mkdir(parents=True)
    files = {}
    for name, tipo, draft in (("2026-03-10-socializacion.md", "socializacion", False),
                              ("2026-12-12-audiencia.md", "rendicion_de_cuentas", True)):
        (folder / name).write_text(f"---\ntitulo: x\ntipo: {tipo}\nborrador: {str(draft).lower()}"
                                   "\n---\nTexto.\n", encoding="utf-8")
        relpath = f"eventos/despacho/{name}"
        files[relpath] = ContentFile(tmp_path, relpath, "eventos", "despacho")
    site = Site(tmp_path, files=files)
    assert not fillings.has_event_of_type("rendicion_de_cuentas")(site)
    assert fillings.has_event_of_type("socializacion")(site)
    (folder / "2026-12-12-audiencia.md").write_text(
        "---\ntitulo: x\ntipo: rendicion_de_cuentas\n---\nTexto.\n", encoding="utf-8")
    assert fillings.has_event_of_type("rendicion_de_cuentas")(Site(tmp_path, files=files))
    (folder / "2026-03-10-socializacion.md").write_text("---\ntitulo: [\n---\n", encoding="utf-8")
    assert not fillings.has_event_of_type("socializacion")(Site(tmp_path, files=files))


def test_contracts_fill_3_2_and_3_3_when_there_are_contracts():
    site = check_content(SAMPLE_CONTENT, use_cache=False)
    items = {row["id"]: row for row in matrix(load_catalogue(), site, SETTINGS)["items"]}
    assert items["3.2"]["urls"] == items["3.3"]["urls"] == ["/contratos/"]


def test_production_urls_are_absolute_and_links_stay_as_written():
    items = {row["id"]: row for row in fixture_matrix(DOMAIN)["items"]}
    assert items["2.1"]["urls"] == [f"{DOMAIN}/leyes/", f"{DOMAIN}/normativa/"]
    assert items["1.4"]["urls"] == [f"{DOMAIN}/oficinas/"]
    assert items["3.1"]["urls"] == [SECOP_PAA]


def test_json_writer():
    text = to_json(fixture_matrix())
    assert text.startswith('{\n  "resumen": {\n    "publicado": 10,\n    "no_aplica": 1,\n'
                           '    "pendiente": 45\n  },\n  "items": [\n    {\n      "id": "1.1",\n'
                           '      "nombre": "Misión, visión, funciones y deberes",\n'
                           '      "estado": "publicado",\n      "urls": [\n'
                           '        "/mision-y-vision/"\n      ],\n      "motivo": null,\n'
                           '      "categoria": "1"\n    },\n')


def test_csv_writer():
    lines = to_csv(fixture_matrix(DOMAIN)).splitlines()
    assert lines[0] == "id,categoria,nombre,estado,urls,motivo"
    assert len(lines) == 57
    assert lines[1] == ('1.1,1,"Misión, visión, funciones y deberes",publicado,'
                        f"{DOMAIN}/mision-y-vision/,")
    assert lines[2] == "1.2,1,Estructura orgánica - Organigrama,pendiente,,"
    assert ("2.1,2,Normativa de la entidad o autoridad,publicado,"
            f"{DOMAIN}/leyes/ {DOMAIN}/normativa/,") in lines
    assert f"9.1,9,Normatividad especial,no_aplica,,{NO_APLICA_91}" in lines


def test_table_for_people():
    lines = terminal_table(fixture_matrix()).splitlines()
    assert lines[0] == "Sección  Estado     Nombre"
    assert lines[1:4] == [
        "1.1      publicado  Misión, visión, funciones y deberes",
        "                    /mision-y-vision/",
        "1.2      PENDIENTE  Estructura orgánica - Organigrama",
    ]
    at = lines.index("9.1      no aplica  Normatividad especial")
    assert lines[at + 1] == f"                    No aplica: {NO_APLICA_91}"
    assert lines[-1] == "10 publicados, 1 no aplica, 45 pendientes"


@pytest.mark.parametrize(("counts", "line"), [
    ((52, 4, 9), "52 publicados, 4 no aplican, 9 pendientes"),
    ((1, 1, 1), "1 publicado, 1 no aplica, 1 pendiente"),
    ((0, 0, 56), "0 publicados, 0 no aplican, 56 pendientes"),
])
def test_summary_line(counts, line):
    resumen = dict(zip(("publicado", "no_aplica", "pendiente"), counts, strict=True))
    assert summary_line({"resumen": resumen, "items": []}) == line


# Validation


def test_the_fixture_and_the_sample_have_no_transparency_problems():
    for folder in (FIXTURE, SAMPLE_CONTENT):
        site = check_content(folder, use_cache=False)
        assert site.problems == [] and problems(site) == []


def test_transparencia_yml_is_optional(tmp_path):
    content = fixture_copy(tmp_path)
    (content / "transparencia.yml").unlink()
    site = check_content(content, use_cache=False)
    assert site.problems == [] and problems(site) == []
    assert fixture_matrix()["resumen"]["no_aplica"] == 1
    assert matrix(load_catalogue(), site, SETTINGS)["resumen"]["no_aplica"] == 0


def test_unknown_ids_duplicates_and_no_aplica_of_a_filled_item(tmp_path):
    content = fixture_copy(tmp_path)
    write(content / "transparencia.yml", (
        "items:\n"
        '  - id: "3.1"\n'
        "    enlace: https://www.colombiacompra.gov.co/\n"
        '  - id: "1.99"\n'
        "    enlace: https://www.suin-juriscol.gov.co/\n"
        '  - id: "3.1"\n'
        "    enlace: https://www.secop.gov.co/\n"
        '  - id: "1.4"\n'
        "    no_aplica: La Alcaldía no tiene sedes ni oficinas distintas del palacio.\n"
        '  - id: "2.1.3"\n'
        "    no_aplica: La Alcaldía no expide normas distintas de los decretos.\n"
    ))
    write(content / "paginas" / "despacho" / "mision-y-vision.md", (
        '---\ntitulo: Misión y visión\nresumen: La misión.\nseccion: "11.1"\n---\nTexto.\n'))
    site = check_content(content, use_cache=False)
    assert site.problems == []
    unknown = ("no es una sección del menú de transparencia (Res. 1519 de 2020): "
               "use el número de la sección, por ejemplo 1.1.")
    assert problems(site) == [
        Problem("content/paginas/despacho/mision-y-vision.md", 4, "seccion",
                f'"11.1" {unknown} ¿Quiso decir "1.1"?'),
        Problem("content/transparencia.yml", 4, "items[2].id",
                f'"1.99" {unknown} ¿Quiso decir "1.9"?'),
        Problem("content/transparencia.yml", 6, "items[3].id",
                'la sección "3.1" ya está en la línea 2: deje una sola entrada por sección'),
        Problem("content/transparencia.yml", 9, "items[4].no_aplica",
                'la sección "1.4" no puede ser no_aplica: ya la publica el sitio '
                "(Directorio de dependencias); quite no_aplica o deje de publicarla"),
        Problem("content/transparencia.yml", 11, "items[5].no_aplica",
                'la sección "2.1" no puede ser no_aplica: ya la publica la página '
                "content/paginas/despacho/leyes.md; quite no_aplica o deje de publicarla"),
    ]


def test_the_schema_wants_exactly_one_of_enlace_and_no_aplica(tmp_path):
    content = fixture_copy(tmp_path)
    write(content / "transparencia.yml", (
        "items:\n"
        '  - id: "3.1"\n'
        "    enlace: https://www.secop.gov.co/\n"
        "    no_aplica: La Alcaldía no tiene plan anual de adquisiciones propio.\n"
        '  - id: "4.1"\n'
        '  - id: "9.1"\n'
        "    no_aplica: no aplica\n"
        '  - id: "1.2"\n'
        "    enlace: http://www.chitaga.gov.co/organigrama\n"
        "  - id: 4.2\n"
        "    enlace: https://www.chitaga.gov.co/presupuesto\n"
    ))
    site = check_content(content, use_cache=False)
    one_of = ("escriba enlace (la dirección donde se publica) o no_aplica (por qué no aplica), "
              "uno de los dos y no ambos")
    assert [(p.path, p.line, p.field) for p in site.problems] == [
        ("content/transparencia.yml", 2, "items[1]"),
        ("content/transparencia.yml", 5, "items[2]"),
        ("content/transparencia.yml", 7, "items[3].no_aplica"),
        ("content/transparencia.yml", 9, "items[4].enlace"),
        ("content/transparencia.yml", 10, "items[5].id"),
    ]
    assert site.problems[0].message == site.problems[1].message == one_of
    assert "mínimo 20" in site.problems[2].message
    assert "https://" in site.problems[3].message
    assert 'entre comillas: "4.2"' in site.problems[4].message


def test_a_page_seccion_must_be_a_number(tmp_path):
    content = fixture_copy(tmp_path)
    write(content / "paginas" / "despacho" / "normativa.md", (
        "---\ntitulo: Normativa\nresumen: Normas.\nseccion: normativa\n---\nTexto.\n"))
    site = check_content(content, use_cache=False)
    assert [(p.path, p.line, p.field) for p in site.problems] == [
        ("content/paginas/despacho/normativa.md", 4, "seccion")]
    assert problems(site) == []  # one message for one mistake


# Where the rules run: the build and invoke validar


class FakePelican:
    def __init__(self, content: Path):
        self.settings = {"PATH": str(content), "TIMEZONE": "America/Bogota"}


def break_one_id(tmp_path: Path) -> Path:
    content = fixture_copy(tmp_path)
    write(content / "transparencia.yml", 'items:\n  - id: "1.99"\n    enlace: https://x.gov.co/\n')
    return content


def test_the_build_refuses_content_with_a_transparency_problem(tmp_path):
    content = break_one_id(tmp_path)
    with pytest.raises(Exception) as raised:
        validate_and_list_generators(FakePelican(content))
    assert [(p.path, p.line, p.field) for p in raised.value.problems] == [
        ("content/transparencia.yml", 2, "items[1].id")]


def test_invoke_validar_reports_transparency_problems(tmp_path, capsys):
    content = break_one_id(tmp_path)
    with pytest.raises(Exit) as raised:
        tasks.validar(Context(), contenido=str(content))
    assert raised.value.code == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith('content/transparencia.yml:2: items[1].id: "1.99" no es')
    assert out.splitlines()[-1] == "1 error en 1 archivo"


# invoke transparencia


def test_invoke_transparencia_formats(capsys):
    tasks.transparencia(Context(), contenido=str(FIXTURE), formato="csv")
    out = capsys.readouterr().out
    assert out.splitlines()[1] == (
        f'1.1,1,"Misión, visión, funciones y deberes",publicado,{DOMAIN}/mision-y-vision/,')
    tasks.transparencia(Context(), contenido=str(FIXTURE))
    assert capsys.readouterr().out.splitlines()[-1] == "10 publicados, 1 no aplica, 45 pendientes"
    tasks.transparencia(Context(), contenido=str(FIXTURE), formato="json")
    assert '"publicado": 10' in capsys.readouterr().out


def test_invoke_transparencia_refuses_an_unknown_format_and_bad_content(tmp_path, capsys):
    with pytest.raises(Exit) as raised:
        tasks.transparencia(Context(), contenido=str(FIXTURE), formato="xml")
    assert raised.value.code == 2
    with pytest.raises(Exit) as raised:
        tasks.transparencia(Context(), contenido=str(break_one_id(tmp_path)))
    assert raised.value.code == 1
    assert "content/transparencia.yml:2: items[1].id" in capsys.readouterr().err
