"""Pelican readers for our files: Markdown with YAML front matter, and YAML.

Both take the document from the `Site` validated for this build (it parses
each file on first use, with the same loader as the validator), and both add
the office from the file's folder. Rendered Markdown goes through the HTML
allowlist (`html_allowlist.clean`).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from markdown import Markdown
from pelican.readers import BaseReader

from ..content.html_allowlist import clean
from ..content.layout import ContentFile
from ..content.model import Document, Site, parse_content_file
from ..content.workers import PARALLEL_FROM, map_in_workers
from ..content.yaml_loader import SourceError
from .markdown_tables import AccessibleTablesExtension

SITE_SETTING = "MUNICIPAL_SITE"
"""Settings key holding the `Site` loaded and validated for the current build."""
RENDERED_BODIES = "MUNICIPAL_RENDERED_BODIES"
"""Settings key: relpath → HTML of Markdown bodies rendered ahead by `prepare_changed_files`."""

# Front matter field → Pelican's own metadata name.
_PELICAN_NAMES = {"titulo": "title", "fecha": "date", "etiquetas": "tags"}


class ContentReader(BaseReader):
    """Base of our readers; it handles no extension itself.

    Pelican maps every direct subclass of BaseReader to its extensions; the
    concrete readers below are registered explicitly on `readers_init`.
    """

    file_extensions: list[str] = []

    def document(self, source_path: str) -> Document:
        site: Site = self.settings[SITE_SETTING]
        document = site.document_for(source_path)
        if document is None:  # validation refuses such a build before this
            raise LookupError(f"{source_path} no fue validado")
        return document

    def office_metadata(self, document: Document) -> dict:
        office = document.file.office
        return {
            "oficina": office,
            "tipo_contenido": document.file.kind,
            "category": self.process_metadata("category", office),
        }


class MarkdownContentReader(ContentReader):
    """News (noticias) and institutional pages (paginas)."""

    file_extensions = ["md"]

    def read(self, source_path: str):
        document = self.document(source_path)
        content = self.settings.get(RENDERED_BODIES, {}).pop(document.file.relpath, None)
        if content is None:
            content = render_body(self._markdown(), document.body)
        data = document.data
        metadata = {**data, **self.office_metadata(document)}
        for spanish, pelican_name in _PELICAN_NAMES.items():
            if spanish in data:
                metadata[pelican_name] = self.process_metadata(
                    pelican_name, _text_for_pelican(data[spanish])
                )
        if "resumen" in data:
            metadata["summary"] = escape(str(data["resumen"]))
        if data.get("borrador") is True:
            metadata["status"] = "draft"
        return content, metadata

    def _markdown(self) -> Markdown:
        # Building a Markdown converter costs as much as converting a news item,
        # so each reader keeps one and resets it between files.
        if getattr(self, "_converter", None) is None:
            self._converter = markdown_converter(self.settings)
        return self._converter


def markdown_converter(settings: Mapping) -> Markdown:
    """The converter of every body, from the MARKDOWN setting.

    Pelican's MarkdownReader adds the "meta" extension, which would take a first body line
    such as "Nota: ..." for metadata. We never want it.
    """
    options = dict(settings["MARKDOWN"])
    configs = dict(options.get("extension_configs", {}))
    # As Pelican's MarkdownReader does (in place, once its readers exist): every extension
    # with a configuration is enabled.
    names = list(options.get("extensions", []))
    names += [name for name in configs if name not in names]
    options["extensions"] = [
        *(name for name in names if name != "markdown.extensions.meta"),
        AccessibleTablesExtension(),
    ]
    configs.pop("markdown.extensions.meta", None)
    options["extension_configs"] = configs
    return Markdown(**options)


def render_body(converter: Markdown, body: str | None) -> str:
    # The validator reports HTML outside the allowlist; cleaning again here
    # means nothing it missed can reach a citizen's page.
    return clean(converter.reset().convert(body or ""))


def prepare_changed_files(site: Site, settings: Mapping, processes: int | None = None) -> dict:
    """Parse the files validated anew in this build, and render their Markdown, on every
    core (content/workers.py); relpath → HTML, for the readers (RENDERED_BODIES).

    Pelican reads each file on one core: with 10,000 new items (a first build), Markdown
    alone took 11 s of 50. Files from the validation cache are left to the readers: Pelican's
    own cache usually has them. With few files, nothing is done here (forking costs more).
    """
    files = [site.files[relpath] for relpath in sorted(site.checked_now)
             if relpath in site.files]
    if len(files) < PARALLEL_FROM:
        return {}
    global _worker_settings  # noqa: PLW0603 - inherited by the forked workers
    _worker_settings = settings
    try:
        results = map_in_workers(_parse_and_render, [(file,) for file in files], processes,
                                 parallel_from=PARALLEL_FROM)
    finally:
        _worker_settings = None
    rendered = {}
    for file, result in zip(files, results, strict=True):
        if result is None:
            continue  # unreadable: the reader reports it as usual
        parsed, html = result
        site.add_parsed(file.relpath, parsed)
        if html is not None:
            rendered[file.relpath] = html
    return rendered


_worker_settings: Mapping | None = None
_worker_converter: Markdown | None = None


def _parse_and_render(file: ContentFile):
    """In a worker: the file's parts, and its body's HTML if it is Markdown."""
    global _worker_converter  # noqa: PLW0603 - one converter per worker process
    try:
        document = parse_content_file(file)
    except SourceError:
        return None
    html = None
    if file.is_markdown:
        if _worker_converter is None:
            _worker_converter = markdown_converter(_worker_settings)
        html = render_body(_worker_converter, document.body)
    return (document.yaml, document.body, document.body_line), html


class YamlContentReader(ContentReader):
    """Trámites and contratos: the whole file is data; there is no body."""

    file_extensions = ["yml"]

    def read(self, source_path: str):
        document = self.document(source_path)
        metadata = {**document.data, **self.office_metadata(document)}
        title_field = "nombre" if document.file.kind == "tramites" else "referencia"
        metadata["title"] = str(document.data.get(title_field, document.file.slug))
        # "" and not None: Pelican's reader cache does not keep a None content.
        return "", metadata


def _text_for_pelican(value):
    """Pelican's metadata processors expect text (tags may be a list)."""
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value)
