"""Incremental rendering: a page is rendered again only if something it read changed.

While a template renders, a Jinja context records every variable it looks up
(`article`, `pages`, `SITEURL`, ...). The next build fingerprints the current
values of those same variables; if the fingerprint, the page's name and template
and the theme, settings and plugin code are all the same, the HTML of the last
build is reused instead of rendering. This is sound because a page's HTML is a
function of the values it read: when a value it did not read changes, the page
cannot change, and when one it read changes, it is rendered and recorded again.

Values are fingerprinted by what they are made of: a news item or trámite by its
source file, an office by its oficinas.yml entry, a list page by the items on it.
A value of a kind this module does not know is never trusted: its pages are
always rendered.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path, PurePath

from jinja2.runtime import Context
from pelican.contents import Content
from pelican.paginator import Page as PaginatorPage
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper
from pelican.writers import Writer

MANIFEST = "paginas.json"
PAGE_CACHE_DIR = "MUNICIPAL_PAGE_CACHE_DIR"  # settings set by build.py; without them, no cache
BUILD_FINGERPRINT = "MUNICIPAL_BUILD_FINGERPRINT"
PAGE_CACHE = "MUNICIPAL_PAGE_CACHE"
PAGE_STATS = "MUNICIPAL_PAGE_STATS"  # (rendered, reused), left in the settings for build.py
PREVIOUS_OUTPUT = "MUNICIPAL_PREVIOUS_OUTPUT"  # the output folder of the last build, if any
# Content whose text links to other files ({filename}...) also depends on their URLs.
_INTERNAL_LINK = re.compile(rb"\{(filename|static|attach|category|tag|author|index)\}")
_HEX64 = re.compile(r"[0-9a-f]{64}")

logger = logging.getLogger(__name__)
_recording: set[str] | None = None


class RecordingContext(Context):
    """A Jinja context that notes the name of every variable a template looks up."""

    def resolve_or_missing(self, key):
        if _recording is not None:
            _recording.add(key)
        return super().resolve_or_missing(key)


class Untrusted(Exception):
    """A value that cannot be fingerprinted: pages that read it are always rendered."""


class PageCache:
    """HTML of the last build's pages, with the variables each one read."""

    def __init__(self, folder: Path, build_fingerprint: str, url_map: str,
                 previous_output: Path | None = None, output: Path | None = None):
        self.folder = folder
        self.build_fingerprint = build_fingerprint
        self.url_map = url_map  # changes when a file is added, removed or renamed
        self.previous_output = previous_output
        self.output = output  # this build's output folder
        self.linked: set[str] = set()  # pages already linked from the last build by render
        self.last_build: dict[str, dict] = _load_manifest(folder / MANIFEST)
        self.this_build: dict[str, dict] = {}
        self.used: set[str] = set()
        self.rendered = 0
        self.reused = 0
        self.unwritable = False  # set on the first failed write: nothing more is stored
        self._fingerprints: dict[int, tuple[object, str]] = {}

    def render(self, template, localcontext: dict, environment_globals: Mapping) -> str:
        output_file = str(localcontext.get("output_file", ""))
        last = self.last_build.get(output_file)
        if last is not None:
            names = last["nombres"]
            key = self._key(template.name, output_file, names, localcontext, environment_globals)
            if key is not None and key == last["clave"] and self._link_unchanged(output_file):
                # The page is the last build's file; its HTML is not even read (the writer
                # writes nothing for it: LinkingWriter).
                self.reused += 1
                self.this_build[output_file] = last
                self.used.add(key)
                return ""
            if key is not None and (html := self._stored(key, last["html"])) is not None:
                self.reused += 1
                self._remember(output_file, names, key, html)
                return html
        html, names = _render_recording(template, localcontext)
        self.rendered += 1
        key = self._key(template.name, output_file, names, localcontext, environment_globals)
        if key is not None and self._store(key, html):
            self._remember(output_file, names, key, html)
        return html

    def save(self) -> None:
        """Write the manifest and drop the stored pages this build did not use.

        If the cache could not be written, the manifest is removed: a page it
        listed might be missing or stale in the cache.
        """
        manifest = self.folder / MANIFEST
        temporary = self.folder / f".{MANIFEST}.{os.getpid()}"
        try:
            if self.unwritable:
                manifest.unlink(missing_ok=True)
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(self.this_build, sort_keys=True), encoding="utf-8")
            os.replace(temporary, manifest)
            for shard in self.folder.iterdir():
                if shard.is_dir():
                    for stored in shard.iterdir():
                        if stored.name not in self.used:
                            stored.unlink(missing_ok=True)
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            self._give_up(error)

    def _link_unchanged(self, output_file: str) -> bool:
        """Hard-link the last build's file of a page rendered exactly as then."""
        if self.previous_output is None or self.output is None:
            return False
        target = self.output / output_file
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(self.previous_output / output_file, target)
        except OSError:
            return False  # gone, or another file system: the stored HTML is written instead
        self.linked.add(output_file)
        return True

    def write_derived(self, output_root: Path, output_file: str, inputs,
                      produce: Callable[[], str | bytes]) -> None:
        """Write output_root/output_file with `produce()`, unless `inputs` (fingerprinted
        like a template's variables) are what they were in the last build: then link the
        last build's file, checked byte for byte against the hash noted then.

        For data files made from many items (open data), whose making costs more than
        rendering a page; the code and settings that make them are in the build fingerprint.
        """
        target = output_root / output_file
        key = self._key("(archivo)", output_file, ["entradas"], {"entradas": inputs}, {})
        last = self.last_build.get(output_file)
        if key is not None and last is not None and last["clave"] == key \
                and self.previous_output is not None:
            previous = self.previous_output / output_file
            with contextlib.suppress(OSError):
                if _sha256_file(previous) == last["html"]:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.link(previous, target)
                    self.this_build[output_file] = last
                    return
        write_data_file(target, produce())
        if key is not None:
            self.this_build[output_file] = {"nombres": [], "clave": key,
                                            "html": _sha256_file(target)}

    def _remember(self, output_file: str, names: Iterable[str], key: str, html: str) -> None:
        self.this_build[output_file] = {"nombres": sorted(names), "clave": key,
                                        "html": _sha256(html)}
        self.used.add(key)

    def _key(self, template_name, output_file, names, localcontext, environment_globals):
        """None when a value read cannot be fingerprinted (Untrusted)."""
        digest = hashlib.sha256()
        for part in (self.build_fingerprint, template_name, output_file):
            digest.update(str(part).encode() + b"\0")
        try:
            for name in sorted(names):
                if name in localcontext:
                    value = self.fingerprint(localcontext[name])
                elif name in environment_globals:
                    value = "global"  # Jinja's own functions: part of the build fingerprint
                else:
                    value = "missing"
                digest.update(f"{name}={value}\0".encode())
        except Untrusted:
            return None
        return digest.hexdigest()

    def fingerprint(self, value) -> str:
        """A hash of what `value` is made of, memoised for the objects of this build."""
        if value is None or isinstance(value, str | int | float | bool | bytes | PurePath
                                       | datetime.date | datetime.time):
            return repr(value)
        memo = self._fingerprints.get(id(value))
        if memo is not None and memo[0] is value:
            return memo[1]
        result = hashlib.sha256(self._describe(value).encode()).hexdigest()
        self._fingerprints[id(value)] = (value, result)  # keeps `value` alive: ids stay unique
        return result

    def _describe(self, value) -> str:  # noqa: PLR0911 - one case per kind of value
        if isinstance(value, Mapping):
            return "dict:" + ",".join(
                f"{self.fingerprint(key)}={self.fingerprint(item)}"
                for key, item in sorted(value.items(), key=lambda pair: repr(pair[0])))
        if isinstance(value, list | tuple):
            return "list:" + ",".join(self.fingerprint(item) for item in value)
        if isinstance(value, set | frozenset):
            return "set:" + ",".join(sorted(self.fingerprint(item) for item in value))
        if isinstance(value, Content):
            return self._describe_content(value)
        # A class of a later layer (an office, the compliance figures) says itself what
        # its pages depend on: `page_fingerprint(fingerprint)` → text.
        own = getattr(type(value), "page_fingerprint", None)
        if own is not None:
            return f"{type(value).__name__}:{own(value, self.fingerprint)}"
        if isinstance(value, PaginatorPage):
            return (f"pagina:{value.number}:{value.url}:{value.save_as}:"
                    f"{self.fingerprint(value.paginator)}:{self.fingerprint(value.object_list)}")
        if isinstance(value, Paginator):
            return f"paginador:{value.num_pages}:{value.count}:{value.per_page}:{value.name}"
        if isinstance(value, URLWrapper):
            return f"{type(value).__name__}:{value.name}:{value.slug}:{value.url}"
        if is_dataclass(value) and not isinstance(value, type):
            return type(value).__name__ + ":" + ",".join(
                f"{item.name}={self.fingerprint(getattr(value, item.name))}"
                for item in fields(value))
        raise Untrusted(type(value).__name__)

    def _describe_content(self, item: Content) -> str:
        source = Path(item.source_path)
        raw = source.read_bytes()
        # Its URL and output path follow from the file and the settings (already in
        # the build fingerprint); asking Pelican for them again would cost more.
        parts = [type(item).__name__, str(source), hashlib.sha256(raw).hexdigest(),
                 str(getattr(item, "status", ""))]
        foto = getattr(item, "foto", None)
        if foto is not None:
            parts.append(self.fingerprint(foto))
        if _INTERNAL_LINK.search(raw):
            parts.append(self.url_map)
        return ":".join(parts)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def _stored(self, key: str, sha256: str) -> str | None:
        """The stored page, only if it is byte for byte what the last build stored."""
        try:
            html = self._path(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        return html if _sha256(html) == sha256 else None

    def _store(self, key: str, html: str) -> bool:
        """Keep a rendered page for the next build; False if the cache cannot be written."""
        if self.unwritable:
            return False
        path = self._path(key)
        temporary = path.with_name(f".{key}.{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(html, encoding="utf-8")
            os.replace(temporary, path)
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            self._give_up(error)
            return False
        return True

    def _give_up(self, error: OSError) -> None:
        """A full disk or a cache turned read-only: the build goes on without the cache."""
        if self.unwritable:
            return
        self.unwritable = True
        logger.warning("No se pudo escribir la caché de páginas %s (%s); la próxima "
                       "construcción generará todas las páginas.", self.folder, error.strerror)


class CachedTemplate:
    """Stands in for a Jinja template: `render` goes through the page cache."""

    def __init__(self, template, cache: PageCache):
        self.template = template
        self.cache = cache
        self.name = template.name

    def render(self, *args, **kwargs) -> str:
        localcontext = dict(*args, **kwargs)
        return self.cache.render(self.template, localcontext, self.template.globals)


def _render_recording(template, localcontext: dict) -> tuple[str, set[str]]:
    global _recording  # noqa: PLW0603 - one render at a time; the recorder is its state
    _recording = set()
    try:
        html = template.render(localcontext)
        return html, _recording
    finally:
        _recording = None


def _load_manifest(path: Path) -> dict[str, dict]:
    """The last build's entries; a missing, cut short or foreign manifest gives none,
    and an entry not exactly as save() writes it is dropped (its page is rendered)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {name: entry for name, entry in data.items() if _well_formed(entry)}


def _well_formed(entry) -> bool:
    return (isinstance(entry, dict) and entry.keys() == {"nombres", "clave", "html"}
            and isinstance(entry["nombres"], list)
            and all(isinstance(name, str) for name in entry["nombres"])
            and all(isinstance(entry[key], str) and _HEX64.fullmatch(entry[key])
                    for key in ("clave", "html")))


def _sha256(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def _sha256_file(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def write_derived(settings: Mapping, output_root: Path, output_file: str, inputs,
                  produce: Callable[[], str | bytes]) -> None:
    """PageCache.write_derived when this build has a page cache; else just write."""
    cache = settings.get(PAGE_CACHE)
    if cache is not None:
        cache.write_derived(output_root, output_file, inputs, produce)
        return
    write_data_file(output_root / output_file, produce())


def write_data_file(target: Path, data: str | bytes) -> None:
    """Write text (UTF-8) or bytes to target, making its folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        target.write_bytes(data)
    else:
        target.write_text(data, encoding="utf-8")


class LinkingWriter(Writer):
    """Pelican's writer, but a page rendered exactly as in the last build is a hard link
    to the last build's file: no bytes written, and the old folder is cheap to delete."""

    def _open_w(self, filename, encoding, override=False):
        cache = self.settings.get(PAGE_CACHE)
        if cache is not None and not override and filename not in self._written_files \
                and os.path.relpath(filename, self.output_path) in cache.linked:
            # Linked by PageCache.render from the last build: never open it to write.
            self._written_files.add(filename)
            return open(os.devnull, "w", encoding=encoding)
        return super()._open_w(filename, encoding, override)


# --- Pelican signals (connected in __init__.py) ------------------------------------------


def linking_writer(pelican) -> type[Writer]:
    """get_writer: the writer that links unchanged pages."""
    return LinkingWriter


def record_lookups(generator) -> None:
    """generator_init: templates render in a recording context, through the page cache."""
    generator.env.context_class = RecordingContext
    get_template = generator.get_template

    def cached_get_template(name):
        template = get_template(name)
        cache = generator.settings.get(PAGE_CACHE)
        return CachedTemplate(template, cache) if cache is not None else template

    generator.get_template = cached_get_template


def open_page_cache(generators) -> None:
    """all_generators_finalized: every item is read, so every URL is known."""
    if not generators:
        return
    settings = generators[0].settings
    if not settings.get(PAGE_CACHE_DIR):
        return
    context = generators[0].context
    urls = sorted(
        (str(path), getattr(item, "url", ""))
        for name in ("generated_content", "static_content")
        for path, item in context.get(name, {}).items()
    )
    url_map = hashlib.sha256(repr(urls).encode()).hexdigest()
    previous = settings.get(PREVIOUS_OUTPUT)
    settings[PAGE_CACHE] = PageCache(Path(settings[PAGE_CACHE_DIR]),
                                     settings[BUILD_FINGERPRINT], url_map,
                                     Path(previous) if previous else None,
                                     Path(settings["OUTPUT_PATH"]))


def save_page_cache(pelican) -> None:
    """finalized: keep this build's pages for the next one."""
    cache = pelican.settings.pop(PAGE_CACHE, None)
    if cache is not None:
        cache.save()
        pelican.settings[PAGE_STATS] = (cache.rendered, cache.reused)
        logger.info("Páginas: %d generadas, %d reutilizadas de la construcción anterior",
                    cache.rendered, cache.reused)
