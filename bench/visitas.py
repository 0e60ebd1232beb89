"""Visit counting speed and memory over a generated access log (issue 16, DESIGN.md §5.1).

    .venv/bin/python bench/visitas.py [--lineas 1000000] [--small]
    .venv/bin/python bench/visitas.py --muestra ARCHIVO --desde 2026-09-01 --dias 91

Writes, in a temporary folder, a combined-format log of N lines (default 1,000,000) with
a realistic mix (pages, 304s, style sheets, images and PDFs, robots, 404s, POST and HEAD
requests, poster QR codes with ?origen=, a few broken lines) spread over many days with
a bounded number of distinct visitors per day (3,000 lines and 400 visitors a day), then,
in this one command:

1. baseline: reading the same file line by line in Python, doing nothing with the lines;
2. `count_visits` over the same file (what `invoke visitas` does): lines per second and
   the ratio to the baseline;
3. peak memory of the counting in a child process (tracemalloc peak and ru_maxrss) for
   N/4 and N lines: the same visitors a day, four times the days. It must not grow.

`--small` does it all with 20,000 lines (tests/test_bench.py). `--muestra` only writes
the log that made content/visitas/ (see README.md).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from municipal.indicators.visits import VisitCounter, count_visits  # noqa: E402
from municipal.outreach.visits import LogFile  # noqa: E402

TIMEZONE = "America/Bogota"
TARGET = 200_000  # lines per second (issue 16)
LINES_PER_DAY = 3_000
VISITORS_PER_DAY = 400
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PAGES = ["/", "/index.html", "/tramites/", "/tramites/certificado-de-residencia/",
         "/tramites/impuesto-predial/", "/noticias/", "/noticias/2026-10-03-vacunacion/",
         "/noticias/pagina/2/", "/contratos/", "/contratos/cps-012-2026/", "/oficinas/",
         "/oficinas/hacienda/", "/cumplimiento/", "/la-alcaldia/", "/transparencia/",
         "/buscar/"]
ASSETS = ["/adjuntos/hacienda/formulario-predial.pdf", "/adjuntos/escudo.png",
          "/favicon.ico", "/robots.txt", "/sitemap.xml", "/feeds/todas.atom.xml"]
BROWSERS = [
    "Mozilla/5.0 (Linux; Android {v}; SM-A{m}) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/1{m2}.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/1{m2}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 1{v}_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/1{v}.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:1{m2}.0) Gecko/20100101 Firefox/1{m2}.0",
]
ROBOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "curl/8.5.0", "python-requests/2.32.3", "Wget/1.21.4",
]
ORIGINS = ["cartelera-plaza", "cartelera-hospital", "cartelera-vereda-el-llano",
           "invitacion-rendicion"]


def browsers(rng: random.Random, count: int) -> list[str]:
    """`count` distinct, realistic browser user agents."""
    agents = set()
    while len(agents) < count:
        agents.add(rng.choice(BROWSERS).format(v=rng.randint(8, 14), m=rng.randint(100, 560),
                                               m2=rng.randint(10, 31)))
    return sorted(agents)


def addresses(rng: random.Random, count: int) -> list[str]:
    found = set()
    while len(found) < count:
        if rng.random() < 0.15:
            found.add(f"2800:e2:{rng.randrange(65536):x}::{rng.randrange(65536):x}")
        else:
            found.add(f"181.{rng.randrange(48, 64)}.{rng.randrange(256)}.{rng.randrange(1, 255)}")
    return sorted(found)


def line_for(rng: random.Random, stamp: str, visitor: tuple[str, str]) -> str:
    address, agent = visitor
    roll = rng.random()
    method, status, size = "GET", 200, rng.randrange(3000, 13000)
    if roll < 0.45:
        path = rng.choice(PAGES)
    elif roll < 0.52:
        path, status, size = rng.choice(PAGES), 304, 0
    elif roll < 0.55:
        path = f"{rng.choice(PAGES)}?origen={rng.choice(ORIGINS)}"
    elif roll < 0.78:
        path = rng.choice(ASSETS)
    elif roll < 0.88:
        path, agent = rng.choice(PAGES), rng.choice(ROBOTS)
    elif roll < 0.92:
        path, status = f"/wp-login.php?{rng.randrange(99)}", 404
    elif roll < 0.95:
        method, path = "POST", "/buscar/"
    elif roll < 0.97:
        method, path, size = "HEAD", rng.choice(PAGES), 0
    elif roll < 0.99:
        path = f"{rng.choice(PAGES)}?q={rng.randrange(1000)}"
    else:
        return f"{address} - - [{stamp}] \"GET /tram\n"  # a line cut while written
    referer = "-" if rng.random() < 0.6 else "https://www.google.com/"
    return (f'{address} - - [{stamp}] "{method} {path} HTTP/1.1" {status} {size} '
            f'"{referer}" "{agent}"\n')


def write_log(path: Path, lines: int, start: datetime.date, *, seed: int = 16,
              offset: str = "-0500", per_day: int = LINES_PER_DAY,
              visitors: int = VISITORS_PER_DAY) -> Path:
    """`per_day` lines a day from `visitors` visitors a day drawn from a larger town."""
    rng = random.Random(seed)
    town = list(zip(addresses(rng, 5000), (rng.choice(agents) for agents in
                                          [browsers(rng, 300)] * 5000), strict=True))
    hours = -int(offset[:3])
    written = 0
    with open(path, "w", encoding="utf-8") as stream:
        day = start
        while written < lines:
            today = rng.sample(town, visitors)
            for index in range(min(per_day, lines - written)):
                second = index * 86400 // per_day
                moment = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
                    seconds=second, hours=5 - hours)
                stamp = (f"{moment.day:02d}/{MONTHS[moment.month - 1]}/{moment.year}:"
                         f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} {offset}")
                stream.write(line_for(rng, stamp, rng.choice(today)))
            written += min(per_day, lines - written)
            day += datetime.timedelta(days=1)
    return path


def baseline(path: Path) -> tuple[float, float]:
    """(wall, CPU) seconds to read the file line by line and do nothing else."""
    started, cpu = time.perf_counter(), time.process_time()
    count = 0
    with open(path, "rb") as stream:
        for _ in stream:
            count += 1
    return time.perf_counter() - started, time.process_time() - cpu


def counted(path: Path) -> tuple[float, float, object]:
    """(wall, CPU) seconds of `count_visits` over the file, and its result."""
    started, cpu = time.perf_counter(), time.process_time()
    probe = VisitCounter(TIMEZONE)
    result = count_visits([LogFile(path, probe)], TIMEZONE, probe.robots)
    return time.perf_counter() - started, time.process_time() - cpu, result


def memory_child(path: str) -> None:
    """In a child process: count, print peak memory as JSON."""
    tracemalloc.start()
    probe = VisitCounter(TIMEZONE)
    result = count_visits([LogFile(Path(path), probe)], TIMEZONE, probe.robots)
    peak = tracemalloc.get_traced_memory()[1]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"tracemalloc_mb": peak / 2**20, "maxrss_mb": rss / 1024,
                      "meses": len(result.months)}))


def memory_of(path: Path) -> dict:
    output = subprocess.run([sys.executable, __file__, "--memoria", str(path)], check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lineas", type=int, default=1_000_000)
    parser.add_argument("--small", action="store_true", help="20.000 líneas (pruebas)")
    parser.add_argument("--muestra", help="solo escribir un registro de ejemplo aquí")
    parser.add_argument("--desde", default="2026-01-01")
    parser.add_argument("--dias", type=int, default=0)
    parser.add_argument("--memoria", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memoria:
        memory_child(args.memoria)
        return
    start = datetime.date.fromisoformat(args.desde)
    if args.muestra:  # a small town's site: 300 lines and 60 visitors a day, in UTC
        days = args.dias or 30
        write_log(Path(args.muestra), days * 300, start, seed=2026, offset="+0000",
                  per_day=300, visitors=60)
        print(f"Escrito {args.muestra}: {days * 300} líneas, {days} días.")
        return
    lines = 20_000 if args.small else args.lineas
    with tempfile.TemporaryDirectory() as folder:
        big = write_log(Path(folder) / "access.log", lines, start)
        quarter = write_log(Path(folder) / "access-cuarto.log", lines // 4, start)
        print(f"Registro: {lines:,} líneas, {LINES_PER_DAY:,} por día "
              f"({-(-lines // LINES_PER_DAY)} días), {VISITORS_PER_DAY} visitantes por día.")
        print(f"nproc = {os.cpu_count()}, carga media al empezar = {os.getloadavg()[0]:.2f}")
        read_seconds, read_cpu = baseline(big)
        count_seconds, count_cpu, result = counted(big)
        rate, cpu_rate = lines / count_seconds, lines / count_cpu
        print(" " * 35 + "  s reloj   líneas/s reloj   s CPU   líneas/s CPU")
        print(f"(1) lectura simple línea a línea:  {read_seconds:7.2f}  "
              f"{lines / read_seconds:15,.0f}  {read_cpu:6.2f}  {lines / read_cpu:13,.0f}")
        print(f"(2) count_visits (invoke visitas): {count_seconds:7.2f}  {rate:15,.0f}"
              f"  {count_cpu:6.2f}  {cpu_rate:13,.0f}")
        print(f"(2)/(1) = {count_seconds / read_seconds:.1f} (reloj), "
              f"{count_cpu / read_cpu:.1f} (CPU) veces el tiempo de solo leer; "
              f"meta ≥ {TARGET:,} líneas/s: {'sí' if rate >= TARGET else 'no'} (reloj), "
              f"{'sí' if cpu_rate >= TARGET else 'no'} (CPU)")
        visits = sum(month.visitas for month in result.months.values())
        visitors = sum(month.visitantes for month in result.months.values())
        malformed = sum(source.malformed for source in result.sources)
        print(f"    {len(result.months)} meses, {visits:,} visitas, {visitors:,} visitantes, "
              f"{malformed:,} líneas sin formato")
        small, large = memory_of(quarter), memory_of(big)
        print(f"(3) memoria máxima, {lines // 4:,} líneas: tracemalloc "
              f"{small['tracemalloc_mb']:.1f} MB, ru_maxrss {small['maxrss_mb']:.1f} MB")
        print(f"    memoria máxima, {lines:,} líneas: tracemalloc "
              f"{large['tracemalloc_mb']:.1f} MB, ru_maxrss {large['maxrss_mb']:.1f} MB")
        print(f"    razón {lines:,}/{lines // 4:,} líneas: tracemalloc "
              f"{large['tracemalloc_mb'] / small['tracemalloc_mb']:.2f}, ru_maxrss "
              f"{large['maxrss_mb'] / small['maxrss_mb']:.2f}")


if __name__ == "__main__":
    main()
