"""The web server configuration (issue 6), on a real nginx and a real Apache.

Both serve the production build of the sample site on 127.0.0.1: nginx with the rules of
deploy/nginx.conf.plantilla, Apache through the build's own .htaccess (from
deploy/htaccess.plantilla). Checked for each: precompressed files with the right headers,
the site's 404 page, no folder listings, no dotfiles, cache and security headers, and a
Content-Security-Policy under which Chromium applies the pages' inline styles.
Fixtures: tests/servidores.py and tests/navegador.py.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import re
import subprocess
from pathlib import Path

import brotli
import pytest
from bs4 import BeautifulSoup
from navegador import new_context, require, which
from servidores import DEPLOY_MANIFEST, fetch, nginx_binary, nginx_prefix

from municipal.publishing.server_config import (
    HTACCESS,
    PRODUCTION_ONLY_END,
    PRODUCTION_ONLY_START,
    content_security_policy,
    fill,
    nginx_conf,
    style_hashes,
    write_htaccess,
)

pytest_plugins = ["navegador", "servidores"]

PAGES = ["/", "/tramites/", "/cumplimiento/"]
MISSING = ["/no-existe/", "/imagenes/no-existe.webp", "/adjuntos/no-existe.pdf"]
ENCODINGS = {"br": brotli.decompress, "gzip": gzip.decompress, "identity": bytes}
HTML = "text/html; charset=utf-8"
# Acceptable Content-Type per text file type (nginx and Apache name XML differently).
CONTENT_TYPES = {
    ".html": {HTML},
    ".css": {"text/css; charset=utf-8"},
    ".js": {"application/javascript; charset=utf-8", "text/javascript; charset=utf-8"},
    ".xml": {"text/xml; charset=utf-8", "application/xml; charset=utf-8"},
    ".json": {"application/json"},
    ".csv": {"text/csv; charset=utf-8"},
    ".ics": {"text/calendar; charset=utf-8"},
    ".txt": {"text/plain; charset=utf-8"},
    ".svg": {"image/svg+xml"},
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}
REVALIDATE = "no-cache"
ONE_YEAR = "public, max-age=31536000, immutable"
ONE_DAY = "public, max-age=86400"
NOT_FOUND_TEXT = "Página no encontrada"


def path_of(site, file: Path) -> str:
    return "/" + file.relative_to(site.output).as_posix()


def first_file(site, folder: str, pattern: str = "*") -> str:
    files = sorted(path for path in (site.output / folder).rglob(pattern) if path.is_file())
    assert files, f"la construcción no tiene archivos {pattern} en /{folder}/"
    return path_of(site, files[0])


def vary(reply) -> list[str]:
    return [token.strip().lower() for token in (reply.headers.get("Vary") or "").split(",")]


def built_style_hashes(site) -> list[str]:
    """The CSP source of each distinct <style> of the built pages, computed here, apart
    from server_config: the SHA-256 of the element's text, base64, as browsers do."""
    hashes = set()
    for page in site.output.rglob("*.html"):
        for style in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")("style"):
            digest = hashlib.sha256(style.get_text().encode("utf-8")).digest()
            hashes.add("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")
    return sorted(hashes)


def policy_with(hashes: list[str]) -> str:
    """DESIGN: only the pages' own styles and same-site images; no scripts, no frames;
    forms (the header's search box) only to the site itself."""
    return ("default-src 'none'; style-src " + " ".join(hashes) + "; img-src 'self'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def search_policy_with(hashes: list[str]) -> str:
    """/buscar/ alone (issue 18): also same-site scripts, their WebAssembly and fetches."""
    return ("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; "
            "style-src " + " ".join(hashes) + "; img-src 'self'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")


def expected_csp(site) -> str:
    return policy_with(built_style_hashes(site))


# --- Compressed files ---------------------------------------------------------------------


def assert_served(reply, encoding: str, expected: bytes, where: str) -> None:
    """A 200 answer in `encoding` (or plain) whose decoded body is `expected`."""
    assert reply.status == 200, f"{where}: HTTP {reply.status}"
    assert reply.headers.get("Content-Encoding") == (
        None if encoding == "identity" else encoding), where
    assert ENCODINGS[encoding](reply.body) == expected, f"{where}: el cuerpo no es el construido"
    assert "accept-encoding" in vary(reply), f"{where}: Vary = {reply.headers.get('Vary')}"


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("path", PAGES)
def test_pages_are_served_precompressed_or_plain(servidor_web, sitio_publicado, path,
                                                 encoding):
    reply = fetch(servidor_web, path, encoding)
    where = f"{servidor_web}{path} (Accept-Encoding: {encoding})"
    assert_served(reply, encoding, sitio_publicado.file_for(path).read_bytes(), where)
    assert reply.headers["Content-Type"] == HTML, where
    # Debian's Apache maps ".br" to the Breton language; the .htaccess must undo it.
    assert reply.headers.get("Content-Language") != "br", where


def compressed_text_files(site) -> dict[str, Path]:
    """One built file of each type that has both a .br and a .gz beside it."""
    found = {}
    for compressed in sorted(site.output.rglob("*.br")):
        original = compressed.with_suffix("")
        if original.with_name(original.name + ".gz").exists():
            found.setdefault(original.suffix, original)
    return found


def test_every_text_type_keeps_its_content_type_in_each_encoding(servidor_web,
                                                                 sitio_publicado):
    files = compressed_text_files(sitio_publicado)
    assert {".html", ".xml", ".json", ".csv"} <= files.keys(), sorted(files)
    unknown = files.keys() - CONTENT_TYPES.keys()
    assert not unknown, f"tipos comprimidos sin Content-Type esperado aquí: {sorted(unknown)}"
    for suffix, file in files.items():
        path = path_of(sitio_publicado, file)
        types = set()
        for encoding in ENCODINGS:
            reply = fetch(servidor_web, path, encoding)
            assert_served(reply, encoding, file.read_bytes(),
                          f"{servidor_web}{path} (Accept-Encoding: {encoding})")
            types.add(reply.headers["Content-Type"])
        assert len(types) == 1 and types <= CONTENT_TYPES[suffix], (
            f"{servidor_web}{path}: Content-Type {sorted(types)}, "
            f"se esperaba uno de {sorted(CONTENT_TYPES[suffix])}")


def test_event_calendar_files_are_served_as_text_calendar(servidor_web, sitio_publicado):
    path = first_file(sitio_publicado, "eventos", "*.ics")
    reply = fetch(servidor_web, path)
    assert reply.status == 200, f"{servidor_web}{path}: HTTP {reply.status}"
    assert reply.headers["Content-Type"] == "text/calendar; charset=utf-8", servidor_web
    assert reply.body == sitio_publicado.file_for(path).read_bytes()


# --- Errors, folders, dotfiles ----------------------------------------------------------


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("path", MISSING)
def test_a_missing_address_gets_the_site_404_page(servidor_web, sitio_publicado, path,
                                                  encoding):
    reply = fetch(servidor_web, path, encoding)
    where = f"{servidor_web}{path} (Accept-Encoding: {encoding})"
    assert reply.status == 404, f"{where}: HTTP {reply.status}"
    body = ENCODINGS[encoding](reply.body)
    assert body == sitio_publicado.file_for("/404.html").read_bytes(), where
    assert NOT_FOUND_TEXT in body.decode("utf-8"), where
    assert reply.headers["Content-Type"] == HTML, where
    # Never cached for a day or a year: the address may exist after the next deploy.
    assert reply.headers["Cache-Control"] == REVALIDATE, where


def test_a_folder_without_index_is_not_listed(servidor_web, sitio_publicado):
    reply = fetch(servidor_web, "/adjuntos/")
    assert reply.status in (403, 404), f"{servidor_web}/adjuntos/: HTTP {reply.status}"
    listed = [child.name for child in (sitio_publicado.output / "adjuntos").iterdir()]
    shown = [name for name in listed if name in reply.body.decode("utf-8", "replace")]
    assert not shown, f"{servidor_web}/adjuntos/ muestra su contenido: {shown}"


@pytest.mark.parametrize("name", [HTACCESS, DEPLOY_MANIFEST])
def test_dotfiles_are_not_served(servidor_web, sitio_publicado, name):
    reply = fetch(servidor_web, f"/{name}")
    assert reply.status in (403, 404), f"{servidor_web}/{name}: HTTP {reply.status}"
    assert (sitio_publicado.output / name).read_bytes() not in reply.body


# --- Cache ---------------------------------------------------------------------------------


def test_pages_and_data_are_revalidated_each_time(servidor_web, sitio_publicado):
    feed = first_file(sitio_publicado, "feeds", "*.xml")
    for path in [*PAGES, "/sitemap.xml", feed, "/cumplimiento.json", "/cumplimiento.csv"]:
        for encoding in ("br", "identity"):
            reply = fetch(servidor_web, path, encoding)
            where = f"{servidor_web}{path} (Accept-Encoding: {encoding})"
            assert reply.status == 200, f"{where}: HTTP {reply.status}"
            assert reply.headers["Cache-Control"] == REVALIDATE, where
            etag = reply.headers["ETag"]
            assert etag and reply.headers["Last-Modified"], f"{where}: sin ETag o Last-Modified"
            again = fetch(servidor_web, path, encoding, {"If-None-Match": etag})
            assert again.status == 304, f"{where}: con If-None-Match, HTTP {again.status}"


def test_images_are_kept_a_year_and_attachments_a_day(servidor_web, sitio_publicado):
    for path, cache in [(first_file(sitio_publicado, "imagenes"), ONE_YEAR),
                        (first_file(sitio_publicado, "adjuntos", "*.pdf"), ONE_DAY)]:
        reply = fetch(servidor_web, path, "br")
        assert reply.status == 200, f"{servidor_web}{path}: HTTP {reply.status}"
        assert reply.headers["Cache-Control"] == cache, f"{servidor_web}{path}"
        assert reply.headers.get("Content-Encoding") is None, f"{servidor_web}{path}"


# --- Security headers ---------------------------------------------------------------------


def test_the_csp_allows_exactly_the_build_styles(sitio_publicado):
    hashes = built_style_hashes(sitio_publicado)
    assert hashes, "ninguna página construida tiene un elemento <style>"
    assert style_hashes(sitio_publicado.output) == hashes
    csp = content_security_policy(style_hashes(sitio_publicado.output))
    assert csp == policy_with(hashes)
    assert "unsafe-inline" not in csp


def test_security_headers_on_every_response(servidor_web, sitio_publicado):
    paths = ["/", "/no-existe/", "/adjuntos/", f"/{HTACCESS}", "/cumplimiento.json",
             first_file(sitio_publicado, "imagenes"),
             first_file(sitio_publicado, "adjuntos", "*.pdf")]
    for path in paths:
        reply = fetch(servidor_web, path, "br")
        where = f"{servidor_web}{path} (HTTP {reply.status})"
        assert reply.headers.get_all("Content-Security-Policy") == [
            expected_csp(sitio_publicado)], where
        for name, value in SECURITY_HEADERS.items():
            assert reply.headers.get_all(name) == [value], f"{where}: {name}"


def test_nginx_does_not_say_its_version(nginx_publicado):
    for path in ("/", "/adjuntos/"):  # a page of ours and one of nginx's own error pages
        reply = fetch(nginx_publicado, path)
        assert reply.headers["Server"] == "nginx", f"{nginx_publicado}{path}"
        assert b"nginx/" not in reply.body, f"{nginx_publicado}{path}"


# --- The generated files -----------------------------------------------------------------


def test_the_build_htaccess_carries_the_build_styles(sitio_publicado):
    text = (sitio_publicado.output / HTACCESS).read_text(encoding="utf-8")
    policies = re.findall(r'Content-Security-Policy "([^"]*)"', text)
    assert policies == [expected_csp(sitio_publicado),
                        search_policy_with(built_style_hashes(sitio_publicado))]
    assert not re.search(r"\{[a-z_]+\}", text), "quedó un marcador {…} sin llenar"


def test_the_local_nginx_runs_the_production_rules(sitio_publicado):
    hashes, root = style_hashes(sitio_publicado.output), sitio_publicado.output
    production = nginx_conf(hashes, root, "municipal.example")
    local = nginx_conf(hashes, root, "municipal.example", local_port=8080)
    head = production.partition(PRODUCTION_ONLY_START)[0]
    rules = production.partition(PRODUCTION_ONLY_END)[2].partition("\n")[2]
    assert "location / {" in rules and "add_header" in rules
    assert local.startswith(head) and local.endswith(rules)
    assert "listen 127.0.0.1:8080;" in local and "ssl" not in local.replace(head, "")
    assert "return 301 https://municipal.example$request_uri;" in production
    assert "ssl_certificate     /etc/letsencrypt/live/municipal.example/fullchain.pem;" in (
        production)


def test_the_production_nginx_config_passes_nginx_t(sitio_publicado, tmp_path):
    nginx = nginx_binary()
    openssl = require(which("openssl", "/usr/bin/openssl"), "openssl")
    key, certificate = tmp_path / "clave.pem", tmp_path / "certificado.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=municipal.example", "-keyout", key, "-out", certificate],
                   check=True, capture_output=True)
    site = nginx_conf(style_hashes(sitio_publicado.output), sitio_publicado.output,
                      "municipal.example", certificate=certificate, private_key=key)
    conf = nginx_prefix(tmp_path, site)
    result = subprocess.run([nginx, "-t", "-p", tmp_path, "-c", conf,
                             "-e", tmp_path / "error.log"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr, result.stderr


# --- Chromium -------------------------------------------------------------------------------

RECORD_VIOLATIONS = """
window.violaciones = [];
document.addEventListener('securitypolicyviolation',
  (event) => window.violaciones.push(event.effectiveDirective));
"""
UNLISTED_STYLE = """() => {
  const style = document.createElement('style');
  style.textContent = '.govco { background: rgb(1, 2, 3) }';
  document.head.append(style);
}"""
BACKGROUND = "(element) => getComputedStyle(element).backgroundColor"
# Chromium's console message for a refused <style>: older and newer wording.
REFUSED_STYLE = re.compile(r"Refused to apply inline style|Applying inline style violates")


@pytest.mark.parametrize("path", ["/", "/no-existe/"])
def test_chromium_applies_the_inline_styles_under_the_csp(navegador, servidor_web, path):
    url = servidor_web + path
    with new_context(navegador) as context:
        page = context.new_page()
        console = []
        page.on("console", lambda message: console.append(message.text))
        page.add_init_script(RECORD_VIOLATIONS)  # Playwright's own scripts bypass the CSP
        response = page.goto(url)
        assert response is not None and response.status == (
            404 if path == "/no-existe/" else 200), url
        background = page.eval_on_selector(".govco", BACKGROUND)
        assert background not in ("rgba(0, 0, 0, 0)", "transparent"), (
            f"{url}: la barra GOV.CO no tiene fondo: no se aplicaron los estilos")

        # Control: a style the CSP does not list is refused, reported and not applied.
        # Events arrive in order, so any refusal while loading the page came before it.
        with page.expect_console_message(lambda message: REFUSED_STYLE.search(message.text)):
            page.evaluate(UNLISTED_STYLE)
        page.wait_for_function("window.violaciones.length > 0")
        assert page.eval_on_selector(".govco", BACKGROUND) == background, url
        assert page.evaluate("window.violaciones") == ["style-src-elem"], url
        refused = [text for text in console if "Content Security Policy" in text]
        assert len(refused) == 1 and REFUSED_STYLE.search(refused[0]), (
            f"{url}: violaciones de la CSP:\n" + "\n".join(refused))


# --- The functions, on small inputs ------------------------------------------------------

RED = "'sha256-FcQqt3aNlV7AZnGV4zkQRVeCeJOxbMPnQSx258L803E='"  # body{color:red}
RED_LF = "'sha256-dNlK7eFjrHTrQv58rEBmYmgg+hUAHd8Cw7LSXfjmx3E='"  # body{color:red}\n
ENYE = "'sha256-ru0gSwClKTP3qkFQv+zMYuvSUEFTv0WshQPJi8ila5A='"  # p::before{content:'ñ'}


def test_style_hashes_are_one_per_distinct_inline_style(tmp_path):
    (tmp_path / "tramites").mkdir()
    (tmp_path / "index.html").write_bytes(b"<style>body{color:red}</style><p>Hola</p>")
    (tmp_path / "tramites" / "index.html").write_bytes(b"<style>body{color:red}</style>")
    (tmp_path / "crlf.html").write_bytes(b"<STYLE media=\"print\">body{color:red}\r\n</style >")
    (tmp_path / "enye.html").write_text("<style>p::before{content:'ñ'}</style>", "utf-8")
    (tmp_path / "estilos.css").write_text("<style>a{}</style>", "utf-8")  # not a page
    assert style_hashes(tmp_path) == sorted([RED, RED_LF, ENYE])


# Worked out by hand: printf '%s' TEXT | openssl dgst -sha256 -binary | base64
H1 = "'sha256-7J7c9m/NlG+TYXbWSlwy6k1igKKR/rKJlLaVlKu+sy0='"  # "\n  h1{margin:0}\n"
MENU = "'sha256-D+z7K7IxWOKNmXiGlol5Udd86r/fOTnUwXkQtlPRX8c='"  # ".menu{display:none}"
AVISO = "'sha256-HEllO4OYBBAe9bEZD067IUDPDY6Nte1frXNgybZzGJY='"  # ".aviso{color:#b00}"


def test_every_style_of_every_page_is_in_the_htaccess_policy(tmp_path):
    """Two <style> elements in one page (the text between the tags, whitespace included),
    and a third style only in a page two folders down."""
    (tmp_path / "index.html").write_text(
        "<!DOCTYPE html><html><head><style>\n  h1{margin:0}\n</style></head>"
        '<body><style media="print">.menu{display:none}</style></body></html>', "utf-8")
    (tmp_path / "noticias" / "una").mkdir(parents=True)
    (tmp_path / "noticias" / "una" / "index.html").write_text(
        "<style>.aviso{color:#b00}</style><p>Aviso</p>", "utf-8")
    text = write_htaccess(tmp_path).read_text(encoding="utf-8")
    assert re.findall(r'Content-Security-Policy "([^"]*)"', text) == [
        f"default-src 'none'; style-src {H1} {MENU} {AVISO}; img-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; "
        f"style-src {H1} {MENU} {AVISO}; img-src 'self'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"]


def test_content_security_policy_lists_the_hashes():
    assert content_security_policy([RED, ENYE]) == (
        f"default-src 'none'; style-src {RED} {ENYE}; img-src 'self'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'")
    assert "style-src 'none';" in content_security_policy([])


def test_write_htaccess_writes_the_policy_of_the_pages(tmp_path, caplog):
    (tmp_path / "index.html").write_bytes(b"<style>body{color:red}</style>")
    written = write_htaccess(tmp_path)
    assert written == tmp_path / HTACCESS
    assert f'"{content_security_policy([RED])}"' in written.read_text(encoding="utf-8")
    assert not caplog.records

    (tmp_path / "index.html").write_bytes(b"<p>Sin estilos</p>")
    with caplog.at_level(logging.WARNING):
        write_htaccess(tmp_path)
    assert "no inline <style>" in caplog.text


def test_a_placeholder_without_value_is_an_error():
    assert fill("server_name {dominio}; root $uri {", dominio="municipal.example") == (
        "server_name municipal.example; root $uri {")
    with pytest.raises(KeyError, match="raiz"):
        fill("root {raiz};", dominio="municipal.example")
