"""The production build (publishconf.py): feeds, sitemap, robots.txt, precompressed files,
and byte-identical output for the same content and SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import datetime
import gzip
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import brotli
import pytest

from conftest import PUBLISH_SETTINGS, ROOT, SAMPLE_CONTENT, BuiltSite
from municipal.publishing.build import build_site
from municipal.publishing.server_config import style_hashes

DOMAIN = "https://chitaga-nortedesantander.gov.co"
EPOCH = "1795000000"  # 2026-11-18 in Bogotá
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def build_published(output: Path, monkeypatch) -> BuiltSite:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build_site(SAMPLE_CONTENT, output, PUBLISH_SETTINGS)
    return BuiltSite(output)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> BuiltSite:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return build_published(tmp_path_factory.mktemp("publicado") / "output", monkeypatch)


def all_files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_two_builds_of_the_same_content_are_byte_identical(published, tmp_path, monkeypatch):
    again = build_published(tmp_path / "otra" / "output", monkeypatch)
    first, second = all_files(published.output), all_files(again.output)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert not different
    assert len(first) > 200


def test_every_text_file_has_gzip_and_brotli_siblings_with_the_same_bytes(published):
    checked = 0
    for path in published.output.rglob("*"):
        if path.suffix not in {".html", ".xml", ".json", ".csv"}:
            continue
        data = path.read_bytes()
        assert brotli.decompress(Path(f"{path}.br").read_bytes()) == data, path
        assert gzip.decompress(Path(f"{path}.gz").read_bytes()) == data, path
        checked += 1
    assert checked > 70


def test_sitemap_lists_every_page_but_the_404_with_absolute_addresses(published):
    root = ElementTree.parse(published.output / "sitemap.xml").getroot()
    urls = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
            for url in root.iter(f"{SITEMAP}url")}
    pages = {DOMAIN + "/" + path.relative_to(published.output).as_posix()
             .removesuffix("index.html") for path in published.html_files()}
    assert set(urls) == pages - {f"{DOMAIN}/404.html"}
    # Undated pages carry the build time: SOURCE_DATE_EPOCH, so builds are reproducible.
    build_time = datetime.datetime.fromtimestamp(int(EPOCH), ZoneInfo("America/Bogota"))
    assert urls[f"{DOMAIN}/tramites/"] == build_time.isoformat()
    news = f"{DOMAIN}/noticias/2026-02-03-jornada-de-vacunacion-antirrabica-en-las-veredas/"
    assert urls[news].startswith("2026-02-03T")


def test_robots_txt_allows_everything_and_points_to_the_sitemap(published):
    assert (published.output / "robots.txt").read_text() == (
        f"User-agent: *\nDisallow:\nSitemap: {DOMAIN}/sitemap.xml\n")


def test_atom_feeds_for_all_news_and_for_each_office(published):
    feeds = published.output / "feeds"
    entries = {}
    for office in ("despacho", "gobierno", "hacienda", "juridica", "personeria", "planeacion"):
        root = ElementTree.parse(feeds / f"{office}.atom.xml").getroot()
        entries[office] = [entry.find(f"{ATOM}link").get("href")
                           for entry in root.iter(f"{ATOM}entry")]
    everything = ElementTree.parse(feeds / "noticias.atom.xml").getroot()
    all_links = [entry.find(f"{ATOM}link").get("href") for entry in everything.iter(f"{ATOM}entry")]
    news_in_offices = [link for links in entries.values() for link in links
                       if link.startswith(f"{DOMAIN}/noticias/")]
    assert sorted(all_links) == sorted(news_in_offices)
    assert all(link.startswith(f"{DOMAIN}/noticias/") for link in all_links)
    assert len(all_links) == 17  # the draft is not published
    # Each office's feed also has one entry per event of its agenda (not the draft).
    events = {office: sorted(link.removeprefix(f"{DOMAIN}/eventos/") for link in links
                             if link.startswith(f"{DOMAIN}/eventos/"))
              for office, links in entries.items()}
    assert events == {
        "despacho": [f"{day}-{slug}/" for day, slug in (
            ("2026-03-14", "socializacion-del-sitio-web-en-el-roble"),
            ("2026-05-23", "socializacion-del-sitio-web-en-las-lagunas"),
            ("2026-10-24", "socializacion-del-sitio-web-en-san-carlos"),
            ("2026-11-21", "divulgacion-del-sitio-web-en-el-mercado-campesino"),
            ("2026-12-16", "audiencia-publica-de-rendicion-de-cuentas-2026"),
            ("2027-01-23", "socializacion-del-sitio-web-en-llano-grande"),
            ("2027-02-13", "socializacion-del-sitio-web-en-presidente"))],
        "gobierno": ["2027-03-06-capacitacion-a-juntas-de-accion-comunal/"],
        "hacienda": [],
        "juridica": ["2026-08-19-capacitacion-a-proveedores-locales-en-secop-ii/"],
        "personeria": [],
        "planeacion": [],
    }


def test_an_event_entry_is_dated_with_its_day_and_hour_and_says_when_and_where(published):
    root = ElementTree.parse(published.output / "feeds" / "despacho.atom.xml").getroot()
    link = f"{DOMAIN}/eventos/2027-01-23-socializacion-del-sitio-web-en-llano-grande/"
    (entry,) = [entry for entry in root.iter(f"{ATOM}entry")
                if entry.find(f"{ATOM}link").get("href") == link]
    assert entry.findtext(f"{ATOM}title") == (
        "Jornada de socialización del sitio web en la vereda Llano Grande")
    assert entry.findtext(f"{ATOM}published") == "2027-01-23T09:30:00-05:00"
    assert entry.findtext(f"{ATOM}summary").startswith(
        "Evento: 23 de enero de 2027, 9:30 a. m., Escuela de la vereda Llano Grande. Venga")


def test_pages_link_their_feeds(published):
    head = published.page("/").head.find("link", rel="alternate")
    assert head["href"] == f"{DOMAIN}/feeds/noticias.atom.xml"
    office = published.page("/oficinas/gobierno/")
    assert office.find("a", href=f"{DOMAIN}/feeds/gobierno.atom.xml")


def test_404_page_links_to_the_domain(published):
    links = [a["href"] for a in published.page("/404.html").find("main").find_all("a")]
    assert f"{DOMAIN}/tramites/" in links


def test_build_writes_the_htaccess_and_invoke_prints_the_nginx_block(published):
    hashes = style_hashes(published.output)
    assert len(hashes) == 1  # one stylesheet, the same inline in every page
    assert hashes[0] in (published.output / ".htaccess").read_text()
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "configuracion-nginx", "--salida",
         str(published.output), "--raiz", "/srv/chitaga/current"],
        cwd=ROOT, capture_output=True, text=True, check=True)
    assert hashes[0] in result.stdout
    assert 'root "/srv/chitaga/current";' in result.stdout
    assert "server_name chitaga-nortedesantander.gov.co;" in result.stdout


def test_the_nginx_root_defaults_to_a_folder_named_after_the_domain(published):
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "configuracion-nginx", "--salida",
         str(published.output)],
        cwd=ROOT, capture_output=True, text=True, check=True)
    assert 'root "/var/www/chitaga-nortedesantander.gov.co/current";' in result.stdout
