"""`invoke servir` at scale (issue 19): from saving a news item to its new bytes over HTTP.

    .venv/bin/python bench/servir.py [--n 1000] [--commits C] [--ediciones 3]
    .venv/bin/python bench/servir.py --small       # N=200 without history, fast

Generates N synthetic items (bench/synthetic.py; a git history of one commit per item by
default, as a municipality's repository) and runs, in a child process, what `invoke servir`
runs (tasks.py: `_build`, then `_serve` and the `watchfiles` loop that calls `_build` on
every change), with a temporary output folder instead of output/. Then, several times:
appends a paragraph with a new word to one news item and measures, from the moment the
file is written and closed, the time until GET of the item's page over HTTP answers bytes
that contain the word (polled every 10 ms).

Baseline in the same run: the same one-item rebuild with `build_site` called directly in a
fresh process (what the watching adds is the rest). Target (DESIGN §8): < 1 s at N = 1,000.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import generate  # noqa: E402

sys.path.insert(0, str(ROOT / "plugins"))
from municipal.site.search import STALE_MARK  # noqa: E402

TARGET_SECONDS = 1.0
POLL_SECONDS = 0.01
TIMEOUT_SECONDS = 600


def serve(content: str, output: str, port: int) -> None:
    """In the child: the body of `invoke servir`, writing into `output`."""
    sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]
    import tasks  # noqa: PLC0415

    content_dir, output_dir = Path(content), Path(output)
    settings = ROOT / "pelicanconf.py"
    tasks._build(content_dir, output_dir, settings, preview=True)
    server = tasks._serve(output_dir, port)
    print("listo", flush=True)
    try:
        tasks._rebuild_on_change(content_dir, output_dir, settings)
    finally:
        server.shutdown()


def direct_build(content: str, output: str) -> None:
    """In the child: one build_site call, timed inside the process."""
    sys.path.insert(0, str(ROOT / "plugins"))
    from municipal.publishing.build import build_site  # noqa: PLC0415

    started = time.perf_counter()
    build_site(Path(content), Path(output), ROOT / "pelicanconf.py")
    print(json.dumps({"construccion": time.perf_counter() - started}), flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # only 127.0.0.1
            return response.read()
    except OSError:
        return None


def edit(news: Path, word: str) -> float:
    """Append a paragraph with `word`; the moment the file is written and closed."""
    with news.open("a", encoding="utf-8") as stream:
        stream.write(f"\nActualización {word}: cambia el horario de atención.\n")
    return time.perf_counter()


def wait_for(url: str, word: str, since: float) -> float:
    while time.perf_counter() - since < TIMEOUT_SECONDS:
        body = fetch(url)
        if body is not None and word.encode() in body:
            return time.perf_counter() - since
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"{url} no mostró el cambio en {TIMEOUT_SECONDS} s")


def wait_for_index(port: int, since: float) -> float:
    """Seconds from `since` until the served search index is no longer the stale one."""
    url = f"http://127.0.0.1:{port}/pagefind/"
    while time.perf_counter() - since < TIMEOUT_SECONDS:
        if fetch(url + "pagefind-entry.json") is not None and fetch(url + STALE_MARK) is None:
            return time.perf_counter() - since
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"el índice de búsqueda no se actualizó en {TIMEOUT_SECONDS} s")


def page_of(output: Path, news: Path) -> str:
    """The URL path of the news item's page (its folder is named after the file's slug)."""
    for folder in sorted((output / "noticias").iterdir()):
        if folder.is_dir() and news.stem.endswith(folder.name):
            return f"noticias/{folder.name}/"
    raise SystemExit(f"no se encontró la página de {news.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=None,
                        help="commits del historial (por defecto uno por elemento; 0: sin git)")
    parser.add_argument("--ediciones", type=int, default=3)
    parser.add_argument("--small", action="store_true", help="N=200 sin historial")
    parser.add_argument("--trabajo", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.trabajo:
        if args.trabajo[0] == "servir":
            serve(args.trabajo[1], args.trabajo[2], int(args.trabajo[3]))
        else:
            direct_build(args.trabajo[1], args.trabajo[2])
        return
    n = 200 if args.small else args.n
    commits = 0 if args.small else (n if args.commits is None else args.commits)
    with tempfile.TemporaryDirectory(prefix="bench-servir-") as folder:
        run(Path(folder), n, commits, args.ediciones)


def run(folder: Path, n: int, commits: int, edits: int) -> None:
    generated = generate(folder / "sitio" / "content", n, commits=commits)
    content = generated.content
    news = content / sorted(p for p in generated.files if p.startswith("noticias/"))[-1]
    print(f"N = {n:,} ({commits} commits); nproc {os.cpu_count()}, carga media "
          f"{os.getloadavg()[0]:.1f}; la noticia {news.relative_to(content)}")

    # (1) Baseline: the one-item rebuild as a fresh process calling build_site.
    output = folder / "sitio" / "salida"
    script = [sys.executable, str(Path(__file__).resolve()), "--trabajo"]
    subprocess.run([*script, "construir", str(content), str(output)], check=True,
                   capture_output=True)
    base = []
    for number in range(edits):
        edit(news, f"base{number}")
        started = time.perf_counter()
        result = subprocess.run([*script, "construir", str(content), str(output)],
                                check=True, capture_output=True, text=True)
        wall = time.perf_counter() - started
        inside = json.loads(result.stdout.strip().splitlines()[-1])["construccion"]
        base.append((wall, inside))
        print(f"(1) build_site en un proceso nuevo, edición {number + 1}: {wall:.2f} s "
              f"({inside:.2f} s dentro del proceso)", flush=True)

    # (2) invoke servir's loop: save → new bytes over HTTP.
    served_output = folder / "sitio" / "servida"
    port = free_port()
    child = subprocess.Popen([*script, "servir", str(content), str(served_output), str(port)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in child.stdout:
            if line.strip() == "listo":
                break
        else:
            raise SystemExit("invoke servir no arrancó")
        threading.Thread(target=child.stdout.read, daemon=True).start()  # never a full pipe
        url = f"http://127.0.0.1:{port}/{page_of(served_output, news)}"
        if fetch(url) is None:
            raise SystemExit(f"{url} no responde")
        time.sleep(1)  # watchfiles is watching
        served = []
        for number in range(edits):
            word = f"servida{number}"
            saved = edit(news, word)
            latency = wait_for(url, word, saved)
            served.append(latency)
            index = wait_for_index(port, saved)
            print(f"(2) invoke servir, edición {number + 1}: guardado → bytes nuevos por HTTP "
                  f"en {latency:.2f} s; índice de búsqueda al día en {index:.2f} s", flush=True)
            time.sleep(0.5)
    finally:
        child.terminate()
        child.wait(timeout=60)
    median_base = statistics.median(wall for wall, _ in base)
    median_served = statistics.median(served)
    print(f"\nMediana (1) {median_base:.2f} s; mediana (2) {median_served:.2f} s; "
          f"(2)/(1) = {median_served / median_base:.2f}; meta (2) < {TARGET_SECONDS:.0f} s "
          f"a 1.000 elementos: {'sí' if median_served < TARGET_SECONDS else 'no'}")


if __name__ == "__main__":
    main()
