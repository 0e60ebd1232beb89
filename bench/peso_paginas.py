"""Page weight of the sample site (content/): our theme vs Pelican's default theme.

    .venv/bin/python bench/peso_paginas.py

Builds content/ twice into temporary folders: with our theme, and with Pelican's
"notmyidea" theme (our plugin still runs; our templates for the plugin's page
types are kept but extend notmyidea's base.html, while the home page, news and
pages use notmyidea's own templates). Serves each build on 127.0.0.1, loads one
page of each type in headless Chromium (360×800, cold cache, until "load") and
prints, per page type: HTML bytes, bytes of everything the page loaded once
compressed with gzip -9, and request count, with the ratios default/ours.

Then checks every HTML page of ours against the 13 KB budget (gzip -9 of the
file; our CSS is inline) and exits with status 1 if one exceeds it.
"""

from __future__ import annotations

import gzip
import re
import runpy
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin

import pelican
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from municipal.publishing.build import build_site  # noqa: E402

BUDGET = 13 * 1024
NOTMYIDEA = Path(pelican.__file__).parent / "themes" / "notmyidea"
# Ours that notmyidea replaces with its own templates (the rest extend its base.html).
REPLACED_TEMPLATES = {"base.html", "estilos.css", "index.html", "article.html", "page.html"}
SECTIONS = {"tramites", "contratos", "noticias", "oficinas", "cumplimiento"}
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@dataclass(frozen=True)
class Weight:
    html: int
    compressed: int
    requests: int
    external: tuple[str, ...]
    stylesheets: int


def gzip9(data: bytes) -> int:
    return len(gzip.compress(data, 9, mtime=0))


def build_ours(folder: Path) -> Path:
    return build_site(ROOT / "content", folder / "nuestro", ROOT / "pelicanconf.py").output_dir


def build_default(folder: Path) -> Path:
    """Same content and settings, with notmyidea as THEME and our other templates on top."""
    templates = folder / "plantillas"
    shutil.copytree(ROOT / "theme" / "templates", templates,
                    ignore=lambda _dir, names: [n for n in names if n in REPLACED_TEMPLATES])
    config = runpy.run_path(str(ROOT / "pelicanconf.py"))
    own = {path.name for path in (NOTMYIDEA / "templates").glob("*.html")}
    overrides = {
        "THEME": str(NOTMYIDEA),
        "THEME_TEMPLATES_OVERRIDES": [str(templates)],
        # notmyidea's index.html reads articles_page, defined only for paginated templates.
        "PAGINATED_TEMPLATES": {**config["PAGINATED_TEMPLATES"], "index": 10},
        # notmyidea prints article.content unfiltered: it expects Pelican's default of no
        # autoescaping. Keep autoescaping for our templates only.
        "JINJA_ENVIRONMENT": {
            **config["JINJA_ENVIRONMENT"],
            "autoescape": lambda name: bool(name) and name.endswith(".html") and name not in own,
        },
        "MENUITEMS": [], "LINKS": [], "SOCIAL": [],
    }
    return build_site(ROOT / "content", folder / "notmyidea", ROOT / "pelicanconf.py",
                      overrides).output_dir


def links(output: Path, path: str) -> list[str]:
    """Site paths (like /tramites/x/) that the page at `path` links to, in order."""
    html = (output / path.lstrip("/") / "index.html").read_text(encoding="utf-8")
    return [urljoin(path, href).split("#")[0] for href in re.findall(r'href="([^"]+)"', html)]


def first_item(output: Path, list_path: str) -> str:
    """The first link of a list page to one of its items (not to another page of the list)."""
    for path in links(output, list_path):
        rest = path.removeprefix(list_path)
        if path.startswith(list_path) and re.fullmatch(r"[^/]+/", rest) and rest != "pagina/":
            return path
    raise SystemExit(f"No encontré ningún elemento enlazado desde {list_path}")


def first_page(output: Path) -> str:
    """The first institutional page linked from the home page (a one-level path, not a section)."""
    for path in links(output, "/"):
        match = re.fullmatch(r"/([^/]+)/", path)
        if match and match[1] not in SECTIONS:
            return path
    raise SystemExit("No encontré ninguna página institucional enlazada desde el inicio")


def sample_pages(output: Path) -> dict[str, str]:
    return {
        "inicio": "/",
        "noticias": "/noticias/",
        "noticia": first_item(output, "/noticias/"),
        "tramites": "/tramites/",
        "tramite": first_item(output, "/tramites/"),
        "contratos": "/contratos/",
        "contrato": first_item(output, "/contratos/"),
        "oficina": first_item(output, "/oficinas/"),
        "pagina": first_page(output),
        "cumplimiento": "/cumplimiento/",
    }


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve folder on a free port of 127.0.0.1; yields the base URL (no trailing slash)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def measure(browser: Browser, base: str, path: str) -> Weight:
    """Load base+path in a fresh context (cold cache) and weigh every request it made."""
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request))  # noqa: PLW0108
    # (Playwright cannot take the builtin requests.append as a handler.)
    html = len(page.goto(base + path, wait_until="load").body())
    # Web fonts are requested when layout first needs them, sometimes just after "load":
    # force a layout and wait for them, so that the count does not vary between runs.
    page.evaluate("document.body.offsetHeight, document.fonts.ready.then(() => null)")
    bodies = [request.response().body() if request.response() else b"" for request in requests]
    context.close()
    return Weight(
        html=html,
        compressed=sum(gzip9(body) for body in bodies),
        requests=len(requests),
        external=tuple(r.url for r in requests if not r.url.startswith(base + "/")),
        stylesheets=sum(r.resource_type == "stylesheet" for r in requests),
    )


def weigh_site(browser: Browser, output: Path, pages: dict[str, str]) -> dict[str, Weight]:
    with serve(output) as base:
        return {kind: measure(browser, base, path) for kind, path in pages.items()}


def largest_page(output: Path) -> tuple[int, str]:
    """Compressed size and path of the heaviest HTML file (HTML and inline CSS)."""
    return max((gzip9(path.read_bytes()), str(path.relative_to(output)))
               for path in output.rglob("*.html"))


def print_table(pages: dict[str, str], ours: dict[str, Weight],
                default: dict[str, Weight]) -> None:
    print(f"{'':<13}| {'nuestro tema':^26} | {'tema por defecto (notmyidea)':^28} | "
          f"{'defecto / nuestro':^17}")
    print(f"{'página':<13}| {'HTML B':>8} {'gzip B':>8} {'pet.':>6}   | "
          f"{'HTML B':>8} {'gzip B':>8} {'pet.':>6}     | {'gzip':>7} {'pet.':>7}")
    print("-" * 96)
    for kind in pages:
        a, b = ours[kind], default[kind]
        print(f"{kind:<13}| {a.html:>8,} {a.compressed:>8,} {a.requests:>6}   | "
              f"{b.html:>8,} {b.compressed:>8,} {b.requests:>6}     | "
              f"{b.compressed / a.compressed:>6.1f}× {b.requests / a.requests:>6.1f}×")
    print("\n".join(f"  {kind}: {path}" for kind, path in pages.items()))


def print_external(name: str, weights: dict[str, Weight]) -> None:
    external = sorted({url for weight in weights.values() for url in weight.external})
    print(f"Peticiones fuera del servidor local ({name}): {len(external) or 'ninguna'}")
    for url in external:
        print(f"  {url}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ours_dir, default_dir = build_ours(Path(tmp)), build_default(Path(tmp))
        pages = sample_pages(ours_dir)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=CHROMIUM_ARGS)
            ours = weigh_site(browser, ours_dir, pages)
            default = weigh_site(browser, default_dir, pages)
            browser.close()
        size, heaviest = largest_page(ours_dir)
        total = sum(1 for _ in ours_dir.rglob("*.html"))
    print_table(pages, ours, default)
    print_external("nuestro tema", ours)
    print_external("tema por defecto", default)
    if any(weight.stylesheets for weight in ours.values()):
        sys.exit("ERROR: una página nuestra carga una hoja de estilos externa; "
                 "el control del presupuesto supone CSS en línea.")
    print(f"Página más pesada de las {total} nuestras: {heaviest}, {size:,} B comprimida "
          f"(presupuesto {BUDGET:,} B, {size / BUDGET:.0%})")
    if size > BUDGET:
        sys.exit(f"ERROR: {heaviest} pesa {size:,} B comprimida, más que el presupuesto "
                 f"de {BUDGET:,} B (13 KB).")


if __name__ == "__main__":
    main()
