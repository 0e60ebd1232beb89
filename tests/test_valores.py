"""Values reach the page as they were written, or the validator says what to write.

YAML 1.1 would turn `0123` into 83 and `5678:02` into 340682; jsonschema would
count 12.0 as an integer and let Python's `$` match before a final line break.
Expected values here are the texts as written in the files and the limits of
the README, never values computed by the code under test.
"""

from __future__ import annotations

import logging
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_validation_corpus import TODAY

from conftest import PREVIEW_SETTINGS, BuiltSite
from municipal.content.file_checks import check_file
from municipal.content.messages import explain
from municipal.content.schemas import Schema, StrictValidator, _compile_fast, schema_for
from municipal.content.validation import check_content
from municipal.content.yaml_loader import C_LOADER_AVAILABLE, SourceError, parse_yaml
from municipal.publishing.build import build_site

CONTRACT = "contratos/juridica/cps-003-2026.yml"
TRAMITE = "tramites/gobierno/certificado-de-residencia.yml"


def replace_in(content, relpath, old, new):
    path = content / relpath
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- the loader -------------------------------------------------------------

def test_the_fast_c_parser_is_used_when_pyyaml_has_it():
    assert C_LOADER_AVAILABLE is yaml.__with_libyaml__


@pytest.mark.parametrize("written", [
    "0123", "0750501422", "5678:02", "0x1422", "0o17", "0b101", "1_000", "+12", "-0",
    "1e3", "1.", ".5", "00.5", ".inf", "-.inf", ".nan", "yes", "no", "Yes", "NO", "on",
    "off", "y", "n", "Y", "N", "=", "1" * 101,
])
def test_unquoted_values_yaml_1_1_would_change_stay_the_text_written(written):
    assert parse_yaml(f"campo: {written}\n").data == {"campo": written}


@pytest.mark.parametrize(("written", "value"), [
    ("0", 0), ("12", 12), ("-7", -7), ("38500000", 38_500_000),
    ("10000000000000000000000000000", 10**28),
    ("12.0", 12.0), ("-0.0", -0.0), ("3.50", 3.5),
    ("true", True), ("false", False), ("True", True), ("FALSE", False),
    ("", None), ("~", None), ("null", None),
    ("2026-02-30", "2026-02-30"),
])
def test_only_plain_numbers_and_true_false_are_not_text(written, value):
    loaded = parse_yaml(f"campo: {written}\n").data["campo"]
    assert loaded == value and isinstance(loaded, type(value))
    assert isinstance(loaded, bool) == isinstance(value, bool)
    if isinstance(value, float):
        assert loaded.written == written  # messages show 3.50, not 3.5


@pytest.mark.parametrize("text", ["a: !!int 0x10\n", "a: !!int 0123\n", "a: !!bool yes\n",
                                  "a: !!float .inf\n"])
def test_explicit_tags_get_no_yaml_1_1_rules_either(text):
    with pytest.raises(SourceError) as error:
        parse_yaml(text, first_line=4)
    assert error.value.line == 4
    assert "quite la etiqueta" in error.value.message


def test_a_raw_control_character_is_named_on_its_line():
    with pytest.raises(SourceError) as error:
        parse_yaml('a: "Chitagá"\nb: "ñandú"\nc: x\x1b[0m\n', first_line=2)
    assert error.value.line == 4
    assert "U+001B ESC" in error.value.message


def yaml_double_quoted(text: str, *, raw: bool) -> str:
    """A YAML double-quoted scalar for text: escapes, or raw printable characters."""
    def one(char: str) -> str:
        if char not in '\\"' and (" " <= char <= "~" or (raw and char.isprintable())):
            return char
        return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"
    return '"' + "".join(map(one, text)) + '"'


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40))
def test_a_quoted_text_keeps_exactly_its_value(text):
    for quoted in (yaml_double_quoted(text, raw=False), yaml_double_quoted(text, raw=True)):
        assert parse_yaml(f"nombre: {quoted}\n").data["nombre"] == text
    if text.isprintable():
        single = "'" + text.replace("'", "''") + "'"
        assert parse_yaml(f"nombre: {single}\n").data["nombre"] == text


PLAIN_INTEGER = re.compile(r"0|-?[1-9][0-9]*")  # the brief's rule, written independently
PLAIN_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+")


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\A[-+]?(0[0-9_]*|0x[0-9a-f]{1,6}|[0-9]{1,4}(:[0-5][0-9]){1,2}|"
                     r"[0-9]*\.[0-9]+(e[0-9]+)?|[0-9]+\.[0-9]*|[1-9][0-9_]*)\Z"))
def test_an_unquoted_number_like_value_is_a_plain_number_or_exactly_its_text(written):
    loaded = parse_yaml(f"nombre: {written}\n").data["nombre"]
    if PLAIN_INTEGER.fullmatch(written):
        assert type(loaded) is int and loaded == int(written)
    elif PLAIN_DECIMAL.fullmatch(written):
        assert isinstance(loaded, float) and loaded == float(written)
    else:
        assert loaded == written


# --- the two validators agree, and a disagreement is never dropped -----------

@pytest.mark.parametrize(("kind", "document"), [
    ("plan.yml", {"acciones": [{"id": "a", "nombre": "A", "tipos": ["noticias"],
                                "oficinas": "todas", "meta_anual": 12.0}]}),
    ("tramites", {"nombre": "T", "descripcion": "D", "dirigido_a": ["persona_natural"],
                  "requisitos": ["R"], "costo": {"gratuito": True},
                  "tiempo_respuesta": {"dias_habiles": 3.0},
                  "canales": [{"tipo": "presencial", "detalle": "x"}]}),
    ("oficinas.yml", {"oficinas": [{"id": "hacienda\n", "nombre": "H", "correo": "h@x.gov.co",
                                    "responsable": "R"}]}),
])
def test_both_validators_refuse_a_float_integer_and_a_final_line_break(kind, document):
    schema = schema_for(kind)
    assert not schema.is_valid(document)
    assert list(schema.full.iter_errors(document))


def test_a_rejection_only_the_compiled_validator_finds_is_reported(caplog):
    strict = {"type": "object", "properties": {"lista": {
        "type": "array", "items": {"type": "string", "maxLength": 3}}}}
    lenient = {"type": "object", "properties": {"lista": {
        "type": "array", "items": {"type": "string"}}}}
    schema = Schema("prueba", strict, StrictValidator(lenient), _compile_fast(strict, {}))
    with caplog.at_level(logging.WARNING, logger="municipal.content.schemas"):
        errors = schema.errors({"lista": ["ab", "abcdef"]})
    assert len(errors) == 1
    located = list(explain(errors[0]))
    assert located == [(("lista", 1), "tiene 6 caracteres y el máximo es 3; acórtelo",
                        ("lista", 1))]
    assert "no coinciden" in caplog.text
    assert schema.errors({"lista": ["ab", "abc"]}) == []


# --- limits -------------------------------------------------------------------

def _one_problem(content) -> str:
    site = check_content(content, today=TODAY, use_cache=False)
    assert len(site.problems) == 1, "\n".join(map(str, site.problems))
    return str(site.problems[0])


def test_ten_thousand_requisitos_are_one_error_on_the_list(content_copy):
    # Generated here rather than kept in tests/corpus/: 150 KB of "- Requisito".
    requisitos = "".join(f"  - Requisito número {n}.\n" for n in range(10_000))
    replace_in(content_copy, TRAMITE, "requisitos:\n", "requisitos:\n" + requisitos)
    assert _one_problem(content_copy) == (
        f"content/{TRAMITE}:9: requisitos: la lista tiene 10003 elementos y el máximo es 40; "
        "deje solo los necesarios o agrúpelos")


def test_a_990_kb_objeto_is_one_error_with_its_length(content_copy):
    path = content_copy / CONTRACT
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[4].startswith("objeto: ")
    lines[4] = "objeto: " + "x" * 990_000
    path.write_text("\n".join(lines), encoding="utf-8")
    assert _one_problem(content_copy) == (
        f"content/{CONTRACT}:5: objeto: tiene 990000 caracteres y el máximo es 2000; acórtelo")


@pytest.mark.parametrize(("relpath", "kind", "text", "field", "words"), [
    (CONTRACT, "contratos", "referencia: CPS-003-2026\nvalor: 1000000000000001\n", "valor",
     "el máximo es 1.000.000.000.000.000"),
    (TRAMITE, "tramites", "tiempo_respuesta:\n  dias_habiles: 366\n",
     "tiempo_respuesta.dias_habiles", "el máximo es 365"),
    (TRAMITE, "tramites", "nombre: " + "n" * 201 + "\n", "nombre",
     "tiene 201 caracteres y el máximo es 200"),
    (TRAMITE, "tramites", "canales:\n" + "  - {tipo: correo, detalle: x}\n" * 11, "canales",
     "la lista tiene 11 elementos y el máximo es 10"),
])
def test_limits_just_over_the_maximum_are_errors(relpath, kind, text, field, words):
    problems = check_file(relpath, kind, text.encode()).problems
    assert [message for _, name, message in problems if name == field and words in message]


def test_multiline_texts_may_hold_line_breaks_and_others_may_not():
    text = ("descripcion: |\n  Primera línea.\n  Segunda línea.\n"
            "nombre: |\n  Certificado\n")
    problems = {name: message for _, name, message in
                check_file(TRAMITE, "tramites", text.encode()).problems}
    assert "descripcion" not in problems
    assert "salto de línea al final" in problems["nombre"]


# --- the built page -----------------------------------------------------------

def test_the_built_pages_show_the_numbers_as_written(content_copy, tmp_path):
    replace_in(content_copy, CONTRACT, 'documento: "1000000003"', "documento: 0123")
    replace_in(content_copy, TRAMITE, 'codigo_suit: "1422"', "codigo_suit: 0x1422")
    replace_in(content_copy, "entidad.yml", 'telefono: "(607) 567 8002"', "telefono: 5678:02")
    replace_in(content_copy, "entidad.yml", "nit: 890501422-4", "nit: 0750501422")
    site = BuiltSite(tmp_path / "output")
    build_site(content_copy, site.output, PREVIEW_SETTINGS)
    assert "(Cédula de ciudadanía 0123)" in site.main_text("/contratos/cps-003-2026/")
    assert "Código SUIT 0x1422" in site.main_text("/tramites/certificado-de-residencia/")
    footer = " ".join(site.page("/").find("footer").get_text(" ").split())
    assert "NIT 0750501422" in footer and "Teléfono: 5678:02" in footer
