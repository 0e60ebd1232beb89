"""Shared fixtures: the sample content, a second municipality, built sites."""

from __future__ import annotations

import gc
import os
import shutil
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from municipal.publishing.build import build_site

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CONTENT = ROOT / "content"
SILOS_CONTENT = ROOT / "tests" / "fixtures" / "contenido-silos"
PREVIEW_SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"



@pytest.fixture(scope="module", autouse=True)
def _resources_left_behind_fail_their_own_module():
    """Collect cycles after each test file: an unclosed file or a still-running process its
    tests left behind is then reported (ResourceWarning, an error here) at the end of that
    file, not in whichever later test the garbage collector happens to run. (After each
    test instead cost 0.16 s a test: four minutes of the suite.)"""
    yield
    gc.collect()

def invoke_with_ctrl_c(*args: str) -> list[str]:
    """The command line of `invoke ARGS` in which Ctrl-C (SIGINT) works as in a terminal,
    even when this test run ignores it (started as a background job: its children inherit
    the ignored signal, and Python then installs no handler of its own)."""
    restore = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler)"
               "; from invoke.main import program; program.run(['invoke', *sys.argv[1:]])")
    return [sys.executable, "-c", restore, *args]


class BuiltSite:
    """A built output folder, with helpers to read its pages by URL."""

    def __init__(self, output: Path):
        self.output = output

    def file_for(self, url: str) -> Path:
        path = self.output / url.lstrip("/")
        return path / "index.html" if url.endswith("/") or path.is_dir() else path

    def page(self, url: str) -> BeautifulSoup:
        return BeautifulSoup(self.file_for(url).read_text(encoding="utf-8"), "html.parser")

    def main_text(self, url: str) -> str:
        return " ".join(self.page(url).find("main").get_text(" ").split())

    def html_files(self) -> list[Path]:
        return sorted(self.output.rglob("*.html"))


def snapshot(folder: Path) -> dict[str, object]:
    """Every entry under `folder` (symbolic links not followed), with its bytes or target."""
    entries: dict[str, object] = {}
    for top, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(top, name)
            relpath = path.relative_to(folder).as_posix()
            if path.is_symlink():
                entries[relpath] = ("enlace", os.readlink(path))
            elif path.is_dir():
                entries[relpath] = "carpeta"
            else:
                entries[relpath] = path.read_bytes()
    return entries


def built_site(tmp_path_factory, name: str, content: Path,
               settings: Path = PREVIEW_SETTINGS) -> BuiltSite:
    """content built with settings into a new temporary folder named after name."""
    output = tmp_path_factory.mktemp(name) / "output"
    build_site(content, output, settings)
    return BuiltSite(output)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> BuiltSite:
    return built_site(tmp_path_factory, "sitio", SAMPLE_CONTENT)


@pytest.fixture(scope="session")
def silos_site(tmp_path_factory) -> BuiltSite:
    return built_site(tmp_path_factory, "silos", SILOS_CONTENT)


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the sample content, to break or extend in a test."""
    target = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, target)
    return target
