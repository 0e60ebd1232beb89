"""News photos made light at build time: ≤ 800 px wide, WebP plus a JPEG fallback, ≤ 60 KB.

Encoding is the slow part, so the results are cached by the bytes of the
source image (`.cache/imagenes/` beside the content folder): a build only
encodes the photos that are new or changed.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import PIL
from PIL import Image, ImageOps

from .yaml_loader import SourceError, read_bytes

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
        width, height = _svg_size(data)
        return Encoded(WebImage(archivo, None, width, height), {})
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
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.seek(0)  # first frame of an animated GIF
            image = ImageOps.exif_transpose(opened).convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise BadImage(
            f"la imagen {archivo} no se pudo abrir ({error}); guárdela de nuevo como JPG "
            "o PNG y súbala otra vez"
        ) from error
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


def _svg_size(data: bytes) -> tuple[int | None, int | None]:
    """Width and height from the SVG's attributes, else from its viewBox."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None, None
    width, height = _pixels(root.get("width")), _pixels(root.get("height"))
    if width and height:
        return width, height
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        return round(float(box[2])), round(float(box[3]))
    return None, None


def _pixels(value: str | None) -> int | None:
    match = re.fullmatch(r"\s*([0-9.]+)\s*(px)?\s*", value or "")
    return round(float(match.group(1))) if match else None


def _cache_key(data: bytes) -> str:
    return hashlib.sha256(_RECIPE.encode() + data).hexdigest()


def _read_cache(cache_dir: Path | None, data: bytes):
    if cache_dir is None:
        return None
    base = cache_dir / _cache_key(data)
    try:
        webp = base.with_suffix(".webp").read_bytes()
        jpeg = base.with_suffix(".jpg").read_bytes()
        width, height = map(int, base.with_suffix(".txt").read_text().split())
    except (OSError, ValueError):
        return None
    return webp, jpeg, (width, height)


def _write_cache(cache_dir: Path | None, data: bytes, encoded) -> None:
    if cache_dir is None:
        return
    webp, jpeg, (width, height) = encoded
    base = cache_dir / _cache_key(data)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        base.with_suffix(".webp").write_bytes(webp)
        base.with_suffix(".jpg").write_bytes(jpeg)
        base.with_suffix(".txt").write_text(f"{width} {height}")  # last: marks it complete
    except OSError:
        pass  # a cache that cannot be written only costs time
