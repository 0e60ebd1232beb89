"""What the page budget check (plugins/municipal/site/page_budget.py) costs in a build.

    .venv/bin/python bench/presupuesto.py [--n N]

Builds a copy of the sample content (content/), or N generated items with
synthetic.py, into a temporary folder twice: a full build, then a rebuild with
nothing changed. Prints, for each, the build time, the time spent measuring
pages (reading them back and gzip -9), how many pages were compressed, and the
share of the build that is.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import generate  # noqa: E402

import municipal  # noqa: E402
from municipal.publishing.build import build_site  # noqa: E402
from municipal.site import page_budget  # noqa: E402

_spent = {"seconds": 0.0, "pages": 0, "compressed": 0}
_measure_page = page_budget.measure_page
_compressed_size = page_budget.compressed_size


def timed_measure_page(path, context) -> None:
    started = time.perf_counter()
    _measure_page(path, context)
    _spent["seconds"] += time.perf_counter() - started
    _spent["pages"] += 1


def counted_compressed_size(data: bytes) -> int:
    _spent["compressed"] += 1
    return _compressed_size(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=0,
                        help="elementos generados (por defecto: el contenido de ejemplo)")
    args = parser.parse_args()
    # register() connects whatever municipal.measure_page is when Pelican starts.
    municipal.measure_page = timed_measure_page
    page_budget.compressed_size = counted_compressed_size
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        if args.n:
            generate(content, args.n)
        else:
            shutil.copytree(ROOT / "content", content)
        for name in ("construcción completa", "reconstrucción sin cambios"):
            _spent.update(seconds=0.0, pages=0, compressed=0)
            result = build_site(content, Path(folder) / "output", ROOT / "pelicanconf.py")
            share = _spent["seconds"] / result.seconds
            print(f"{name}: {result.seconds:.2f} s, {result.html_pages} páginas; "
                  f"presupuesto: {_spent['seconds'] * 1000:.1f} ms en {_spent['pages']} "
                  f"páginas escritas ({_spent['compressed']} comprimidas) = {share:.2%} "
                  "de la construcción")


if __name__ == "__main__":
    main()
