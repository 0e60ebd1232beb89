"""Update-frequency indicators (DESIGN.md §5): definitions, git reading, outputs."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from conftest import PREVIEW_SETTINGS, ROOT, BuiltSite
from gitrepo import GitRepo
from municipal.indicators.compliance import BadCutoff, cutoff
from municipal.indicators.computation import compute, periods_of, to_csv
from municipal.indicators.history import GIT, History, Update, read_history
from municipal.publishing.build import build_site

D = datetime.date
OFFICES = ["hacienda", "gobierno", "juridica"]
MENSUAL = {"id": "informacion", "nombre": "Información", "tipos": ["noticias", "paginas"],
           "oficinas": "todas", "meta_anual": 12}
SEMESTRAL = {"id": "tramites", "nombre": "Trámites", "tipos": ["tramites"],
             "oficinas": "todas", "meta_anual": 2}
ANUAL = {"id": "anual", "nombre": "Informe", "tipos": ["paginas"],
         "oficinas": ["hacienda"], "meta_anual": 1}
ROW_KEYS = ["accion", "oficina", "vigencia", "meta_anual", "periodos_cumplidos",
            "periodos_esperados", "cumplimiento", "estado", "ultima_actualizacion", "periodos"]


def history(*updates: tuple[str, str, str]) -> History:
    return History(GIT, [Update(D.fromisoformat(day), kind, office, f"c{index}")
                         for index, (day, kind, office) in enumerate(updates)])


def rows(document, accion=None, oficina=None, vigencia=None) -> list[dict]:
    return [row for row in document["indicadores"]
            if (accion is None or row["accion"] == accion)
            and (oficina is None or row["oficina"] == oficina)
            and (vigencia is None or row["vigencia"] == vigencia)]


def one(document, **where) -> dict:
    (row,) = rows(document, **where)
    return row


# --- definitions, on plain data -------------------------------------------------------

def test_periods_before_the_first_update_are_not_expected():
    document = compute(history(("2026-03-05", "noticias", "hacienda"),
                               ("2026-05-20", "paginas", "hacienda")),
                       [MENSUAL], OFFICES, D(2026, 6, 15))
    assert document["inicio"] == "2026-03-05"
    row = one(document, oficina="hacienda")
    assert list(row) == ROW_KEYS
    assert row["periodos"] == [None, None, True, False, True, None,
                               None, None, None, None, None, None]
    assert (row["periodos_cumplidos"], row["periodos_esperados"]) == (2, 3)
    assert row["cumplimiento"] == 0.6667 and row["estado"] == "parcial"
    assert row["ultima_actualizacion"] == "2026-05-20"


def test_the_current_month_counts_only_once_it_has_an_update():
    before = compute(history(("2026-03-05", "noticias", "hacienda")),
                     [MENSUAL], ["hacienda"], D(2026, 6, 15))
    assert one(before)["periodos"][5] is None
    assert one(before)["periodos_esperados"] == 3  # March, April, May
    after = compute(history(("2026-03-05", "noticias", "hacienda"),
                            ("2026-06-02", "noticias", "hacienda")),
                    [MENSUAL], ["hacienda"], D(2026, 6, 15))
    assert one(after)["periodos"][5] is True
    assert (one(after)["periodos_cumplidos"], one(after)["periodos_esperados"]) == (2, 4)


def test_a_month_that_ends_on_the_cut_off_day_is_still_current():
    document = compute(history(("2026-05-05", "noticias", "hacienda")),
                       [MENSUAL], ["hacienda"], D(2026, 6, 30))
    assert one(document)["periodos"][4:6] == [True, None]


def test_meta_anual_12_2_and_1_split_the_year_into_months_semesters_and_one_period():
    updates = history(("2025-02-10", "tramites", "hacienda"),
                      ("2025-08-01", "tramites", "hacienda"),
                      ("2025-03-01", "paginas", "hacienda"),
                      ("2026-02-01", "paginas", "hacienda"))
    document = compute(updates, [MENSUAL, SEMESTRAL, ANUAL], ["hacienda"], D(2026, 11, 24))
    assert [row["vigencia"] for row in rows(document, accion="tramites")] == [2025, 2026]
    assert one(document, accion="tramites", vigencia=2025)["periodos"] == [True, True]
    semester_2026 = one(document, accion="tramites", vigencia=2026)
    assert semester_2026["periodos"] == [False, None]
    assert semester_2026["estado"] == "incumple" and semester_2026["cumplimiento"] == 0
    # the latest update on or before the cut-off and the end of the year, from any year
    assert semester_2026["ultima_actualizacion"] == "2025-08-01"
    assert one(document, accion="anual", vigencia=2025)["periodos"] == [True]
    assert one(document, accion="anual", vigencia=2026)["periodos"] == [True]
    assert one(document, accion="anual", vigencia=2026)["estado"] == "cumple"
    monthly_2025 = one(document, accion="informacion", vigencia=2025)
    # inicio (any office, any kind) is 2025-02-10: February is expected, but its
    # only update was a trámite, which does not count for this action
    assert monthly_2025["periodos"][:3] == [None, False, True]
    assert monthly_2025["periodos_esperados"] == 11


def test_offices_without_updates_fail_with_no_last_update():
    document = compute(history(("2026-01-15", "noticias", "hacienda")),
                       [MENSUAL], OFFICES, D(2026, 4, 10))
    assert [row["oficina"] for row in document["indicadores"]] == OFFICES
    gobierno = one(document, oficina="gobierno")
    assert gobierno["periodos"][:4] == [False, False, False, None]
    assert gobierno["estado"] == "incumple" and gobierno["ultima_actualizacion"] is None
    assert (gobierno["periodos_cumplidos"], gobierno["cumplimiento"]) == (0, 0)


def test_updates_after_the_cut_off_do_not_count():
    document = compute(history(("2026-01-15", "noticias", "hacienda"),
                               ("2026-04-20", "noticias", "hacienda")),
                       [MENSUAL], ["hacienda"], D(2026, 4, 10))
    row = one(document)
    assert row["periodos"][:4] == [True, False, False, None]
    assert row["ultima_actualizacion"] == "2026-01-15"
    nothing_yet = compute(history(("2026-04-20", "noticias", "hacienda")),
                          [MENSUAL], ["hacienda"], D(2026, 4, 10))
    assert nothing_yet["inicio"] is None
    assert one(nothing_yet)["estado"] == "sin_datos"
    assert one(nothing_yet)["cumplimiento"] is None


def test_only_the_kinds_of_the_action_count():
    document = compute(history(("2026-01-15", "contratos", "hacienda"),
                               ("2026-01-20", "noticias", "gobierno")),
                       [MENSUAL], ["hacienda", "gobierno"], D(2026, 2, 10))
    assert one(document, oficina="hacienda")["periodos"][0] is False
    assert one(document, oficina="gobierno")["periodos"][0] is True


def test_without_history_there_are_no_figures():
    for source in ("sin_historial", "historial_incompleto"):
        document = compute(History(source), [MENSUAL], OFFICES, D(2026, 11, 24))
        assert document == {"hasta": "2026-11-24", "fuente": source, "inicio": None,
                            "indicadores": []}


def test_csv_has_the_json_columns_without_periodos():
    document = compute(history(("2026-01-15", "noticias", "hacienda")),
                       [MENSUAL], ["hacienda", "gobierno"], D(2026, 3, 1))
    assert to_csv(document).splitlines() == [
        "accion,oficina,vigencia,meta_anual,periodos_cumplidos,periodos_esperados,"
        "cumplimiento,estado,ultima_actualizacion",
        "informacion,hacienda,2026,12,1,2,0.5,parcial,2026-01-15",
        "informacion,gobierno,2026,12,0,2,0.0,incumple,",
    ]


def test_a_past_years_last_update_is_capped_at_31_december():
    """DESIGN §5: the latest update on or before the cut-off *and* the end of year Y."""
    document = compute(history(("2025-03-01", "paginas", "hacienda"),
                               ("2025-12-31", "paginas", "hacienda"),
                               ("2026-01-01", "paginas", "hacienda"),
                               ("2026-02-01", "paginas", "hacienda")),
                       [ANUAL], ["hacienda"], D(2026, 11, 24))
    assert one(document, vigencia=2025)["ultima_actualizacion"] == "2025-12-31"
    assert one(document, vigencia=2026)["ultima_actualizacion"] == "2026-02-01"


CUATRIMESTRAL = {**ANUAL, "id": "cuatrimestral", "oficinas": ["hacienda", "gobierno"],
                 "meta_anual": 3}
TRIMESTRAL = {**CUATRIMESTRAL, "id": "trimestral", "meta_anual": 4}
BIMESTRAL = {**CUATRIMESTRAL, "id": "bimestral", "meta_anual": 6}


def test_meta_anual_3_4_and_6_split_the_year_into_whole_months():
    assert periods_of(2026, 3) == [(D(2026, 1, 1), D(2026, 4, 30)),
                                   (D(2026, 5, 1), D(2026, 8, 31)),
                                   (D(2026, 9, 1), D(2026, 12, 31))]
    assert periods_of(2026, 4) == [(D(2026, 1, 1), D(2026, 3, 31)),
                                   (D(2026, 4, 1), D(2026, 6, 30)),
                                   (D(2026, 7, 1), D(2026, 9, 30)),
                                   (D(2026, 10, 1), D(2026, 12, 31))]
    assert periods_of(2024, 6) == [(D(2024, 1, 1), D(2024, 2, 29)),
                                   (D(2024, 3, 1), D(2024, 4, 30)),
                                   (D(2024, 5, 1), D(2024, 6, 30)),
                                   (D(2024, 7, 1), D(2024, 8, 31)),
                                   (D(2024, 9, 1), D(2024, 10, 31)),
                                   (D(2024, 11, 1), D(2024, 12, 31))]


def test_meta_anual_3_updates_on_the_first_and_last_day_of_a_period():
    # Jan-Apr has its update on its last day (also inicio), May-Aug none, and Sep-Dec,
    # which holds the cut-off, on its first day. gobierno never updates.
    document = compute(history(("2026-04-30", "paginas", "hacienda"),
                               ("2026-09-01", "paginas", "hacienda")),
                       [CUATRIMESTRAL], OFFICES, D(2026, 10, 15))
    hacienda = one(document, oficina="hacienda")
    assert hacienda["periodos"] == [True, False, True]
    assert (hacienda["periodos_cumplidos"], hacienda["periodos_esperados"]) == (2, 3)
    assert (hacienda["cumplimiento"], hacienda["estado"]) == (0.6667, "parcial")
    assert hacienda["ultima_actualizacion"] == "2026-09-01"
    gobierno = one(document, oficina="gobierno")
    assert gobierno["periodos"] == [False, False, None]  # Jan-Apr ends on inicio: expected
    assert (gobierno["periodos_cumplidos"], gobierno["periodos_esperados"]) == (0, 2)


def test_meta_anual_4_quarters_with_updates_on_their_boundaries():
    # Q1 updated on 31 March, Q2 on 1 April and 30 June, Q3 (holds the cut-off) not yet.
    document = compute(history(("2026-03-31", "paginas", "hacienda"),
                               ("2026-04-01", "paginas", "hacienda"),
                               ("2026-06-30", "paginas", "hacienda")),
                       [TRIMESTRAL], OFFICES, D(2026, 9, 30))
    hacienda = one(document, oficina="hacienda")
    assert hacienda["periodos"] == [True, True, None, None]
    assert (hacienda["periodos_cumplidos"], hacienda["periodos_esperados"]) == (2, 2)
    assert hacienda["estado"] == "cumple"
    gobierno = one(document, oficina="gobierno")
    assert gobierno["periodos"] == [False, False, None, None]
    # The day after, Q3 is over and was not updated.
    later = one(compute(history(("2026-03-31", "paginas", "hacienda"),
                                ("2026-06-30", "paginas", "hacienda")),
                        [TRIMESTRAL], OFFICES, D(2026, 10, 1)), oficina="hacienda")
    assert later["periodos"] == [True, True, False, None]
    assert (later["cumplimiento"], later["estado"]) == (0.6667, "parcial")


def test_meta_anual_6_bimesters_of_a_leap_year():
    # inicio 29 February (last day of Jan-Feb 2024); Mar-Apr missed; May-Jun updated on its
    # first day; Jul-Aug missed; Sep-Oct holds the cut-off and has its update on 31 October.
    document = compute(history(("2024-02-29", "paginas", "hacienda"),
                               ("2024-05-01", "paginas", "hacienda"),
                               ("2024-10-31", "paginas", "hacienda")),
                       [BIMESTRAL], OFFICES, D(2024, 10, 31))
    row = one(document, oficina="hacienda")
    assert row["periodos"] == [True, False, True, False, True, None]
    assert (row["periodos_cumplidos"], row["periodos_esperados"]) == (3, 5)
    assert (row["cumplimiento"], row["estado"]) == (0.6, "parcial")
    assert row["ultima_actualizacion"] == "2024-10-31"


def test_updates_of_an_office_not_in_oficinas_yml_count_for_no_one():
    """History is attributed by path alone: content/noticias/otra/ is an update of "otra",
    which is no office of oficinas.yml: it sets no inicio, and no row is about it."""
    document = compute(history(("2025-06-10", "noticias", "otra"),
                               ("2026-03-05", "noticias", "hacienda"),
                               ("2026-04-10", "noticias", "otra")),
                       [MENSUAL, {**ANUAL, "tipos": ["noticias"]}], ["hacienda", "gobierno"],
                       D(2026, 6, 15))
    assert document["inicio"] == "2026-03-05"
    assert [(row["accion"], row["oficina"], row["vigencia"])
            for row in document["indicadores"]] == [
        ("informacion", "hacienda", 2026), ("informacion", "gobierno", 2026),
        ("anual", "hacienda", 2026)]
    assert one(document, accion="informacion", oficina="hacienda")["periodos"][2:6] == [
        True, False, False, None]  # April's update was otra's
    assert one(document, accion="informacion", oficina="gobierno")["periodos"][2:6] == [
        False, False, False, None]


# --- reading git ---------------------------------------------------------------------

@pytest.fixture
def repo(tmp_path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def test_one_pass_reading_attributes_changes_by_path(repo):
    repo.commit("2026-01-10T09:00:00-05:00", {
        "content/noticias/hacienda/2026-01-10-a.md": "a",
        "content/tramites/gobierno/paz.yml": "b",
        "content/plan.yml": "c",
        "content/adjuntos/hacienda/f.pdf": "d",
        "content/noticias/leeme.md": "e",
        "otra/noticias/hacienda/x.md": "f",
    })
    updates = read_history(repo.root / "content").updates
    assert [(u.date.isoformat(), u.kind, u.office) for u in updates] == [
        ("2026-01-10", "noticias", "hacienda"), ("2026-01-10", "tramites", "gobierno")]


def test_commit_dates_are_calendar_dates_in_bogota(repo):
    repo.commit("2026-03-31T23:30:00-05:00", {"content/noticias/hacienda/a.md": "a"})
    repo.commit("2026-04-01T03:00:00+00:00", {"content/noticias/hacienda/a.md": "b"})
    dates = [u.date for u in read_history(repo.root / "content").updates]
    assert dates == [D(2026, 3, 31), D(2026, 3, 31)]  # 04:30 and 03:00 UTC on 1 April


def test_merged_branch_counts_once_and_the_merge_commit_not_at_all(repo):
    repo.commit("2026-01-05T10:00:00-05:00", {"content/noticias/gobierno/a.md": "a"})
    repo.git("checkout", "-q", "-b", "rama")
    branch = repo.commit("2026-02-10T10:00:00-05:00", {"content/tramites/hacienda/t.yml": "t"})
    repo.git("checkout", "-q", "main")
    repo.commit("2026-03-10T10:00:00-05:00", {"content/noticias/gobierno/b.md": "b"})
    repo.git("merge", "-q", "--no-ff", "-m", "fusionar", "rama",
             date="2026-04-15T10:00:00-05:00")
    updates = read_history(repo.root / "content").updates
    assert [(u.date.isoformat(), u.office) for u in updates] == [
        ("2026-01-05", "gobierno"), ("2026-02-10", "hacienda"), ("2026-03-10", "gobierno")]
    assert [u.commit for u in updates if u.office == "hacienda"] == [branch]


def test_a_delete_only_commit_is_not_an_update_and_a_rename_is(repo):
    repo.commit("2026-01-05T10:00:00-05:00", {
        "content/tramites/hacienda/viejo.yml": "nombre: Paz y salvo\n" * 20,
        "content/tramites/gobierno/otro.yml": "x"})
    repo.commit("2026-02-05T10:00:00-05:00", {"content/tramites/gobierno/otro.yml": None})
    repo.rename("2026-03-05T10:00:00-05:00", "content/tramites/hacienda/viejo.yml",
                "content/tramites/juridica/nuevo.yml")
    updates = read_history(repo.root / "content").updates
    assert [(u.date.isoformat(), u.office) for u in updates] == [
        ("2026-01-05", "gobierno"), ("2026-01-05", "hacienda"), ("2026-03-05", "juridica")]


def test_content_at_the_root_of_its_own_repository(repo):
    repo.commit("2026-01-05T10:00:00-05:00", {"noticias/hacienda/a.md": "a"})
    assert [u.office for u in read_history(repo.root).updates] == ["hacienda"]


def test_a_folder_outside_git_has_no_history(tmp_path):
    (tmp_path / "content").mkdir()
    result = read_history(tmp_path / "content")
    assert result.source == "sin_historial" and result.updates == []


def test_a_shallow_clone_is_detected_not_counted(repo, tmp_path):
    for month in range(1, 4):
        repo.commit(f"2026-0{month}-05T10:00:00-05:00",
                    {"content/noticias/hacienda/a.md": str(month)})
    clone = tmp_path / "clon"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)],
                   check=True)
    result = read_history(clone / "content")
    assert result.source == "historial_incompleto" and result.updates == []
    assert "shallow" in result.reason


# --- the command --------------------------------------------------------------------

@pytest.fixture(scope="module")
def municipality(tmp_path_factory) -> GitRepo:
    """The sample content in its own repository, with a year of backdated updates."""
    repo = GitRepo(tmp_path_factory.mktemp("municipio") / "repo")
    repo.import_folder(ROOT / "content", "content", "2025-11-03T09:00:00-05:00")
    for month in range(1, 11):
        repo.commit(f"2026-{month:02d}-12T10:00:00-05:00", {
            f"content/noticias/hacienda/2026-{month:02d}-12-boletin.md":
                f"---\ntitulo: Boletín {month}\nfecha: 2026-{month:02d}-12\n"
                "resumen: Boletín mensual de la Tesorería.\n---\nTexto.\n"})
    repo.commit("2026-06-01T10:00:00-05:00", {
        "content/tramites/hacienda/paz-y-salvo-municipal.yml":
            (ROOT / "content/tramites/hacienda/paz-y-salvo-municipal.yml").read_text(
                encoding="utf-8") + "# revisado\n"})
    return repo


def run_indicadores(content, *args):
    return subprocess.run(
        [sys.executable, "-m", "invoke", "indicadores", "--contenido", str(content), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_cli_prints_json_exactly_as_designed(municipality):
    result = run_indicadores(municipality.root / "content", "--hasta", "2026-11-24",
                             "--formato", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    # The sample plan's correo action is not measured from the site (DESIGN.md §5.1).
    assert list(document) == ["hasta", "fuente", "inicio", "acciones_sin_medicion",
                              "indicadores"]
    assert (document["hasta"], document["fuente"], document["inicio"]) == (
        "2026-11-24", "git", "2025-11-03")
    hacienda = next(row for row in document["indicadores"] if row["accion"] == "informacion"
                    and row["oficina"] == "hacienda" and row["vigencia"] == 2026)
    assert hacienda == {
        "accion": "informacion", "oficina": "hacienda", "vigencia": 2026, "meta_anual": 12,
        "periodos_cumplidos": 10, "periodos_esperados": 10, "cumplimiento": 1.0,
        "estado": "cumple", "ultima_actualizacion": "2026-10-12",
        "periodos": [True] * 10 + [None, None]}
    gobierno = next(row for row in document["indicadores"] if row["accion"] == "informacion"
                    and row["oficina"] == "gobierno" and row["vigencia"] == 2026)
    assert (gobierno["periodos_cumplidos"], gobierno["estado"]) == (0, "incumple")
    assert gobierno["ultima_actualizacion"] == "2025-11-03"  # the initial import


def test_cli_table_and_csv(municipality):
    table = run_indicadores(municipality.root / "content", "--hasta", "2026-11-24")
    assert table.returncode == 0, table.stderr
    lines = [line.split() for line in table.stdout.splitlines()]
    assert lines[0] == ["vigencia", "acción", "oficina", "cumplidos", "%", "estado",
                        "última", "actualización"]
    assert ["2026", "informacion", "hacienda", "10/10", "100", "%", "Cumple",
            "2026-10-12"] in lines
    assert lines[-1] == ["Datos", "hasta", "2026-11-24;", "historial", "desde", "2025-11-03."]
    csv = run_indicadores(municipality.root / "content", "--hasta", "2026-11-24",
                          "--formato", "csv")
    assert "tramites,hacienda,2026,2,1,1,1.0,cumple,2026-06-01" in csv.stdout.splitlines()


def test_cli_ignores_the_history_of_a_folder_that_is_no_office(tmp_path):
    """A folder content/noticias/otra/ (never in oficinas.yml, since removed) stays in the
    history: it must not start the indicators early, nor give a row, nor crash."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2025-01-10T09:00:00-05:00", {
        "content/noticias/otra/2025-01-10-aviso.md":
            "---\ntitulo: Aviso\nfecha: 2025-01-10\nresumen: Aviso.\n---\nTexto.\n"})
    repo.commit("2025-03-10T09:00:00-05:00", {"content/noticias/otra/2025-01-10-aviso.md": None})
    repo.import_folder(ROOT / "content", "content", "2025-11-03T09:00:00-05:00")
    result = run_indicadores(repo.root / "content", "--hasta", "2026-11-24", "--formato", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["inicio"] == "2025-11-03"
    assert "otra" not in {row["oficina"] for row in document["indicadores"]}
    assert {row["vigencia"] for row in document["indicadores"]} == {2025, 2026}
    gobierno = next(row for row in document["indicadores"] if row["accion"] == "informacion"
                    and row["oficina"] == "gobierno" and row["vigencia"] == 2025)
    assert gobierno["periodos"] == [None] * 10 + [True, False]


def test_cli_refuses_a_bad_cut_off_date(municipality):
    result = run_indicadores(municipality.root / "content", "--hasta", "2026-02-30")
    assert result.returncode == 2
    assert "no es una fecha AAAA-MM-DD" in result.stderr


def test_cli_on_a_shallow_clone_prints_no_figures_and_says_why(municipality, tmp_path):
    clone = tmp_path / "clon"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{municipality.root}",
                    str(clone)], check=True)
    result = run_indicadores(clone / "content", "--formato", "json")
    assert json.loads(result.stdout)["fuente"] == "historial_incompleto"
    assert json.loads(result.stdout)["indicadores"] == []
    assert "copia parcial (shallow clone)" in result.stderr


# --- the site -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def compliance_site(municipality, tmp_path_factory):
    output = tmp_path_factory.mktemp("sitio-cumplimiento") / "output"
    build_site(municipality.root / "content", output, PREVIEW_SETTINGS,
               {"INDICADORES_HASTA": "2026-11-24"})
    return BuiltSite(output)


def test_the_build_publishes_the_same_json_and_csv_as_the_command(municipality,
                                                                  compliance_site):
    for formato in ("json", "csv"):
        printed = run_indicadores(municipality.root / "content", "--hasta", "2026-11-24",
                                  "--formato", formato).stdout
        published = (compliance_site.output / f"cumplimiento.{formato}").read_text(
            encoding="utf-8")
        assert published == printed


def test_compliance_page_summarises_each_action_and_explains_the_figures(compliance_site):
    page = compliance_site.page("/cumplimiento/")
    text = " ".join(page.find("main").get_text().split())
    assert page.find("h1").get_text() == "Cumplimiento del plan de acción"
    assert ("Actualización permanente de la información: 1 de 6 dependencias cumplen "
            "(meta: 12 actualizaciones al año)") in text
    assert "Publicación de los procesos de contratación: 0 de 2 dependencias cumplen" in text
    assert "Levantar información de los trámites: 1 de 6 dependencias cumplen" in text
    assert "períodos cumplidos sobre los esperados" in text
    links = {anchor["href"] for anchor in page.find("main").find_all("a", href=True)}
    assert {"../cumplimiento.json", "../cumplimiento.csv"} <= links
    table = page.find("table", class_="indicadores")
    assert table.find("caption").get_text() == (
        "Actualización permanente de la información, 2026 (meta: 12 al año)")
    hacienda = next(row for row in table.find_all("tr")
                    if "Hacienda" in row.get_text())
    assert [cell.get_text(" ", strip=True) for cell in hacienda.find_all(["th", "td"])] == [
        "Secretaría de Hacienda y Tesorería", "10 de 10 (100 %)", "Cumple (12 oct 2026)"]


def test_period_grids_are_readable_without_colour(compliance_site):
    page = compliance_site.page("/cumplimiento/")
    heading = page.find("h3", id="oficina-hacienda")
    grid = heading.find_next("table", class_="rejilla")
    assert grid.find("caption").get_text() == "Actualización permanente de la información"
    headers = [th.get_text() for th in grid.find("thead").find_all("th")]
    assert headers == ["Año", *"EFMAMJJASOND"]
    assert grid.find("abbr")["title"] == "enero"
    year_2026 = next(row for row in grid.find("tbody").find_all("tr")
                     if row.find("th").get_text() == "2026")
    cells = [cell.get_text(" ", strip=True) for cell in year_2026.find_all("td")]
    assert cells == ["✓ actualizado"] * 10 + ["– no se evalúa"] * 2
    year_2025 = next(row for row in grid.find("tbody").find_all("tr")
                     if row.find("th").get_text() == "2025")
    assert [cell.get_text(" ", strip=True) for cell in year_2025.find_all("td")][10:] == [
        "✓ actualizado", "✗ sin actualización"]
    semesters = heading.find_all_next("table", class_="rejilla")[1]
    assert [th.get_text() for th in semesters.find("thead").find_all("th")] == [
        "Año", "ene–jun", "jul–dic"]


def test_office_and_home_pages_show_the_indicators(compliance_site):
    office = compliance_site.main_text("/oficinas/hacienda/")
    assert "Indicadores de 2026 de Secretaría de Hacienda y Tesorería" in office
    assert ("Actualización permanente de la información (meta: 12 al año) 10 de 10 (100 %) "
            "Cumple (12 oct 2026)") in office
    home = compliance_site.page("/")
    link = home.find("a", href="./cumplimiento/")
    assert link.get_text() == "Cumplimiento del plan de acción"
    # 14 rows of informacion, contratacion and tramites, plus despacho's socialización:
    # jornadas on 14 March and 24 October meet both semesters (empalme is due in 2027,
    # correo and difusión have no rows).
    assert ("En 2026, 3 de 15 compromisos de actualización de las oficinas se cumplen al día."
            in link.parent.get_text())


def test_source_date_epoch_makes_the_indicators_reproducible(municipality, tmp_path,
                                                             monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795539600")  # 2026-11-24 12:00 in Bogotá
    outputs = []
    for name in ("uno", "dos"):
        build_site(municipality.root / "content", tmp_path / name, PREVIEW_SETTINGS)
        outputs.append((tmp_path / name / "cumplimiento.json").read_bytes())
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["hasta"] == "2026-11-24"


def test_without_git_the_site_builds_and_says_indicators_are_unavailable(content_copy,
                                                                        tmp_path):
    site = BuiltSite(build_site(content_copy, tmp_path / "output", PREVIEW_SETTINGS).output_dir)
    document = json.loads((site.output / "cumplimiento.json").read_text(encoding="utf-8"))
    assert (document["fuente"], document["indicadores"]) == ("sin_historial", [])
    assert "Los indicadores no están disponibles por ahora" in site.main_text("/cumplimiento/")
    assert "Indicadores no disponibles por ahora." in site.main_text("/")


def test_cut_off_is_hasta_else_source_date_epoch_else_today(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1775001600")  # 2026-04-01 00:00 UTC
    assert cutoff("2026-02-01", "America/Bogota") == D(2026, 2, 1)
    assert cutoff(None, "America/Bogota") == D(2026, 3, 31)  # still 31 March in Bogotá
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    today = datetime.datetime.now(ZoneInfo("America/Bogota")).date()
    assert cutoff(None, "America/Bogota") == today
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "ayer")
    with pytest.raises(BadCutoff, match="SOURCE_DATE_EPOCH"):
        cutoff(None, "America/Bogota")
