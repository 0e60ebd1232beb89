"""The YAML reader keeps line numbers and turns every bad input into one Spanish error."""

from pathlib import Path

import pytest

from municipal.content.yaml_loader import (
    MAX_FILE_BYTES,
    SourceError,
    parse_yaml,
    read_text,
    split_front_matter,
)


def test_values_keep_their_lines_and_dates_stay_text():
    document = parse_yaml("a: 1\nb:\n  - x: 2026-02-30\n    y: hola\n", first_line=2)
    assert document.data == {"a": 1, "b": [{"x": "2026-02-30", "y": "hola"}]}
    assert document.line_of(("a",)) == 2
    assert document.line_of(("b", 0, "y")) == 5
    assert document.line_of(("b", 0, "no_existe")) == 4  # nearest known ancestor


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\n\tb: 2\n", 2, "tabulador"),
        ('a: "hola\nb: 2\n', 1, "comilla"),
        ("a: 1\nb: 2\na: 3\n", 3, 'campo "a" está repetido (ya aparece en la línea 1)'),
        ("a: hola: mundo\n", 1, "dos puntos"),
        ("a: [1, 2\nb: 3\n", 1, "corchete"),
        ("a: 1\nb: {c: 2\n", 2, "llave"),
        ("a: &x [1, 2]\nb: *x\n", 1, "alias"),
        ('a: &a ["l", "l"]\nb: &b [*a, *a]\nc: [*b, *b]\n', 1, "alias"),
        ("a: !!python/object:os.system x\n", 1, "etiqueta"),
        ("a: 1\n---\nb: 2\n", 2, "más de un documento"),
        ("a: " + "[" * 100_000 + "]" * 100_000, 1, "anidados"),
        ("- " * 300_000, 1, "anidados"),
        ("", 1, "vacío"),
    ],
)
def test_bad_yaml_is_one_spanish_error_with_its_line(text, line, words):
    with pytest.raises(SourceError) as error:
        parse_yaml(text)
    assert error.value.line == line
    assert words in error.value.message


def test_front_matter_split_and_errors():
    front, body, body_line = split_front_matter("---\ntitulo: x\n---\nCuerpo\n")
    assert (front, body, body_line) == ("titulo: x", "Cuerpo\n", 4)
    with pytest.raises(SourceError, match="debe empezar"):
        split_front_matter("titulo: x\n")
    with pytest.raises(SourceError, match="no se cierra"):
        split_front_matter("---\ntitulo: x\nCuerpo\n")


def test_files_that_are_not_text_are_refused(tmp_path: Path):
    latin1 = tmp_path / "latin1.yml"
    latin1.write_bytes("a: 1\nb: Chitagá\n".encode("latin-1"))
    with pytest.raises(SourceError) as error:
        read_text(latin1)
    assert error.value.line == 2 and "UTF-8" in error.value.message
    empty = tmp_path / "vacio.yml"
    empty.write_text("  \n\n")
    with pytest.raises(SourceError, match="vacío"):
        read_text(empty)
    huge = tmp_path / "enorme.yml"
    huge.write_text("a: " + "x" * (MAX_FILE_BYTES + 1))
    with pytest.raises(SourceError, match="máximo"):
        read_text(huge)
    bom = tmp_path / "bom.yml"
    bom.write_bytes("\ufeffa: 1\n".encode())
    assert read_text(bom) == "a: 1\n"
