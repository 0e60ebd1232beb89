"""The receivers register() connects, in the process states a build meets them in."""

from __future__ import annotations

import subprocess
import sys
import weakref
from types import SimpleNamespace

from pelican import signals

from conftest import PREVIEW_SETTINGS, ROOT, SAMPLE_CONTENT
from municipal.pipeline import pin_sitemap_clock

PREVIEW_IN_A_FRESH_PROCESS = f"""
import sys
sys.path.insert(0, {str(ROOT / "plugins")!r})
from municipal.publishing.build import build_site
build_site({str(SAMPLE_CONTENT)!r}, sys.argv[1], {str(PREVIEW_SETTINGS)!r})
"""


def test_a_preview_build_in_a_fresh_process_writes_no_sitemap_nor_gz(tmp_path):
    """`invoke construir` and `invoke servir` start a process of their own: the production
    plugins are installed (Pelican imports them) but not run."""
    output = tmp_path / "output"
    result = subprocess.run([sys.executable, "-c", PREVIEW_IN_A_FRESH_PROCESS, str(output)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert (output / "index.html").is_file()
    assert not (output / "sitemap.xml").exists()
    assert not list(output.rglob("*.gz"))


def test_without_pelican_sitemap_installed_the_clock_is_left_alone(monkeypatch):
    """A fork that does not install pelican-sitemap still builds: nothing to pin."""
    monkeypatch.delitem(sys.modules, "pelican.plugins.sitemap.sitemap", raising=False)
    pelican = SimpleNamespace(settings={"PLUGINS": ["municipal", "pelican.plugins.sitemap"]})
    assert pin_sitemap_clock(pelican) is None


def test_a_preview_after_a_production_build_disconnects_the_sitemap_even_without_precompress(
        monkeypatch):
    def queue_page(sender, **kwargs):
        pass

    generator = SimpleNamespace(init=lambda *a: None, queue_page=queue_page,
                                finalize=lambda *a: None)
    signals.content_written.connect(queue_page)
    monkeypatch.setitem(sys.modules, "pelican.plugins.sitemap.sitemap",
                        SimpleNamespace(generator=generator))
    monkeypatch.delitem(sys.modules, "pelican.plugins.precompress", raising=False)
    assert connected(signals.content_written, queue_page)
    pin_sitemap_clock(SimpleNamespace(settings={"PLUGINS": ["municipal"]}))
    # The production build's sitemap no longer hears the preview's pages.
    assert not connected(signals.content_written, queue_page)


def connected(signal, function) -> bool:
    return any((ref() if isinstance(ref, weakref.ref) else ref) is function
               for ref in signal.receivers.values())
