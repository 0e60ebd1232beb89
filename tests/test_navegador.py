"""The theme in a real browser: every kind of page, served by nginx, seen by Chromium.

Accessibility (axe-core, WCAG 2.1 A and AA), keyboard use, narrow phones (320 and
360 px), a slow connection, no JavaScript and no third-party requests, one h1 and
the page language. Screenshots of the main pages are written to a folder that is
named at the end of the run. Fixtures and helpers: tests/navegador.py.
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from navegador import PAGE_TYPE_NAMES, SEARCH_SCRIPT, new_context, open_page
from PIL import Image

pytest_plugins = ["navegador"]

pages = pytest.mark.parametrize("kind", PAGE_TYPE_NAMES)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SLOW_NETWORK = {  # 300 ms of latency and 250 kbit/s each way: a rural mobile connection
    "offline": False,
    "latency": 300,
    "downloadThroughput": 250 * 1000 / 8,
    "uploadThroughput": 250 * 1000 / 8,
}
LOAD_BUDGET_MS = 1500


@pytest.fixture
def page(navegador):
    with new_context(navegador) as context:
        yield context.new_page()


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}"
                     f" — {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    en {', '.join(map(str, node['target']))}: {node['html']}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


@pages
def test_no_accessibility_violations(page, urls, kind):
    open_page(page, urls[kind], kind)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    violations = Axe().run(page, options=options).response["violations"]
    assert not violations, (
        f"{urls[kind]}: {len(violations)} reglas de WCAG 2.1 A/AA incumplidas:\n"
        + describe_violations(violations))


ACTIVE_ELEMENT = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), id: el.id, classes: [...el.classList],
          href: el.getAttribute('href'), text: el.textContent.trim().slice(0, 60),
          visible: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0
                   && box.right <= innerWidth && box.bottom <= innerHeight};
}"""


@pages
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, urls, kind):
    url = urls[kind]
    open_page(page, url, kind)
    page.keyboard.press("Tab")
    first = page.evaluate(ACTIVE_ELEMENT)
    assert "saltar" in first["classes"] and first["href"] == "#contenido", (
        f"{url}: el primer Tab enfoca {first}, no el enlace «saltar» a #contenido")
    assert first["visible"], f"{url}: el enlace «saltar» enfocado no se ve en pantalla"
    page.keyboard.press("Enter")
    after = page.evaluate(ACTIVE_ELEMENT)
    assert after["id"] == "contenido", (
        f"{url}: tras Enter en «saltar» el foco queda en {after}, no en #contenido")


# Elements (and text) that stick out on the right, outside any scrolling box. Only the
# outermost offender of each branch is named: its parent still fits, so it is the culprit.
OVERFLOWING = """() => {
  const limit = window.innerWidth + 0.5;
  const sticksOut = (box) => box.width > 0 && box.right > limit;
  const clipped = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('');
  const path = (el) => {
    const parts = [];
    for (let a = el; a && a !== document.body && parts.length < 4; a = a.parentElement) {
      parts.unshift(name(a));
    }
    return parts.join(' > ');
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    const parent = el.parentElement;
    if (!sticksOut(box) || (parent && clipped(parent))) continue;
    if (parent !== document.body && sticksOut(parent.getBoundingClientRect())) continue;
    found.push(`${path(el)} (borde derecho ${Math.round(box.right)} px): `
      + `«${el.textContent.trim().slice(0, 50)}»`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || clipped(el) || sticksOut(el.getBoundingClientRect())) {
      continue;
    }
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (sticksOut(box)) {
      found.push(`texto en ${path(el)} (borde derecho ${Math.round(box.right)} px): `
        + `«${node.textContent.trim().slice(0, 50)}»`);
    }
  }
  return found;
}"""


@pages
@pytest.mark.parametrize("width", [320, 360])
def test_no_horizontal_scroll_on_narrow_phones(navegador, urls, kind, width):
    url = urls[kind]
    with new_context(navegador, viewport={"width": width, "height": 800}) as context:
        page = context.new_page()
        open_page(page, url, kind)
        sizes = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        offenders = page.evaluate(OVERFLOWING) if sizes[0] > sizes[1] else []
    assert sizes[0] <= sizes[1], (
        f"{url} a {width} px: la página mide {sizes[0]} px de ancho y obliga a desplazarse "
        "de lado. Se salen por la derecha:\n  " + "\n  ".join(offenders or ["(sin ubicar)"]))


SCREENSHOT_PAGES = ["inicio", "tramite", "contrato", "cumplimiento"]


@pytest.mark.parametrize("kind", SCREENSHOT_PAGES)
@pytest.mark.parametrize("width", [360, 1280])
def test_screenshot(navegador, urls, screenshot_dir, kind, width):
    target = screenshot_dir / f"{kind}-{width}.png"
    with new_context(navegador, viewport={"width": width, "height": 800}) as context:
        page = context.new_page()
        open_page(page, urls[kind], kind)
        page.screenshot(path=target, full_page=True)
    print(f"captura: {target}")
    assert target.stat().st_size > 5_000, f"{target}: la captura está casi vacía"
    with Image.open(target) as image:
        assert image.width == width
        assert image.height >= 400
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is None or len(colours) > 10, f"{target}: la captura es casi de un color"


@pages
def test_loads_fast_on_a_slow_connection(navegador, urls, report, kind):
    url = urls[kind]
    with new_context(navegador) as context:  # a fresh context: nothing in the cache
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_NETWORK)
        start = time.perf_counter()
        open_page(page, url, kind, wait_until="load")
        wall_ms = (time.perf_counter() - start) * 1000
        timing = page.evaluate("""() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const resources = performance.getEntriesByType('resource');
          return {load: nav.loadEventEnd,
                  bytes: resources.reduce((sum, r) => sum + r.transferSize, nav.transferSize)};
        }""")
    load_ms = round(timing["load"])
    report.setdefault(kind, {}).update(
        carga=f"{load_ms} ms", transferido=f"{timing['bytes'] / 1024:.1f} KiB")
    assert load_ms < LOAD_BUDGET_MS, (
        f"{url}: el evento load llega a los {load_ms} ms (goto: {wall_ms:.0f} ms) con red "
        f"lenta; límite {LOAD_BUDGET_MS} ms. Transferidos {timing['bytes']} bytes.")


@pages
def test_only_local_requests_no_scripts_no_fonts(navegador, urls, report, kind):
    url = urls[kind]
    origin = urlparse(url).netloc
    with new_context(navegador) as context:
        page = context.new_page()
        seen = []
        page.on("request", lambda request: seen.append((request.resource_type, request.url)))
        open_page(page, url, kind, wait_until="networkidle")
    report.setdefault(kind, {})["peticiones"] = len(seen)
    print(f"{url}: {len(seen)} peticiones")
    foreign = [url for _, url in seen
               if urlparse(url).scheme != "data" and urlparse(url).netloc != origin]
    assert not foreign, f"{url}: pide recursos a otros servidores: {foreign}"
    # Only /buscar/ loads a script, its own; Pagefind waits until someone searches.
    allowed = {urlparse(url)._replace(path=SEARCH_SCRIPT, query="").geturl()} if (
        kind == "buscar") else set()
    scripts = {url_ for kind_, url_ in seen if kind_ == "script"}
    assert scripts == allowed, f"{url}: carga JavaScript {sorted(scripts)}; solo {allowed}"
    banned = [f"{kind_} {url_}" for kind_, url_ in seen
              if kind_ == "font" or (kind_ != "document" and "/pagefind/" in url_)]
    assert not banned, f"{url}: carga fuentes web o el índice de búsqueda: {banned}"


@pages
def test_readable_without_javascript(navegador, urls, kind):
    """As Opera Mini's server-side mode or a browser with JavaScript turned off sees it."""
    url = urls[kind]
    options = {"java_script_enabled": False, "viewport": {"width": 360, "height": 640}}
    with new_context(navegador, **options) as context:
        page = context.new_page()
        open_page(page, url, kind)
        heading = page.locator("h1")
        assert heading.count() >= 1, f"{url}: sin JavaScript no hay título h1"
        assert heading.first.is_visible(), f"{url}: sin JavaScript el h1 no se ve"
        main = page.locator("main")
        assert main.count() == 1, f"{url}: sin JavaScript no hay un <main>"
        assert main.inner_text().strip(), f"{url}: sin JavaScript el <main> está vacío"


@pages
def test_one_h1_and_colombian_spanish(page, urls, kind):
    url = urls[kind]
    open_page(page, url, kind)
    headings = page.locator("h1").all_inner_texts()
    assert len(headings) == 1, f"{url}: {len(headings)} títulos h1 ({headings}); debe haber uno"
    lang = page.locator("html").get_attribute("lang")
    assert lang == "es-CO", f"{url}: <html lang={lang!r}>, debe ser \"es-CO\""


@pages
def test_status_and_site_page(page, urls, kind):
    """Every page answers 200; a missing one answers 404 with the site's own page."""
    url = urls[kind]
    open_page(page, url, kind)
    assert page.locator("main#contenido").count() == 1, (
        f"{url}: no es una página del sitio (falta <main id=\"contenido\">)"
        + ("; ¿existe output/404.html?" if kind == "error" else ""))


def test_printed_tramite_keeps_the_content_and_drops_the_menus(page, urls):
    open_page(page, urls["tramite"], "tramite")
    page.emulate_media(media="print")
    assert not page.locator("nav.menu").is_visible()
    assert not page.locator(".govco").is_visible()
    assert page.locator("main h1").is_visible()
    assert page.locator(".tramite__requisitos li").first.is_visible()
    link = page.locator("main a[href^='http']").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert "http" in after, "al imprimir, los enlaces externos muestran su dirección"


@pages
def test_usable_without_styles(page, urls, kind):
    """As in Opera Mini's or a reader's plain mode: the HTML alone reads in order."""
    open_page(page, urls[kind], kind)
    page.evaluate("document.querySelectorAll('style').forEach(s => s.remove())")
    order = page.evaluate("""() => [...document.querySelectorAll('a.saltar, h1, main, footer')]
        .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""")
    assert order == ["a.saltar", "main", "h1", "footer.pie"]
    assert page.locator("main h1").is_visible()
