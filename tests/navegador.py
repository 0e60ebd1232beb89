"""Support for the real-browser tests: nginx, headless Chromium and the pages to visit.

- `servidor`: a real nginx on 127.0.0.1 serving the built sample site (404 page, gzip),
  as the production server would.
- `navegador`: Debian's Chromium driven by Playwright (never `playwright install`).
- `page_types`: one URL of each kind of page, found in the built site itself.
- `report`: load times and request counts, printed at the end of the run together with
  the folder of screenshots.

tests/test_navegador.py loads this module with `pytest_plugins` and imports its helpers
before pytest does, so pytest leaves its asserts as they are (PYTEST_DONT_REWRITE); each
one carries its own message. Nothing here reaches the network: the browser only talks to
the local nginx and cannot resolve any host name.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Belt and braces: no host name resolves, so no page can reach the internet.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
MIME_TYPES = Path("/etc/nginx/mime.types")
INSTALL_HINT = "ejecute `bash tests/ejecutar.sh`, que instala chromium, nginx y Java"

# Every kind of page the theme renders, in the order the tests are reported.
PAGE_TYPE_NAMES = (
    "inicio", "noticias", "noticia", "tramites", "tramite", "contratos", "contrato",
    "oficinas", "oficina", "pagina", "cumplimiento", "transparencia", "transparencia_seccion",
    "esquema", "mapa", "eventos", "evento", "datos", "conjunto_datos", "buscar",
    "informe_empalme", "informe_empalme_oficina", "error",
)
SEARCH_PAGE = "/buscar/"
SEARCH_SCRIPT = "/buscar/buscar.js"  # the one script of the site, and only on SEARCH_PAGE
MISSING_PAGE = "/no-existe/"
SECTIONS = {"noticias", "tramites", "contratos", "oficinas", "cumplimiento", "adjuntos",
            "transparencia", "mapa-del-sitio", "eventos", "datos", "informe-de-empalme"}

REPORT = pytest.StashKey[dict]()
SCREENSHOTS = pytest.StashKey[Path]()


def require(path: Path | None, what: str) -> Path:
    """The path of a tool the tests need, or a clear failure (never a skip)."""
    if path is None or not path.exists():
        pytest.fail(f"Falta {what} ({path or 'no está en el PATH'}): {INSTALL_HINT}.",
                    pytrace=False)
    return path


def which(name: str, fallback: str) -> Path | None:
    found = shutil.which(name) or fallback
    return Path(found) if Path(found).exists() else None


# --- nginx --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_conf(prefix: Path, root: Path, port: int) -> str:
    temp = "\n".join(f"  {kind}_temp_path {prefix}/tmp/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # As root, workers would run as nobody, who may not read pytest's temporary folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
  include {MIME_TYPES};
  types {{ text/csv csv; }}
  default_type application/octet-stream;
  access_log {prefix}/access.log;
{temp}
  sendfile on;
  gzip on;
  gzip_types text/css application/json text/csv;
  server {{
    listen 127.0.0.1:{port};
    server_name localhost;
    root {root};
    index index.html;
    error_page 404 /404.html;
  }}
}}
"""


def wait_for_port(port: int, process: subprocess.Popen, error_log: Path,
                  name: str = "nginx") -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = error_log.read_text() if error_log.exists() else ""
            pytest.fail(f"{name} terminó al arrancar (código {process.returncode}):\n{log}",
                        pytrace=False)
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    pytest.fail(f"{name} no respondió en el puerto {port} en 10 s", pytrace=False)


@pytest.fixture(scope="session")
def servidor(sample_site, tmp_path_factory) -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT) of an nginx serving the sample site."""
    nginx = require(which("nginx", "/usr/sbin/nginx"), "nginx")
    require(MIME_TYPES, "la configuración de nginx")
    prefix = tmp_path_factory.mktemp("nginx")
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / kind).mkdir(parents=True)
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, sample_site.output.resolve(), port))
    error_log = prefix / "error.log"
    process = subprocess.Popen(
        [str(nginx), "-p", str(prefix), "-c", str(conf), "-e", str(error_log),
         "-g", "daemon off;"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process, error_log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()  # SIGTERM to the master's PID: fast shutdown of the workers
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Chromium -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def navegador():
    """A headless Chromium (Debian's), shared by the whole session."""
    require(CHROMIUM, "Chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@contextmanager
def new_context(browser, **options):
    """A fresh browser context (empty cache, no cookies), closed afterwards."""
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)  # a missing element fails in 10 s, not 30
    try:
        yield context
    finally:
        context.close()


# A page's breaches of its Content-Security-Policy, as [directive, blocked URI] pairs in
# window.violaciones (an init script: Playwright's own scripts bypass the policy).
RECORD_VIOLATIONS = """
window.violaciones = [];
document.addEventListener('securitypolicyviolation',
  (event) => window.violaciones.push([event.effectiveDirective, event.blockedURI]));
"""

def keep_on_this_computer(context) -> list[str]:
    """Abort every request of the context to another host; the list fills with their URLs
    (a test asserts it stays empty: nothing may leave this machine)."""
    outside: list[str] = []

    def only_this_computer(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_computer)
    return outside

def expected_status(kind: str) -> int:
    return 404 if kind == "error" else 200


def open_page(page, url: str, kind: str, wait_until: str = "load"):
    """Go to a page and check the HTTP status its kind should have."""
    response = page.goto(url, wait_until=wait_until)
    assert response is not None, f"{url}: el navegador no recibió respuesta"
    assert response.status == expected_status(kind), (
        f"{url}: HTTP {response.status}, se esperaba {expected_status(kind)}")
    return response


# --- The pages to visit --------------------------------------------------------------


def local_links(site, url: str, scope: str = "main") -> list[str]:
    """Absolute paths of the same-site links inside `scope` of a built page, in order."""
    found = []
    for anchor in site.page(url).select(f"{scope} a[href]"):
        target = urlparse(urljoin(url, anchor["href"]))
        if not target.scheme and not target.netloc and target.path not in found:
            found.append(target.path)
    return found


def first_item(site, listing: str) -> str:
    """The first item a list page (/tramites/, /contratos/…) links to."""
    items = [path for path in local_links(site, listing)
             if path.startswith(listing) and path != listing and site.file_for(path).exists()]
    assert items, f"{listing} no enlaza a ninguna página de su sección"
    return items[0]


def news_item(site) -> str:
    """A news item, one with a picture if any has one (all list pages are searched)."""
    listings, items = ["/noticias/"], []
    for listing in listings:
        for path in local_links(site, listing):
            if not path.startswith("/noticias/") or path == "/noticias/":
                continue
            if "/pagina/" in path:
                if path not in listings:
                    listings.append(path)
            elif site.file_for(path).exists() and path not in items:
                items.append(path)
    assert items, "/noticias/ no enlaza a ninguna noticia"
    with_picture = [path for path in items if site.page(path).select_one("main img")]
    return (with_picture or items)[0]


def institutional_page(site) -> str:
    """An institutional page (a Markdown page of content/paginas/) linked from the footer."""
    pages = [path for path in local_links(site, "/", scope="footer")
             if path.count("/") == 2 and path.strip("/") not in SECTIONS
             and site.file_for(path).exists()]
    assert pages, "el pie de página no enlaza a ninguna página institucional"
    return pages[0]


def transparency_item_page(site) -> str:
    """The page of an item of the transparency menu that several pages fill."""
    items = [path for path in local_links(site, "/transparencia/")
             if re.fullmatch(r"/transparencia/[0-9.]+/", path) and site.file_for(path).exists()]
    assert items, "/transparencia/ no enlaza a ninguna página de sección"
    return items[0]


def discover_page_types(site) -> dict[str, str]:
    types = {
        "inicio": "/",
        "noticias": "/noticias/",
        "noticia": news_item(site),
        "tramites": "/tramites/",
        "tramite": first_item(site, "/tramites/"),
        "contratos": "/contratos/",
        "contrato": first_item(site, "/contratos/"),
        "oficinas": "/oficinas/",
        "oficina": first_item(site, "/oficinas/"),
        "pagina": institutional_page(site),
        "cumplimiento": "/cumplimiento/",
        "transparencia": "/transparencia/",
        "transparencia_seccion": transparency_item_page(site),
        "esquema": "/transparencia/esquema-de-publicacion/",
        "mapa": "/mapa-del-sitio/",
        "eventos": "/eventos/",
        "evento": first_item(site, "/eventos/"),
        "datos": "/datos/",
        "conjunto_datos": "/datos/contratos/",  # the longest data dictionary
        "buscar": SEARCH_PAGE,
        "informe_empalme": "/informe-de-empalme/",
        "informe_empalme_oficina": first_item(site, "/informe-de-empalme/"),
        "error": MISSING_PAGE,
    }
    assert tuple(types) == PAGE_TYPE_NAMES
    assert not site.file_for(MISSING_PAGE).exists()
    return types


@pytest.fixture(scope="session")
def page_types(sample_site) -> dict[str, str]:
    """PAGE_TYPES: page type → URL path in the sample site."""
    return discover_page_types(sample_site)


@pytest.fixture(scope="session")
def urls(servidor, page_types) -> dict[str, str]:
    """Page type → full URL on the local nginx."""
    return {kind: servidor + path for kind, path in page_types.items()}


# --- What a person reads at the end ---------------------------------------------------


@pytest.fixture(scope="session")
def report(pytestconfig) -> dict[str, dict]:
    """Figures per page type (load time, requests), printed in the terminal summary."""
    return pytestconfig.stash.setdefault(REPORT, {})


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory, pytestconfig) -> Path:
    folder = tmp_path_factory.mktemp("capturas", numbered=False)
    pytestconfig.stash[SCREENSHOTS] = folder
    return folder


def pytest_terminal_summary(terminalreporter, config):
    figures = config.stash.get(REPORT, {})
    if figures:
        terminalreporter.section("páginas con red lenta (300 ms, 250 kbit/s)")
        for kind in PAGE_TYPE_NAMES:
            if kind in figures:
                line = ", ".join(f"{key}: {value}" for key, value in figures[kind].items())
                terminalreporter.write_line(f"{kind:<13} {line}")
    if SCREENSHOTS in config.stash:
        terminalreporter.write_line(f"Capturas de pantalla en {config.stash[SCREENSHOTS]}")
