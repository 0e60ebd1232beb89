"""News photos made light at build time: ≤ 800 px wide, WebP plus a JPEG fallback, ≤ 60 KB.

Encoding is the slow part, so the results are cached by the bytes of the
source image (`.cache/imagenes/` beside the content folder): a build only
encodes the photos that are new or changed. A cached file is used only if its
sha256 is the one the entry's marker recorded; otherwise it is encoded again.
No photo over MAX_PIXELS is ever decoded.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import PIL
from PIL import Image, ImageFile, ImageOps

from ..content.attachment_checks import MAX_PIXELS, inspect_svg, pixels_problem, read_header
from ..content.yaml_loader import SourceError, read_bytes

# Pillow's own wall, for any code that opens an image: it refuses outright
# above twice this; _encode refuses above it before decoding.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

MAX_WIDTH = 800
MAX_BYTES = 60 * 1024
QUALITIES = (80, 70, 60, 50, 40)
SHRINK_STEP = 0.8  # when even the lowest quality is too heavy, try a narrower image
VECTOR_SUFFIX = ".svg"
OUTPUT_FOLDER = "imagenes"
_RECIPE = f"{MAX_WIDTH}-{MAX_BYTES}-{QUALITIES}-{SHRINK_STEP}-{PIL.__version__}"


class BadImage(Exception):
    """An image that cannot be read; the message says which and what to do, in Spanish."""


@dataclass(frozen=True)
class WebImage:
    """What a template needs to show a photo: paths from the site root and its size."""

    src: str  # JPEG (or the SVG itself)
    webp: str | None
    width: int | None
    height: int | None


@dataclass(frozen=True)
class Encoded:
    image: WebImage
    files: dict[str, bytes]  # output path → bytes


def web_image(content_dir: Path, archivo: str, cache_dir: Path | None) -> Encoded:
    """The web versions of content/<archivo> (e.g. adjuntos/gobierno/foto.jpg)."""
    source = content_dir / archivo
    try:
        data = read_bytes(source, limited=False)  # never a link, a pipe or a device
    except SourceError as error:
        raise BadImage(f"no se pudo usar la imagen {archivo}: {error.message}") from None
    if source.suffix.lower() == VECTOR_SUFFIX:
        svg = inspect_svg(data)
        if svg.problems:  # the validator refuses these first; never publish one anyway
            line, message = svg.problems[0]
            raise BadImage(f"{archivo}:{line}: {message}")
        return Encoded(WebImage(archivo, None, svg.width, svg.height), {})
    # The name carries a fingerprint of the photo: a new photo gets a new address,
    # so web servers can let browsers keep images for a year (deploy/).
    stem = PurePosixPath(archivo).relative_to("adjuntos").with_suffix("")
    fingerprint = hashlib.sha256(data).hexdigest()[:10]
    name = f"{OUTPUT_FOLDER}/{stem}-{fingerprint}"
    webp_path, jpeg_path = f"{name}.webp", f"{name}.jpg"
    cached = _read_cache(cache_dir, data)
    if cached is None:
        cached = _encode(data, archivo)
        _write_cache(cache_dir, data, cached)
    webp, jpeg, (width, height) = cached
    return Encoded(WebImage(jpeg_path, webp_path, width, height),
                   {webp_path: webp, jpeg_path: jpeg})


def _encode(data: bytes, archivo: str) -> tuple[bytes, bytes, tuple[int, int]]:
    header = read_header(io.BytesIO(data))
    if isinstance(header, str):
        raise BadImage(f"el archivo {archivo} {header}")
    too_big = pixels_problem(archivo, *header[1])
    if too_big:
        raise BadImage(too_big)
    # A truncated photo must be an error, not a half-grey image: Pillow's switch for
    # that is process-wide, and WeasyPrint (posters, reports) turns it on when imported.
    loads_truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked above
            with Image.open(io.BytesIO(data)) as opened:
                opened.seek(0)  # first frame of an animated GIF
                image = ImageOps.exif_transpose(opened).convert("RGBA")
    except Exception as error:  # Pillow's decoders raise many kinds of errors on bad data
        raise BadImage(
            f"la imagen {archivo} no se pudo abrir (está dañada o incompleta); guárdela de "
            "nuevo como JPG o PNG y súbala otra vez"
        ) from error
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = loads_truncated
    flat = Image.new("RGB", image.size, "white")  # JPEG has no transparency
    flat.paste(image, mask=image.getchannel("A"))
    width = min(MAX_WIDTH, flat.width)
    while True:
        resized = _resized(flat, width)
        webp = _smallest_under_budget(resized, "WEBP")
        jpeg = _smallest_under_budget(resized, "JPEG")
        if (webp and jpeg) or width <= 100:
            break
        width = int(width * SHRINK_STEP)
    if not (webp and jpeg):
        raise BadImage(f"la imagen {archivo} no cabe en {MAX_BYTES // 1024} KB ni reducida")
    return webp, jpeg, resized.size


def _resized(image: Image.Image, width: int) -> Image.Image:
    if image.width == width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _smallest_under_budget(image: Image.Image, image_format: str) -> bytes | None:
    """The best quality that fits MAX_BYTES, or None."""
    for quality in QUALITIES:
        buffer = io.BytesIO()
        options = {"method": 6} if image_format == "WEBP" else {"optimize": True,
                                                               "progressive": True}
        image.save(buffer, image_format, quality=quality, **options)
        if buffer.tell() <= MAX_BYTES:
            return buffer.getvalue()
    return None


def _cache_key(data: bytes) -> str:
    return hashlib.sha256(_RECIPE.encode() + data).hexdigest()


def _read_cache(cache_dir: Path | None, data: bytes):
    """The cached encoding of `data`, or None if missing, incomplete or not what was stored.

    The marker (written last) holds the size and the sha256 of both files: a file
    cut short, replaced or written by another build never reaches the site.
    """
    if cache_dir is None:
        return None
    base = cache_dir / _cache_key(data)
    try:
        width, height, webp_hash, jpeg_hash = base.with_suffix(".txt").read_text().split()
        size = (int(width), int(height))
        webp = base.with_suffix(".webp").read_bytes()
        jpeg = base.with_suffix(".jpg").read_bytes()
    except (OSError, ValueError):
        return None
    if _sha256(webp) != webp_hash or _sha256(jpeg) != jpeg_hash \
            or read_header(io.BytesIO(jpeg)) != ("JPEG", size):
        return None
    return webp, jpeg, size


def _write_cache(cache_dir: Path | None, data: bytes, encoded) -> None:
    if cache_dir is None:
        return
    webp, jpeg, (width, height) = encoded
    base = cache_dir / _cache_key(data)
    marker = f"{width} {height} {_sha256(webp)} {_sha256(jpeg)}\n"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        _write_whole(base.with_suffix(".webp"), webp)
        _write_whole(base.with_suffix(".jpg"), jpeg)
        _write_whole(base.with_suffix(".txt"), marker.encode())  # last: marks it complete
    except OSError:
        pass  # a cache that cannot be written only costs time


def _write_whole(path: Path, data: bytes) -> None:
    """Write to a temporary name, then rename: a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
