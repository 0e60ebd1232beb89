"""Commands of the site (invoke): validar, construir, servir. See README.md.

    invoke validar [--contenido DIR]
    invoke construir [--contenido DIR] [--salida DIR] [--produccion]   (alias: build)
    invoke servir [--contenido DIR] [--puerto N]                       (alias: serve)
    invoke indicadores [--contenido DIR] [--hasta FECHA] [--formato tabla|json|csv]
    invoke transparencia [--contenido DIR] [--formato tabla|json|csv]
    invoke publicar [--contenido DIR]                                  (alias: publish)
    invoke revertir                                                     (alias: rollback)
    invoke configuracion-nginx [--salida DIR] [--raiz RUTA]
    invoke nuevo TIPO --oficina ID [--titulo "..."] [--contenido DIR]
    invoke importar-secop ARCHIVO [--contenido DIR] [--oficina ID] [--aplicar]
    invoke cartelera [--contenido DIR] [--tamano A4|A3|carta] [--origen ETIQUETA] [--tramite SLUG]
                     [--salida PDF]
    invoke invitacion EVENTO --destinatarios CSV [--contenido DIR] [--salida DIR] [--enviar]
    invoke visitas REGISTROS [--contenido DIR]
    invoke editor [--contenido DIR] [--puerto N] [--puerto-editor N] [--salida DIR]
    invoke empalme [--contenido DIR] [--salida PDF]
    invoke demostracion [--puerto N] [--salida DIR] [--contenido DIR]
"""

from __future__ import annotations

import datetime
import functools
import http.server
import os
import runpy
import signal
import sys
import tempfile
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from municipal.content.messages import suggestion  # noqa: E402
from municipal.content.model import site_url  # noqa: E402
from municipal.content.validation import InvalidContent, check_content, report  # noqa: E402
from municipal.content.yaml_loader import (  # noqa: E402
    SourceError,
    parse_yaml,
    read_text,
    write_atomically,
)
from municipal.editor.admin import EditorUnavailable, built_backend  # noqa: E402
from municipal.editor.local import (  # noqa: E402
    refresh_local_config,
    start_local_backend,
    write_local_admin,
)
from municipal.editor.local import stop as stop_local_backend  # noqa: E402
from municipal.indicators.compliance import BadCutoff, cutoff, indicators_of, terminal_table  # noqa: E402
from municipal.indicators.computation import to_csv, to_json  # noqa: E402
from municipal.indicators.visits_view import with_visits  # noqa: E402
from municipal.outreach import visits as visit_logs  # noqa: E402
from municipal.publishing.build import BuildFailed, BuildInterrupted, BuildRefused, build_site  # noqa: E402
from municipal.publishing.build_safety import UnsafeBuild, check_content_folder  # noqa: E402
from municipal.publishing.publish import publish, revert_from  # noqa: E402
from municipal.publishing.releases import DeployFailed  # noqa: E402
from municipal.publishing.server_config import nginx_conf, style_hashes  # noqa: E402
from municipal.staff import scaffold, secop  # noqa: E402
from municipal.staff.secop_export import NotAnExport  # noqa: E402
from municipal.staff.yaml_writer import create_new  # noqa: E402
from municipal.transparency import matrix as transparency_matrix  # noqa: E402
from municipal.transparency.catalogue import load_catalogue  # noqa: E402
from municipal.transparency.rules import check_site  # noqa: E402

DEFAULT_CONTENT = "content"
PREVIEW_SETTINGS = runpy.run_path(str(ROOT / "pelicanconf.py"))
TIMEZONE = PREVIEW_SETTINGS["TIMEZONE"]
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
        _build(content_dir, output_dir, settings, preview=True)
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
                _build(content_dir, output_dir, settings, LOCAL_EDITOR_LINKS, preview=True)
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
        # 20 ms of quiet after a change (watchfiles waits 50 by default): a save is one write.
        for changes in watch(*(path for path in watched if path.exists()), step=20):
            names = ", ".join(sorted({Path(path).name for _, path in changes}))
            print(f"Cambios en {names}: reconstruyendo...")
            if on_change is not None:
                on_change()
            try:
                _build(content_dir, output_dir, settings, overrides, preview=True)
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
        print(to_json(with_visits(document, site.visitas)), end="")
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
    document = transparency_matrix.matrix(load_catalogue(), site, PREVIEW_SETTINGS,
                                          site_url(site.content_dir))
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
    """Imprime el bloque server de nginx para el sitio construido (con el hash de su CSS y,
    si el sitio tiene editor web, la política de /admin/)."""
    hashes = style_hashes(ROOT / salida)
    if not hashes:
        raise Exit(f"No hay páginas en {salida}/: ejecute antes invoke construir --produccion",
                   code=1)
    try:
        backend = built_backend(ROOT / salida)
    except EditorUnavailable as error:
        raise Exit(f"Error: {error}.", code=1) from None
    dominio = site_url(ROOT / contenido).removeprefix("https://") or "example.gov.co"
    raiz = Path(raiz) if raiz else Path("/var/www") / dominio / "current"
    print(nginx_conf(hashes, raiz, dominio, editor_backend=backend), end="")


@task(
    help={
        "tipo": "noticia, tramite, contrato o pagina",
        "oficina": "Oficina dueña del archivo: un id de oficinas.yml (obligatorio)",
        "titulo": "Título (nombre del trámite; en un contrato, su referencia, p. ej. CPS-012-2026)",
        "contenido": "Carpeta de contenido (por defecto: content)",
    },
)
def nuevo(c, tipo, oficina=None, titulo=None, contenido=DEFAULT_CONTENT):
    """Crea un archivo nuevo en su carpeta, con todos sus campos y una ayuda para cada uno."""
    content_dir = _content_folder(contenido)
    if not oficina:
        offices = ", ".join(_office_list(content_dir))
        raise Exit(f"Error: falta --oficina; use una de: {offices}.", code=1)
    today = datetime.datetime.now(ZoneInfo(TIMEZONE)).date()
    try:
        new = scaffold.new_file(content_dir, tipo, oficina, titulo, today)
        create_new(new.path, new.text)
    except scaffold.Refused as error:
        raise Exit(f"Error: {_sentence(error)} No se escribió nada.", code=1) from None
    except FileExistsError:
        raise Exit(f"Error: {new.shown} ya existe y no se reemplaza. No se escribió nada.",
                   code=1) from None
    print(f"Archivo creado: {new.shown}")
    print("Ahora:")
    step = 1
    if new.left:
        print(f"  {step}. Ábralo y llene los campos obligatorios: {', '.join(new.left)}.")
        step += 1
    if new.kind.body:
        print(f"  {step}. Escriba {new.kind.body} debajo de la segunda línea ---.")
        step += 1
    if new.untitled:
        print(f"  {step}. Cambie el nombre del archivo según su {new.kind.title_field} "
              "(minúsculas sin tildes, números y guiones).")
        step += 1
    other = "" if contenido == DEFAULT_CONTENT else f" --contenido {contenido}"
    print(f"  {step}. Revise con: invoke validar{other}")


@task(
    name="importar-secop",
    help={
        "archivo": "Exportación de SECOP II «Contratos electrónicos» (CSV o JSON de datos.gov.co)",
        "contenido": "Carpeta de contenido (por defecto: content)",
        "oficina": "Oficina de los contratos nuevos (por defecto: juridica)",
        "aplicar": "Escribir los cambios (sin esta opción solo se muestran)",
    },
)
def importar_secop(c, archivo, contenido=DEFAULT_CONTENT, oficina="juridica", aplicar=False):
    """Crea o actualiza los contratos de content/contratos/ desde una exportación de SECOP II."""
    content_dir = _content_folder(contenido)
    offices = _office_list(content_dir)
    if oficina not in offices:
        raise Exit(f'Error: la oficina "{oficina}" no está en oficinas.yml; use una de: '
                   f"{', '.join(offices)}.{suggestion(oficina, offices)} "
                   "No se escribió nada.", code=1)
    nit = secop.nine_digits(_entity_nit(content_dir))
    today = datetime.datetime.now(ZoneInfo(TIMEZONE)).date()
    try:
        plan = secop.plan_import(Path(archivo), content_dir, oficina, nit, today)
    except NotAnExport as error:
        raise Exit(f"Error: {_sentence(error)} No se escribió nada.", code=1) from None
    if aplicar:
        secop.apply(plan)
    for change in plan.changes:
        print(_import_heading(change, aplicar))
        for name, before, after in change.changes:
            print(f"    {name}: {after}" if change.created else f"    {name}: {before} → {after}")
        if change.comments_lost:
            print("    (aviso: los comentarios que no están al comienzo del archivo no se "
                  "conservan)")
    for line, message in plan.problems:
        print(f"{plan.export}:{line}: {message}")
    print(_import_summary(plan, nit))
    problems = bool(plan.problems)
    if not aplicar:
        print("Simulación: no se escribió nada. Para escribir estos cambios, repita la orden "
              "con --aplicar.")
    elif plan.changes:
        site = check_site(check_content(content_dir))
        print("Validación del resultado: " + report(site.problems))
        problems = problems or bool(site.problems)
    if problems:
        raise Exit(code=1)


def _entity_nit(content_dir: Path) -> str:
    try:
        data = parse_yaml(read_text(content_dir / "entidad.yml")).data
    except (OSError, SourceError):
        data = None
    nit = data.get("nit") if isinstance(data, dict) else None
    if not isinstance(nit, str | int) or not secop.nine_digits(str(nit)):
        raise Exit(f"Error: {content_dir.name}/entidad.yml no tiene un nit válido; revíselo "
                   "con invoke validar. No se escribió nada.", code=1)
    return str(nit)


def _import_heading(change, applied: bool) -> str:
    if change.created:
        verb = "creado" if applied else "se crearía"
    else:
        verb = "actualizado" if applied else "cambiaría"
    return f"{change.shown}: {verb} (fila de la línea {change.line})"


def _import_summary(plan, nit: str) -> str:
    created = sum(change.created for change in plan.changes)
    changed = len(plan.changes) - created
    parts = [f"{plan.rows} filas", f"{created} contratos nuevos", f"{changed} con cambios",
             f"{plan.unchanged} sin cambios", f"{len(plan.problems)} filas con problemas"]
    if plan.other_entities:
        parts.append(f"{plan.other_entities} de otras entidades (NIT distinto de {nit}) "
                     "omitidas")
    return "Resumen: " + ", ".join(parts) + "."


def _office_list(content_dir: Path) -> list[str]:
    try:
        return scaffold.office_ids(content_dir)
    except scaffold.Refused as error:
        raise Exit(f"Error: {_sentence(error)}", code=1) from None


def _sentence(message) -> str:
    message = str(message)
    return message if message.endswith((".", "?", "!")) else message + "."


@task(
    help={
        "contenido": "Carpeta de contenido (por defecto: content)",
        "tamano": "Tamaño del papel: A4 (por defecto), A3 o carta",
        "origen": "Etiqueta del lugar donde se pega, para contar las visitas que trae "
                  "(minúsculas y guiones; por defecto: general, o ventanilla con --tramite)",
        "tramite": "Volante de media hoja de un trámite (el nombre de su archivo, sin .yml)",
        "salida": "Archivo PDF que se escribe (por defecto: cartelera.pdf o "
                  "volante-<tramite>.pdf en la carpeta actual)",
    },
)
def cartelera(c, contenido=DEFAULT_CONTENT, tamano="A4", origen=None,  # noqa: PLR0917
              tramite=None, salida=None):  # invoke makes each parameter an option
    """Escribe una cartelera para imprimir (PDF de una página) con un código QR al sitio."""
    # Only these two commands need WeasyPrint (and Pango) and the mail modules.
    from municipal.outreach import poster  # noqa: PLC0415
    from municipal.outreach.output_files import (  # noqa: PLC0415
        OutreachError,
        pdf_output,
    )

    content_dir = _content_folder(contenido)
    what = "el volante" if tramite else "la cartelera"
    default = f"volante-{poster.slug_of(tramite)}.pdf" if tramite else "cartelera.pdf"
    try:
        poster.paper(tamano)
        poster.origin_tag(origen, "volante" if tramite else "cartelera")
        path = pdf_output(salida or default, content_dir, what)
    except OutreachError as error:
        raise Exit(_sentence(f"Error: {error}"), code=2) from None
    site = _valid_site(content_dir)
    try:
        if tramite:
            pdf, url, left_out = poster.flyer_pdf(site, ROOT / "theme" / "templates", tramite,
                                        size=tamano, etiqueta=origen)
        else:
            pdf, url, left_out = poster.poster_pdf(site, ROOT / "theme" / "templates", size=tamano,
                                         etiqueta=origen, today=_today())
        write_atomically(path, pdf)
    except OutreachError as error:
        raise Exit(_sentence(f"Error: {error}"), code=1) from None
    except OSError as error:
        raise Exit(f"Error: no se pudo escribir {path} ({error.strerror}).", code=1) from None
    paper = poster.paper(tamano).name
    written = "Volante escrito" if tramite else "Cartelera escrita"
    print(f"{written} en {path} (una página {paper}, "
          f"{len(pdf) / 1024:.0f} KB). El código QR lleva a {url}")
    if left_out:
        print(f"Aviso: para que quepa en una página, {left_out}; el resto está en el sitio.")


@task(
    help={
        "evento": "El evento: nombre de su archivo sin .md (con o sin la fecha) o su ruta",
        "destinatarios": "Lista CSV con las columnas correo y nombre (fuera de content/)",
        "contenido": "Carpeta de contenido (por defecto: content)",
        "salida": "Carpeta de los correos .eml (por defecto: invitaciones/<evento>/)",
        "enviar": "Enviarlos por SMTP con STARTTLS (variables SMTP_SERVIDOR, SMTP_USUARIO, "
                  "SMTP_CLAVE)",
    },
)
def invitacion(c, evento, destinatarios, contenido=DEFAULT_CONTENT,  # noqa: PLR0917
               salida=None, enviar=False):  # invoke makes each parameter an option
    """Escribe (y con --enviar, envía) una invitación por correo a cada destinatario."""
    from municipal.outreach.invitation import find_event, invitations  # noqa: PLC0415
    from municipal.outreach.mail import MailError, smtp_settings  # noqa: PLC0415
    from municipal.outreach.output_files import (  # noqa: PLC0415
        OutreachError,
        refuse_inside_content,
        replace_folder_atomically,
    )
    from municipal.outreach.recipients import read_recipients  # noqa: PLC0415
    from municipal.outreach.recipients import (  # noqa: PLC0415
        refuse_inside_content as refuse_list_inside_content,
    )

    content_dir = _content_folder(contenido)
    settings, lista = None, Path(destinatarios).expanduser()
    try:
        refuse_list_inside_content(lista, content_dir)  # before anything reads content/
        if enviar:
            settings = smtp_settings(os.environ)
        site = _valid_site(content_dir)
        event = find_event(site, evento, _today())
        folder = Path(os.path.abspath(Path(salida or Path("invitaciones") / event.slug)
                                      .expanduser()))
        refuse_inside_content(folder, content_dir, "la carpeta de las invitaciones")
        listed = read_recipients(lista, content_dir)
    except (OutreachError, MailError) as error:
        raise Exit(_sentence(f"Error: {error}"), code=1) from None
    for problem in listed.problems:
        print(problem, file=sys.stderr)
    if not listed.recipients:
        raise Exit(f"Error: {destinatarios} no tiene ningún destinatario válido; "
                   "no se escribió nada.", code=1)
    made = invitations(site, event, listed.recipients, ROOT / "theme" / "templates",
                       datetime.datetime.now(ZoneInfo(TIMEZONE)))
    try:
        replace_folder_atomically(folder, {item.file_name: bytes(item.message)
                                           for item in made}, ".eml")
    except OutreachError as error:
        raise Exit(_sentence(f"Error: {error}"), code=1) from None
    except OSError as error:
        raise Exit(f"Error: no se pudo escribir {folder} ({error.strerror}).", code=1) from None
    print(f"{_count(len(made), 'invitación escrita', 'invitaciones escritas')} en {folder}/ "
          f"(una por destinatario; evento del {event.fecha.isoformat()}).")
    problems = len(listed.problems)
    if settings is not None:
        problems += _send(made, settings, destinatarios)
    elif made:
        print("Revíselas y, para enviarlas, repita la orden con --enviar.")
    if problems:
        raise Exit(f"{_count(problems, 'línea', 'líneas')} de {destinatarios} "
                   f"{'tiene' if problems == 1 else 'tienen'} problemas (ver arriba).", code=1)


def _send(made, settings, destinatarios: str) -> int:
    """Send the invitations; print what happened; return how many could not be sent."""
    from municipal.outreach.mail import MailError, send  # noqa: PLC0415

    try:
        delivery = send(made, settings)
    except MailError as error:
        raise Exit(_sentence(f"Error: {error}"), code=1) from None
    for item, reason in delivery.failed:
        print(f"{destinatarios}:{item.recipient.line}: {item.recipient.correo}: no se envió "
              f"({reason})", file=sys.stderr)
    if delivery.stopped:
        print(f"Error: {delivery.stopped}. No se enviaron: " + ", ".join(
            f"{destinatarios}:{item.recipient.line}" for item in delivery.not_attempted),
            file=sys.stderr)
    print(f"{_count(len(delivery.sent), 'invitación enviada', 'invitaciones enviadas')} "
          f"de {len(made)} por {settings.server}.")
    return len(delivery.failed) + len(delivery.not_attempted)


@task(
    help={
        "contenido": "Carpeta de contenido (por defecto: content)",
        "salida": "Archivo PDF que se escribe, fuera de la carpeta de contenido "
                  "(por defecto: informe-de-empalme.pdf)",
    },
)
def empalme(c, contenido=DEFAULT_CONTENT, salida="informe-de-empalme.pdf"):
    """Escribe el informe de empalme (PDF) para la próxima administración."""
    # Only this command and the posters need WeasyPrint (and Pango).
    from municipal.outreach.handover_pdf import handover_pdf  # noqa: PLC0415
    from municipal.outreach.output_files import (  # noqa: PLC0415
        OutreachError,
        pdf_output,
    )

    content_dir = _content_folder(contenido)
    try:
        path = pdf_output(salida, content_dir, "el informe de empalme")
    except OutreachError as error:
        raise Exit(_sentence(f"Error: {error}"), code=2) from None
    site = _valid_site(content_dir)
    if "administracion" not in site.entidad:
        raise Exit(f"Error: {content_dir.name}/entidad.yml no tiene el período de gobierno "
                   "(administracion: alcalde, desde, hasta); agréguelo y vuelva a intentarlo.",
                   code=1)
    try:
        pdf, pages = handover_pdf(site, PREVIEW_SETTINGS, ROOT / "theme" / "templates",
                                  _today())
        write_atomically(path, pdf)
    except OutreachError as error:
        raise Exit(_sentence(f"Error: {error}"), code=1) from None
    except OSError as error:
        raise Exit(f"Error: no se pudo escribir {path} ({error.strerror}).", code=1) from None
    print(f"Informe de empalme escrito en {path} ({_count(pages, 'página', 'páginas')}, "
          f"{len(pdf) / 1024:.0f} KB).")


@task(
    help={
        "puerto": "Puerto local (por defecto: 8000)",
        "salida": "Solo construir el sitio de demostración en esta carpeta, sin servirlo",
        "contenido": "Carpeta de contenido que se copia (por defecto: content); no se modifica",
    },
)
def demostracion(c, puerto=8000, salida=None, contenido=DEFAULT_CONTENT):
    """Construye el sitio de ejemplo con dos años de historial inventado y lo sirve."""
    from municipal.publishing.demo import DEMO_HASTA, DemoError, build_demo  # noqa: PLC0415

    content_dir = _content_folder(contenido)
    _valid_site(content_dir)  # its errors at once, before replaying any history
    output_dir = Path(os.path.abspath(salida)) if salida else ROOT / "demostracion"
    print(f"Preparando un repositorio temporal con el contenido de {content_dir.name}/ y un "
          f"historial de demostración hasta el {DEMO_HASTA.isoformat()}...")
    try:
        result = build_demo(content_dir, output_dir, ROOT / "pelicanconf.py")
    except DemoError as error:
        raise Exit(f"Error: {error}.", code=1) from None
    except InvalidContent as error:
        print(error, file=sys.stderr)
        raise Exit("El sitio de demostración no se construyó: corrija los errores de arriba.",
                   code=1) from None
    except (BuildRefused, BuildFailed) as error:
        raise Exit(f"Error: {error}.", code=1) from None
    print(f"Sitio de demostración construido en {result.output_dir}: {result.html_pages} "
          f"páginas en {result.seconds:.1f} s. Su carpeta {content_dir.name}/ no cambió.")
    if salida:
        return
    server = _serve(result.output_dir, int(puerto))
    print(f"Sitio de demostración en http://localhost:{puerto}/ (Ctrl+C para terminar)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _valid_site(content_dir: Path):
    """The validated content, or its errors and exit 1 (nothing is written from bad content)."""
    site = check_site(check_content(content_dir))
    if site.problems:
        print(report(site.problems), file=sys.stderr)
        print("No se escribió nada: corrija los errores de arriba.", file=sys.stderr)
        raise Exit(code=1)
    return site


def _today():
    try:
        return cutoff(None, TIMEZONE)
    except BadCutoff as error:
        raise Exit(f"Error: {error}.", code=2) from None


@task(
    help={
        "registros": "Archivo de registro del servidor, carpeta de registros o patrón entre "
                     'comillas (por ejemplo "/var/log/nginx/access.log*")',
        "contenido": "Carpeta de contenido (por defecto: content)",
    },
)
def visitas(c, registros, contenido=DEFAULT_CONTENT):
    """Cuenta las visitas del sitio en los registros del servidor y escribe content/visitas/."""
    try:
        outcome = visit_logs.run(registros, ROOT / contenido, TIMEZONE)
    except visit_logs.NothingToRead as error:
        for line in error.details:
            print(f"Aviso: {line}.", file=sys.stderr)
        print(f"Error: {error}.", file=sys.stderr)
        raise Exit(code=1) from None
    for line in outcome.messages:
        print(line)
    for line in outcome.warnings:
        print(f"Aviso: {line}.", file=sys.stderr)


def _content_folder(contenido: str) -> Path:
    """The content folder, or a Spanish message and exit 1 if it is missing or empty."""
    try:
        check_content_folder(ROOT / contenido)
    except UnsafeBuild as error:
        print(f"Error: {error}.", file=sys.stderr)
        raise Exit(code=1) from None
    return ROOT / contenido


def _build(content_dir: Path, output_dir: Path, settings: Path,
           overrides: dict | None = None, *, preview: bool = False) -> None:
    """Build, printing the outcome in Spanish. A `preview` (servir, editor) serves a saved
    page before its search index is written (build_site's index_later)."""
    try:
        result = build_site(content_dir, output_dir, settings, overrides, index_later=preview)
    except InvalidContent as error:
        print(error, file=sys.stderr)
        print("El sitio no se construyó: corrija los errores de arriba. "
              f"La carpeta {output_dir.name}/ anterior no cambió.", file=sys.stderr)
        raise Exit(code=1) from None
    except BuildRefused as error:
        print(f"Error: {error}. No se escribió nada.", file=sys.stderr)
        raise Exit(code=1) from None
    except BuildInterrupted as error:
        if error.index_pending:
            print(f"Construcción interrumpida mientras se escribía el índice de búsqueda: "
                  f"{output_dir.name}/ ya tiene las páginas nuevas y la búsqueda usa el índice "
                  "anterior hasta la próxima construcción.", file=sys.stderr)
        else:
            print(f"Construcción interrumpida; la carpeta {output_dir.name}/ anterior no "
                  "cambió.", file=sys.stderr)
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
