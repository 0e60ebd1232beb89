"""What the search index costs each build: Pagefind's time against the build's.

    .venv/bin/python bench/indice_busqueda.py            # the sample site (content/)
    .venv/bin/python bench/indice_busqueda.py --n 1000   # a synthetic site (bench/synthetic.py)

Every build, full or incremental, indexes the whole site again (site/search.py): the
simplest way for the index to match the pages. This builds the site (preview settings)
once cold and once again with nothing changed (incremental: every page reused), then
times `build_index` alone on the built folder, three times, and prints the index's
median time as a share of each build, with the index's size.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT))

from bench import synthetic  # noqa: E402
from municipal.publishing.build import build_site  # noqa: E402
from municipal.site.search import INDEX_FOLDER, build_index  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=0, help="elementos sintéticos (0: content/)")
    size = parser.parse_args().n
    folder = Path(tempfile.mkdtemp(prefix="bench-indice-"))
    try:
        if size:
            content = synthetic.generate(folder / "content", size).content
        else:
            content = folder / "content"
            shutil.copytree(ROOT / "content", content)
        output = folder / "output"
        settings = ROOT / "pelicanconf.py"
        cold = build_site(content, output, settings)
        warm = build_site(content, output, settings)
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            summary = build_index(output, brotli_copies=False)
            timings.append(time.perf_counter() - start)
        index = statistics.median(timings)
        weight = sum(path.stat().st_size for path in (output / INDEX_FOLDER).rglob("*")
                     if path.is_file())
        label = f"sintético de {size} elementos" if size else "de ejemplo (content/)"
        print(f"Sitio {label}: {cold.html_pages} páginas, {summary.pages} en el índice "
              f"({summary.files} archivos, {weight / 1024:.0f} KB).")
        print(f"Construcción completa: {cold.seconds:.2f} s; sin cambios (incremental, "
              f"{warm.pages_reused} páginas reutilizadas): {warm.seconds:.2f} s.")
        print(f"Índice de búsqueda (mediana de 3): {index:.2f} s = "
              f"{index / cold.seconds:.0%} de la completa y {index / warm.seconds:.0%} de "
              "la incremental (ya incluido en ambas).")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
