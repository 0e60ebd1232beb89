"""What open data and structured data cost: the JSON-LD in each page's 13 KB, and the files.

    .venv/bin/python bench/datos_abiertos.py

Builds content/ (preview settings) into a temporary folder, then for every HTML page
compresses it with gzip -9 as it is and with its <script type="application/ld+json">
block removed (the baseline, from the same build), and prints the heaviest pages,
the JSON-LD's share per page type, and the size of each data file (plain and gzip -9),
with the OCDS package's release count.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from municipal.publishing.build import build_site  # noqa: E402

BUDGET = 13 * 1024
JSON_LD = re.compile(rb'<script type="application/ld\+json">.*?</script>', re.DOTALL)


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, 9, mtime=0))


def page_type(relative: str) -> str:
    parts = relative.split("/")
    return "inicio" if len(parts) == 1 else parts[0] + ("/…" if len(parts) > 2 else "")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "output"
        build_site(ROOT / "content", output, ROOT / "pelicanconf.py")
        rows = []
        for path in sorted(output.rglob("*.html")):
            data = path.read_bytes()
            rows.append((path.relative_to(output).as_posix(), gzip_size(data),
                         gzip_size(JSON_LD.sub(b"", data)), bool(JSON_LD.search(data))))
        print("Páginas más pesadas (gzip -9, CSS incluido), con JSON-LD y sin él:")
        for name, with_ld, without, _ in sorted(rows, key=lambda row: -row[1])[:5]:
            print(f"  {name:58} {with_ld:6} B  sin JSON-LD {without:6} B  "
                  f"×{with_ld / without:.3f}  ({with_ld / BUDGET:.0%} del presupuesto)")
        heaviest = max((row for row in rows if row[3]), key=lambda row: row[1])
        print(f"Página más pesada con JSON-LD: {heaviest[0]}, {heaviest[1]} B "
              f"(sin JSON-LD {heaviest[2]} B, ×{heaviest[1] / heaviest[2]:.3f}); "
              f"presupuesto {BUDGET} B")
        by_type = defaultdict(list)
        for name, with_ld, without, has in rows:
            if has:
                by_type[page_type(name)].append(with_ld - without)
        print("Bytes comprimidos que agrega el JSON-LD, por tipo de página (máximo):")
        for kind, extra in sorted(by_type.items()):
            print(f"  {kind:20} {max(extra):5} B en {len(extra)} páginas")
        print("Archivos de datos (bytes, y gzip -9):")
        files = sorted([*output.glob("datos/*.json"), *output.glob("datos/*.csv"),
                        *output.glob("*.ics"), *output.glob("cumplimiento.*")])
        for path in files:
            data = path.read_bytes()
            print(f"  /{path.relative_to(output).as_posix():38} {len(data):8} "
                  f"{gzip_size(data):8}  ×{len(data) / gzip_size(data):.1f}")
        package = json.loads((output / "datos/contratos-ocds.json").read_text(encoding="utf-8"))
        print(f"OCDS: {len(package['releases'])} entregas en "
              f"{(output / 'datos/contratos-ocds.json').stat().st_size} bytes")


if __name__ == "__main__":
    main()
