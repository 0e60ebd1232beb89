"""A Python-Markdown extension that makes the tables staff write accessible on a phone.

Each table gets `scope="col"` on its header cells and a focusable, labelled
wrapper that scrolls sideways on narrow screens instead of the whole page.
"""

from __future__ import annotations

from xml.etree import ElementTree

from markdown import Extension
from markdown.treeprocessors import Treeprocessor


class AccessibleTables(Treeprocessor):
    def run(self, root):
        for parent in list(root.iter()):
            for index, table in enumerate(list(parent)):
                if table.tag == "table":
                    parent[index] = self._wrapped(table)

    def _wrapped(self, table):
        headers = [cell for cell in table.iter("th")]
        for cell in headers:
            cell.set("scope", "col")
        names = ", ".join("".join(cell.itertext()).strip() for cell in headers)
        wrapper = ElementTree.Element("div", {
            "class": "tabla", "role": "region", "tabindex": "0",
            "aria-label": f"Tabla: {names}" if names else "Tabla",
        })
        wrapper.append(table)
        return wrapper


class AccessibleTablesExtension(Extension):
    def extendMarkdown(self, md):
        # After the "extra" tables (they are built by a block processor) and
        # before inline processing would matter: priority is low on purpose.
        md.treeprocessors.register(AccessibleTables(md), "tablas_accesibles", 5)
