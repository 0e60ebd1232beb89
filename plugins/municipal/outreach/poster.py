"""Printable posters (carteleras) and trámite flyers: one PDF page with a QR code to the site.

The poster (DESIGN.md §12) carries the entity, its motto, the site address in large
type, a QR code to `https://<dominio>/?origen=cartelera-<etiqueta>` (so the visit
figures count who came from each poster), the main entry points, the latest news
and the next events. The flyer (`--tramite`) carries one trámite's key facts and a
QR code to its page, twice on the sheet, to be cut in half for the ventanilla.

Everything is black on white: it must read the same from a black-and-white copier.
The HTML comes from theme/templates/ (cartelera.html, volante.html); WeasyPrint
makes the PDF with fonts read from Debian's font packages, and loads nothing else.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
import weasyprint
from jinja2 import Environment, FileSystemLoader, select_autoescape
from PIL import ImageFont

from ..content.messages import suggestion
from ..content.model import Site
from ..site.events import events_of, upcoming
from ..site.formatting import FILTERS, long_date
from .event_text import when
from .output_files import OutreachError

MM_TO_PT = 72 / 25.4


@dataclass(frozen=True)
class Paper:
    name: str
    width_mm: float
    height_mm: float
    scale: float  # type and QR sizes, relative to A4


PAPERS = {
    "A4": Paper("A4", 210, 297, 1.0),
    "A3": Paper("A3", 297, 420, 2 ** 0.5),
    "carta": Paper("carta", 215.9, 279.4, 1.0),
}

FONT_FOLDERS = {
    "fonts-liberation2": Path("/usr/share/fonts/truetype/liberation2"),
    "fonts-dejavu-core": Path("/usr/share/fonts/truetype/dejavu"),
}
FONTS = {
    # (family, weight, style): (Debian package, file)
    ("Cartelera", "normal", "normal"): ("fonts-liberation2", "LiberationSans-Regular.ttf"),
    ("Cartelera", "bold", "normal"): ("fonts-liberation2", "LiberationSans-Bold.ttf"),
    ("Cartelera", "normal", "italic"): ("fonts-liberation2", "LiberationSans-Italic.ttf"),
    # Symbols Liberation lacks (✂ on the flyer's cut line) come from DejaVu.
    ("Cartelera Simbolos", "normal", "normal"): ("fonts-dejavu-core", "DejaVuSans.ttf"),
}
DOMAIN_FONT = ("Cartelera", "bold", "normal")

DEFAULT_ORIGIN = {"cartelera": "general", "volante": "ventanilla"}
ORIGIN_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ORIGIN_MAX = 40
TRAMITE_PATH = "tramites/{slug}/"  # TRAMITE_URL of pelicanconf.py (DESIGN.md §2)

# When a poster does not fit on one page, show fewer items, in this order.
POSTER_ITEMS = (3, 2, 1, 0)
FLYER_ITEMS = (10, 7, 5, 3, 1, 0)


def paper(size: str) -> Paper:
    """The paper for `--tamano` (A4, A3 or carta, in any case)."""
    for name, known in PAPERS.items():
        if str(size).strip().lower() == name.lower():
            return known
    raise OutreachError(
        f'--tamano "{size}" no existe; use A4, A3 o carta{suggestion(size, PAPERS)}'
    )


def origin_tag(etiqueta: str | None, kind: str = "cartelera") -> str:
    """`cartelera-<etiqueta>`, the `origen` the QR code's address carries.

    The label is a slug (lowercase letters without accents, digits, hyphens) so
    that it reads the same in the address, in the visit figures and on paper.
    """
    etiqueta = DEFAULT_ORIGIN[kind] if etiqueta is None else str(etiqueta)
    if not ORIGIN_PATTERN.fullmatch(etiqueta) or len(etiqueta) > ORIGIN_MAX:
        hint = _slug(etiqueta)[:ORIGIN_MAX].strip("-")
        example = f' Por ejemplo: --origen {hint}' if hint else ""
        raise OutreachError(
            f'--origen "{etiqueta}" no sirve como etiqueta: use solo minúsculas sin tildes, '
            f"números y guiones (máximo {ORIGIN_MAX} caracteres), sin espacios.{example}"
        )
    return f"cartelera-{etiqueta}"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def font_files() -> dict[tuple[str, str, str], Path]:
    """The font files, or a message naming the Debian package to install."""
    files = {}
    for key, (package, name) in FONTS.items():
        path = FONT_FOLDERS[package] / name
        if not path.is_file():
            raise OutreachError(
                f"falta la fuente {path}: instale el paquete de Debian {package} "
                f"(sudo apt-get install {package})"
            )
        files[key] = path
    return files


# Reading the site ---------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One line of a list on the poster: a news item or an event."""

    fecha: str
    titulo: str
    detalle: str = ""


def _documents(site: Site, kind: str):
    for relpath, file in sorted(site.files.items()):
        if file.kind == kind:
            document = site.document_for(relpath)
            if document is not None and isinstance(document.data, dict):
                yield file, document.data


def latest_news(site: Site, count: int = 3) -> list[Item]:
    """The newest published news (not drafts), newest first, ties by slug like the site."""
    news = [(str(data.get("fecha")), file.slug, data) for file, data in _documents(site, "noticias")
            if data.get("borrador") is not True]
    news.sort(key=lambda entry: entry[1])
    news.sort(key=lambda entry: entry[0], reverse=True)
    return [Item(long_date(fecha), str(data.get("titulo", slug)))
            for fecha, slug, data in news[:count]]


def next_events(site: Site, today: datetime.date, count: int = 3) -> list[Item]:
    """The next published events from today on, soonest first (none if the site has none)."""
    return [Item(when(event, weekday=False), str(event.data["titulo"]), str(event.data["lugar"]))
            for event in upcoming(events_of(site), today)[:count]]


def find_tramite(site: Site, slug: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(slug, office, data) of the trámite in content/tramites/<oficina>/<slug>.yml.

    Also accepts what staff may paste: `tramites/<slug>/` or `<slug>.yml`.
    """
    tramites = {file.slug: (file, data) for file, data in _documents(site, "tramites")}
    slug = slug_of(slug)
    if slug in tramites:
        file, data = tramites[slug]
        office = next((office for office in site.oficinas if office.get("id") == file.office),
                      {})
        return slug, office, data
    hint = suggestion(slug, tramites) or _contains_hint(slug, tramites)
    raise OutreachError(
        f'--tramite "{slug}": no hay un trámite con ese nombre de archivo en '
        f"{site.content_dir.name}/tramites/<oficina>/.{hint} Escriba el nombre del archivo "
        "sin .yml, por ejemplo: --tramite certificado-de-residencia"
    )


def slug_of(tramite: str) -> str:
    """`certificado-de-residencia` from that, `tramites/certificado-de-residencia/` or `….yml`."""
    slug = str(tramite).strip().strip("/").removeprefix("tramites/").removesuffix(".yml")
    return slug.rsplit("/", 1)[-1]


def _contains_hint(slug: str, choices) -> str:
    matches = sorted(choice for choice in choices if slug and slug in choice)
    return f' ¿Quiso decir "{matches[0]}"?' if matches else ""


def site_address(site: Site) -> str:
    domain = site.entidad.get("dominio")
    if not isinstance(domain, str) or not domain:
        raise OutreachError(f"{site.content_dir.name}/entidad.yml: falta el campo dominio")
    return domain


def entry_points(site: Site) -> list[dict[str, str]]:
    """The site's main sections, with a line saying what each holds."""
    counts = {}
    for kind in ("tramites", "contratos", "noticias", "eventos"):
        counts[kind] = sum(1 for _ in _documents(site, kind))
    entries = [
        ("Trámites y servicios", "tramites/",
         f"{counts['tramites']} trámites con sus requisitos, costo y tiempo de respuesta"),
        ("Contratación", "contratos/", "procesos abiertos y contratos firmados"),
        ("Noticias", "noticias/", "lo que hace la Alcaldía"),
    ]
    if counts["eventos"]:
        entries.append(("Eventos", "eventos/", "jornadas y reuniones con la comunidad"))
    entries += [
        ("Transparencia", "transparencia/", "la información pública que pide la ley"),
        ("Dependencias", "oficinas/", "a quién dirigirse y cómo contactarla"),
        ("Cumplimiento del plan", "cumplimiento/", "cómo cumple cada oficina"),
    ]
    return [{"titulo": titulo, "ruta": ruta, "detalle": detalle}
            for titulo, ruta, detalle in entries]


# Rendering ----------------------------------------------------------------------


class _LocalFilesOnly(weasyprint.URLFetcher):
    """Loads the QR code (a data: URI) and the font files; nothing from the network."""

    def __init__(self, allowed: set[str]):
        super().__init__(allowed_protocols=("data", "file"), fail_on_errors=True)
        self.allowed = allowed

    def fetch(self, url, headers=None):
        if not url.startswith("data:") and url not in self.allowed:
            raise ValueError(f"la cartelera no carga {url}")
        return super().fetch(url, headers)


def qr_data_uri(url: str) -> str:
    """The QR code of `url` as an SVG data URI, with the standard quiet zone of 4 modules."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=1, border=4,
                                                               dark="#000", light="#fff")


def domain_type_size(domain: str, width_pt: float, largest_pt: float) -> float:
    """The type size (pt) at which `domain` fills `width_pt` on one line, at most `largest_pt`.

    Measured with the bold font the poster uses, so a short domain is huge and a
    long one still fits.
    """
    package, name = FONTS[DOMAIN_FONT]
    path = FONT_FOLDERS[package] / name
    length = ImageFont.truetype(str(path), 100).getlength(domain) or 1
    return round(min(largest_pt, width_pt * 0.97 / (length / 100)), 1)


def _environment(templates_dir: Path) -> Environment:
    environment = Environment(loader=FileSystemLoader(str(templates_dir)),
                              autoescape=select_autoescape(["html"]),
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(FILTERS)
    return environment


def _render(templates_dir: Path, template: str, context: dict, fonts) -> weasyprint.Document:
    html = _environment(templates_dir).get_template(template).render(**context)
    allowed = {path.as_uri() for path in fonts.values()}
    return weasyprint.HTML(string=html, url_fetcher=_LocalFilesOnly(allowed)).render()


def _base_context(site: Site, sheet: Paper, fonts) -> dict:
    return {
        "entidad": site.entidad,
        "papel": sheet,
        "fuentes": [{"familia": family, "peso": weight, "estilo": style, "url": path.as_uri()}
                    for (family, weight, style), path in fonts.items()],
    }


def poster_pdf(site: Site, templates_dir: Path, *, size: str = "A4",
               etiqueta: str | None = None, today: datetime.date) -> tuple[bytes, str, str]:
    """The poster as PDF bytes, the URL its QR code carries, and what did not fit ("" if all)."""
    sheet, origin, domain = paper(size), origin_tag(etiqueta), site_address(site)
    fonts = font_files()
    url = f"https://{domain}/?origen={origin}"
    margin = 14 * sheet.scale
    width_pt = (sheet.width_mm - 2 * margin) * MM_TO_PT
    context = {
        **_base_context(site, sheet, fonts),
        "margen_mm": margin,
        "dominio": domain,
        "dominio_pt": domain_type_size(domain, width_pt, 64 * sheet.scale),
        "url_qr": url,
        "qr": qr_data_uri(url),
        "qr_mm": 66 * sheet.scale,
        "accesos": entry_points(site),
    }
    news, events = latest_news(site), next_events(site, today)
    longest = max(len(news), len(events))
    for count in sorted({min(count, longest) for count in POSTER_ITEMS}, reverse=True):
        document = _render(templates_dir, "cartelera.html", {
            **context, "noticias": news[:count], "eventos": events[:count],
        }, fonts)
        if len(document.pages) == 1:
            return document.write_pdf(), url, _left_out(
                ("noticia", "noticias", len(news), count),
                ("evento", "eventos", len(events), count))
    raise OutreachError(
        f"{site.content_dir.name}/entidad.yml: la cartelera no cabe en una página "
        f"{sheet.name}; acorte el nombre, el lema o la dirección de la entidad"
    )


def flyer_pdf(site: Site, templates_dir: Path, slug: str, *, size: str = "A4",
              etiqueta: str | None = None) -> tuple[bytes, str, str]:
    """The half-page flyer of one trámite (twice on the sheet), its QR code's URL, and
    what did not fit ("" if all)."""
    sheet, origin, domain = paper(size), origin_tag(etiqueta, "volante"), site_address(site)
    slug, office, tramite = find_tramite(site, slug)
    fonts = font_files()
    path = TRAMITE_PATH.format(slug=slug)
    url = f"https://{domain}/{path}?origen={origin}"
    context = {
        **_base_context(site, sheet, fonts),
        "dominio": domain,
        "ruta": path,
        "url_qr": url,
        "qr": qr_data_uri(url),
        "qr_mm": 46 * sheet.scale,
        "alto_mm": sheet.height_mm / 2 - 1,  # two flyers and a hair of slack per sheet
        "tramite": tramite,
        "oficina": office,
    }
    requisitos = list(tramite.get("requisitos") or [])
    documentos = list(tramite.get("documentos") or [])
    longest = max(len(requisitos), len(documentos))
    for count in sorted({min(count, longest) for count in FLYER_ITEMS}, reverse=True):
        document = _render(templates_dir, "volante.html", {
            **context,
            "requisitos": requisitos[:count], "mas_requisitos": len(requisitos[count:]),
            "documentos": documentos[:count], "mas_documentos": len(documentos[count:]),
        }, fonts)
        if len(document.pages) == 1:
            return document.write_pdf(), url, _left_out(
                ("requisito", "requisitos", len(requisitos), count),
                ("documento", "documentos", len(documentos), count))
    raise OutreachError(
        f"{site.content_dir.name}/tramites/{office.get('id')}/{slug}.yml: el volante no cabe "
        "en media página; "
        "acorte el nombre o la descripción del trámite"
    )



def _left_out(*lists: tuple[str, str, int, int]) -> str:
    """`caben 1 de 3 noticias` for each list shown shorter than it is, so staff know."""
    parts = [f"caben {min(shown, total)} de {total} {many if total != 1 else one}"
             for one, many, total, shown in lists if shown < total]
    return "; ".join(parts)
