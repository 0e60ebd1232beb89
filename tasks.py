"""Commands of the site (invoke): validar, construir, servir. See README.md.

    invoke validar [--contenido DIR]
    invoke construir [--contenido DIR] [--salida DIR] [--produccion]   (alias: build)
    invoke servir [--contenido DIR] [--puerto N]                       (alias: serve)
    invoke indicadores [--contenido DIR] [--hasta FECHA] [--formato tabla|json|csv]
    invoke transparencia [--contenido DIR] [--formato tabla|json|csv]
    invoke publicar [--contenido DIR]                                  (alias: publish)
    invoke revertir                                                     (alias: rollback)
    invoke configuracion-nginx [--salida DIR] [--raiz RUTA]
    invoke editor [--contenido DIR] [--puerto N] [--puerto-editor N] [--salida DIR]
"""

from __future__ import annotations

import functools
import http.server
import os
import runpy
import signal
import sys
import tempfile
import threading
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from municipal.content.model import site_url  # noqa: E402
from municipal.content.validation import InvalidContent, check_content, report  # noqa: E402
from municipal.editor.admin import EditorUnavailable  # noqa: E402
from municipal.editor.local import (  # noqa: E402
    refresh_local_config,
    start_local_backend,
    write_local_admin,
)
from municipal.editor.local import stop as stop_local_backend  # noqa: E402
from municipal.indicators.compliance import BadCutoff, cutoff, indicators_of, terminal_table  # noqa: E402
from municipal.indicators.computation import to_csv, to_json  # noqa: E402
from municipal.publishing.build import BuildFailed, BuildInterrupted, BuildRefused, build_site  # noqa: E402
from municipal.publishing.build_safety import UnsafeBuild, check_content_folder  # noqa: E402
from municipal.publishing.publish import publish, revert_from  # noqa: E402
from municipal.publishing.releases import DeployFailed  # noqa: E402
from municipal.publishing.server_config import nginx_conf, style_hashes  # noqa: E402
from municipal.transparency import matrix as transparency_matrix  # noqa: E402
from municipal.transparency.catalogue import load_catalogue  # noqa: E402
from municipal.transparency.rules import check_site  # noqa: E402

DEFAULT_CONTENT = "content"
TIMEZONE = runpy.run_path(str(ROOT / "pelicanconf.py"))["TIMEZONE"]
DEFAULT_OUTPUT = "output"
INTERRUPTED = 128  # exit code 128 + N: the build was stopped by signal N
WATCHED = ("theme", "pelicanconf.py", "publishconf.py", "schemas")
# The preview beside `invoke editor` links each page to its entry in that editor.
LOCAL_EDITOR_LINKS = {"EDITOR_LOCAL": True, "EDITOR_WEB": None}


@task(help={"contenido": "Carpeta de contenido (por defecto: content)"})
def validar(c, contenido=DEFAULT_CONTENT):
    """Revisa todo el contenido y lista cada error con archivo y línea."""
    site = check_site(check_content(_content_folder(contenido)))
    print(report(site.problems))
    if site.problems:
        raise Exit(code=1)


@task(
    aliases=["build"],
    help={
        "contenido": "Carpeta de contenido (por defecto: content)",
        "salida": "Carpeta donde se escribe el sitio (por defecto: output)",
        "produccion": "Usar publishconf.py: direcciones absolutas del dominio",
    },
)
def construir(c, contenido=DEFAULT_CONTENT, salida=DEFAULT_OUTPUT, produccion=False):
    """Valida el contenido y construye el sitio; si algo falla, la salida anterior no cambia."""
    settings = ROOT / ("publishconf.py" if produccion else "pelicanconf.py")
    _build(ROOT / contenido, ROOT / salida, settings)


@task(
    aliases=["serve"],
    help={
        "contenido": "Carpeta de contenido (por defecto: content)",
        "puerto": "Puerto local (por defecto: 8000)",
    },
)
def servir(c, contenido=DEFAULT_CONTENT, puerto=8000):
    """Construye el sitio, lo sirve en http://localhost:PUERTO y lo reconstruye al guardar."""
    content_dir, output_dir = _content_folder(contenido), ROOT / DEFAULT_OUTPUT
    settings = ROOT / "pelicanconf.py"
    try:
        _build(content_dir, output_dir, settings)
    except Exit as error:
        if error.code > INTERRUPTED:
            raise
        output_dir.mkdir(exist_ok=True)  # serve what there is while errors are fixed
    server = _serve(output_dir, int(puerto))
    print(f"Sitio en http://localhost:{puerto}/ (Ctrl+C para terminar)")
    try:
        _rebuild_on_change(content_dir, output_dir, settings)
    finally:
        server.shutdown()


@task(
    help={
        "contenido": "Carpeta de contenido donde escribe el editor (por defecto: content)",
        "puerto": "Puerto local del editor y del sitio (por defecto: 8000)",
        "puerto_editor": "Puerto local de decap-server (por defecto: 8081)",
        "salida": "Carpeta donde se construye la vista previa (por defecto: output)",
    },
)
def editor(c, contenido=DEFAULT_CONTENT, puerto=8000, puerto_editor=8081,
           salida=DEFAULT_OUTPUT):
    """Editor web en http://127.0.0.1:PUERTO/admin/, con el sitio al lado; escribe en content/."""
    from watchfiles import watch  # noqa: F401, PLC0415 - fails early if it is missing

    content_dir, output_dir = _content_folder(contenido), ROOT / salida
    site = check_content(content_dir)
    broken = [problem for problem in site.problems
              if problem.path.split("/", 1)[-1] in ("entidad.yml", "oficinas.yml")]
    if broken or not site.oficinas:
        print(report(broken), file=sys.stderr)
        print("El editor necesita entidad.yml y oficinas.yml sin errores.", file=sys.stderr)
        raise Exit(code=1)
    settings = ROOT / "pelicanconf.py"
    base = f"http://127.0.0.1:{puerto}"
    proxy_url = f"http://127.0.0.1:{puerto_editor}/api/v1"  # decap-server
    with tempfile.TemporaryDirectory(prefix="editor-") as workdir:
        admin = Path(workdir) / "admin"
        try:
            write_local_admin(admin, site.oficinas, site.entidad.get("nombre", ""),
                              proxy_url, site_url=base)
            backend = start_local_backend(content_dir, int(puerto_editor), Path(workdir))
        except EditorUnavailable as error:
            print(f"Error: {error}.", file=sys.stderr)
            raise Exit(code=1) from None
        server = None
        previous_handler = signal.signal(signal.SIGTERM, _stop_on_sigterm)
        try:
            try:
                _build(content_dir, output_dir, settings, LOCAL_EDITOR_LINKS)
            except Exit as error:
                if error.code > INTERRUPTED:
                    raise
                output_dir.mkdir(exist_ok=True)  # the editor works while errors are fixed
            try:
                server = _serve(output_dir, int(puerto), extra={"/admin/": admin})
            except OSError as error:
                print(f"Error: no se puede abrir el puerto {puerto} ({error.strerror}); "
                      "use --puerto con otro número.", file=sys.stderr)
                raise Exit(code=1) from None
            print(f"Editor web en {base}/admin/ y sitio en {base}/ (Ctrl+C para terminar)")
            print(f"Lo que guarde en el editor se escribe en {content_dir}.")
            _rebuild_on_change(content_dir, output_dir, settings, LOCAL_EDITOR_LINKS,
                               on_change=functools.partial(
                                   refresh_local_config, admin, content_dir, proxy_url, base))
        finally:
            if server is not None:
                server.shutdown()
                server.server_close()
            stop_local_backend(backend)
            signal.signal(signal.SIGTERM, previous_handler)
    print("Editor detenido.")


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # stops the editor as Ctrl-C does: decap-server goes too


def _rebuild_on_change(content_dir: Path, output_dir: Path, settings: Path,
                       overrides: dict | None = None, on_change=None) -> None:
    """Rebuild the site whenever content, theme or settings change, until Ctrl-C
    (`on_change` runs first on each change: the editor's config follows the schemas)."""
    from watchfiles import watch  # noqa: PLC0415 - only the serving commands need it

    watched = [content_dir, *(ROOT / name for name in WATCHED)]
    try:
        for changes in watch(*(path for path in watched if path.exists())):
            names = ", ".join(sorted({Path(path).name for _, path in changes}))
            print(f"Cambios en {names}: reconstruyendo...")
            if on_change is not None:
                on_change()
            try:
                _build(content_dir, output_dir, settings, overrides)
            except Exit as error:
                if error.code > INTERRUPTED:
                    raise  # Ctrl-C during a rebuild stops the server too
                print("Se sigue mostrando la versión anterior del sitio.")
    except KeyboardInterrupt:
        pass


@task(
    help={
        "contenido": "Carpeta de contenido (por defecto: content)",
        "hasta": "Fecha de corte AAAA-MM-DD (por defecto: SOURCE_DATE_EPOCH o hoy)",
        "formato": "tabla (por defecto), json o csv",
    },
)
def indicadores(c, contenido=DEFAULT_CONTENT, hasta=None, formato="tabla"):
    """Muestra los indicadores de actualización de cada oficina, calculados del historial git."""
    if formato not in ("tabla", "json", "csv"):
        raise Exit(f'--formato "{formato}" no existe; use tabla, json o csv', code=2)
    site = check_content(_content_folder(contenido))
    broken = [problem for problem in site.problems
              if problem.path.split("/", 1)[-1] in ("oficinas.yml", "plan.yml")]
    if broken:
        print(report(broken), file=sys.stderr)
        raise Exit(code=1)
    try:
        cut = cutoff(hasta, TIMEZONE)
    except BadCutoff as error:
        raise Exit(str(error), code=2) from None
    document, reason = indicators_of(site.content_dir, site.plan, site.office_ids,
                                     TIMEZONE, cut)
    if formato == "json":
        print(to_json(document), end="")
    elif formato == "csv":
        print(to_csv(document), end="")
    else:
        print(terminal_table(document, reason))
    if reason:
        print(f"Aviso: indicadores no disponibles: {reason}.", file=sys.stderr)


@task(
    help={
        "contenido": "Carpeta de contenido (por defecto: content)",
        "formato": "tabla (por defecto), json o csv",
    },
)
def transparencia(c, contenido=DEFAULT_CONTENT, formato="tabla"):
    """Muestra la matriz de transparencia (Res. 1519 de 2020): cada sección y su estado."""
    if formato not in ("tabla", "json", "csv"):
        raise Exit(f'--formato "{formato}" no existe; use tabla, json o csv', code=2)
    site = check_site(check_content(_content_folder(contenido)))
    if site.problems:
        print(report(site.problems), file=sys.stderr)
        raise Exit(code=1)
    document = transparency_matrix.matrix(load_catalogue(), site, site_url(site.content_dir))
    if formato == "json":
        print(transparency_matrix.to_json(document), end="")
    elif formato == "csv":
        print(transparency_matrix.to_csv(document), end="")
    else:
        print(transparency_matrix.terminal_table(document))


@task(
    aliases=["publish"],
    help={"contenido": "Carpeta de contenido (por defecto: content)"},
)
def publicar(c, contenido=DEFAULT_CONTENT):
    """Valida, construye para producción y publica en PUBLICAR_DESTINO (ver README)."""
    try:
        publish(ROOT / contenido, ROOT / "publishconf.py", os.environ)
    except InvalidContent as error:
        print(error, file=sys.stderr)
        print("No se publicó nada: corrija los errores de arriba.", file=sys.stderr)
        raise Exit(code=1) from None
    except (BuildFailed, DeployFailed) as error:
        print(f"Error: {error}. No se publicó nada nuevo; el sitio público no cambió.",
              file=sys.stderr)
        raise Exit(code=1) from None


@task(aliases=["rollback"])
def revertir(c):
    """Vuelve a publicar la versión anterior del sitio (destinos ssh:// o carpeta)."""
    try:
        revert_from(os.environ)
    except DeployFailed as error:
        print(f"Error: {error}.", file=sys.stderr)
        raise Exit(code=1) from None


@task(
    help={
        "contenido": "Carpeta de contenido (por defecto: content)",
        "salida": "Sitio ya construido con --produccion (por defecto: output)",
        "raiz": "Raíz web en el servidor (por defecto: /var/www/<dominio>/current)",
    },
)
def configuracion_nginx(c, contenido=DEFAULT_CONTENT, salida=DEFAULT_OUTPUT,
                        raiz=None):
    """Imprime el bloque server de nginx para el sitio construido (con el hash de su CSS)."""
    hashes = style_hashes(ROOT / salida)
    if not hashes:
        raise Exit(f"No hay páginas en {salida}/: ejecute antes invoke construir --produccion",
                   code=1)
    dominio = site_url(ROOT / contenido).removeprefix("https://") or "example.gov.co"
    raiz = Path(raiz) if raiz else Path("/var/www") / dominio / "current"
    print(nginx_conf(hashes, raiz, dominio), end="")


def _content_folder(contenido: str) -> Path:
    """The content folder, or a Spanish message and exit 1 if it is missing or empty."""
    try:
        check_content_folder(ROOT / contenido)
    except UnsafeBuild as error:
        print(f"Error: {error}.", file=sys.stderr)
        raise Exit(code=1) from None
    return ROOT / contenido


def _build(content_dir: Path, output_dir: Path, settings: Path,
           overrides: dict | None = None) -> None:
    try:
        result = build_site(content_dir, output_dir, settings, overrides)
    except InvalidContent as error:
        print(error, file=sys.stderr)
        print("El sitio no se construyó: corrija los errores de arriba. "
              f"La carpeta {output_dir.name}/ anterior no cambió.", file=sys.stderr)
        raise Exit(code=1) from None
    except BuildRefused as error:
        print(f"Error: {error}. No se escribió nada.", file=sys.stderr)
        raise Exit(code=1) from None
    except BuildInterrupted as error:
        print(f"Construcción interrumpida; la carpeta {output_dir.name}/ anterior no cambió.",
              file=sys.stderr)
        raise Exit(code=INTERRUPTED + error.signal_number) from None
    except BuildFailed as error:
        print(f"Error: {error}. La carpeta {output_dir.name}/ anterior no cambió.",
              file=sys.stderr)
        raise Exit(code=1) from None
    reused = f", {result.pages_reused} sin cambios" if result.pages_reused else ""
    print(f"Sitio construido en {result.output_dir}: {result.html_pages} páginas{reused} "
          f"en {result.seconds:.1f} s.")


def _serve(folder: Path, port: int,
           extra: dict[str, Path] | None = None) -> http.server.ThreadingHTTPServer:
    # The handler resolves `folder` on every request, so it serves each new
    # build as soon as the build swaps the folder in. `extra` maps a path prefix
    # (/admin/) to another folder.
    handler = functools.partial(_QuietHandler, directory=str(folder), extra=extra or {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".yml": "text/yaml"}

    def __init__(self, *args, extra: dict[str, Path], **kwargs):
        self.extra = extra
        super().__init__(*args, **kwargs)

    def translate_path(self, path: str) -> str:
        for prefix, folder in self.extra.items():
            if path.startswith(prefix):
                inner = super().translate_path("/" + path[len(prefix):])
                return str(Path(folder) / Path(inner).relative_to(self.directory))
        return super().translate_path(path)

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass
