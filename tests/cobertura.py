"""Print line and branch coverage per subpackage of the plugin, from the last test run.

Run by tests/ejecutar.sh after `coverage run -m pytest`; reads `.coverage` (see
pyproject.toml, [tool.coverage]). Figures only: no threshold.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "plugins" / "municipal"


def package_of(path: Path) -> str:
    relative = path.resolve().relative_to(PLUGIN)
    return relative.parts[0] if len(relative.parts) > 1 else "(raíz)"


def main() -> int:
    measured = coverage.Coverage(data_file=str(ROOT / ".coverage"))
    measured.load()
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "cobertura.json"
        measured.json_report(outfile=str(report), include=[f"{PLUGIN}/*"])
        files = json.loads(report.read_text(encoding="utf-8"))["files"]
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for filename, measures in files.items():
        summary = measures["summary"]
        row = totals[package_of(ROOT / filename)]
        row[0] += summary["num_statements"]
        row[1] += summary["covered_lines"]
        row[2] += summary["num_branches"]
        row[3] += summary["covered_branches"]
    if not totals:
        print("Cobertura: no hay datos del complemento.", file=sys.stderr)
        return 1
    print("\nCobertura por paquete (plugins/municipal/):")
    print(f"{'paquete':<14} {'líneas':>18} {'ramas':>18}")
    overall = [0, 0, 0, 0]
    for package, row in sorted(totals.items()):
        print(f"{package:<14} {_share(row[1], row[0]):>18} {_share(row[3], row[2]):>18}")
        overall = [a + b for a, b in zip(overall, row, strict=True)]
    print(f"{'total':<14} {_share(overall[1], overall[0]):>18} "
          f"{_share(overall[3], overall[2]):>18}")
    return 0


def _share(covered: int, total: int) -> str:
    percent = 100 * covered / total if total else 100.0
    return f"{percent:5.1f} % ({covered}/{total})"


if __name__ == "__main__":
    sys.exit(main())
