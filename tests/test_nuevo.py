"""`invoke nuevo` (DESIGN.md §11): a new file at the right path, every field of its schema,
and `invoke validar` on it lists exactly the required fields left to fill (DESIGN.md §3)."""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from invoke import Context, Exit

import tasks
from conftest import ROOT, SAMPLE_CONTENT

SCHEMAS = ROOT / "schemas"
FIELD_LINE = re.compile(r"^# (\s*(?:- )?[a-z_]+:.*)$")


def today() -> str:
    return datetime.datetime.now(ZoneInfo("America/Bogota")).date().isoformat()


@pytest.fixture
def content(tmp_path) -> Path:
    """Only the site files of the sample: validating it takes milliseconds."""
    target = tmp_path / "content"
    target.mkdir()
    for name in ("entidad.yml", "oficinas.yml", "plan.yml"):
        shutil.copy(SAMPLE_CONTENT / name, target / name)
    return target


def nuevo(content: Path, tipo: str, **options) -> None:
    tasks.nuevo(Context(), tipo, contenido=str(content), **options)


def validar(content: Path, capsys) -> list[tuple[str, str]]:
    """(file, field) of each problem `invoke validar` reports."""
    capsys.readouterr()
    try:
        tasks.validar(Context(), contenido=str(content))
    except Exit as stop:
        assert stop.code == 1
    lines = capsys.readouterr().out.splitlines()
    return [_located(line) for line in lines[:-1]]


def _located(line: str) -> tuple[str, str]:
    path, _, field, _ = line.split(":", 3)
    return path, field.strip()


# Hand-listed from DESIGN.md §3: the required fields of each kind, minus what
# `nuevo` fills (the title field from --titulo, and today's date in dated kinds).
KINDS = [
    ("noticia", "noticias/gobierno/{hoy}-jornada-de-vacunacion-en-el-roble.md",
     "Jornada de vacunación en El Roble", ["resumen"]),
    ("evento", "eventos/gobierno/{hoy}-jornada-de-vacunacion-en-el-roble.md",
     "Jornada de vacunación en El Roble", ["tipo", "lugar", "resumen"]),
    ("tramite", "tramites/gobierno/jornada-de-vacunacion-en-el-roble.yml",
     "Jornada de vacunación en El Roble",
     ["descripcion", "dirigido_a", "requisitos", "costo", "tiempo_respuesta", "canales"]),
    ("contrato", "contratos/gobierno/cps-012-2026.yml", "CPS-012-2026",
     ["modalidad", "tipo", "objeto", "valor", "estado"]),
    ("pagina", "paginas/gobierno/jornada-de-vacunacion-en-el-roble.md",
     "Jornada de vacunación en El Roble", []),
]


@pytest.mark.parametrize("case", KINDS, ids=[case[0] for case in KINDS])
def test_the_new_file_is_where_its_kind_goes_and_validar_lists_what_is_left(content, capsys,
                                                                            case):
    tipo, relpath, titulo, left = case
    nuevo(content, tipo, oficina="gobierno", titulo=titulo)
    relpath = relpath.format(hoy=today())
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"Archivo creado: content/{relpath}"
    assert "invoke validar" in out.splitlines()[-1]
    assert (content / relpath).is_file()
    assert validar(content, capsys) == [(f"content/{relpath}", field) for field in left]


@pytest.mark.parametrize("case", KINDS, ids=[case[0] for case in KINDS])
def test_the_new_file_has_every_field_of_its_schema_in_its_place(content, case):
    tipo, relpath, titulo, left = case
    nuevo(content, tipo, oficina="gobierno", titulo=titulo)
    text = (content / relpath.format(hoy=today())).read_text(encoding="utf-8")
    if relpath.endswith(".md"):
        assert text.startswith("---\n") and text.endswith("---\n")
        text = text.split("---\n")[1]
    uncommented = "\n".join(FIELD_LINE.sub(r"\1", line) for line in text.splitlines())
    written = _paths(yaml.safe_load(uncommented))
    schema = json.loads((SCHEMAS / f"{tipo}.schema.json").read_text(encoding="utf-8"))
    assert written == _paths_of_schema(schema)
    for field in left:  # a required field is written, empty, with its hint above it
        assert re.search(rf"^# .+ \(obligatorio\): .+\n{field}:$", text, re.MULTILINE), field


def _paths(data, prefix=()) -> set[tuple]:
    found = set()
    if isinstance(data, dict):
        for key, value in data.items():
            found.add((*prefix, key))
            found |= _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for value in data:
            found |= _paths(value, (*prefix, "[]"))
    return found


def _paths_of_schema(schema: dict, prefix=()) -> set[tuple]:
    found = set()
    for key, field in schema.get("properties", {}).items():
        found.add((*prefix, key))
        found |= _paths_of_schema(field, (*prefix, key))
        items = field.get("items")
        if isinstance(items, dict):
            found |= _paths_of_schema(items, (*prefix, key, "[]"))
    return found


def test_without_a_title_the_title_is_left_to_fill_too(content, capsys):
    nuevo(content, "noticia", oficina="hacienda")
    relpath = f"content/noticias/hacienda/{today()}-sin-titulo.md"
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"Archivo creado: {relpath}"
    assert "Cambie el nombre del archivo" in out
    assert validar(content, capsys) == [(relpath, "titulo"), (relpath, "resumen")]


def test_the_title_is_written_so_that_it_reads_back_exactly(content):
    titulo = "Convocatoria: 2026 # cierre no"
    nuevo(content, "noticia", oficina="gobierno", titulo=titulo)
    path = content / f"noticias/gobierno/{today()}-convocatoria-2026-cierre-no.md"
    front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert front["titulo"] == titulo


# Refusals: a clear message, exit 1, nothing written


def refused(content: Path, capsys, tipo: str, **options) -> str:
    before = sorted(content.rglob("*"))
    with pytest.raises(Exit) as stop:
        nuevo(content, tipo, **options)
    assert stop.value.code == 1
    assert sorted(content.rglob("*")) == before
    return str(stop.value.message)


def test_refuses_an_unknown_office_with_a_suggestion(content, capsys):
    message = refused(content, capsys, "noticia", oficina="planeasion", titulo="Hola")
    assert message == (
        'Error: la oficina "planeasion" no está en oficinas.yml; use una de: despacho, '
        'gobierno, planeacion, hacienda, juridica, personeria. ¿Quiso decir "planeacion"? '
        "No se escribió nada.")


def test_refuses_an_unknown_kind_and_a_missing_office(content, capsys):
    message = refused(content, capsys, "noticias", oficina="gobierno", titulo="Hola")
    assert message.startswith('Error: "noticias" no es un tipo de contenido; use uno de: '
                              "noticia, evento, tramite, contrato, pagina.")
    assert '¿Quiso decir "noticia"?' in message
    assert refused(content, capsys, "noticia", titulo="Hola").startswith(
        "Error: falta --oficina; use una de: despacho,")


def test_never_overwrites_a_file(content, capsys):
    nuevo(content, "tramite", oficina="gobierno", titulo="Certificado de residencia")
    path = content / "tramites/gobierno/certificado-de-residencia.yml"
    path.write_text(path.read_text(encoding="utf-8") + "# mío\n", encoding="utf-8")
    kept = path.read_bytes()
    message = refused(content, capsys, "tramite", oficina="gobierno",
                      titulo="Certificado de residencia")
    assert "content/tramites/gobierno/certificado-de-residencia.yml ya existe" in message
    assert path.read_bytes() == kept
    # the same name in another office would give two pages one address
    message = refused(content, capsys, "tramite", oficina="hacienda",
                      titulo="Certificado  de   RESIDENCIA")
    assert 'el nombre "certificado-de-residencia" ya lo usa content/tramites/gobierno/' in message


def test_refuses_a_title_without_letters_a_reserved_page_name_and_a_missing_folder(
        content, tmp_path, capsys):
    message = refused(content, capsys, "noticia", oficina="gobierno", titulo=" ¡¿—?! ")
    assert "no tiene letras ni números" in message
    message = refused(content, capsys, "pagina", oficina="gobierno", titulo="Trámites")
    assert '"tramites" es una sección del sitio' in message
    message = refused(content, capsys, "noticia", oficina="gobierno", titulo="x" * 201)
    assert "el título no sirve: " in message and "200" in message
    with pytest.raises(Exit) as stop:
        nuevo(tmp_path / "no-existe", "noticia", oficina="gobierno", titulo="Hola")
    assert stop.value.code == 1
    assert not (tmp_path / "no-existe").exists()


def test_a_long_title_gives_a_file_name_of_at_most_60_characters_cut_between_words(content):
    titulo = ("Convocatoria para la elección de los representantes de las juntas de acción "
              "comunal al consejo territorial de planeación")
    nuevo(content, "pagina", oficina="planeacion", titulo=titulo)
    # "convocatoria-para-la-eleccion-de-los-representantes-de-las-j" is 60: cut before "juntas"
    assert [path.name for path in (content / "paginas/planeacion").iterdir()] == [
        "convocatoria-para-la-eleccion-de-los-representantes-de-las.md"]
