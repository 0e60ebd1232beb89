"""Pelican settings for local preview (relative URLs). See publishconf.py for production."""


PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["municipal"]

DEFAULT_LANG = "es"
TIMEZONE = "America/Bogota"
LOCALE = ("C.UTF-8",)  # dates and money are formatted by Babel (es_CO), not the OS locale
SITEURL = ""
RELATIVE_URLS = True

# Which folder holds what (DESIGN.md §2). Everything else in content/ is read by our plugin.
ARTICLE_PATHS = ["noticias"]
PAGE_PATHS = ["paginas"]
STATIC_PATHS = ["adjuntos"]
ARTICLE_EXCLUDES = []
PAGE_EXCLUDES = []
IGNORE_FILES = [".*"]

# Slugs come from file names: noticias/<oficina>/2026-02-03-vacunacion.md -> 2026-02-03-vacunacion
SLUGIFY_SOURCE = "basename"
FILENAME_METADATA = r"(?P<slug>.*)"
USE_FOLDER_AS_CATEGORY = False  # the plugin sets the office (category) from the folder

# Clean URLs: /tramites/certificado-de-residencia/
ARTICLE_URL = "noticias/{slug}/"
ARTICLE_SAVE_AS = "noticias/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
TRAMITE_URL = "tramites/{slug}/"
TRAMITE_SAVE_AS = "tramites/{slug}/index.html"
TRAMITES_URL = "tramites/"
TRAMITES_SAVE_AS = "tramites/index.html"
CONTRATO_URL = "contratos/{slug}/"
CONTRATO_SAVE_AS = "contratos/{slug}/index.html"
CONTRATOS_URL = "contratos/"
CONTRATOS_SAVE_AS = "contratos/index.html"
OFICINA_URL = "oficinas/{slug}/"
OFICINA_SAVE_AS = "oficinas/{slug}/index.html"
OFICINAS_URL = "oficinas/"
OFICINAS_SAVE_AS = "oficinas/index.html"
# Events (agenda): one page per event and its calendar file beside it, /eventos/<slug>.ics.
EVENTO_URL = "eventos/{slug}/"
EVENTO_SAVE_AS = "eventos/{slug}/index.html"
EVENTO_ICS_URL = "eventos/{slug}.ics"
EVENTO_ICS_SAVE_AS = "eventos/{slug}.ics"
EVENTOS_URL = "eventos/"
EVENTOS_SAVE_AS = "eventos/index.html"
CUMPLIMIENTO_URL = "cumplimiento/"
CUMPLIMIENTO_SAVE_AS = "cumplimiento/index.html"
# The transparency menu (Res. 1519 de 2020), one page per item filled by several
# pages, the esquema de publicación (item 7.1.3) and the site map.
TRANSPARENCIA_URL = "transparencia/"
TRANSPARENCIA_SAVE_AS = "transparencia/index.html"
TRANSPARENCIA_ITEM_URL = "transparencia/{id}/"
TRANSPARENCIA_ITEM_SAVE_AS = "transparencia/{id}/index.html"
TRANSPARENCIA_ESQUEMA_URL = "transparencia/esquema-de-publicacion/"
TRANSPARENCIA_ESQUEMA_SAVE_AS = "transparencia/esquema-de-publicacion/index.html"
MAPA_DEL_SITIO_URL = "mapa-del-sitio/"
MAPA_DEL_SITIO_SAVE_AS = "mapa-del-sitio/index.html"
DATOS_URL = "datos/"
DATOS_SAVE_AS = "datos/index.html"
DATOS_CONJUNTO_URL = "datos/{slug}/"
DATOS_CONJUNTO_SAVE_AS = "datos/{slug}/index.html"
# Licencia de los datos abiertos (/datos/); sin este ajuste, CC BY 4.0.
DATOS_LICENCIA = {
    "nombre": "Creative Commons Atribución 4.0 Internacional (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.es",
}
# Prefijo OCDS de la entidad (ocid = prefijo-proceso). ocds-xxxxxx es de ejemplo: una entidad real
# pide el suyo a la Open Contracting Partnership (https://standard.open-contracting.org).
OCDS_PREFIJO = "ocds-xxxxxx"
# Fecha de corte de los indicadores (AAAA-MM-DD); None: SOURCE_DATE_EPOCH o la fecha de hoy.
INFORME_EMPALME_URL = "informe-de-empalme/"
INFORME_EMPALME_SAVE_AS = "informe-de-empalme/index.html"
INFORME_EMPALME_OFICINA_URL = "informe-de-empalme/{slug}/"
INFORME_EMPALME_OFICINA_SAVE_AS = "informe-de-empalme/{slug}/index.html"
# Where the content repository lives (the handover report tells the next administration),
# e.g. "https://gitlab.com/alcaldia/sitio". Empty: the report says to ask for it.
REPOSITORIO_URL = ""
# The "Datos de demostración" banner: only `invoke demostracion` sets it.
DEMOSTRACION = False
INDICADORES_HASTA = None
# Served by the web server for any missing address, so its links are absolute.
ERROR_404_SAVE_AS = "404.html"
NOTICIAS_URL = "noticias/"
NOTICIAS_SAVE_AS = "noticias/index.html"

DIRECT_TEMPLATES = ["index", "noticias"]
# Lists paginate so that every page stays under 13 KB compressed (one network round trip).
PAGINATED_TEMPLATES = {"noticias": 10, "tramites": 40, "contratos": 20, "eventos": 20,
                       "mapa_del_sitio": 50, "esquema": 60}
# The build fails if a page weighs more than this once compressed (gzip -9, CSS included).
PRESUPUESTO_PAGINA_BYTES = 13 * 1024
# The office page shows the latest items of each list and links to the full lists.
OFICINA_ULTIMAS_NOTICIAS = 5
OFICINA_ULTIMOS_CONTRATOS = 10
# The office page lists its next and its latest held events; the home page the next ones.
OFICINA_ULTIMOS_EVENTOS = 5
PORTADA_PROXIMOS_EVENTOS = 3
PAGINATION_PATTERNS = [
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/pagina/{number}/", "{base_name}/pagina/{number}/index.html"),
]

# Pelican pages we do not publish: drafts (borrador: true), tags, authors, archives.
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAG_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""

# The plugin orders news (newest first) and pages (by "orden") itself, with a
# tie-breaker on the slug, so the same content always gives the same site.

# No feeds in local preview (publishconf.py turns them on).
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
        "markdown.extensions.smarty": {
            "substitutions": {"left-double-quote": "«", "right-double-quote": "»"},
        },
    },
    "output_format": "html5",
}
# Escape everything content files put into HTML (a "<" typed in a trámite stays text).
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,  # every template is HTML (the CSS is included in it)
}

# "Editar esta página" and the web editor (README, «Editor web»). Both off in the sample.
# EDITAR_URL: the forge's edit address up to the repository's root; the page adds the file's
# path, e.g. "https://gitlab.com/alcaldia/sitio/-/edit/main" → …/main/content/tramites/….
EDITAR_URL = None
# EDITOR_WEB: builds /admin/ (Decap CMS) with this backend and links each page to its entry,
# e.g. {"backend": {"name": "gitlab", "repo": "alcaldia/sitio", "branch": "main"}}.
EDITOR_WEB = None
