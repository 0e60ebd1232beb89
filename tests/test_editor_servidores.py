"""The web editor on the published site (issue 15, follow-up): /admin/ under our own servers.

With EDITOR_WEB, the server configs give /admin/ alone the Content-Security-Policy Decap CMS
needs (its scripts and eval, its run-time styles, data: and blob: images, blob: and the
forge's API to fetch), keep it out of search engines, and leave every other path as it was;
without it they say nothing about /admin/. Checked on a real nginx and a real Apache serving
one production build with a GitLab of its own as backend: the expected policy is written here
by hand from the backend setting. In Chromium, Decap reaches its login screen, and (with its
in-memory test backend in place of the forge) writes a news item with a photo, with no
violation; a citizen page still runs no script. The forge's host ends in .invalid (RFC 2606)
and Chromium resolves no name (tests/navegador.py): nothing leaves the machine, and the test
also refuses any request to another host.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from navegador import RECORD_VIOLATIONS, keep_on_this_computer, new_context
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from servidores import (
    SERVERS,
    fetch,
    production_build,
    serving_with_apache,
    serving_with_nginx,
)
from test_servidores import (
    SECURITY_HEADERS,
    built_style_hashes,
    policy_with,
    search_policy_with,
)

from conftest import ROOT
from municipal.editor.admin import EditorUnavailable, built_backend
from municipal.editor.config import EditorSettingsError, check_backend, forge_origins
from municipal.publishing.server_config import (
    HTACCESS,
    editor_security_policy,
    htaccess,
    nginx_conf,
)

pytest_plugins = ["navegador", "servidores"]

INVOKE = Path(sys.executable).with_name("invoke")
# A GitLab of the Alcaldía's own, its API on another host, signing in with PKCE.
FORGE = "https://forja.chitaga.invalid"
API_HOST = "https://api.forja.chitaga.invalid"
BACKEND = {"name": "gitlab", "repo": "alcaldia/sitio", "branch": "main", "base_url": FORGE,
           "api_root": f"{API_HOST}/api/v4", "auth_type": "pkce", "app_id": "editor-del-sitio"}
# Worked out by hand from BACKEND: Decap fetches the API (api_root) and, with PKCE, the
# token from base_url; the avatar comes from the forge (base_url).
EDITOR_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-eval'; "
    f"connect-src 'self' blob: {API_HOST} {FORGE}; style-src 'unsafe-inline'; "
    f"img-src 'self' data: blob: {FORGE}; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'")
NOINDEX = "noindex, nofollow"
ADMIN_PATHS = ["/admin/", "/admin/index.html", "/admin/config.yml", "/admin/decap-cms.js"]
# /administracion.txt: an address that only starts like the editor's (made by the fixture).
OTHER_PATHS = ["/", "/tramites/", "/no-existe/", "/administracion.txt", "/adjuntos/"]


@pytest.fixture(scope="module")
def sitio_con_editor():
    """The sample site built for production with the web editor on BACKEND."""
    with production_build({"EDITOR_WEB": {"backend": BACKEND}}) as site:
        (site.output / "administracion.txt").write_text("No es el editor.\n")
        yield site


@pytest.fixture(scope="module", params=SERVERS)
def servidor_con_editor(request, sitio_con_editor, tmp_path_factory) -> str:
    """Base URL of nginx, then Apache, serving that build with our configuration; nginx's
    knows the backend from the build, as `invoke configuracion-nginx` does."""
    output = sitio_con_editor.output
    prefix = tmp_path_factory.mktemp(f"{request.param}-editor")
    if request.param == "nginx":
        with serving_with_nginx(output, prefix, editor_backend=built_backend(output)) as url:
            yield url
    else:
        with serving_with_apache(output, prefix) as url:
            yield url


# --- Headers on the real servers -------------------------------------------------------


def test_admin_alone_gets_the_editor_policy_and_stays_out_of_search_engines(
        servidor_con_editor, sitio_con_editor):
    hashes = built_style_hashes(sitio_con_editor)
    expected = [(path, EDITOR_POLICY, [NOINDEX]) for path in ADMIN_PATHS]
    expected += [(path, policy_with(hashes), None) for path in OTHER_PATHS]
    expected.append(("/buscar/", search_policy_with(hashes), None))
    for path, policy, robots in expected:
        for encoding in ("br", "gzip", "identity"):
            reply = fetch(servidor_con_editor, path, encoding)
            where = f"{servidor_con_editor}{path} (HTTP {reply.status}, {encoding})"
            assert reply.headers.get_all("Content-Security-Policy") == [policy], where
            assert reply.headers.get_all("X-Robots-Tag") == robots, where
            for name, value in SECURITY_HEADERS.items():
                assert reply.headers.get_all(name) == [value], f"{where}: {name}"


def test_the_editor_bundle_is_sent_compressed(servidor_con_editor, sitio_con_editor):
    bundle = (sitio_con_editor.output / "admin" / "decap-cms.js").read_bytes()
    reply = fetch(servidor_con_editor, "/admin/decap-cms.js", "gzip")
    assert reply.status == 200, reply.status
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.headers["Content-Type"] in ("application/javascript; charset=utf-8",
                                             "text/javascript; charset=utf-8")
    assert len(reply.body) < len(bundle) / 2


# --- Chromium -------------------------------------------------------------------------------

INJECTED = (b"<script>window.inyectado = true;</script>"
            b'<script src="/admin/decap-cms.js"></script>')


DRAFT_KEY = "backup.noticias-gobierno"  # Decap's copy of a new entry, in IndexedDB
DRAFT_KEPT_OR_REFUSED = """(key) => window.violaciones.length > 0 || new Promise((resolve) => {
  const open = indexedDB.open('localforage');
  open.onerror = () => resolve(false);
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains('keyvaluepairs')) return resolve(false);
    const get = db.transaction('keyvaluepairs').objectStore('keyvaluepairs').get(key);
    get.onerror = () => resolve(false);
    get.onsuccess = () => resolve((get.result?.mediaFiles ?? []).length > 0);
  };
})"""


def with_test_backend(route) -> None:
    """The built config.yml, with Decap's in-memory "test-repo" backend for the forge's."""
    answer = route.fetch()
    config = yaml.safe_load(answer.text())
    config["backend"] = {"name": "test-repo"}
    route.fulfill(response=answer, body=yaml.safe_dump(config, allow_unicode=True))


def reach_the_login_screen(context, base: str):
    """/admin/ as the server sends it: Decap must draw its login screen, no violation."""
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    response = page.goto(f"{base}/admin/")
    assert response is not None and response.status == 200
    # The login screen appears only once Decap has read and checked config.yml.
    try:
        page.get_by_role("button", name="Iniciar sesión con GitLab").wait_for()
    except PlaywrightError:
        pytest.fail(f"Decap no llegó a su pantalla de inicio de sesión; violaciones de la "
                    f"CSP: {page.evaluate('window.violaciones')}", pytrace=False)
    assert page.evaluate("window.violaciones") == []
    refused = [text for text in console if "Content Security Policy" in text]
    assert refused == [], "\n".join(refused)
    return page


def write_news_with_a_photo(page, base: str, photo: Path) -> None:
    """Past the login screen, with Decap's in-memory test backend in place of the forge
    (which cannot be reached from here), under the policy the server sends with /admin/."""
    page.route(f"{base}/admin/config.yml", with_test_backend)
    page.goto(f"{base}/admin/#/collections/noticias-gobierno/new")
    page.reload()  # the bundle comes from the browser's cache, config.yml changed
    page.get_by_role("button", name="Iniciar sesión").click()
    page.locator("[id^=titulo-field]").fill("Jornada de vacunación")
    page.locator("[contenteditable=true]").first.click()
    page.keyboard.type("Lleve el carné de vacunación.")
    page.get_by_role("button", name="Elige una imagen").click()
    page.locator("input[type=file]").set_input_files(photo)
    page.get_by_role("button", name="Confirmar selección").click()
    preview = page.locator("img[src^='blob:']").first  # the photo, shown before it is saved
    preview.wait_for()
    assert preview.evaluate("(image) => image.complete && image.naturalWidth") == 64
    # Decap keeps a copy of the unsaved entry, photo included, to offer it back after a
    # crash; it reads the photo back from its blob: address to do so.
    deadline = time.monotonic() + 20
    while not page.evaluate(DRAFT_KEPT_OR_REFUSED, DRAFT_KEY):  # evaluate awaits the promise
        assert time.monotonic() < deadline, "Decap no guardó su copia de la entrada con la foto"
        page.wait_for_timeout(200)
    assert page.evaluate("window.violaciones") == []


def run_injected_scripts_on_a_citizen_page(context, base: str) -> None:
    """Neither an inline script nor the editor's own bundle may run on a citizen page."""
    page = context.new_page()
    url = f"{base}/tramites/"

    def inject(route):
        answer = route.fetch()
        route.fulfill(response=answer,
                      body=answer.body().replace(b"</head>", INJECTED + b"</head>", 1))

    page.route(url, inject)
    page.goto(url)
    page.wait_for_function("window.violaciones.length >= 2")
    assert page.evaluate("window.inyectado") is None
    assert page.evaluate("typeof window.CMS") == "undefined"
    directives = sorted(directive for directive, _ in page.evaluate("window.violaciones"))
    assert directives == ["script-src-elem", "script-src-elem"], directives


def test_decap_boots_and_edits_under_its_policy_and_citizen_pages_still_run_no_script(
        navegador, servidor_con_editor, tmp_path):
    photo = tmp_path / "foto.jpg"
    Image.new("RGB", (64, 48), (30, 120, 60)).save(photo)
    with new_context(navegador) as context:
        outside = keep_on_this_computer(context)
        context.add_init_script(RECORD_VIOLATIONS)  # Playwright's own scripts bypass the CSP
        page = reach_the_login_screen(context, servidor_con_editor)
        write_news_with_a_photo(page, servidor_con_editor, photo)
        run_injected_scripts_on_a_citizen_page(context, servidor_con_editor)
    assert outside == [], f"el editor intentó salir de este computador: {outside}"


# --- The generated files ------------------------------------------------------------------


def test_the_build_htaccess_adds_the_editor_rules_after_the_others(sitio_con_editor):
    text = (sitio_con_editor.output / HTACCESS).read_text(encoding="utf-8")
    hashes = built_style_hashes(sitio_con_editor)
    assert [line.split('"')[1] for line in text.splitlines()
            if "Header always set Content-Security-Policy" in line] == [
        policy_with(hashes), search_policy_with(hashes), EDITOR_POLICY]
    assert text.count("m#^/admin/#") == 2  # the policy and X-Robots-Tag
    assert "# >>>" not in text and "# <<<" not in text


def test_invoke_configuracion_nginx_reads_the_editor_from_the_build(sitio_con_editor):
    result = subprocess.run(
        [str(INVOKE), "configuracion-nginx", "--salida", str(sitio_con_editor.output)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    block = result.stdout.partition("location ^~ /admin/ {")[2].partition("}")[0]
    assert f'add_header Content-Security-Policy "{EDITOR_POLICY}" always;' in block
    assert f'add_header X-Robots-Tag "{NOINDEX}" always;' in block
    assert result.stdout.count("/admin/") == 2  # the comment and the location


def test_without_the_editor_the_configs_say_nothing_about_admin(tmp_path):
    hashes = ["'sha256-FcQqt3aNlV7AZnGV4zkQRVeCeJOxbMPnQSx258L803E='"]
    for text in (htaccess(hashes), nginx_conf(hashes, tmp_path, "municipal.example"),
                 nginx_conf(hashes, tmp_path, "municipal.example", local_port=8080)):
        assert "admin" not in text and "X-Robots-Tag" not in text
        assert "editor web" not in text and "# >>> solo con" not in text
    assert built_backend(tmp_path) is None  # a build without /admin/


def test_the_local_editor_build_is_not_taken_for_the_public_one(tmp_path):
    (tmp_path / "admin").mkdir()
    (tmp_path / "admin" / "config.yml").write_text(yaml.safe_dump(
        {"backend": {"name": "proxy", "proxy_url": "http://127.0.0.1:8081/api/v1"}}))
    with pytest.raises(EditorUnavailable, match="invoke construir --produccion"):
        built_backend(tmp_path)


# --- The policy for each forge, worked out by hand ----------------------------------------


@pytest.mark.parametrize(("backend", "connect", "images"), [
    ({"name": "github"}, "https://api.github.com", "https://avatars.githubusercontent.com"),
    # Its own OAuth server only opens a login window: nothing to fetch from it.
    ({"name": "github", "base_url": "https://oauth.chitaga.gov.co", "auth_endpoint": "auth"},
     "https://api.github.com", "https://avatars.githubusercontent.com"),
    ({"name": "github", "api_root": "https://github.chitaga.gov.co/api/v3"},
     "https://github.chitaga.gov.co", "https://github.chitaga.gov.co"),
    ({"name": "gitlab"}, "https://gitlab.com", "https://gitlab.com"),
    ({"name": "gitlab", "auth_type": "pkce", "app_id": "x"},
     "https://gitlab.com", "https://gitlab.com"),
    # Implicit login is a redirect of the whole page: base_url is not fetched.
    ({"name": "gitlab", "base_url": "https://git.chitaga.gov.co",
      "api_root": "https://api.chitaga.gov.co/api/v4", "auth_type": "implicit"},
     "https://api.chitaga.gov.co", "https://git.chitaga.gov.co"),
    ({"name": "gitea", "base_url": "https://git.chitaga.gov.co",
      "api_root": "https://git.chitaga.gov.co/api/v1"},
     "https://git.chitaga.gov.co", "https://git.chitaga.gov.co"),
    ({"name": "forgejo", "api_root": "https://codeberg.org:8443/api/v1"},
     "https://codeberg.org:8443", "https://codeberg.org:8443"),
])
def test_the_editor_policy_names_the_forge_it_talks_to(backend, connect, images):
    checked = check_backend({"backend": {"repo": "alcaldia/sitio", "branch": "main",
                                         **backend}})
    assert editor_security_policy(checked) == (
        "default-src 'none'; script-src 'self' 'unsafe-eval'; "
        f"connect-src 'self' blob: {connect}; style-src 'unsafe-inline'; "
        f"img-src 'self' data: blob: {images}; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'")
    assert forge_origins(checked).api == (connect,)


@pytest.mark.parametrize(("key", "value"), [
    ("api_root", "https://gitlab.com; script-src *"),
    ("base_url", 'https://gitlab.com" always; add_header X "y'),
    ("base_url", "https://git lab.com"),
    ("graphql_api_root", "http://gitlab.com/api/graphql"),
])
def test_a_forge_address_that_would_break_the_server_config_is_refused(key, value):
    backend = {"name": "gitlab", "repo": "alcaldia/sitio", "branch": "main", key: value}
    with pytest.raises(EditorSettingsError, match=f"EDITOR_WEB backend.{key}"):
        check_backend({"backend": backend})


def test_forgejo_without_api_root_is_refused():
    with pytest.raises(EditorSettingsError, match="api_root"):
        check_backend({"backend": {"name": "forgejo", "repo": "a/b", "branch": "main"}})
