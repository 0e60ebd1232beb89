"""The web editor's folder, /admin/: its page, its generated config.yml and Decap CMS.

Built only when the setting EDITOR_WEB is set. The editor's JavaScript comes from
npm (`decap-cms`, pinned in package.json; `npm ci` installs it) and is copied from
node_modules/ into the output: only /admin/ loads it, no citizen page links to it
except the "Editar esta página" links.
"""

from __future__ import annotations

import gzip
import shutil
from html import escape
from pathlib import Path

import yaml
from pelican.generators import Generator

from ..content.model import site_url
from ..site.readers import SITE_SETTING
from .config import EditorSettingsError, check_backend, editor_config, to_yaml
from .links import EDITOR_PATH, content_prefix

PROJECT_ROOT = Path(__file__).resolve().parents[3]
BUNDLE_DIR = PROJECT_ROOT / "node_modules" / "decap-cms" / "dist"
BUNDLE = "decap-cms.js"


class EditorUnavailable(Exception):
    """The editor cannot be built; the message says why, in Spanish."""


def bundle_files(bundle_dir: Path = BUNDLE_DIR) -> list[Path]:
    """decap-cms.js, the chunks it loads on demand, its WebAssembly files and its licence."""
    if not (bundle_dir / BUNDLE).is_file():
        raise EditorUnavailable(
            f"falta el editor web ({bundle_dir / BUNDLE}): ejecute `npm ci` en la carpeta del "
            "proyecto, o quite EDITOR_WEB de la configuración")
    return sorted(
        path for path in bundle_dir.iterdir()
        if path.name in (BUNDLE, f"{BUNDLE}.LICENSE.txt")
        or path.name.endswith(f".{BUNDLE}") or path.suffix == ".wasm"
    )


def admin_page(title: str) -> str:
    """The editor's HTML page: Decap CMS draws everything inside it."""
    return (
        "<!doctype html>\n"
        '<html lang="es">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        f"<title>Editor del sitio · {escape(title)}</title>\n"
        '<link href="config.yml" type="text/yaml" rel="cms-config-url">\n'
        "</head>\n<body>\n"
        f'<script src="{BUNDLE}"></script>\n'  # draws into <body>, so it must exist first
        "</body>\n</html>\n"
    )


def write_editor(target: Path, config: dict, title: str,
                 bundle_dir: Path = BUNDLE_DIR, *, precompressed: bool = False) -> None:
    """Write index.html, config.yml and the bundle into `target` (the /admin/ folder).

    With `precompressed` (the public site), each script also gets its .gz beside it: the
    web servers of deploy/ only send files already compressed, and decap-cms.js is 5 MB
    (1.5 MB compressed) for staff who may be on a slow connection too.
    """
    files = bundle_files(bundle_dir)
    target.mkdir(parents=True, exist_ok=True)
    (target / "index.html").write_text(admin_page(title), encoding="utf-8")
    (target / "config.yml").write_text(to_yaml(config), encoding="utf-8")
    for path in files:
        shutil.copyfile(path, target / path.name)
        if precompressed and path.suffix == ".js":
            # mtime=0: the same bundle gives the same bytes in every build.
            (target / f"{path.name}.gz").write_bytes(
                gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def built_backend(output_dir: Path) -> dict | None:
    """The forge backend of the /admin/ built in output_dir, or None if the site has no
    editor; EditorUnavailable if that /admin/ is not a public editor's (invoke editor's)."""
    config_path = Path(output_dir) / EDITOR_PATH / "config.yml"
    if not config_path.is_file():
        return None
    try:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        return check_backend({"backend": config["backend"]})
    except (OSError, UnicodeDecodeError, yaml.YAMLError, TypeError, KeyError,
            EditorSettingsError) as error:
        raise EditorUnavailable(
            f"{config_path} no es el del editor del sitio publicado ({error}): construya el "
            "sitio con `invoke construir --produccion` (no con `invoke editor`)") from None


class AdminGenerator(Generator):
    """/admin/ for the production editor: the backend comes from EDITOR_WEB."""

    def generate_output(self, writer):
        site = self.settings[SITE_SETTING]
        try:
            backend = check_backend(self.settings["EDITOR_WEB"])
        except EditorSettingsError as error:
            raise EditorUnavailable(str(error)) from None
        config = editor_config(site.oficinas, backend,
                               content_prefix=content_prefix(self.settings),
                               site_url=site_url(site.content_dir))
        write_editor(Path(self.output_path) / EDITOR_PATH, config, site.entidad["nombre"],
                     precompressed=not self.settings["RELATIVE_URLS"])
