"""Render time of the worst Markdown bodies the validator accepts, against a normal body.

    .venv/bin/python bench/markdown_peor_caso.py [--bytes N]

Python-Markdown's inline work grows with the square of a paragraph's length
when the paragraph is made of formatting marks, unclosed links or unclosed
tags (plugins/municipal/content/markdown_body.py limits them). For a body of N characters
(default 40,000, a long policy page) this builds each worst case just under the
limits, checks that the validator accepts it, renders it with the converter of
plugins/municipal/site/readers.py (best of three), and prints its time and the ratio
to an ordinary body of the same size.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from pelican.settings import read_settings  # noqa: E402

from municipal.content.html_allowlist import clean  # noqa: E402
from municipal.content.markdown_body import (  # noqa: E402
    MAX_INLINE_MARKS,
    MAX_OPEN_LINKS,
    MAX_OPEN_TAGS,
    check_body,
)
from municipal.site.readers import MarkdownContentReader  # noqa: E402

PAGE = "paginas/juridica/politica.md"
SENTENCE = ("La Alcaldía de Chitagá adopta la política de tratamiento de datos personales "
            "de acuerdo con la **Ley 1581 de 2012** y el [Decreto 1377](https://www.funcion"
            "publica.gov.co/eva/gestornormativo/norma.php?i=53646) de 2013. ")


def normal(size: int) -> str:
    """Ordinary Markdown: headings, paragraphs of ~600 characters with bold and links."""
    paragraphs, total, number = [], 0, 0
    while total < size:
        number += 1
        text = f"## Artículo {number}\n\n" + SENTENCE * 3 + "\n\n"
        paragraphs.append(text)
        total += len(text)
    return "".join(paragraphs)[:size]


def padded(head: str, size: int) -> str:
    """`head` then plain words up to `size` characters, all in one paragraph."""
    words = "palabra " * ((size - len(head)) // 8 + 1)
    return (head + words)[:size]


def worst_cases(size: int) -> dict[str, str]:
    marks = MAX_INLINE_MARKS - 1
    return {
        "signos *a* en un párrafo": padded("*a* " * (marks // 2), size),
        "signos _a_ en un párrafo": padded("_a_ " * (marks // 2), size),
        "enlaces cerrados en un párrafo": padded("[a](b) " * marks, size),
        "entidades &amp; en un párrafo": padded("&amp; " * marks, size),
        "código `a` en un párrafo": padded("`a` " * (marks // 2), size),
        "escapes \\* en un párrafo": padded("\\* " * marks, size),
        "enlaces y etiquetas sin cerrar": padded(
            "[a](" * MAX_OPEN_LINKS + "<a " * MAX_OPEN_TAGS + "*a* " * ((marks - 10) // 2),
            size),
    }


def render_time(converter, body: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        clean(converter.reset().convert(body))
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bytes", type=int, default=40_000, dest="size",
                        help="tamaño de cada cuerpo en caracteres (40000)")
    size = parser.parse_args().size
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    converter = MarkdownContentReader(settings)._markdown()
    base_body = normal(size)
    assert check_body(base_body, 4, PAGE).problems == [], "el cuerpo normal no valida"
    base = render_time(converter, base_body)
    print(f"cuerpo normal de {size} caracteres: {base * 1000:.1f} ms")
    worst = 0.0
    for name, body in worst_cases(size).items():
        problems = check_body(body, 4, PAGE).problems
        assert problems == [], f"{name}: el validador lo rechaza: {problems[:1]}"
        seconds = render_time(converter, body)
        worst = max(worst, seconds)
        print(f"{name:34} {seconds * 1000:8.1f} ms  {seconds / base:5.1f} × el normal")
    print(f"peor caso aceptado: {worst * 1000:.1f} ms, {worst / base:.1f} × el cuerpo normal")


if __name__ == "__main__":
    main()
