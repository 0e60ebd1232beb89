"""The build's caches (validation, Pelican's readers, photos) only ever save time:
a warm build gives the same site as a cold one, and a damaged cache is rebuilt.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import PREVIEW_SETTINGS
from municipal.publishing.build import build_site
from municipal.site.readers import MarkdownContentReader, YamlContentReader


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_warm_build_equals_cold_build_and_sees_an_edit(content_copy, tmp_path):
    cache = content_copy.parent / ".cache"
    build_site(content_copy, tmp_path / "frio", PREVIEW_SETTINGS)
    assert any(cache.glob("pelican-content-*/ArticlesGenerator-Readers"))
    build_site(content_copy, tmp_path / "tibio", PREVIEW_SETTINGS)
    assert files_of(tmp_path / "frio") == files_of(tmp_path / "tibio")

    news = content_copy / "noticias/gobierno"
    path = next(news.glob("*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\nPárrafo agregado después.\n",
                    encoding="utf-8")
    build_site(content_copy, tmp_path / "editado", PREVIEW_SETTINGS)
    shutil.rmtree(cache)
    build_site(content_copy, tmp_path / "editado-frio", PREVIEW_SETTINGS)
    edited = files_of(tmp_path / "editado")
    assert edited == files_of(tmp_path / "editado-frio")
    assert any("Párrafo agregado después." in data.decode("utf-8", "replace")
               for data in edited.values())


@pytest.mark.parametrize("kept_bytes", [0, 100])
def test_a_damaged_reader_cache_is_rebuilt(content_copy, tmp_path, kept_bytes):
    build_site(content_copy, tmp_path / "primero", PREVIEW_SETTINGS)
    caches = content_copy.parent / ".cache"
    cached = next(caches.glob("pelican-content-*/ArticlesGenerator-Readers"))
    cached.write_bytes(cached.read_bytes()[:kept_bytes])  # cut short, as by a killed build
    build_site(content_copy, tmp_path / "segundo", PREVIEW_SETTINGS)
    assert files_of(tmp_path / "primero") == files_of(tmp_path / "segundo")


def count_reads(monkeypatch) -> list[str]:
    """The source files our Pelican readers parse from now on (not taken from the cache)."""
    read_files: list[str] = []
    for reader in (MarkdownContentReader, YamlContentReader):
        def counting_read(self, source_path, _read=reader.read):
            read_files.append(Path(source_path).relative_to(self.settings["PATH"]).as_posix())
            return _read(self, source_path)
        monkeypatch.setattr(reader, "read", counting_read)
    return read_files


def test_the_reader_cache_is_used_for_unchanged_files(content_copy, tmp_path, monkeypatch):
    read_files = count_reads(monkeypatch)
    build_site(content_copy, tmp_path / "primero", PREVIEW_SETTINGS)
    sources = sorted(path.relative_to(content_copy).as_posix()
                     for kind in ("noticias", "paginas", "tramites", "contratos", "eventos")
                     for path in (content_copy / kind).glob("*/*"))
    assert sorted(read_files) == sources  # a cold cache: every file is read once
    cached = list((content_copy.parent / ".cache").glob("pelican-content-*/*Generator-Readers"))
    assert len(cached) >= 3 and all(path.stat().st_size > 0 for path in cached)

    read_files.clear()
    build_site(content_copy, tmp_path / "segundo", PREVIEW_SETTINGS)
    assert read_files == []  # nothing changed: every file comes from the cache

    news = "noticias/gobierno/2026-02-03-jornada-de-vacunacion-antirrabica-en-las-veredas.md"
    path = content_copy / news
    path.write_text(path.read_text(encoding="utf-8") + "\nPárrafo nuevo.\n", encoding="utf-8")
    build_site(content_copy, tmp_path / "tercero", PREVIEW_SETTINGS)
    assert read_files == [news]
    assert "Párrafo nuevo." in (tmp_path / "tercero/noticias" / path.stem / "index.html"
                                ).read_text(encoding="utf-8")
