"""Build time and page count of the sample site (content/), over several runs.

    .venv/bin/python bench/construccion_muestra.py [--veces N]

Prints each run, then the median; the first run also pays Python's imports.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from municipal.publishing.build import build_site  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--veces", type=int, default=5)
    args = parser.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(1, args.veces + 1):
            result = build_site(ROOT / "content", Path(folder) / "output",
                                ROOT / "pelicanconf.py")
            times.append(result.seconds)
            print(f"construcción {run}: {result.seconds:.2f} s, {result.html_pages} páginas")
        files = sum(1 for path in (Path(folder) / "output").rglob("*") if path.is_file())
    content_files = sum(1 for path in (ROOT / "content").rglob("*") if path.is_file())
    print(f"mediana: {statistics.median(times):.2f} s; {content_files} archivos de "
          f"contenido → {result.html_pages} páginas HTML ({files} archivos en total)")


if __name__ == "__main__":
    main()
