"""Web server configuration for the built site: Apache's .htaccess and an nginx server block.

Both are filled from the templates in deploy/ with the Content-Security-Policy of the build,
which allows the pages' inline <style> elements by their SHA-256 hashes, and a second one for
/buscar/, the only page allowed to run scripts (its own and Pagefind's, with WebAssembly).
When the build has the web editor (EDITOR_WEB), /admin/ gets a third policy, Decap CMS's, and
is kept out of search engines; without it, the configs say nothing about /admin/.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Iterable
from pathlib import Path

from ..editor.config import forge_origins

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parents[3] / "deploy"
NGINX_TEMPLATE = TEMPLATES / "nginx.conf.plantilla"
HTACCESS_TEMPLATE = TEMPLATES / "htaccess.plantilla"
HTACCESS = ".htaccess"

# The nginx template marks the lines only a public HTTPS server has (redirect, TLS):
# nginx_conf(local_port=...) swaps them for a plain HTTP server on 127.0.0.1.
PRODUCTION_ONLY_START = "# >>> solo en producción"
PRODUCTION_ONLY_END = "# <<< fin del tramo solo de producción"
# Both templates mark the rules of /admin/: kept (without the marks) when the build has the
# web editor, removed with the marks when it has not.
EDITOR_ONLY_START = "# >>> solo con el editor web"
EDITOR_ONLY_END = "# <<< fin del tramo del editor web"

# `{nombre}` in a template; nginx and Apache syntax never has lowercase words in braces.
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
STYLE_ELEMENT = re.compile(rb"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)


def style_hashes(output_dir: Path) -> list[str]:
    """CSP sources ('sha256-…') of every distinct inline <style> in the built HTML pages."""
    hashes = set()
    for page in Path(output_dir).rglob("*.html"):
        for element_text in STYLE_ELEMENT.findall(page.read_bytes()):
            # Browsers hash the element's text after the HTML parser turned CRLF into LF.
            css = element_text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            digest = base64.b64encode(hashlib.sha256(css).digest()).decode("ascii")
            hashes.add(f"'sha256-{digest}'")
    return sorted(hashes)


def content_security_policy(hashes: Iterable[str], *, search: bool = False) -> str:
    """Only the pages' own styles (by hash) and same-site images; no scripts, no frames;
    forms (the header's search box) only to the site itself.

    With `search` (the policy of /buscar/ alone), also same-site scripts (buscar.js and
    Pagefind's pagefind.js), the WebAssembly they compile, and fetching the index.
    """
    styles = " ".join(hashes) or "'none'"
    scripts = ["script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'"] if search else []
    return "; ".join([
        "default-src 'none'",
        *scripts,
        f"style-src {styles}",
        "img-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def editor_security_policy(backend: dict) -> str:
    """The policy of /admin/ alone: what Decap CMS 3.16 needs to run, found by loading it in
    Chromium under a strict policy and reading the violations (README, «Editor web»).

    Its own scripts, and eval (Decap checks config.yml with ajv, which compiles its schemas
    with `new Function`; Decap's WebP encoder is WebAssembly); fetches to the site
    (config.yml), to blob: (the copy of an image being uploaded) and to the forge; the
    <style> elements it writes at run time (emotion), which no hash can list; images from
    the site, data: and blob: (uploads, previews) and the forge (the person's avatar).
    """
    origins = forge_origins(backend)
    return "; ".join([
        "default-src 'none'",
        "script-src 'self' 'unsafe-eval'",
        " ".join(["connect-src 'self' blob:", *origins.api]),
        "style-src 'unsafe-inline'",
        " ".join(["img-src 'self' data: blob:", *origins.images]),
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _policies(hashes: Iterable[str], editor_backend: dict | None) -> dict[str, str]:
    hashes = list(hashes)
    policies = {"csp": content_security_policy(hashes),
                "csp_busqueda": content_security_policy(hashes, search=True)}
    if editor_backend is not None:
        policies["csp_editor"] = editor_security_policy(editor_backend)
    return policies


def htaccess(hashes: Iterable[str], editor_backend: dict | None = None) -> str:
    """The .htaccess for Apache (shared hosting), from deploy/htaccess.plantilla.

    `editor_backend`: EDITOR_WEB's backend (checked) when the build has the web editor.
    """
    template = editor_section(HTACCESS_TEMPLATE.read_text(encoding="utf-8"),
                              editor_backend is not None, HTACCESS_TEMPLATE.name)
    return fill(template, **_policies(hashes, editor_backend))


def nginx_conf(
    hashes: Iterable[str],
    root: Path,
    dominio: str,
    *,
    certificate: Path | None = None,
    private_key: Path | None = None,
    local_port: int | None = None,
    editor_backend: dict | None = None,
) -> str:
    """The nginx server blocks for the site, from deploy/nginx.conf.plantilla.

    The certificate defaults to certbot's files for `dominio`. With `local_port`, the
    HTTP redirect and the TLS lines are replaced by a plain HTTP server on
    127.0.0.1:local_port, with exactly the same rules (for tests). `editor_backend`:
    EDITOR_WEB's backend (checked) when the build has the web editor.
    """
    live = Path("/etc/letsencrypt/live") / dominio
    template = editor_section(NGINX_TEMPLATE.read_text(encoding="utf-8"),
                              editor_backend is not None, NGINX_TEMPLATE.name)
    if local_port is not None:
        template = replace_production_only(
            template, f"server {{\n    listen 127.0.0.1:{local_port};\n"
                      "    server_name 127.0.0.1 localhost;\n")
    return fill(
        template,
        dominio=dominio,
        raiz=str(root),
        **_policies(hashes, editor_backend),
        certificado=str(certificate or live / "fullchain.pem"),
        clave=str(private_key or live / "privkey.pem"),
    )


def write_htaccess(output_dir: Path, editor_backend: dict | None = None) -> Path:
    """Write the .htaccess for the pages built in output_dir, and return its path."""
    output_dir = Path(output_dir)
    hashes = style_hashes(output_dir)
    if not hashes:
        logger.warning("server_config: no inline <style> in %s; the CSP allows no styles",
                       output_dir)
    target = output_dir / HTACCESS
    target.write_text(htaccess(hashes, editor_backend), encoding="utf-8")
    return target


def fill(template: str, **values: str) -> str:
    """Replace each `{nombre}`; a placeholder without a value is an error, not left behind."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"la plantilla usa {{{name}}}, que no tiene valor")
        return values[name]
    return PLACEHOLDER.sub(value, template)


def replace_production_only(template: str, replacement: str) -> str:
    start, end = _section(template, PRODUCTION_ONLY_START, PRODUCTION_ONLY_END,
                          NGINX_TEMPLATE.name)
    lines = template.splitlines(keepends=True)
    return "".join(lines[:start]) + replacement + "".join(lines[end + 1:])


def editor_section(template: str, enabled: bool, name: str = "deploy/") -> str:
    """The template with the rules of /admin/ (between the editor marks) or without them."""
    start, end = _section(template, EDITOR_ONLY_START, EDITOR_ONLY_END, name)
    lines = template.splitlines(keepends=True)
    kept = lines[start + 1:end] if enabled else []
    return "".join(lines[:start] + kept + lines[end + 1:])


def _section(template: str, start_mark: str, end_mark: str, name: str) -> tuple[int, int]:
    """Line numbers of the one pair of marks; ValueError if they are missing or repeated."""
    lines = template.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith(start_mark)]
    ends = [i for i, line in enumerate(lines) if line.startswith(end_mark)]
    if len(starts) != 1 or len(ends) != 1 or starts[0] > ends[0]:
        raise ValueError(f"{name}: se esperaba un tramo entre "
                         f"«{start_mark}» y «{end_mark}»")
    return starts[0], ends[0]
