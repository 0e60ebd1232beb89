"""Our full build (b) and one-item rebuild (c), with an earlier commit's code and with this
working tree's, alternated in the same run (issue 19: each speed-up measured before/after).

    .venv/bin/python bench/antes_despues.py [--antes a705328] [--n 1000] [--rondas 3]

Writes the code of `--antes` (git archive) into a temporary folder, generates N synthetic
items with a history of one commit per item (bench/synthetic.py) and copies that repository
twice, one per version (each keeps its own .cache/). Then, each build in its own process:
(b) a cold build with each version; and, `--rondas` times, one news item changed and
committed in both copies, rebuilt (c) with each version (in turns: the first alternates); then
`--rondas` rebuilds with nothing changed (s). Prints every time, the medians and the ratio
después/antes (below 1: faster now).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from build import change_one_news  # noqa: E402
from synthetic import generate  # noqa: E402

BUILD = ("import sys; sys.path.insert(0, sys.argv[1] + '/plugins'); from pathlib import Path; "
         "from municipal.publishing.build import build_site; "
         "build_site(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[1]) / 'pelicanconf.py')")


def timed_build(tree: Path, content: Path, output: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", BUILD, str(tree), str(content), str(output)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"falló la construcción con {tree}:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def order(trees: dict[str, Path], number: int) -> list[tuple[str, Path]]:
    """Antes first in odd rounds, después first in even ones: neither always runs second
    (right after the other's build, while its old output is deleted in the background)."""
    pairs = list(trees.items())
    return pairs if number % 2 == 0 else pairs[::-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--antes", default="a705328", help="commit del código de antes")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rondas", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-antes-despues-") as folder:
        run(Path(folder), args.antes, args.n, args.rondas)


def run(folder: Path, before: str, n: int, rounds: int) -> None:
    trees = {"antes": folder / "codigo-antes", "después": ROOT}
    trees["antes"].mkdir()
    archive = subprocess.run(["git", "archive", before], cwd=ROOT, capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(trees["antes"])], input=archive, check=True)
    commit = subprocess.run(["git", "rev-parse", "--short", before], cwd=ROOT, text=True,
                            capture_output=True, check=True).stdout.strip()
    generated = generate(folder / "sitio" / "content", n, commits=n)
    news = sorted(path for path in generated.files if path.startswith("noticias/"))[-1]
    sites = {}
    for name in trees:
        sites[name] = folder / f"sitio-{name}"
        shutil.copytree(generated.repository, sites[name], symlinks=True)
    print(f"N = {n:,} ({n} commits); antes: {commit}; después: este árbol de trabajo; "
          f"nproc {os.cpu_count()}, carga media {os.getloadavg()[0]:.1f}")
    times: dict[tuple[str, str], list[float]] = {}
    for name, tree in trees.items():
        seconds = timed_build(tree, sites[name] / "content", sites[name] / "salida")
        times.setdefault(("b", name), []).append(seconds)
        print(f"(b) {name:<8} en frío: {seconds:6.2f} s", flush=True)
    for number in range(rounds):
        for name, tree in order(trees, number):
            content = sites[name] / "content"
            change_one_news(content / news, sites[name], content)
            seconds = timed_build(tree, content, sites[name] / "salida")
            times.setdefault(("c", name), []).append(seconds)
            print(f"(c) {name:<8} ronda {number + 1}: {seconds:6.2f} s", flush=True)
    for number in range(rounds):
        for name, tree in order(trees, number):
            content = sites[name] / "content"
            seconds = timed_build(tree, content, sites[name] / "salida")
            times.setdefault(("s", name), []).append(seconds)
            print(f"(s) {name:<8} sin cambios, ronda {number + 1}: {seconds:6.2f} s", flush=True)
    print()
    for variant in ("b", "c", "s"):
        old = statistics.median(times[(variant, "antes")])
        new = statistics.median(times[(variant, "después")])
        print(f"({variant}) mediana antes {old:.2f} s, después {new:.2f} s: "
              f"después/antes = {new / old:.2f}")


if __name__ == "__main__":
    main()
