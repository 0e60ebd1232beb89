"""The bad-input corpus: each case breaks the sample content one way and names the exact error.

A case is a folder tests/corpus/<caso>/ with
  contenido/<ruta>   files written over a copy of content/ (same relative paths),
  esperado.yml       `borrar:` paths to delete first (optional), and `esperado:`
                     the exact problems: {en: "content/<ruta>:<línea>", campo: ...,
                     dice: [words the message must contain]}, and `valores:`
                     (optional) {"content/<ruta>": {campo.subcampo: value}}, values
                     the loaded document must hold exactly as written.
The validator must report exactly those problems: no more, no fewer.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import SAMPLE_CONTENT
from municipal.content.validation import check_content
from municipal.transparency.rules import check_site

CORPUS = Path(__file__).resolve().parent / "corpus"
TODAY = datetime.date(2026, 11, 24)
CASES = sorted(path.name for path in CORPUS.iterdir() if (path / "esperado.yml").is_file())


def broken_copy(case: str, target: Path) -> dict:
    expected = yaml.safe_load((CORPUS / case / "esperado.yml").read_text(encoding="utf-8"))
    shutil.copytree(SAMPLE_CONTENT, target)
    for relpath in expected.get("borrar", []):
        (target / relpath).unlink()
    overlay = CORPUS / case / "contenido"
    if overlay.is_dir():
        shutil.copytree(overlay, target, dirs_exist_ok=True)
    return expected


@pytest.mark.parametrize("case", CASES)
def test_corpus_case_is_reported_exactly(case, tmp_path):
    expected = broken_copy(case, tmp_path / "content")
    # As invoke validar and the build check: the validator, then the transparency rules.
    site = check_site(check_content(tmp_path / "content", today=TODAY, use_cache=False))
    found = {(f"{problem.path}:{problem.line}", problem.field): problem.message
             for problem in site.problems}
    wanted = {(item["en"], item.get("campo", "")): item["dice"] for item in expected["esperado"]}
    assert sorted(found) == sorted(wanted), "\n".join(map(str, site.problems))
    # Two messages on the same line and field would share one key above.
    assert len(site.problems) == len(expected["esperado"]), "\n".join(map(str, site.problems))
    for location, words in wanted.items():
        for word in words:
            assert word in found[location], f"{location}: {found[location]!r} sin {word!r}"


VALUE_CASES = [case for case in CASES if "valores" in yaml.safe_load(
    (CORPUS / case / "esperado.yml").read_text(encoding="utf-8"))]


@pytest.mark.parametrize("case", VALUE_CASES)
def test_corpus_values_are_loaded_exactly_as_written(case, tmp_path):
    expected = broken_copy(case, tmp_path / "content")
    site = check_content(tmp_path / "content", today=TODAY, use_cache=False)
    for shown_path, fields in expected["valores"].items():
        relpath = shown_path.removeprefix("content/")
        document = site.site_documents.get(relpath) or site.document_for(relpath).yaml
        for dotted, value in fields.items():
            loaded = document.data
            for key in dotted.split("."):
                loaded = loaded[key]
            assert loaded == value, f"{shown_path} {dotted}: {loaded!r} en vez de {value!r}"


def test_the_corpus_covers_every_rule_and_failure():
    assert len(CASES) >= 30


def _one_problem_in(content: Path) -> str:
    site = check_content(content, today=TODAY, use_cache=False)
    assert len(site.problems) == 1, "\n".join(map(str, site.problems))
    return str(site.problems[0])


def test_a_file_over_the_size_limit_is_refused_without_parsing(content_copy):
    path = content_copy / "noticias" / "hacienda" / "2026-03-02-informe.md"
    path.write_text("---\ntitulo: x\n---\n" + "texto largo\n" * 100_000, encoding="utf-8")
    problem = _one_problem_in(content_copy)
    assert problem.startswith("content/noticias/hacienda/2026-03-02-informe.md:1: ")
    assert "el máximo es 1000 KB" in problem


def test_deep_nesting_is_refused_without_crashing(content_copy):
    path = content_copy / "tramites" / "hacienda" / "anidado.yml"
    path.write_text("nombre: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    problem = _one_problem_in(content_copy)
    assert problem.startswith("content/tramites/hacienda/anidado.yml:1: ")
    assert "anidados demasiado profundo" in problem
