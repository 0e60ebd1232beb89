"""The HTML a Markdown body may turn into (DESIGN.md §4), and the cleaner that enforces it.

One allowlist for both walls: `markdown_body` reports anything outside it with
its line, and `clean` (nh3) removes whatever still reaches the renderer.
It is what Python-Markdown and our extensions produce, plus abbr, sub, sup,
br and details/summary.
"""

from __future__ import annotations

import re

import nh3

TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd", "pre", "code", "em", "strong", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td", "div",
    "abbr", "sub", "sup", "details", "summary",
})

GLOBAL_ATTRIBUTES = frozenset({"id", "class", "lang", "title"})
"""Allowed on every tag (attr_list may set them; footnotes and abbr use them)."""

TAG_ATTRIBUTES = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"scope"}),
    "div": frozenset({"role", "tabindex", "aria-label"}),  # the accessible table wrapper
    "details": frozenset({"open"}),
}
"""Allowed on one tag, besides GLOBAL_ATTRIBUTES."""

URL_SCHEMES = frozenset({"https", "mailto", "tel"})
"""Besides these, only paths inside the site (relative, root-relative, #ancla)."""

URL_ATTRIBUTES = frozenset({"href", "src"})

_RENDERER_ONLY = {"th": {"style"}, "td": {"style"}}
# Markdown's own column alignment (`|:---:|`) is written as style="text-align: ...";
# the cleaner keeps that one property. People may not write style= themselves.

_PROTOCOL_RELATIVE = re.compile(r"[\s\x00-\x1f]*[/\\]{2}")
INTRASITE = re.compile(r"[{|](?P<what>[a-z]+)[}|]")
"""Pelican's link markers, e.g. {filename}, {static}, {attach} (and |filename|)."""
_ATTACHMENT = re.compile(r"(?:[./]*/)?(?:[^/:?#]+/)*adjuntos/[^:]*")


def attributes_of(tag: str) -> frozenset[str]:
    """The attributes allowed on `tag`."""
    return GLOBAL_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, frozenset())


def is_attachment_path(url: str) -> bool:
    """True for an image source inside the site's adjuntos/ folder ({static}/adjuntos/...)."""
    marker = INTRASITE.match(url)
    path = url[marker.end():] if marker and marker["what"] in ("static", "attach", "filename") \
        else url
    return bool(_ATTACHMENT.fullmatch(path)) and not _PROTOCOL_RELATIVE.match(path)


def clean(html: str) -> str:
    """`html` with every tag, attribute and URL outside the allowlist removed."""
    attributes = {tag: set(attributes_of(tag)) for tag in TAGS}
    for tag, extra in _RENDERER_ONLY.items():
        attributes[tag] |= extra
    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes=attributes,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
        attribute_filter=_filter_attribute,
    )


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3 passes "//host" as a relative URL, and any image source: refuse those here."""
    if attribute in URL_ATTRIBUTES and _PROTOCOL_RELATIVE.match(value):
        return None
    if tag == "img" and attribute == "src" and not is_attachment_path(value):
        return None
    return value
