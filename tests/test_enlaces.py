"""Every internal link and asset of the site resolves when served by a real web server.

A crawler (the equivalent of linkchecker, without its privilege dropping as root)
starts at the home page served by nginx and follows every internal address.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

pytest_plugins = ["navegador"]

LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "source": "srcset"}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        wanted = LINK_ATTRIBUTES.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.found.append(value)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.found


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def test_every_internal_link_and_asset_resolves_over_http(servidor):
    host = urlsplit(servidor).netloc
    pending, seen, broken, pages = [f"{servidor}/"], set(), [], 0
    referrer = {f"{servidor}/": "(inicio)"}
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        status, content_type, body = fetch(url)
        if status != 200:
            broken.append(f"{url} ({status}), enlazado desde {referrer[url]}")
            continue
        if content_type != "text/html":
            continue
        pages += 1
        for link in links_of(body.decode("utf-8")):
            target = urldefrag(urljoin(url, link)).url
            if urlsplit(target).netloc == host and target not in seen:
                referrer.setdefault(target, url)
                pending.append(target)
    assert not broken, "\n".join(broken)
    assert pages >= 68  # every page of the sample site is reachable from the home page
    assert len(seen) > pages  # and the assets (photos, PDFs, data files) were checked too
