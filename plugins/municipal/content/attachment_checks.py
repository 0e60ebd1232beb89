"""Attachments shown as images: their real format, their pixels, and SVGs safe to serve.

The validator reads only what it needs: a photo's header (Pillow opens lazily
and never decodes pixels here) and an SVG's XML, at most MAX_SVG_BYTES, with
expat and no DTD. images.py encodes photos within the same limits.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.parsers import expat

from PIL import Image

from .cross_file_rules import Finding, SiteInputs
from .yaml_loader import SourceError, open_regular

MAX_PIXELS = 40_000_000
"""Largest photo accepted (40 megapixels, e.g. 7,700 × 5,200).

Encoding takes about 10 bytes of memory per pixel (measured: 48 MP → 0.6 GB),
so this keeps a build under half a gigabyte per photo; it admits what phones and
most cameras take (12 to 24 MP, up to 45 MP on a few), and the site shows photos
800 pixels wide anyway.
"""

MAX_SVG_BYTES = 1_000_000
"""Largest SVG accepted (1 MB, as any content file): a coat of arms is a few KB."""

MAX_SVG_SIDE = 100_000
"""Largest width, height or viewBox side of an SVG: above it, a size is a mistake."""

IMAGE_FIELDS = ("imagen.archivo", "escudo")
"""Fields whose attachment is shown as an image (news photo, coat of arms)."""

RASTER_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP",
                  ".gif": "GIF"}
_SAME_FORMAT = {"MPO": "JPEG"}  # phones write several JPEGs in one file; still a JPEG
SVG_SUFFIX = ".svg"
_MAX_SVG_PROBLEMS = 20  # a hostile file could have thousands; the first ones say enough

_SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_ACTIVE_ELEMENTS = {
    "script": "ejecutaría código en el navegador de quien la abra",
    "handler": "ejecutaría código en el navegador de quien la abra",
    "foreignObject": "puede incrustar otra página o código",
    "iframe": "incrusta otra página",
    "embed": "incrusta otro contenido",
    "object": "incrusta otro contenido",
}
_LENGTH = re.compile(
    r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt|pc|mm|cm|in|em|ex|%)?\s*")
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
_EMBEDDED_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]", re.IGNORECASE)
_SCRIPT_SCHEME = re.compile(r"(javascript|vbscript|livescript):|data:text/html", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\s\x00-\x1f]+")  # browsers ignore them inside a URL's scheme


@dataclass
class SvgFacts:
    """What an SVG says about itself: its problems (line, message) and its size in pixels."""

    problems: list[tuple[int, str]] = field(default_factory=list)
    width: int | None = None
    height: int | None = None


def attachment_problems(content_dir: Path, inputs: SiteInputs) -> Iterator[Finding]:
    """Photos referenced by news and entidad.yml, and every SVG under adjuntos/."""
    checked: dict[str, str | None] = {}
    for relpath, report in _all_reports(inputs):
        for path, line, field_name in report.facts.get("archivos", []):
            suffix = PurePosixPath(path).suffix.lower()
            if field_name not in IMAGE_FIELDS or suffix not in RASTER_FORMATS \
                    or path not in inputs.attachments:
                continue
            if path not in checked:
                checked[path] = _photo_problem(content_dir, path)
            if checked[path]:
                yield relpath, line, field_name, checked[path]
    for path in sorted(inputs.attachments):
        if PurePosixPath(path).suffix.lower() == SVG_SUFFIX:
            data = _read_regular(content_dir, path, MAX_SVG_BYTES)
            if isinstance(data, bytes):
                for line, message in inspect_svg(data).problems:
                    yield path, line, "", message
            elif data:
                yield path, 1, "", data


def _all_reports(inputs: SiteInputs):
    yield from inputs.site_reports.items()
    for file, report in inputs.reports:
        yield file.relpath, report


# --- Photos ---------------------------------------------------------------------------


def _photo_problem(content_dir: Path, path: str) -> str | None:
    """What is wrong with the photo at content/<path>, or None."""
    stream = _open_regular(content_dir, path)
    if stream is None:
        return None  # a link out of content/ or a special file: never read here
    with stream:
        found = read_header(stream)
    if isinstance(found, str):
        return f"el archivo {path} {found}"
    image_format, (width, height) = found
    expected = RASTER_FORMATS[PurePosixPath(path).suffix.lower()]
    if image_format not in RASTER_FORMATS.values():
        return (f"el archivo {path} es una imagen {image_format}, que no todos los "
                "navegadores muestran; guárdela como JPG o PNG y súbala otra vez")
    if image_format != expected:
        right = "jpg" if image_format == "JPEG" else image_format.lower()
        return (f"el archivo {path} es una imagen {image_format} aunque su nombre termina en "
                f"{PurePosixPath(path).suffix}; cámbiele la extensión a .{right} (en el "
                "archivo y aquí)")
    return pixels_problem(path, width, height)


def read_header(stream) -> tuple[str, tuple[int, int]] | str:
    """(format, size) from an image's header, without decoding it; or what is wrong."""
    if stream.read(5) == b"%PDF-":
        return ("es un documento PDF, no una imagen; suba la foto en JPG, PNG, WebP o GIF "
                "(un PDF se enlaza como documento, no como imagen)")
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                return _SAME_FORMAT.get(image.format, image.format), image.size
    except Image.DecompressionBombError:
        return (f"tiene más de {2 * (Image.MAX_IMAGE_PIXELS or MAX_PIXELS) // 1_000_000} "
                f"megapíxeles y el máximo es {MAX_PIXELS // 1_000_000}; " + _REDUCE)
    except Exception:  # Pillow's readers raise many kinds of errors on a bad header
        return ("no es una imagen JPG, PNG, WebP ni GIF que se pueda leer; ábrala en un "
                "editor de imágenes, guárdela como JPG o PNG y súbala otra vez")


_REDUCE = ("redúzcala (el sitio la muestra a 800 píxeles de ancho) y súbala otra vez")


def pixels_problem(path: str, width: int, height: int) -> str | None:
    if width * height <= MAX_PIXELS:
        return None
    return (f"la imagen {path} mide {width} × {height} píxeles "
            f"({width * height / 1_000_000:.0f} megapíxeles) y el máximo es "
            f"{MAX_PIXELS // 1_000_000} megapíxeles; " + _REDUCE)


def _open_regular(content_dir: Path, path: str):
    """A binary stream on content/<path> if it is a regular file, else None: opened like
    every content file (yaml_loader.open_regular), so a link or a pipe is never read."""
    try:
        return open_regular(content_dir / path)
    except SourceError:
        return None


def _read_regular(content_dir: Path, path: str, limit: int) -> bytes | str | None:
    """The bytes of content/<path>; a message if over `limit`; None if not readable here."""
    stream = _open_regular(content_dir, path)
    if stream is None:
        return None
    with stream:
        size = os.fstat(stream.fileno()).st_size
        if size > limit:
            return (f"la imagen SVG pesa {size // 1000} KB y el máximo es {limit // 1000} "
                    "KB; simplifíquela o súbala como PNG")
        return stream.read(limit + 1)


# --- SVG ------------------------------------------------------------------------------


class _Refused(Exception):
    """Stops expat at a construct that must not be parsed any further."""


def inspect_svg(data: bytes) -> SvgFacts:
    """Parse an SVG safely (no DTD, no entities) and list what makes it unsafe or unsizable.

    Never raises: any input gives facts, with width and height None when unknown.
    """
    reader = _SvgReader()
    try:
        reader.parser.Parse(data, True)
    except _Refused:
        pass
    except expat.ExpatError as error:
        reader.add(error.lineno, (
            f"la imagen SVG no es XML válido (hay un error en la columna {error.offset + 1}); "
            "ábrala en un editor de imágenes y expórtela de nuevo como SVG"
        ))
    except (ValueError, RecursionError, MemoryError):
        reader.add(1, "la imagen SVG no se pudo leer; expórtela de nuevo como SVG")
    if reader.root is None and not reader.facts.problems:
        reader.add(1, "el archivo no tiene ningún elemento: no es una imagen SVG")
    problems = reader.facts.problems
    if len(problems) > _MAX_SVG_PROBLEMS:
        hidden = len(problems) - _MAX_SVG_PROBLEMS + 1
        problems[_MAX_SVG_PROBLEMS - 1:] = [(problems[_MAX_SVG_PROBLEMS - 1][0], (
            f"y {hidden} problemas más en esta imagen SVG; expórtela de nuevo sin scripts "
            "ni enlaces, o súbala como PNG"))]
    return reader.facts


class _SvgReader:
    """expat handlers that note each unsafe construct with its line."""

    def __init__(self):
        self.facts = SvgFacts()
        self.root: str | None = None
        self.in_style = 0
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.ProcessingInstructionHandler = self._instruction
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        self.parser = parser

    def add(self, line: int, message: str) -> None:
        self.facts.problems.append((line, message))

    @property
    def line(self) -> int:
        return self.parser.CurrentLineNumber

    def _doctype(self, name, system_id, public_id, has_internal_subset) -> None:
        if has_internal_subset:  # entity declarations live there: "billion laughs"
            self._refuse_entities()

    def _entity(self, *_) -> None:
        self._refuse_entities()

    def _refuse_entities(self) -> None:
        self.add(self.line, (
            "la imagen SVG declara entidades (<!DOCTYPE ... [ ... ]>), que pueden multiplicar "
            "su tamaño al leerla; quite esa declaración o exporte el SVG de nuevo"
        ))
        raise _Refused

    def _instruction(self, target, data) -> None:
        if target.lower() == "xml-stylesheet":
            self.add(self.line, (
                "la imagen SVG carga una hoja de estilo de otro archivo (<?xml-stylesheet?>); "
                "quítela y ponga los estilos dentro del SVG"
            ))

    def _start(self, name: str, attributes: dict) -> None:
        namespace, local = _split(name)
        if self.root is None:
            self.root = local
            self._check_root(namespace, local, attributes)
        if local in _ACTIVE_ELEMENTS:
            self.add(self.line, (
                f"la imagen SVG tiene un elemento <{local}>, que {_ACTIVE_ELEMENTS[local]}: "
                "el archivo se publica en el dominio de la Alcaldía; quítelo o suba la imagen "
                "como PNG"
            ))
        if local == "style":
            self.in_style += 1
        for attribute, value in attributes.items():
            self._check_attribute(local, _split(attribute)[1], value, attributes)

    def _end(self, name: str) -> None:
        if _split(name)[1] == "style":
            self.in_style -= 1

    def _text(self, text: str) -> None:
        if self.in_style:
            self._check_css(text)

    def _check_root(self, namespace: str, local: str, attributes: dict) -> None:
        if local != "svg":
            self.add(self.line, f"el archivo no es una imagen SVG (empieza con <{local}>)")
            raise _Refused
        if namespace != _SVG_NAMESPACE:
            self.add(self.line, (
                f'al elemento <svg> le falta xmlns="{_SVG_NAMESPACE}" y los navegadores no '
                "lo mostrarían; agréguelo"
            ))
        self.facts.width, self.facts.height = self._size(attributes)

    def _size(self, attributes: dict) -> tuple[int | None, int | None]:
        """Pixels from width and height (px or no unit), else from the viewBox."""
        sides = {}
        for name in ("width", "height"):
            if name in attributes:
                sides[name] = self._length(name, attributes[name])
        box = self._view_box(attributes.get("viewBox"))
        width, height = sides.get("width"), sides.get("height")
        if width and height:
            return width, height
        return box or (None, None)

    def _length(self, name: str, value: str) -> int | None:
        match = _LENGTH.fullmatch(value)
        number = float(match[1]) if match else math.nan
        if not _reasonable(number):
            self.add(self.line, (
                f'el tamaño {name}="{_short(value)}" de la imagen SVG no es válido: debe ser un '
                f"número mayor que 0 y de máximo {MAX_SVG_SIDE}; corríjalo o expórtela de nuevo"
            ))
            return None
        return _pixels(number) if match[2] in (None, "px") else None

    def _view_box(self, value: str | None) -> tuple[int, int] | None:
        if value is None:
            return None
        parts = value.replace(",", " ").split()
        numbers = [_number(part) for part in parts]
        if len(numbers) != 4 or not all(map(math.isfinite, numbers)) \
                or not (_reasonable(numbers[2]) and _reasonable(numbers[3])) \
                or max(abs(numbers[0]), abs(numbers[1])) > MAX_SVG_SIDE:
            self.add(self.line, (
                f'el viewBox="{_short(value)}" de la imagen SVG no es válido: deben ser cuatro '
                "números (x, y, ancho y alto), con el ancho y el alto mayores que 0 y de máximo "
                f"{MAX_SVG_SIDE}; corríjalo o exporte el SVG de nuevo"
            ))
            return None
        width, height = _pixels(numbers[2]), _pixels(numbers[3])
        return (width, height) if width and height else None

    def _check_attribute(self, element: str, name: str, value: str, attributes: dict) -> None:
        line = self.line
        if name.lower().startswith("on"):
            self.add(line, (
                f"la imagen SVG tiene el atributo {name}= en <{element}>, que ejecuta código en "
                "el navegador de quien la abra; quítelo o suba la imagen como PNG"
            ))
            return
        compact = _INVISIBLE.sub("", value)
        if _SCRIPT_SCHEME.search(compact):
            self.add(line, (
                f"la imagen SVG tiene un enlace que ejecuta código ({_short(value)}) en "
                f"<{element}>; quítelo"
            ))
        elif name == "href" and not _inside(compact):
            self._external(line, value)
        elif name == "attributeName" and _split(value.replace(":", " "))[1] == "href":
            self.add(line, (
                f"la imagen SVG cambia un enlace con <{element}>; quite esa animación"
            ))
        else:
            self._check_css(value)

    def _check_css(self, text: str) -> None:
        if _CSS_IMPORT.search(text):
            self.add(self.line, (
                "la imagen SVG importa estilos de otro archivo (@import); quítelo y ponga los "
                "estilos dentro del SVG"
            ))
            text = _CSS_IMPORT.sub("", text)
        for target in _CSS_URL.findall(text):
            if not _inside(target):
                self._external(self.line, target)

    def _external(self, line: int, target: str) -> None:
        self.add(line, (
            f'la imagen SVG carga o enlaza "{_short(target)}", fuera de la imagen, y el sitio no '
            "pide nada a otros servidores; incruste ese contenido en el SVG o quite la referencia"
        ))


def _split(name: str) -> tuple[str, str]:
    """("namespace", "local") from expat's "namespace local" (namespace "" when none)."""
    namespace, _, local = name.rpartition(" ")
    return namespace, local


def _inside(target: str) -> bool:
    """A reference that stays inside the SVG: a fragment, or an embedded picture."""
    return target.startswith("#") or bool(_EMBEDDED_IMAGE.match(target))


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _reasonable(number: float) -> bool:
    return math.isfinite(number) and 0 < number <= MAX_SVG_SIDE


def _pixels(number: float) -> int | None:
    pixels = round(number)
    return pixels if pixels >= 1 else None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."
