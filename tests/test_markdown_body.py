"""Markdown bodies: the validator's limits, and the renderer's allowlist as a second wall.

The corpus (tests/corpus/html-*, enlace-*, imagen-*, atributo-*, codigo-*) has one
case per construct; here are the inputs too big to keep as files, the property
that the checker never raises, and the reader fed hostile HTML directly.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.readers import MarkdownReader
from pelican.settings import read_settings

from conftest import PREVIEW_SETTINGS, SAMPLE_CONTENT
from municipal.content.html_allowlist import clean
from municipal.content.markdown_body import check_body
from municipal.content.validation import InvalidContent, check_content
from municipal.publishing.build import build_site
from municipal.site.readers import SITE_SETTING, MarkdownContentReader

TODAY = datetime.date(2026, 11, 24)
PAGE = "paginas/juridica/prueba.md"
FRONT = "---\ntitulo: Prueba\n---\n"  # the body starts on line 4


def _problems(content: Path) -> list[str]:
    return [str(problem) for problem in
            check_content(content, today=TODAY, use_cache=False).problems]


def _nested_list(levels: int) -> str:
    return "".join("    " * level + f"- nivel {level + 1}\n" for level in range(levels))


def test_a_300_level_list_is_one_error_and_is_not_built(content_copy, tmp_path):
    (content_copy / PAGE).write_text(FRONT + _nested_list(300), encoding="utf-8")
    # Level 21 is the first beyond the limit of 20: body line 4 + 20.
    assert _problems(content_copy) == [
        "content/paginas/juridica/prueba.md:24: el texto tiene listas o citas (>) anidadas "
        "en 21 niveles; el máximo es 20. Use menos niveles de sangría"
    ]
    output = tmp_path / "salida"
    with pytest.raises(InvalidContent):
        build_site(content_copy, output, PREVIEW_SETTINGS)
    assert not output.exists()


def test_a_list_20_levels_deep_is_allowed():
    assert check_body(_nested_list(20), 4, PAGE).problems == []


def test_quotes_and_open_brackets_count_as_nesting():
    quotes = check_body("texto\n\n" + "> " * 21 + "cita\n", 4, PAGE).problems
    assert quotes == [(6, "el texto tiene listas o citas (>) anidadas en 21 niveles; el "
                          "máximo es 20. Use menos niveles de sangría")]
    brackets = check_body("uno\n\n" + "![a" * 21 + "\n", 10, PAGE).problems
    assert [line for line, _ in brackets] == [12]
    assert "más de 20 corchetes [ abiertos" in brackets[0][1]
    closed = "[a] " * 500 + "\\[" * 50  # many brackets, none open for long
    assert check_body(closed, 4, PAGE).problems == []


def test_the_abbreviation_bomb_is_one_error_at_its_definition(content_copy):
    # The news item: ~63 KB that Python-Markdown turns into a 40 MB page.
    title = "Departamento Administrativo " * 70  # 1,960 characters
    body = "Informe de la vigencia.\n\n*[DANE]: " + title + "\n\n" + "DANE " * 12_000 + "\n"
    path = content_copy / PAGE
    path.write_text(FRONT + body, encoding="utf-8")
    assert 60_000 < path.stat().st_size < 66_000
    problems = _problems(content_copy)
    assert len(problems) == 1
    # 12,000 uses × (1,960 + 22 characters of <abbr title=""></abbr>) = 23,784,000
    assert problems[0].startswith(
        "content/paginas/juridica/prueba.md:6: el texto crecería 23784000 caracteres al "
        "publicarse (el máximo es 100000): *[DANE] se repite 12000 veces."
    )


def test_ordinary_abbreviations_are_allowed():
    body = ("El DANE y el SISBEN publican cifras; el DANE las actualiza.\n\n"
            "*[DANE]: Departamento Administrativo Nacional de Estadística\n"
            "*[SISBEN]: Sistema de Identificación de Potenciales Beneficiarios\n")
    assert check_body(body, 4, PAGE).problems == []


def test_a_reference_link_repeated_without_end_is_an_expansion_error():
    body = "[r]: https://www.chitaga-nortedesantander.gov.co/" + "a" * 956 + "\n\n" \
        + "[x][r] " * 200
    problems = check_body(body, 4, PAGE).problems
    # 200 uses × (1,000-character URL + 15) = 203,000 characters
    assert problems == [(4, "el texto crecería 203000 caracteres al publicarse (el máximo es "
                            "100000): [r] se repite 200 veces. Escriba el nombre completo una "
                            "vez y no defina la sigla, o acorte su explicación")]


def test_more_than_100_abbreviations_is_an_error():
    body = "".join(f"*[S{number}]: sigla {number}\n" for number in range(101))
    problems = check_body(body, 4, PAGE).problems
    assert problems == [(104, "el texto define 101 abreviaturas (*[SIGLA]: ...); el máximo "
                              "es 100. Escriba los nombres completos en el texto")]


def test_a_body_with_thousands_of_problems_lists_the_first_hundred():
    problems = check_body("<b>x</b>\n" * 500, 4, PAGE).problems
    assert len(problems) == 101
    assert problems[99][0] == 103
    assert problems[100] == (104, "y más problemas desde esta línea: se muestran los primeros "
                                  "100; corríjalos y valide de nuevo")


def test_line_numbers_are_file_lines_after_tabs_and_crlf():
    body = "uno\r\n\tdos\r\n\r\ntres <script>x</script>\r\n"
    assert [line for line, _ in check_body(body, 7, PAGE).problems] == [10]


def test_a_code_block_inside_a_list_item_is_still_checked():
    # Indented lines after a list item continue the item: Python-Markdown renders
    # them as HTML, not code, so the validator must look at them.
    body = "- paso uno\n\n    <script>x</script>\n"
    assert [line for line, _ in check_body(body, 4, PAGE).problems] == [6]



# -- inline work: what makes Python-Markdown slower than the text is long ---------

MARKS_ERROR = ("el párrafo tiene 2001 signos de formato (*, _, `, [, <, & o \\); el máximo "
               "es 2000. Divídalo en párrafos más cortos, con una línea en blanco entre "
               "ellos, o quite los signos que sobran")


def test_a_paragraph_of_2001_formatting_marks_is_one_error_at_its_line():
    # "*a* " is two marks; 1,000 of them are 2,000 and the "&" is mark 2,001.
    body = "Introducción.\n\n" + "*a* " * 1000 + "&\n\nFin.\n"
    assert check_body(body, 4, PAGE).problems == [(6, MARKS_ERROR)]


@pytest.mark.parametrize("unit", ["_a_ ", "`a ", "\\*a ", "&amp; ", "[a] ", "<b "])
def test_every_kind_of_mark_counts(unit):
    # "`a" and "\\*" are one mark each, like "&", "[" and "<"; "_a_" is two.
    marks = 2 if unit == "_a_ " else 1
    body = "Texto.\n\n" + unit * (2001 // marks) + "*" * (2001 % marks) + "\n"
    problems = check_body(body, 4, PAGE).problems
    assert [line for line, _ in problems] == [6]
    assert "tiene 2001 signos de formato" in problems[0][1]


def test_the_worst_paragraph_just_under_the_limit_is_accepted_and_renders(reader):
    body = "*a* " * 1000  # 2,000 marks: the limit
    assert check_body(body, 4, PAGE).problems == []
    rendered = reader[1]._markdown().reset().convert(body)
    assert rendered.count("<em>a</em>") == 1000


def test_marks_are_counted_per_paragraph_and_code_blocks_are_not_counted():
    paragraph = "*a* " * 1000 + "\n\n"  # 2,000 marks each: every paragraph at the limit
    code = "```\n" + "*a* " * 3000 + "\n```\n"
    assert check_body(paragraph * 5 + code + "`" + "*" * 3000 + "`\n", 4, PAGE).problems == []


@pytest.mark.parametrize("link", ["[a](", '[a]("x) ', "[a](x 'y) ", "[a]((b) "])
def test_six_unclosed_links_in_a_paragraph_are_one_error_at_the_sixth(link):
    # Each line is a link whose ( Python-Markdown reads to the end of the paragraph.
    body = "Texto\n" + (link + "\n") * 6 + "fin\n"
    assert check_body(body, 4, PAGE).problems == [(10, (
        "el párrafo tiene 6 enlaces [texto]( sin cerrar; el máximo es 5. Cierre cada uno "
        "con ), como [texto](https://...), o escriba el corchete \\]"
    ))]
    assert check_body("Texto\n" + (link + "\n") * 5 + "fin\n", 4, PAGE).problems == []


def test_closed_links_with_titles_and_parentheses_are_not_unclosed():
    links = ('[a](https://es.wikipedia.org/wiki/Chitag%C3%A1_(Norte_de_Santander)) '
             '[b](https://www.dane.gov.co "DANE") [c](<https://x.gov.co/a b>) '
             "[d](/paginas/x/ 'Página (x)') ") * 100
    assert check_body("Ver " + links + "\n", 4, PAGE).problems == []


def test_six_unclosed_tags_in_a_body_are_one_error_at_the_sixth():
    # The HTML reader reads the whole text, indented code included, so they
    # count across paragraphs and in indented code; code spans are left alone.
    body = "<a uno\n\n<b dos\n\n    <c tres\n\n<d\n<e\n<f seis\n\n`<g` x <5 y < z\n"
    assert check_body(body, 4, PAGE).problems == [(12, (
        "el texto tiene 6 signos < seguidos de una letra sin su > de cierre; el máximo es "
        "5. Para mostrar el signo <, escríbalo entre comillas invertidas (`<`) o déjele un "
        "espacio después"
    ))]
    assert check_body(body.replace("<f", "f"), 4, PAGE).problems == []


def test_a_40_kb_policy_page_in_ordinary_markdown_passes():
    sentence = ("La Alcaldía de Chitagá trata los datos personales según la **Ley 1581 de "
                "2012**, el *Decreto 1377 de 2013* y la [Política de datos]"
                "({filename}/paginas/juridica/peticiones-quejas-y-reclamos.md) de la entidad; "
                "el titular (o su representante) puede consultar, corregir o suprimir "
                "sus datos & pedir prueba de la autorización. ")
    article = sentence * 6 + "\n\n- **Consulta**: 10 días.\n- **Reclamo**: 15 días.\n\n"
    body = "".join(f"## Artículo {number}\n\n" + article for number in range(1, 40))
    long_paragraph = sentence * 60 + "\n"  # one 20 KB paragraph of legal text
    body += long_paragraph
    assert len(body.encode()) > 40_000
    assert check_body(body, 4, PAGE).problems == []

BODY_PIECES = st.sampled_from([
    "\n", "\n\n", "    ", "\t", "> ", "- ", "1. ", "```", "~~~", "`", "``", "[", "]", "(",
    ")", "![", "](", "]: ", "<", ">", "</", "/>", "<!--", "-->", "{:", "}", "*[", "=",
    '"', "'", "&#x61;", "&", ";", "\\", "script", "a", "img", "src", "href", "onclick",
    "style", "javascript:", "http://", "HTTPS://", "//", "{filename}", "{static}", "../",
    "adjuntos/", "x.md", "ñ", "\u202e", "\x00",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(BODY_PIECES, max_size=60).map("".join), st.integers(1, 50))
def test_the_body_checker_never_raises_and_lines_stay_in_the_body(body, first_line):
    report = check_body(body, first_line, PAGE)
    last_line = first_line + body.replace("\r\n", "\n").count("\n")
    for line, message in report.problems:
        assert first_line <= line <= last_line
        assert message and message[0].islower()
    for marker, target, line in report.links:
        assert marker in ("filename", "static", "attach")
        assert not target.startswith("..")
        assert first_line <= line <= last_line


# -- the renderer ---------------------------------------------------------------

HOSTILE = """\
Texto <script>alert(1)</script> <SCRIPT>alert(2)</SCRIPT>

<iframe src="https://otro.example/"></iframe> <object data="x"></object> <embed src="x">

<form action="https://otro.example/"><input name="c"><button>Enviar</button></form>

<style>body{display:none}</style> <meta http-equiv="refresh" content="0;url=https://x">
<link rel="stylesheet" href="https://otro.example/e.css"> <base href="https://otro.example/">

<p onclick="robar()" style="color:red" data-x="1">párrafo</p>

[a](javascript:alert(1)) [b](jav&#x61;script:alert(1)) [c](vbscript:x) [d](data:text/html,x)
[e](//otro.example/) [f](http://otro.example/) [g](ftp://otro.example/)
<a href=" JAVASCRIPT:alert(1)">h</a> <a href="\\\\otro.example/">i</a>

![externa](https://otro.example/a.png) <img src="//otro.example/b.png" onerror="robar()">
<img src="https://otro.example/adjuntos/c.png">

## Título {: onclick="robar()" style="color:red" }

<!-- <script>comentario</script> -->
"""

FRIENDLY = """\
Texto con **negrita**, *cursiva*, H<sub>2</sub>O y 10<sup>3</sup>.<br>Otra línea.

<details><summary>Más</summary>Detalle.</details>

[Una página]({filename}/paginas/juridica/peticiones-quejas-y-reclamos.md#inicio),
[un PDF]({static}/adjuntos/hacienda/formulario-registro-ica.pdf),
[https](https://www.suin-juriscol.gov.co/), [correo](mailto:a@chitaga-nortedesantander.gov.co),
[teléfono](tel:+576000000), [trámites](/tramites/), [oficinas](../oficinas/), [ancla](#arriba).

![Placa]({static}/adjuntos/planeacion/placa-huella-vereda-el-roble.jpg "La placa")

El ICA se paga en marzo.[^1]

| Impuesto | Fecha |
|:---------|------:|
| ICA      | marzo |

## Calendario {: #calendario .destacado }

*[ICA]: Impuesto de Industria y Comercio

[^1]: Según el calendario tributario.
"""


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """Our Markdown reader over a copy of the sample with HOSTILE and FRIENDLY pages.

    The site is not validated first: the reader must hold on its own.
    """
    import shutil  # noqa: PLC0415 - only this fixture copies content
    content = tmp_path_factory.mktemp("lector") / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    (content / "paginas/juridica/hostil.md").write_text(FRONT + HOSTILE, encoding="utf-8")
    (content / "paginas/juridica/amable.md").write_text(FRONT + FRIENDLY, encoding="utf-8")
    site = check_content(content, today=TODAY, use_cache=False)
    pelican_settings = read_settings(str(PREVIEW_SETTINGS))
    pelican_settings[SITE_SETTING] = site
    MarkdownReader(pelican_settings)  # as in a build: it lists the configured extensions
    return content, MarkdownContentReader(pelican_settings)


def _render(reader, name: str) -> str:
    content, markdown_reader = reader
    return markdown_reader.read(str(content / "paginas/juridica" / name))[0]


def test_the_reader_removes_hostile_html_the_validator_did_not_stop(reader):
    html = _render(reader, "hostil.md")
    page = BeautifulSoup(html, "html.parser")
    tags = {tag.name for tag in page.find_all(True)}
    assert not tags & {"script", "iframe", "object", "embed", "form", "input", "button",
                       "style", "meta", "link", "base"}
    for tag in page.find_all(True):
        for attribute, value in tag.attrs.items():
            assert not attribute.startswith("on") and attribute not in ("style", "data-x")
            if attribute in ("href", "src"):
                assert re.match(r"(https://|mailto:|tel:|[#/.a-z{])", value), value
                assert not re.match(r"[/\\]{2}", value), value
    for image in page.find_all("img"):
        assert "src" not in image.attrs  # none of them comes from adjuntos/
    assert "alert" not in html and "robar" not in html and "comentario" not in html
    assert page.find("a", string="f") is not None and page.find("a", string="f").get(
        "href") is None  # http:// is not in the allowlist either
    assert "párrafo" in page.get_text()


def test_the_reader_keeps_everything_markdown_and_the_allowlist_produce(reader):
    page = BeautifulSoup(_render(reader, "amable.md"), "html.parser")
    links = [link.get("href") for link in page.find_all("a")]
    assert links[:8] == [
        "{filename}/paginas/juridica/peticiones-quejas-y-reclamos.md#inicio",
        "{static}/adjuntos/hacienda/formulario-registro-ica.pdf",
        "https://www.suin-juriscol.gov.co/", "mailto:a@chitaga-nortedesantander.gov.co",
        "tel:+576000000", "/tramites/", "../oficinas/", "#arriba",
    ]
    image = page.find("img")
    assert image.attrs == {
        "src": "{static}/adjuntos/planeacion/placa-huella-vereda-el-roble.jpg",
        "alt": "Placa", "title": "La placa",
    }
    assert {tag.name for tag in page.find_all(True)} >= {
        "strong", "em", "sub", "sup", "br", "details", "summary", "abbr", "table", "th",
        "td", "div", "h2", "ol", "li", "hr"}
    assert page.find("abbr")["title"] == "Impuesto de Industria y Comercio"
    assert page.find("h2").attrs == {"id": "calendario", "class": ["destacado"]}
    assert page.find("div", class_="tabla").attrs["role"] == "region"
    assert page.find("th", scope="col")["style"] == "text-align:left"
    assert page.find("td", string=re.compile("marzo"))["style"] == "text-align:right"
    assert page.find("a", class_="footnote-ref")["href"] == "#fn:1"
    assert page.find("li", id="fn:1") is not None
    for link in page.find_all("a"):
        assert "rel" not in link.attrs  # nh3 would add rel="noopener noreferrer"


def test_cleaning_leaves_the_sample_content_byte_for_byte(reader):
    """What the sample writes is all allowed: the second wall changes nothing in it."""
    content, markdown_reader = reader
    converter = markdown_reader._markdown()
    for path in sorted(SAMPLE_CONTENT.glob("*/*/*.md")):
        document = markdown_reader.document(str(content / path.relative_to(SAMPLE_CONTENT)))
        rendered = converter.reset().convert(document.body or "")
        assert clean(rendered) == rendered, path.name
