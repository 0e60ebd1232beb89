"""Validation throughput over 10,000 generated content files, and re-validation time.

    .venv/bin/python bench/validacion.py [--archivos N]

Copies the sample content (content/) over and over, with unique names, until
there are N content files (default 10,000), then measures in this one process:

1. full validation with the YAML C loader on one core (the baseline);
2. the same on every core (what `invoke validar` does on a cold cache);
3. the same with the pure-Python YAML loader, on every core;
4. re-validation with a warm cache after changing one file;
5. re-validation with a warm cache and no change.

Prints files/s and ratios against the baseline; targets are DESIGN.md §8.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from municipal.content import yaml_loader  # noqa: E402
from municipal.content.layout import discover  # noqa: E402
from municipal.content.validation import check_content  # noqa: E402
from municipal.content.validation_cache import cache_file_for  # noqa: E402


def generate(target: Path, wanted: int) -> int:
    """Fill target with the sample site files and ~wanted copies of its content files."""
    sample = ROOT / "content"
    shutil.copytree(sample, target, ignore=shutil.ignore_patterns(
        "noticias", "tramites", "contratos", "paginas"))
    originals = [(file, file.path.read_text(encoding="utf-8"))
                 for file in discover(sample).files]
    count = 0
    copy = 0
    while count < wanted:
        copy += 1
        for file, text in originals:
            if count == wanted:
                break
            name, copied = _renamed(file, text, copy)
            path = target / file.kind / file.office / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(copied, encoding="utf-8")
            count += 1
    return count


def _renamed(file, text: str, copy: int) -> tuple[str, str]:
    suffix = f"-c{copy}"
    if file.kind == "contratos":
        referencia = yaml.safe_load(text)["referencia"]
        text = text.replace(f"referencia: {referencia}", f"referencia: {referencia}{suffix}", 1)
        return f"{file.slug}{suffix}.yml", text
    return f"{file.slug}{suffix}{file.path.suffix}", text


def timed(content: Path, **options) -> tuple[float, int]:
    started = time.perf_counter()
    site = check_content(content, **options)
    return time.perf_counter() - started, len(site.problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--archivos", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        files = generate(content, args.archivos)
        cores = len(os.sched_getaffinity(0))
        print(f"{files} archivos de contenido generados; {cores} núcleos; "
              f"cargador C de YAML disponible: {yaml_loader.C_LOADER_AVAILABLE}")

        base, problems = timed(content, use_cache=False, processes=1)
        print(f"1. completa, cargador C, 1 núcleo:        {base:6.2f} s  "
              f"{files / base:7.0f} archivos/s  (base; {problems} errores)")

        parallel, problems = timed(content, use_cache=False)
        print(f"2. completa, cargador C, {cores} núcleos:       {parallel:6.2f} s  "
              f"{files / parallel:7.0f} archivos/s  ×{base / parallel:.2f} la base"
              f"  (meta ≥ 2000 archivos/s; {problems} errores)")

        c_loader = yaml_loader._Loader
        yaml_loader._Loader = yaml.SafeLoader
        try:
            python, problems = timed(content, use_cache=False)
        finally:
            yaml_loader._Loader = c_loader
        print(f"3. completa, cargador Python, {cores} núcleos: {python:6.2f} s  "
              f"{files / python:7.0f} archivos/s  ×{base / python:.2f} la base"
              f"  ({problems} errores)")

        cache_file_for(content).unlink(missing_ok=True)
        timed(content)  # fills the cache
        changed = next((content / "tramites").rglob("*.yml"))
        changed.write_text(changed.read_text(encoding="utf-8") + "\n# cambio\n",
                           encoding="utf-8")
        one, problems = timed(content)
        print(f"4. un archivo cambiado, caché caliente:   {one:6.2f} s  "
              f"×{base / one:.1f} más rápido que la base  (meta < 0.5 s; {problems} errores)")

        unchanged, problems = timed(content)
        print(f"5. sin cambios, caché caliente:           {unchanged:6.2f} s  "
              f"×{base / unchanged:.1f} más rápido que la base  ({problems} errores)")


if __name__ == "__main__":
    main()
