"""The search index is reused when no searchable page changed (issue 19), and only then.

A rebuild reuses the last build's index only if every page with `data-pagefind-body` is the
last build's own file (linked, same bytes), none was added or removed, and the same Pagefind
wrote it; the result is always the index a clean build writes (tests/test_incremental.py
compares whole sites after each kind of edit).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import PREVIEW_SETTINGS
from municipal.publishing import build as build_module
from municipal.publishing.build import build_site
from municipal.site import search

ENTRY = "pagefind/pagefind-entry.json"


def index_files(output: Path) -> dict[str, bytes]:
    folder = output / "pagefind"
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def clean_build_index(content: Path, tmp_path: Path) -> dict[str, bytes]:
    """The index a build of a fresh copy of content writes, with no cache or last build."""
    clean = tmp_path / "limpia"
    shutil.copytree(content, clean / "content")
    build_site(clean / "content", clean / "output", PREVIEW_SETTINGS)
    return index_files(clean / "output")

def test_an_unchanged_site_reuses_its_index_and_an_edited_page_indexes_again(content_copy,
                                                                            tmp_path):
    output = tmp_path / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    first = index_files(output)
    inode = (output / ENTRY).stat().st_ino
    build_site(content_copy, output, PREVIEW_SETTINGS)
    assert (output / ENTRY).stat().st_ino == inode  # linked: Pagefind did not run
    assert index_files(output) == first
    news = next((content_copy / "noticias/gobierno").glob("*.md"))
    news.write_text(news.read_text(encoding="utf-8") + "\nPalabra nueva: zarzamora.\n",
                    encoding="utf-8")
    build_site(content_copy, output, PREVIEW_SETTINGS)
    assert (output / ENTRY).stat().st_ino != inode
    assert index_files(output) != first


def test_a_change_to_pages_without_the_mark_keeps_the_index_of_a_clean_build(content_copy,
                                                                           tmp_path):
    output = tmp_path / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    inode = (output / ENTRY).stat().st_ino
    compliance = (output / "cumplimiento/index.html").read_bytes()
    (content_copy / "visitas").mkdir()
    (content_copy / "visitas/2026-10.yml").write_text(
        'mes: "2026-10"\nvisitas: 420\nvisitantes: 130\nsecciones: {}\norigenes: {}\n',
        encoding="utf-8")
    build_site(content_copy, output, PREVIEW_SETTINGS)
    assert (output / "cumplimiento/index.html").read_bytes() != compliance
    assert (output / ENTRY).stat().st_ino == inode
    assert index_files(output) == clean_build_index(content_copy, tmp_path)


def test_an_index_written_by_another_pagefind_version_is_built_again(content_copy, tmp_path):
    output = tmp_path / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    expected = index_files(output)
    entry = output / ENTRY
    data = json.loads(entry.read_text(encoding="utf-8"))
    entry.unlink()  # a new file: nothing else shares the changed bytes
    entry.write_text(json.dumps({**data, "version": "0.9.0"}), encoding="utf-8")
    build_site(content_copy, output, PREVIEW_SETTINGS)
    assert index_files(output) == expected


def test_a_page_added_beside_the_site_is_indexed(content_copy, tmp_path):
    """Every HTML file counts, not only the pages the page cache knows."""
    output = tmp_path / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    inode = (output / ENTRY).stat().st_ino
    extra = content_copy / "paginas/gobierno/consejo-de-seguridad.md"
    extra.write_text("---\ntitulo: Consejo de seguridad\nresumen: Quiénes lo integran y "
                     "cuándo se reúne el consejo municipal de seguridad.\n---\nSe reúne "
                     "cada mes en la alcaldía.\n", encoding="utf-8")
    build_site(content_copy, output, PREVIEW_SETTINGS)
    assert (output / ENTRY).stat().st_ino != inode
    assert in_fragments(output, "consejo-de-seguridad")


def in_fragments(output: Path, text: str) -> bool:
    return any(text.encode() in gzip.decompress(path.read_bytes())
               for path in (output / "pagefind/fragment").glob("*.pf_fragment"))


def test_compressed_copies_are_never_linked_from_the_last_build(content_copy, tmp_path):
    """The .gz and .br files beside the index are written anew after it (production
    builds): linking them would let a later write change the last build's files."""
    output = tmp_path / "output"
    build_site(content_copy, output, PREVIEW_SETTINGS)
    first = index_files(output)
    inode = (output / ENTRY).stat().st_ino
    for name in ("pagefind.js.gz", "pagefind-entry.json.br", "index/viejo.pf_index.br"):
        (output / "pagefind" / name).write_bytes(b"copia comprimida de la construccion anterior")
    build_site(content_copy, output, PREVIEW_SETTINGS)
    assert (output / ENTRY).stat().st_ino == inode
    assert index_files(output) == first


MARKED = b'<html><body><article data-pagefind-body>Tr\xc3\xa1mite</article></body></html>'
PLAIN = b"<html><body><ul><li>Lista</li></ul></body></html>"


def sites(tmp_path: Path, before: dict[str, bytes], linked: list[str],
          written: dict[str, bytes]) -> tuple[Path, Path]:
    """The last build (`before`) and a new one: `linked` files hard-linked from it, `written`
    files written anew."""
    previous, output = tmp_path / "anterior", tmp_path / "nueva"
    for name, data in before.items():
        (previous / name).parent.mkdir(parents=True, exist_ok=True)
        (previous / name).write_bytes(data)
    for name in linked:
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        os.link(previous / name, output / name)
    for name, data in written.items():
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_bytes(data)
    return previous, output


@pytest.mark.parametrize(("linked", "written", "same"), [
    (["a/index.html", "b/index.html", "lista/index.html"], {}, True),
    (["a/index.html", "b/index.html"], {"lista/index.html": PLAIN + b"<p>otra</p>"}, True),
    (["a/index.html", "b/index.html"], {}, True),  # a list removed
    (["a/index.html", "lista/index.html"], {"b/index.html": MARKED}, True),  # same bytes
    (["a/index.html", "lista/index.html"], {"b/index.html": MARKED.replace(b"T", b"t")}, False),
    (["a/index.html", "lista/index.html"], {}, False),  # a searchable page removed
    (["a/index.html", "b/index.html", "lista/index.html"], {"c/index.html": MARKED}, False),
    (["a/index.html", "b/index.html", "lista/index.html"],
     {"c/index.html": PLAIN.replace(b"<ul>", b"<ul DATA-PAGEFIND-BODY>")}, False),
], ids=["nada", "lista-cambiada", "lista-quitada", "reescrita-igual", "cambiada", "quitada",
        "agregada", "marca-en-mayusculas"])
def test_which_changes_keep_the_searchable_pages(tmp_path, linked, written, same):
    before = {"a/index.html": MARKED, "b/index.html": MARKED, "lista/index.html": PLAIN}
    previous, output = sites(tmp_path, before, linked, written)
    assert search._same_searchable_pages(previous, output) is same


def test_without_any_searchable_page_every_page_counts(tmp_path):
    before = {"a/index.html": PLAIN, "lista/index.html": PLAIN}
    previous, output = sites(tmp_path, before, ["a/index.html"],
                             {"lista/index.html": PLAIN + b"<p>otra</p>"})
    assert search._same_searchable_pages(previous, output) is False


def preview_then_edit(content: Path, output: Path) -> dict[str, bytes]:
    """A live preview's build of content into output, then a news item given the new word
    «zarzamora»; the index of that first build."""
    build_site(content, output, PREVIEW_SETTINGS, index_later=True)
    news = next((content / "noticias/gobierno").glob("*.md"))
    news.write_text(news.read_text(encoding="utf-8") + "\nPalabra nueva: zarzamora.\n",
                    encoding="utf-8")
    return index_files(output)


def test_a_preview_serves_the_page_first_and_then_the_index_of_a_clean_build(content_copy,
                                                                              tmp_path,
                                                                              monkeypatch):
    """`invoke servir`: the new pages are swapped in with the last index, marked stale; the
    new index replaces it before build_site returns, the same a clean build writes."""
    output = tmp_path / "output"
    first = preview_then_edit(content_copy, output)
    seen = {}
    real_write_index = build_module.write_index

    def look_then_write(site, target, **options):
        seen["pages"] = any("zarzamora" in path.read_text(encoding="utf-8")  # already swapped
                            for path in site.glob("noticias/*/index.html"))
        seen["stale"] = index_files(site) == {**first, search.STALE_MARK: b""}
        return real_write_index(site, target, **options)

    monkeypatch.setattr(build_module, "write_index", look_then_write)
    build_site(content_copy, output, PREVIEW_SETTINGS, index_later=True)
    assert seen == {"pages": True, "stale": True}
    assert index_files(output) == clean_build_index(content_copy, tmp_path)


def test_a_preview_whose_index_fails_keeps_the_stale_one_until_the_next_build(content_copy,
                                                                              tmp_path,
                                                                              monkeypatch):
    output = tmp_path / "output"
    first = preview_then_edit(content_copy, output)

    def fails(site, target, **options):
        target.mkdir()
        (target / "a-medias").write_text("")
        raise search.SearchIndexFailed("Pagefind terminó con el código 1")

    with monkeypatch.context() as patch:
        patch.setattr(build_module, "write_index", fails)
        build_site(content_copy, output, PREVIEW_SETTINGS, index_later=True)
    assert index_files(output) == {**first, search.STALE_MARK: b""}  # searchable, marked
    assert not list(tmp_path.glob(".output-nuevo-*/a-medias"))  # the failed one is removed
    build_site(content_copy, output, PREVIEW_SETTINGS)  # nothing changed, but the mark
    assert index_files(output) == clean_build_index(content_copy, tmp_path)


def test_a_preview_interrupted_while_indexing_has_the_new_pages_and_the_marked_index(
        content_copy, tmp_path, monkeypatch):
    output = tmp_path / "output"
    first = preview_then_edit(content_copy, output)

    def interrupted(site, target, **options):
        target.mkdir()
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(build_module, "write_index", interrupted)
        with pytest.raises(build_module.BuildInterrupted) as stopped:
            build_site(content_copy, output, PREVIEW_SETTINGS, index_later=True)
    assert stopped.value.index_pending
    assert any("zarzamora" in path.read_text(encoding="utf-8")
               for path in output.glob("noticias/*/index.html"))
    assert index_files(output) == {**first, search.STALE_MARK: b""}
    build_site(content_copy, output, PREVIEW_SETTINGS, index_later=True)
    assert search.STALE_MARK not in index_files(output)
