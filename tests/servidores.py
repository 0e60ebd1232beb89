"""Real nginx and Apache on 127.0.0.1, serving the production build with our configuration.

- `sitio_publicado`: the sample site built with publishconf.py (feeds, sitemap, .br/.gz),
  in a world-readable folder (Apache's workers run as www-data) with its .htaccess.
- `nginx_publicado`: nginx with the server rules of deploy/nginx.conf.plantilla
  (`nginx_conf(..., local_port=PORT)`: plain HTTP instead of the TLS lines).
- `apache_publicado`: Apache with a minimal main configuration like a Debian host's
  (mod_mime's defaults, mod_deflate and mod_brotli compressing on the fly) and
  `AllowOverride All`, so the site's own .htaccess is what is tested.

Loaded by tests/test_servidores.py with `pytest_plugins`, which imports names from it
first, so pytest does not rewrite its asserts (PYTEST_DONT_REWRITE); each carries a message.
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from navegador import MIME_TYPES, free_port, require, wait_for_port, which

from conftest import PUBLISH_SETTINGS, SAMPLE_CONTENT, BuiltSite
from municipal.publishing.build import build_site
from municipal.publishing.server_config import HTACCESS, nginx_conf, style_hashes

BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
APACHE_MODULES = Path("/usr/lib/apache2/modules")
# Debian's defaults on a typical host: .gz → application/x-gzip, .br → Breton, etc.
APACHE_MIME_CONF = Path("/etc/apache2/mods-available/mime.conf")
# Kept at the server's root by the FTP deploy (plugins/municipal/publishing/ftp.py): never served.
DEPLOY_MANIFEST = ".publicacion.json"
SERVERS = ("nginx", "apache")


# --- The production build --------------------------------------------------------------


@contextmanager
def production_build(overrides: dict | None = None) -> Iterator[BuiltSite]:
    """The sample site built for production (with these settings changed), readable by
    every user, with its .htaccess; removed afterwards."""
    # pytest's temporary folders are private to their owner; Apache's workers are www-data.
    folder = Path(tempfile.mkdtemp(prefix="chitaga-publicado-"))
    try:
        folder.chmod(0o755)
        output = folder / "output"
        build_site(SAMPLE_CONTENT, output, PUBLISH_SETTINGS, overrides)
        assert any(output.rglob("*.html.br")) and any(output.rglob("*.html.gz")), (
            f"la construcción de producción ({PUBLISH_SETTINGS.name}) no dejó archivos "
            ".br y .gz junto a las páginas: ¿se quitó pelican-precompress?")
        assert (output / HTACCESS).is_file(), f"la construcción no escribió {HTACCESS}"
        yield BuiltSite(output)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def sitio_publicado() -> Iterator[BuiltSite]:
    """The sample site built for production, readable by every user, with its .htaccess."""
    with production_build() as site:
        (site.output / DEPLOY_MANIFEST).write_text('{"index.html": "manifiesto privado"}\n')
        yield site


@pytest.fixture(scope="session", params=SERVERS)
def servidor_web(request) -> str:
    """Base URL of each server in turn (nginx, then Apache), serving the production build."""
    return request.getfixturevalue(f"{request.param}_publicado")


# --- Talking HTTP -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: bytes


def fetch(base_url: str, path: str, encoding: str = "identity",
          headers: dict[str, str] | None = None) -> Reply:
    """GET `path` with this Accept-Encoding; the body stays as sent (no decompression)."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", path,
                           headers={"Accept-Encoding": encoding, **(headers or {})})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


# --- Running a server -------------------------------------------------------------------


@contextmanager
def running(name: str, command: list[str], port: int, log: Path,
            env: dict[str, str] | None = None) -> Iterator[str]:
    """Start a server in the foreground, wait for its port, yield its URL, stop it by PID."""
    with log.open("ab") as stderr:  # start-up errors land in the log the failure shows
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=stderr, env=env)
    try:
        try:
            wait_for_port(port, process, log)
        except pytest.fail.Exception as error:
            pytest.fail(error.msg.replace("nginx", name, 1), pytrace=False)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()  # both stop their workers on SIGTERM to the main process
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- nginx ------------------------------------------------------------------------------


def nginx_main_conf(prefix: Path, site_conf: Path) -> str:
    """Like Debian's /etc/nginx/nginx.conf (gzip on), with everything in `prefix`."""
    temp = "\n".join(f"    {kind}_temp_path {prefix}/tmp/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""load_module {BROTLI_MODULE};
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log {prefix}/access.log;
{temp}
    sendfile on;
    gzip on;
    include {site_conf};
}}
"""


def nginx_prefix(folder: Path, site_conf_text: str) -> Path:
    """A prefix folder with the main configuration and the site's; returns nginx.conf."""
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "tmp" / kind).mkdir(parents=True, exist_ok=True)
    site_conf = folder / "sitio.conf"
    site_conf.write_text(site_conf_text, encoding="utf-8")
    main_conf = folder / "nginx.conf"
    main_conf.write_text(nginx_main_conf(folder, site_conf), encoding="utf-8")
    return main_conf


def nginx_binary() -> Path:
    nginx = require(which("nginx", "/usr/sbin/nginx"), "nginx")
    require(MIME_TYPES, "la configuración de nginx")
    require(BROTLI_MODULE, "el módulo brotli_static de nginx (libnginx-mod-http-brotli-static)")
    return nginx


@contextmanager
def serving_with_nginx(output: Path, prefix: Path, **conf_options) -> Iterator[str]:
    """nginx serving a production build with deploy/nginx.conf.plantilla; yields its URL.
    `conf_options` go to nginx_conf (editor_backend, for a site with the web editor)."""
    nginx = nginx_binary()
    port = free_port()
    conf = nginx_prefix(prefix, nginx_conf(style_hashes(output), output, "localhost",
                                           local_port=port, **conf_options))
    log = prefix / "error.log"
    command = [str(nginx), "-p", str(prefix), "-c", str(conf), "-e", str(log),
               "-g", "daemon off;"]
    with running("nginx", command, port, log) as url:
        yield url


@pytest.fixture(scope="session")
def nginx_publicado(sitio_publicado, tmp_path_factory) -> Iterator[str]:
    """Base URL of an nginx serving the production build with deploy/nginx.conf.plantilla."""
    with serving_with_nginx(sitio_publicado.output,
                            tmp_path_factory.mktemp("nginx-publicado")) as url:
        yield url


# --- Apache -----------------------------------------------------------------------------

APACHE_MODULE_NAMES = (
    "mpm_event", "authz_core", "dir", "autoindex", "mime", "rewrite", "headers", "setenvif",
    "env", "filter", "deflate", "brotli",
)


def apache_conf(prefix: Path, root: Path, port: int) -> str:
    """A minimal main configuration for apache2 -f, like a shared host's."""
    modules = "\n".join(f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so"
                        for name in APACHE_MODULE_NAMES)
    # As root, Apache's workers must switch to an ordinary user (it refuses to run as root).
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    return f"""ServerRoot "{prefix}"
DefaultRuntimeDir "{prefix}/run"
PidFile "{prefix}/apache2.pid"
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
{modules}
{user}ErrorLog "{prefix}/error.log"
LogLevel warn
StartServers 1
ServerLimit 1
ThreadsPerChild 16
MaxRequestWorkers 16
MinSpareThreads 1
MaxSpareThreads 32
Include {APACHE_MIME_CONF}
# On-the-fly compression, as many hosts have it: it must leave .br and .gz files alone.
AddOutputFilterByType BROTLI_COMPRESS;DEFLATE text/html text/plain text/xml text/css \\
    text/csv application/xml application/json application/atom+xml
DocumentRoot "{root}"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "{root}">
    # Debian's default for /var/www: folder listings on, unless the .htaccess turns them off.
    Options Indexes FollowSymLinks
    AllowOverride All
    Require all granted
</Directory>
"""


def apache_binary() -> Path:
    apache = require(which("apache2", "/usr/sbin/apache2"), "Apache (apache2)")
    for name in APACHE_MODULE_NAMES:
        require(APACHE_MODULES / f"mod_{name}.so", f"el módulo {name} de Apache")
    require(APACHE_MIME_CONF, "la configuración de mod_mime de Debian")
    return apache


def apache_env(prefix: Path) -> dict[str, str]:
    """The variables Debian's apache2 expects from /etc/apache2/envvars, all in `prefix`."""
    folders = {"APACHE_RUN_DIR": prefix / "run", "APACHE_LOCK_DIR": prefix / "lock",
               "APACHE_LOG_DIR": prefix}
    for folder in folders.values():
        folder.mkdir(exist_ok=True)
    return {**os.environ, **{key: str(value) for key, value in folders.items()},
            "APACHE_PID_FILE": str(prefix / "apache2.pid"),
            "APACHE_RUN_USER": "www-data", "APACHE_RUN_GROUP": "www-data", "LANG": "C"}


@contextmanager
def serving_with_apache(output: Path, prefix: Path) -> Iterator[str]:
    """Apache serving a production build through its own .htaccess; yields its URL."""
    apache = apache_binary()
    port = free_port()
    conf = prefix / "apache2.conf"
    conf.write_text(apache_conf(prefix, output, port), encoding="utf-8")
    env = apache_env(prefix)
    log = prefix / "error.log"
    with running("Apache", [str(apache), "-f", str(conf), "-DFOREGROUND"], port, log,
                 env=env) as url:
        yield url


@pytest.fixture(scope="session")
def apache_publicado(sitio_publicado, tmp_path_factory) -> Iterator[str]:
    """Base URL of an Apache serving the production build through its own .htaccess."""
    with serving_with_apache(sitio_publicado.output,
                             tmp_path_factory.mktemp("apache-publicado")) as url:
        yield url
