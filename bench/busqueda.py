"""The first search on a slow rural connection: bytes transferred and time to results.

    .venv/bin/python bench/busqueda.py [--consulta PALABRA ...] [--n ELEMENTOS]

Builds content/ for production (publishconf.py: .br/.gz beside every text file and
the Pagefind index), serves it with a real nginx and the server rules of
deploy/nginx.conf.plantilla (brotli_static, gzip_static, the CSP), and opens Chromium
with a cold cache and the network throttled to 250 kbit/s and 300 ms of latency
(tests/test_navegador.py SLOW_NETWORK). For each query it loads /buscar/?q=QUERY and
waits until the results are on the page; it prints the bytes that crossed the network
(every response, headers included, from Chromium's own count), the time from the start
of the navigation to the results, and each file fetched. The baseline, in the same run
and under the same network, is an ordinary page (/tramites/): the ratio says how many
ordinary pages the first search costs. DESIGN.md §8: ≤ 100 KB and < 3 s.
Exits with status 1 if a query misses either.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from navegador import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402
from servidores import nginx_binary, nginx_prefix, running  # noqa: E402

from bench import synthetic  # noqa: E402
from municipal.publishing.build import build_site  # noqa: E402
from municipal.publishing.server_config import nginx_conf, style_hashes  # noqa: E402

BUDGET_BYTES = 100 * 1024
BUDGET_SECONDS = 3.0
SLOW_NETWORK = {"offline": False, "latency": 300,
                "downloadThroughput": 250 * 1000 / 8, "uploadThroughput": 250 * 1000 / 8}
DEFAULT_QUERIES = ["residencia", "bozal", "predial"]
BASELINE = "/tramites/"
RESULTS_SHOWN = """() => {
  const text = document.getElementById('estado').textContent;
  return text && !text.startsWith('Buscando') ? performance.now() : false;
}"""


@dataclass
class Transfer:
    """What crossed the network while one page loaded, from Chromium's DevTools events."""

    files: dict[str, int] = field(default_factory=dict)  # URL → bytes, headers included

    @property
    def total(self) -> int:
        return sum(self.files.values())


def throttled_page(context):
    """A page on the slow network whose transfers are counted (URL → bytes)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    requests: dict[str, str] = {}
    transfer = Transfer()
    cdp.on("Network.requestWillBeSent",
           lambda event: requests.__setitem__(event["requestId"], event["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda event: transfer.files.__setitem__(
        requests.get(event["requestId"], event["requestId"]), event["encodedDataLength"]))
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_NETWORK)
    return page, transfer


def measure(browser, url: str, wait_for_results: bool) -> tuple[Transfer, float, str]:
    """Load `url` with a cold cache on the slow network; (bytes, seconds, status text)."""
    context = browser.new_context()
    try:
        page, transfer = throttled_page(context)
        page.goto(url, wait_until="load", timeout=60_000)
        if wait_for_results:
            milliseconds = page.wait_for_function(RESULTS_SHOWN, timeout=60_000).json_value()
            status = page.inner_text("#estado")
        else:
            milliseconds = page.evaluate(
                "performance.getEntriesByType('navigation')[0].loadEventEnd")
            status = ""
        time.sleep(0.2)  # let the last loadingFinished events arrive
        return transfer, milliseconds / 1000, status
    finally:
        context.close()


def measure_typed(browser, base: str, query: str) -> tuple[Transfer, float, str]:
    """On /buscar/ already open: the field gets the focus (the engine downloads while the
    person types), then the query is submitted; bytes and seconds from Enter to results."""
    context = browser.new_context()
    try:
        page, transfer = throttled_page(context)
        page.goto(f"{base}/buscar/", wait_until="load", timeout=60_000)
        page.focus("#q")
        page.wait_for_load_state("networkidle", timeout=60_000)
        before = dict(transfer.files)
        page.fill("#q", query)
        start = page.evaluate("performance.now()")
        page.press("#q", "Enter")
        end = page.wait_for_function(RESULTS_SHOWN, timeout=60_000).json_value()
        time.sleep(0.2)
        after = Transfer({url: size for url, size in transfer.files.items()
                          if url not in before})
        return after, (end - start) / 1000, page.inner_text("#estado")
    finally:
        context.close()


def report(label: str, base: str, measured: tuple[Transfer, float, str],
           baseline: tuple[Transfer, float, str]) -> bool:
    """Print one measurement against the baseline page; True if within both budgets."""
    (transfer, seconds, status), (base_transfer, base_seconds, _) = measured, baseline
    ok = transfer.total <= BUDGET_BYTES and seconds < BUDGET_SECONDS
    print(f"\n{label}: {transfer.total / 1024:.1f} KB "
          f"({transfer.total / base_transfer.total:.1f}× la referencia) en "
          f"{seconds:.2f} s ({seconds / base_seconds:.1f}× la referencia): "
          f"{'dentro del' if ok else 'FUERA DEL'} presupuesto. {status}")
    for url, size in sorted(transfer.files.items(), key=lambda item: -item[1]):
        print(f"  {size / 1024:7.1f} KB  {url.removeprefix(base)}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consulta", nargs="*", default=DEFAULT_QUERIES)
    parser.add_argument("--n", type=int, default=0,
                        help="un sitio sintético de N elementos (bench/synthetic.py) en vez "
                             "de content/")
    arguments = parser.parse_args()
    queries = arguments.consulta
    folder = Path(tempfile.mkdtemp(prefix="bench-busqueda-"))
    failed = False
    try:
        folder.chmod(0o755)
        content = ROOT / "content"
        if arguments.n:
            content = synthetic.generate(folder / "content", arguments.n).content
        output = build_site(content, folder / "output", ROOT / "publishconf.py").output_dir
        meta = next((output / "pagefind").glob("*.pf_meta")).stat().st_size
        print(f"{sum(1 for _ in output.rglob('*.html'))} páginas; el .pf_meta del índice "
              f"pesa {meta / 1024:.1f} KB")
        prefix = folder / "nginx"
        port = free_port()
        conf = nginx_prefix(prefix, nginx_conf(style_hashes(output), output, "localhost",
                                               local_port=port))
        log = prefix / "error.log"
        command = [str(nginx_binary()), "-p", str(prefix), "-c", str(conf), "-e", str(log),
                   "-g", "daemon off;"]
        with running("nginx", command, port, log) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=CHROMIUM_ARGS)
            baseline = measure(browser, base + BASELINE, False)
            print(f"Red: 250 kbit/s, 300 ms; caché vacía. Presupuesto: "
                  f"{BUDGET_BYTES // 1024} KB y {BUDGET_SECONDS:.0f} s.")
            print(f"Referencia {BASELINE}: {baseline[0].total / 1024:.1f} KB en "
                  f"{baseline[1]:.2f} s")
            for query in queries:
                cold = measure(browser, f"{base}/buscar/?q={query}", True)
                failed |= not report(f"«{query}», desde otra página (/buscar/?q=…, todo por "
                                     "descargar)", base, cold, baseline)
                typed = measure_typed(browser, base, query)
                failed |= not report(f"«{query}», escrita en /buscar/ (Enter → resultados)",
                                     base, typed, baseline)
            browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
