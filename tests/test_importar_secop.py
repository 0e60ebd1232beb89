"""`invoke importar-secop` (DESIGN.md §11): contracts from a SECOP II «Contratos electrónicos»
export. The fixtures (tests/fixtures/secop/) are written from the dataset's documented fields
(datos.gov.co, jbjy-vk9h): the same eight rows as the API's JSON (field names, ISO dates,
urlproceso as {"url": ...}) and as the portal's CSV (display names, MM/DD/YYYY hh:mm:ss AM
dates, $38,500,000 amounts, a description over two lines)."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invoke import Context, Exit

import tasks
from conftest import ROOT, SAMPLE_CONTENT
from municipal.content.validation import check_content
from municipal.content.yaml_loader import parse_yaml, read_text
from municipal.staff.secop import BadRow, contract_from_row, nine_digits
from municipal.staff.secop_export import MAX_EXPORT_BYTES, NotAnExport, Row, read_export

FIXTURES = ROOT / "tests" / "fixtures" / "secop"
API_JSON = FIXTURES / "contratos-api.json"
PORTAL_CSV = FIXTURES / "contratos-portal.csv"
HEADER = "# Obra de las aulas de Las Lagunas: la interventoría es CM-002-2026.\n"

# Written by hand from the JSON's fourth line (CPS-040-2026) and DESIGN.md §3.
NEW_CONTRACT = """\
referencia: "CPS-040-2026"
proceso: CO1.PCCNTR.9100231
modalidad: contratacion_directa
tipo: prestacion_de_servicios
objeto: Prestación de servicios de apoyo a la gestión como auxiliar administrativo de la \
Oficina Jurídica del Municipio de Chitagá.
valor: 18000000
contratista:
  nombre: Diana Carolina Villamizar Rozo
  tipo_documento: CC
  documento: "1090123456"
fecha_firma: 2026-03-02
fecha_inicio: 2026-03-03
fecha_fin: 2026-11-30
estado: terminado
supervisor: Jefe de la Oficina Jurídica
url_secop: https://community.secop.gov.co/Public/Tendering/OpportunityDetail/Index?noticeUID=\
CO1.NTC.9088812
ejecucion:
  fecha_corte: 2026-12-01
  valor_pagado: 18000000
"""

NOT_TRANSLATED = (
    "no se puede traducir a {noun} del sitio ({choices}); publique ese contrato a mano, o "
    "pida que se agregue el valor a la tabla SECOP_VALUES de plugins/municipal/staff/secop.py")
ESTADOS = ("convocado, adjudicado, celebrado, en_ejecucion, suspendido, terminado, liquidado, "
           "desierto")
MODALIDADES = ("licitacion_publica, seleccion_abreviada, concurso_de_meritos, "
               "contratacion_directa, minima_cuantia, regimen_especial")


def problems_of(export: str, lines: tuple[int, int, int], estado: str, modalidad: str,
                valor: str) -> list[str]:
    """The three rows the import must report, with their lines in `export`."""
    cancelled, sold, dates = lines
    return [
        f'{export}:{cancelled}: {estado} "Cancelado" '
        + NOT_TRANSLATED.format(noun="un estado", choices=ESTADOS) + "; la fila no se importó",
        f'{export}:{sold}: {modalidad} "Enajenación de bienes con subasta" '
        + NOT_TRANSLATED.format(noun="una modalidad", choices=MODALIDADES)
        + f'; {valor} "dos millones" no es un valor en pesos (un número entero, como 38500000 '
        "o $38,500,000); la fila no se importó",
        f"{export}:{dates}: content/contratos/juridica/cps-041-2026.yml quedaría con errores y "
        "no se escribió: fecha_inicio: 2026-03-01 es anterior a fecha_firma (2026-03-10); debe "
        "ser igual o posterior",
    ]


JSON_PROBLEMS = problems_of("contratos-api.json", (7, 8, 9), "estado_contrato",
                            "modalidad_de_contratacion", "valor_del_contrato")
CSV_PROBLEMS = problems_of("contratos-portal.csv", (8, 9, 10), "Estado Contrato",
                           "Modalidad de Contratacion", "Valor del Contrato")
SUMMARY_FIRST_RUN = ("Resumen: 8 filas, 2 contratos nuevos, 2 con cambios, 0 sin cambios, "
                     "3 filas con problemas, 1 de otras entidades (NIT distinto de 890501422) "
                     "omitidas.")


@pytest.fixture
def content(tmp_path) -> Path:
    """The sample's site files and two of its contracts (one of them with hand-added fields)."""
    target = tmp_path / "content"
    for relpath in ("entidad.yml", "oficinas.yml", "plan.yml",
                    "contratos/juridica/cps-003-2026.yml",
                    "contratos/planeacion/lp-002-2026.yml"):
        (target / relpath).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLE_CONTENT / relpath, target / relpath)
    lp = target / "contratos/planeacion/lp-002-2026.yml"
    lp.write_text(HEADER + lp.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def importar(content: Path, export: Path, capsys, **options) -> tuple[int, list[str]]:
    """(exit code, printed lines) of `invoke importar-secop`."""
    capsys.readouterr()
    code = 0
    try:
        tasks.importar_secop(Context(), str(export), contenido=str(content), **options)
    except Exit as stop:
        code = stop.code
    return code, capsys.readouterr().out.splitlines()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and ".cache" not in path.parts}


def test_the_dry_run_prints_what_would_change_and_writes_nothing(content, capsys):
    before = snapshot(content)
    code, lines = importar(content, API_JSON, capsys)
    assert snapshot(content) == before
    assert code == 1  # rows were reported
    assert lines[:6] == [
        "content/contratos/juridica/cps-003-2026.yml: cambiaría (fila de la línea 2)",
        "    ejecucion.fecha_corte: (vacío) → 2026-11-20",
        "    ejecucion.valor_pagado: (vacío) → 19250000",
        "content/contratos/planeacion/lp-002-2026.yml: cambiaría (fila de la línea 3)",
        "    ejecucion.fecha_corte: 2026-10-31 → 2026-11-28",
        "    ejecucion.valor_pagado: 243735090 → 406225150",
    ]
    assert "content/contratos/juridica/cps-040-2026.yml: se crearía (fila de la línea 4)" in lines
    assert "    contratista.documento: 1090123456" in lines
    assert "content/contratos/juridica/mc-015-2026.yml: se crearía (fila de la línea 5)" in lines
    assert lines[-5:] == [*JSON_PROBLEMS, SUMMARY_FIRST_RUN,
                          "Simulación: no se escribió nada. Para escribir estos cambios, repita "
                          "la orden con --aplicar."]


def test_apply_creates_and_updates_keeping_hand_added_fields_and_the_result_is_valid(
        content, capsys):
    code, lines = importar(content, API_JSON, capsys, aplicar=True)
    assert code == 1
    assert lines[-2:] == [SUMMARY_FIRST_RUN,
                          "Validación del resultado: Sin errores: el contenido es válido."]
    assert (content / "contratos/juridica/cps-040-2026.yml").read_text(
        encoding="utf-8") == NEW_CONTRACT
    lp = read_text(content / "contratos/planeacion/lp-002-2026.yml")
    assert lp.startswith(HEADER)
    data = parse_yaml(lp).data
    assert data["ejecucion"] == {"fecha_corte": "2026-11-28", "valor_pagado": 406225150,
                                 "porcentaje": 38}
    assert data["fecha_cierre"] == "2026-06-26"
    assert [addition["valor"] for addition in data["adiciones"]] == [64000000]
    assert data["documentos"][0]["titulo"] == "Contrato de obra firmado"
    mc = parse_yaml(read_text(content / "contratos/juridica/mc-015-2026.yml")).data
    assert mc["estado"] == "celebrado" and "ejecucion" not in mc  # Activo: signed, not started
    assert mc["contratista"]["documento"] == "0900456789"
    assert not (content / "contratos/juridica/cps-041-2026.yml").exists()
    assert not (content / "contratos/juridica/cps-042-2026.yml").exists()
    assert check_content(content, use_cache=False).problems == []


def test_a_second_run_changes_nothing(content, capsys):
    importar(content, API_JSON, capsys, aplicar=True)
    written = snapshot(content)
    code, lines = importar(content, API_JSON, capsys, aplicar=True)
    assert code == 1  # the same three rows are still reported
    assert snapshot(content) == written
    assert lines[-1] == ("Resumen: 8 filas, 0 contratos nuevos, 0 con cambios, 4 sin cambios, "
                         "3 filas con problemas, 1 de otras entidades (NIT distinto de "
                         "890501422) omitidas.")
    assert lines[:-1] == JSON_PROBLEMS


def test_the_portal_csv_gives_the_same_files_as_the_api_json(content, tmp_path, capsys):
    other = tmp_path / "otra" / "content"
    shutil.copytree(content, other)
    importar(content, API_JSON, capsys, aplicar=True)
    code, lines = importar(other, PORTAL_CSV, capsys, aplicar=True)
    assert code == 1
    assert snapshot(other) == snapshot(content)
    assert lines[-5:-2] == CSV_PROBLEMS
    assert lines[-2] == SUMMARY_FIRST_RUN


def test_rows_of_other_entities_are_skipped(content, capsys):
    # The Silos row has our CPS-003-2026's referencia: imported, it would change its value.
    importar(content, API_JSON, capsys, aplicar=True)
    data = parse_yaml(read_text(content / "contratos/juridica/cps-003-2026.yml")).data
    assert data["valor"] == 38500000
    assert data["contratista"]["nombre"] == "Óscar Andrés Peñaloza Suárez"


@pytest.mark.parametrize("written", ["890.501.422-4", "890501422", "0890501422", "8905014224",
                                     "890 501 422 - 4", 890501422])
def test_nits_are_compared_by_their_nine_digits(written):
    assert nine_digits(written) == "890501422"


def test_a_row_with_a_wrong_number_of_columns_or_a_repeated_referencia_is_reported(
        content, tmp_path, capsys):
    lines = PORTAL_CSV.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    export = tmp_path / "export.csv"
    # line 2: the LP-002 row; line 3: a row cut short; lines 4-5: MC-015 twice
    export.write_text("\n".join([header, rows[2], "ALCALDIA,890501422,corta",
                                 rows[4], rows[4]]) + "\n", encoding="utf-8")
    code, out = importar(content, export, capsys, aplicar=True)
    assert code == 1
    assert out[-5:-2] == [
        "export.csv:3: la fila tiene 3 columnas y el encabezado 22; revise que los textos con "
        "comas o saltos de línea estén entre comillas",
        "export.csv:4: la referencia MC-015-2026 está en varias filas (líneas 4, 5); ninguna "
        "se importó: deje una sola en la exportación",
        "export.csv:5: la referencia MC-015-2026 está en varias filas (líneas 4, 5); ninguna "
        "se importó: deje una sola en la exportación",
    ]
    assert out[0] == ("content/contratos/planeacion/lp-002-2026.yml: actualizado (fila de la "
                      "línea 2)")
    assert not (content / "contratos/juridica/mc-015-2026.yml").exists()


def write_export(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


REFUSED = [
    ("vacio.csv", b"", "vacio.csv está vacío"),
    ("hoja.xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "parece un archivo binario"),
    ("otro.csv", b"nombre,telefono\nAna,3001234567\n",
     "otro.csv no es una exportación de SECOP II «Contratos electrónicos» (datos.gov.co, "
     "conjunto jbjy-vk9h): le faltan las columnas nit_entidad («Nit Entidad»); "
     "referencia_del_contrato («Referencia del Contrato»);"),
    ("procesos.json", b'{"meta": {}, "data": []}', "no es una lista de contratos en JSON"),
    ("roto.json", b'[{"nit_entidad": "890501422",\n "referencia_del_contrato": }]',
     "roto.json:2: el JSON está mal formado"),
    ("latin1.csv", "Referencia del Contrato\nCPS-1 año\n".encode("latin-1"),
     "latin1.csv:2: el archivo no está en UTF-8"),
]


@pytest.mark.parametrize("case", REFUSED, ids=[case[0] for case in REFUSED])
def test_a_file_that_is_not_a_secop_export_is_refused(content, tmp_path, case):
    name, data, message = case
    before = snapshot(content)
    with pytest.raises(Exit) as stop:
        tasks.importar_secop(Context(), str(write_export(tmp_path, name, data)),
                             contenido=str(content), aplicar=True)
    assert stop.value.code == 1
    assert message in stop.value.message and stop.value.message.endswith("No se escribió nada.")
    assert snapshot(content) == before


def test_a_header_without_rows_a_huge_file_and_a_missing_file_are_refused(content, tmp_path):
    header_only = write_export(tmp_path, "solo.csv", PORTAL_CSV.read_bytes().split(b"\n")[0])
    huge = tmp_path / "enorme.csv"
    with open(huge, "wb") as stream:
        stream.truncate(MAX_EXPORT_BYTES + 1)  # sparse: costs no disk
    for export, message in [(header_only, "solo.csv no tiene filas de contratos"),
                            (huge, "enorme.csv pesa 20 MB y el máximo es 20 MB"),
                            (tmp_path / "no-existe.csv", "no-existe.csv no existe")]:
        with pytest.raises(Exit) as stop:
            tasks.importar_secop(Context(), str(export), contenido=str(content), aplicar=True)
        assert message in stop.value.message


def test_an_unknown_office_is_refused_with_a_suggestion(content, capsys):
    with pytest.raises(Exit) as stop:
        tasks.importar_secop(Context(), str(API_JSON), contenido=str(content),
                             oficina="juridca", aplicar=True)
    assert stop.value.code == 1
    assert '¿Quiso decir "juridica"?' in stop.value.message
    assert not (content / "contratos/juridica/cps-040-2026.yml").exists()


def test_new_contracts_go_to_the_office_asked(content, capsys):
    importar(content, API_JSON, capsys, oficina="hacienda", aplicar=True)
    assert (content / "contratos/hacienda/mc-015-2026.yml").is_file()
    assert not (content / "contratos/hacienda/lp-002-2026.yml").exists()  # updated where it is
    assert os.listdir(content / "contratos/juridica") == ["cps-003-2026.yml"]


@pytest.mark.parametrize("task", [tasks.nuevo, tasks.importar_secop], ids=["nuevo", "importar"])
def test_the_readme_command_table_lists_the_command_with_each_option(task):
    rows = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
            if line.startswith(f"| `invoke {task.name} ")]
    assert len(rows) == 1
    for option in task.help:
        if option not in task.positional:
            assert f"--{option}" in rows[0], option


HEADER_LINE = PORTAL_CSV.read_text(encoding="utf-8").splitlines()[0]


def _csv_row(fields: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(fields)
    return (HEADER_LINE + "\n" + out.getvalue()).encode("utf-8", "surrogatepass")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda body: (HEADER_LINE + "\n" + body).encode("utf-8")),
    st.text(alphabet='[]{}",: \n0123456789abc', max_size=200).map(str.encode),
    st.lists(st.one_of(st.text(max_size=20), st.sampled_from(
        ["890501422", "En ejecución", "Obra", "Mínima cuantía", "13/45/2026 10:00:00 PM",
         "2026-02-30", "$1,000", "No Definido", "CPS-1"])),
        min_size=22, max_size=22).map(_csv_row),
))
def test_any_file_is_read_or_refused_with_a_message_never_a_traceback(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("exportacion") / "export.csv"
    path.write_bytes(data)
    try:
        rows = read_export(path)
    except NotAnExport as error:
        assert str(error)
        return
    for row in rows:
        assert row.line >= 2
        if isinstance(row, Row):
            contract_or_reason(row)


def contract_or_reason(row) -> None:
    try:
        contract = contract_from_row(row)
    except BadRow as error:
        assert str(error)
    else:
        assert contract["referencia"]


def test_a_broken_contract_file_is_reported_and_left_alone(content, capsys):
    broken = content / "contratos/juridica/cps-003-2026.yml"
    broken.write_text("referencia: [CPS-003-2026\n", encoding="utf-8")
    odd = content / "contratos/planeacion/lp-002-2026.yml"
    odd.write_text(odd.read_text(encoding="utf-8") + "notas:\n  - [1, 2]\n", encoding="utf-8")
    before = snapshot(content)
    code, lines = importar(content, API_JSON, capsys, aplicar=True)
    assert code == 1
    assert {path: data for path, data in snapshot(content).items()
            if path in ("contratos/juridica/cps-003-2026.yml",
                        "contratos/planeacion/lp-002-2026.yml")} == {
        path: data for path, data in before.items() if path.startswith("contratos/")}
    reported = [line for line in lines if line.startswith("contratos-api.json:")]
    assert len(reported) == 5
    assert reported[0].startswith(
        "contratos-api.json:2: content/contratos/juridica/cps-003-2026.yml no se puede leer (")
    assert reported[1] == (
        "contratos-api.json:3: content/contratos/planeacion/lp-002-2026.yml no se pudo escribir "
        "(hay datos que no se pueden escribir como YAML y leer igual); corríjalo con invoke "
        "validar; la fila no se importó")
    assert reported[2:] == JSON_PROBLEMS
    assert lines[-1] != "Validación del resultado: Sin errores: el contenido es válido."


def test_a_liquidation_written_by_hand_is_not_undone_by_a_closed_contract(content, capsys):
    path = content / "contratos/juridica/cps-040-2026.yml"
    path.write_text(NEW_CONTRACT.replace("estado: terminado", "estado: liquidado"),
                    encoding="utf-8")
    kept = path.read_bytes()
    importar(content, API_JSON, capsys, aplicar=True)  # SECOP says «terminado»
    assert path.read_bytes() == kept


def test_names_and_values_match_without_case_accents_or_spaces_and_excel_csv_works(
        content, tmp_path, capsys):
    # A spreadsheet saved as CSV in Colombia: ";" between columns, names retyped by hand.
    export = tmp_path / "excel.csv"
    export.write_text(
        "NIT ENTIDAD;Referencia_Del_Contrato;ESTADO CONTRATO;tipo de contrato;"
        "Modalidad de Contratación;Descripción del Proceso;VALOR DEL CONTRATO;"
        "Proveedor Adjudicado;Tipo Documento Proveedor;Documento Proveedor;Fecha de Firma\n"
        "890501422-4;SA-010-2026;EN EJECUCION;suministros;seleccion abreviada subasta inversa;"
        "Suministro de combustible para el parque automotor.;$95,000,000.00;"
        "Estación de Servicio El Páramo S.A.S.;nit;900123987-2;2026-05-04\n",
        encoding="utf-8")
    code, lines = importar(content, export, capsys, aplicar=True)
    assert code == 0, lines
    data = parse_yaml(read_text(content / "contratos/juridica/sa-010-2026.yml")).data
    assert data == {
        "referencia": "SA-010-2026", "modalidad": "seleccion_abreviada", "tipo": "suministro",
        "objeto": "Suministro de combustible para el parque automotor.", "valor": 95000000,
        "contratista": {"nombre": "Estación de Servicio El Páramo S.A.S.",
                        "tipo_documento": "NIT", "documento": "900123987-2"},
        "fecha_firma": "2026-05-04", "estado": "en_ejecucion"}


def test_a_file_named_like_the_referencia_but_holding_another_contract_is_not_replaced(
        content, capsys):
    # cps-040-2026.yml exists but says it is another contract: the import must not take it.
    path = content / "contratos/juridica/cps-040-2026.yml"
    path.write_text(NEW_CONTRACT.replace('"CPS-040-2026"', '"CPS-099-2026"'), encoding="utf-8")
    kept = path.read_bytes()
    _, lines = importar(content, API_JSON, capsys, aplicar=True)
    assert path.read_bytes() == kept
    assert ("contratos-api.json:4: content/contratos/juridica/cps-040-2026.yml ya existe pero "
            "no es el contrato CPS-040-2026: revíselo con invoke validar; la fila no se "
            "importó") in lines


def test_two_referencias_that_would_share_a_file_are_both_reported(content, tmp_path, capsys):
    export = tmp_path / "export.csv"
    row = ("890501422;{ref};Activo;Obra;Mínima cuantía;Arreglo del techo del salón comunal.;"
           "5000000;Obras Chitagá S.A.S.;NIT;900111222-3;2026-09-01\n")
    export.write_text(
        "Nit Entidad;Referencia del Contrato;Estado Contrato;Tipo de Contrato;"
        "Modalidad de Contratacion;Objeto del Contrato;Valor del Contrato;"
        "Proveedor Adjudicado;TipoDocProveedor;Documento Proveedor;Fecha de Firma\n"
        + row.format(ref="MC-1/2026") + row.format(ref="MC-1-2026"), encoding="utf-8")
    code, lines = importar(content, export, capsys, aplicar=True)
    assert code == 1
    message = ("las referencias MC-1/2026, MC-1-2026 (líneas 2, 3) irían al mismo archivo "
               "mc-1-2026.yml; ninguna se importó: publíquelas a mano con nombres distintos")
    assert lines[:2] == [f"export.csv:2: {message}", f"export.csv:3: {message}"]
    assert not (content / "contratos/juridica/mc-1-2026.yml").exists()
