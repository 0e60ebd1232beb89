"""Pelican readers for our files: Markdown with YAML front matter, and YAML.

Both take the document from the `Site` validated for this build (it parses
each file on first use, with the same loader as the validator), and both add
the office from the file's folder. Rendered Markdown goes through the HTML
allowlist (`html_allowlist.clean`).
"""

from __future__ import annotations

from html import escape

from markdown import Markdown
from pelican.readers import BaseReader

from ..content.html_allowlist import clean
from ..content.model import Document, Site
from .markdown_tables import AccessibleTablesExtension

SITE_SETTING = "MUNICIPAL_SITE"
"""Settings key holding the `Site` loaded and validated for the current build."""

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
        # The validator reports HTML outside the allowlist; cleaning again here
        # means nothing it missed can reach a citizen's page.
        content = clean(self._markdown().reset().convert(document.body or ""))
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
            self._converter = Markdown(**self._markdown_settings())
        return self._converter

    def _markdown_settings(self) -> dict:
        # Pelican's MarkdownReader adds the "meta" extension, which would take
        # a first body line such as "Nota: ..." for metadata. We never want it.
        settings = dict(self.settings["MARKDOWN"])
        settings["extensions"] = [
            *(name for name in settings.get("extensions", [])
              if name != "markdown.extensions.meta"),
            AccessibleTablesExtension(),
        ]
        configs = dict(settings.get("extension_configs", {}))
        configs.pop("markdown.extensions.meta", None)
        settings["extension_configs"] = configs
        return settings


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
