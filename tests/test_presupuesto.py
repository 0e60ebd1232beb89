"""The page budget (DESIGN.md §8): a build with a page over 13 KB gzip -9 fails, naming it.

The schemas limit each field; this is the second wall, for pages whose fields are
each reasonable but too many together. Sizes expected here are measured by the
test itself (gzip -9 of a page built with the budget lifted), never by page_budget.
"""

from __future__ import annotations

import gzip
import logging
import random
from pathlib import Path

import pytest

from conftest import PREVIEW_SETTINGS
from municipal.content.validation import InvalidContent, check_content
from municipal.publishing.build import build_site
from municipal.publishing.build_safety import MARKER, MARKER_TEXT
from municipal.site import page_budget
from municipal.site.page_budget import PagesOverBudget, budget, kilobytes

LIFTED = {"PRESUPUESTO_PAGINA_BYTES": 10**9}
SYLLABLES = [consonant + vowel for consonant in "bcdfglmnprstvz" for vowel in "aeiou"]
LONG_TRAMITE = "tramites/hacienda/requisitos-largos.yml"


def words(seed: int, length: int) -> str:
    """Made-up words (they compress like varied prose), about `length` characters."""
    chooser = random.Random(seed)
    text = ""
    while len(text) < length:
        text += "".join(chooser.choices(SYLLABLES, k=chooser.randint(1, 4))) + " "
    return text.strip().capitalize() + "."


def long_tramite(items: int = 30, length: int = 400) -> str:
    """A trámite whose every field is of a sensible size, but whose page is heavy."""
    requisitos = "".join(f"  - {words(n, length)}\n" for n in range(items))
    documentos = "".join(f"  - {words(1000 + n, length)}\n" for n in range(items))
    return f"""nombre: Trámite con muchos requisitos largos
descripcion: Un trámite real puede pedir muchos documentos, cada uno explicado en detalle.
dirigido_a: [persona_natural]
requisitos:
{requisitos}documentos:
{documentos}costo:
  gratuito: true
tiempo_respuesta:
  dias_habiles: 5
canales:
  - tipo: presencial
    detalle: Ventanilla de la Tesorería municipal.
"""


def gzip9(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9, mtime=0))


def old_site(output: Path) -> Path:
    output.mkdir()
    (output / MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # a folder a build made
    (output / "index.html").write_text("sitio anterior", encoding="utf-8")
    return output


def assert_untouched(output: Path) -> None:
    assert sorted(path.name for path in output.iterdir()) == [MARKER, "index.html"]
    assert (output / "index.html").read_text(encoding="utf-8") == "sitio anterior"
    assert not [path for path in output.parent.iterdir() if "-nuevo-" in path.name]


def test_kilobytes_are_of_1024_bytes_rounded_up_to_a_tenth():
    assert kilobytes(13 * 1024) == "13"
    assert kilobytes(13 * 1024 + 1) == "13,1"  # never reads as the budget itself
    assert kilobytes(15 * 1024 + 205) == "15,3"  # 15.2002 KB, rounded up
    assert kilobytes(15 * 1024 + 204) == "15,2"  # 15.1992 KB
    assert kilobytes(999) == "1"


def test_a_tramite_of_reasonable_fields_but_a_heavy_page_fails_the_build(content_copy, tmp_path):
    (content_copy / LONG_TRAMITE).write_text(long_tramite(), encoding="utf-8")
    assert check_content(content_copy, use_cache=False).problems == []  # valid, field by field
    lifted = build_site(content_copy, tmp_path / "medido", PREVIEW_SETTINGS, LIFTED)
    size = gzip9(lifted.output_dir / "tramites/requisitos-largos/index.html")
    assert size > 13 * 1024
    output = old_site(tmp_path / "output")
    with pytest.raises(PagesOverBudget) as failure:
        build_site(content_copy, output, PREVIEW_SETTINGS)
    assert str(failure.value).splitlines() == [
        f"content/{LONG_TRAMITE}:1: la página /tramites/requisitos-largos/ pesa "
        f"{kilobytes(size)} KB comprimida y el máximo es 13 KB; acorte el texto o divídalo",
        "1 página supera el presupuesto de 13 KB comprimidos",
    ]
    assert isinstance(failure.value, InvalidContent)  # shown and handled as content errors
    assert_untouched(output)


def test_the_budget_is_a_setting_and_every_page_over_it_is_named(content_copy, tmp_path):
    limit = 3800
    measured = build_site(content_copy, tmp_path / "medido", PREVIEW_SETTINGS, LIFTED)
    # /buscar/ fits itself to the budget (its A–Z index links the trámites list instead of
    # listing every trámite), so under the lower budget it is not over it.
    heavy = {path.relative_to(measured.output_dir).as_posix(): gzip9(path)
             for path in measured.output_dir.rglob("*.html")
             if gzip9(path) > limit and path.parent.name != "buscar"}
    assert len(heavy) >= 5
    output = old_site(tmp_path / "output")
    with pytest.raises(PagesOverBudget) as failure:
        build_site(content_copy, output, PREVIEW_SETTINGS, {"PRESUPUESTO_PAGINA_BYTES": limit})
    lines = str(failure.value).splitlines()
    assert lines[-1] == f"{len(heavy)} páginas superan el presupuesto de 3,8 KB comprimidos"
    expected = [expected_line(content_copy, relpath, size, "3,8")
                for relpath, size in heavy.items()]
    assert sorted(lines[:-1]) == sorted(expected)
    assert_untouched(output)


def expected_line(content: Path, relpath: str, size: int, maximum: str) -> str:
    """The line that names a page: with its content file (found by its slug) if it is an
    item's page, else with what to change in the lists."""
    address = "/" + relpath.removesuffix("index.html")
    weight = f"la página {address} pesa {kilobytes(size)} KB comprimida y el máximo es " \
             f"{maximum} KB"
    parts = relpath.split("/")
    kinds = {"tramites": "yml", "contratos": "yml", "noticias": "md"}
    sources = []
    if len(parts) == 3 and parts[0] in kinds and parts[1] != "pagina":
        sources = list(content.glob(f"{parts[0]}/*/{parts[1]}.{kinds[parts[0]]}"))
    elif len(parts) == 2:
        sources = list(content.glob(f"paginas/*/{parts[0]}.md"))
    if sources:
        (source,) = sources
        return (f"content/{source.relative_to(content).as_posix()}:1: {weight}; "
                "acorte el texto o divídalo")
    return (f"{weight}; muestre menos elementos por página (PAGINATED_TEMPLATES en "
            "pelicanconf.py) o acorte los textos que lista")


def test_an_edit_that_makes_a_page_too_heavy_fails_every_rebuild(content_copy, tmp_path):
    """Incremental builds too: the edited page is measured, and the failed build leaves no
    trace that would let the next one reuse the old page in its place."""
    output = tmp_path / "output"
    first = build_site(content_copy, output, PREVIEW_SETTINGS)
    page = output / "tramites/certificado-de-residencia/index.html"
    before = page.read_bytes()
    (content_copy / "tramites/gobierno/certificado-de-residencia.yml").write_text(
        long_tramite(), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PagesOverBudget, match="/tramites/certificado-de-residencia/ pesa"):
            build_site(content_copy, output, PREVIEW_SETTINGS)
        assert page.read_bytes() == before  # the last good site stays
    assert sum(1 for _ in output.rglob("*.html")) == first.html_pages


def test_pages_unchanged_since_the_last_build_are_not_measured_again(
        content_copy, tmp_path, monkeypatch):
    measured = []
    compress = page_budget.compressed_size

    def counting(data):
        measured.append(len(data))
        return compress(data)

    monkeypatch.setattr(page_budget, "compressed_size", counting)
    # Every page is longer than 8,000 bytes (8,286 the shortest on 2026-12-05), so each is
    # compressed, and fits once compressed (5,490 the heaviest).
    settings = {"PRESUPUESTO_PAGINA_BYTES": 8000}
    first = build_site(content_copy, tmp_path / "output", PREVIEW_SETTINGS, settings)
    assert len(measured) == first.html_pages
    measured.clear()
    again = build_site(content_copy, tmp_path / "output", PREVIEW_SETTINGS, settings)
    assert again.pages_reused == again.html_pages
    assert measured == []


def test_a_budget_that_is_not_a_positive_number_of_bytes_warns_and_uses_13_kb(caplog):
    with caplog.at_level(logging.WARNING, logger="municipal.site.page_budget"):
        assert budget({"PRESUPUESTO_PAGINA_BYTES": "13 KB"}) == 13 * 1024
        assert budget({"PRESUPUESTO_PAGINA_BYTES": 0}) == 13 * 1024
        assert budget({"PRESUPUESTO_PAGINA_BYTES": True}) == 13 * 1024
    assert len(caplog.records) == 3
    assert "PRESUPUESTO_PAGINA_BYTES debe ser un número entero" in caplog.records[0].message
    assert budget({}) == 13 * 1024
    assert budget({"PRESUPUESTO_PAGINA_BYTES": 20_000}) == 20_000
