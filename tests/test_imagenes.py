"""images.py and attachment_checks.py on hostile files: bombs, poisoned caches, unsafe SVGs.

The validator's messages for whole sites are in the corpus (tests/corpus/imagen-*,
escudo-*, svg-*); here, the build's side: what images.py does when handed such a
file anyway, and the SVG rules one construct at a time.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from municipal.content.attachment_checks import MAX_PIXELS, inspect_svg, pixels_problem
from municipal.site import images

SVG = '<svg xmlns="http://www.w3.org/2000/svg" {attributes}>{body}</svg>'


def png_1bit(width: int, height: int) -> bytes:
    """A valid black 1-bit PNG, written by hand: its pixels compress to almost nothing."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    row = b"\0" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def put(folder: Path, relpath: str, data: bytes) -> str:
    path = folder / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return relpath


@pytest.fixture
def no_decoding(monkeypatch):
    """Make decoding pixels an error the test sees (BadImage would hide an AssertionError)."""
    def load(self):
        raise MemoryError("se decodificó la imagen")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


# --- Pixel bombs ------------------------------------------------------------------------


def test_pillow_refuses_to_open_anything_over_twice_the_limit():
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS == 40_000_000


@pytest.mark.parametrize(("width", "height", "words"), [
    (13_000, 13_000, ["más de 80 megapíxeles", "el máximo es 40"]),  # Pillow's wall
    (8_000, 6_000, ["8000 × 6000 píxeles", "48 megapíxeles"]),  # ours, below Pillow's
])
def test_a_pixel_bomb_is_refused_by_the_build_without_decoding_it(
        tmp_path, no_decoding, width, height, words):
    archivo = put(tmp_path, "adjuntos/gobierno/plano.png", png_1bit(width, height))
    with pytest.raises(images.BadImage) as refused:
        images.web_image(tmp_path, archivo, None)
    message = str(refused.value)
    assert "adjuntos/gobierno/plano.png" in message
    for word in words:
        assert word in message


def test_the_limit_is_40_megapixels_inclusive():
    assert pixels_problem("adjuntos/x.png", 8_000, 5_000) is None
    assert "40 megapíxeles" in pixels_problem("adjuntos/x.png", 8_000, 5_001)


def test_a_pdf_named_like_a_photo_is_named_in_plain_spanish(tmp_path):
    archivo = put(tmp_path, "adjuntos/gobierno/foto.jpg", b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(images.BadImage) as refused:
        images.web_image(tmp_path, archivo, None)
    assert str(refused.value) == (
        "el archivo adjuntos/gobierno/foto.jpg es un documento PDF, no una imagen; suba la "
        "foto en JPG, PNG, WebP o GIF (un PDF se enlaza como documento, no como imagen)")


# --- The image cache --------------------------------------------------------------------


@pytest.fixture
def cached_photo(tmp_path):
    """A photo encoded once into a cache: (content folder, archivo, cache, first result)."""
    photo = Image.new("RGB", (1000, 700), "green")
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG")
    archivo = put(tmp_path, "adjuntos/gobierno/foto.jpg", buffer.getvalue())
    cache = tmp_path / "cache"
    return tmp_path, archivo, cache, images.web_image(tmp_path, archivo, cache)


def cache_entry(cache: Path, suffix: str) -> Path:
    (entry,) = cache.glob(f"*{suffix}")
    return entry


def count_encodings(monkeypatch) -> list[int]:
    calls = []
    encode = images._encode

    def counting(*arguments):
        calls.append(1)
        return encode(*arguments)

    monkeypatch.setattr(images, "_encode", counting)
    return calls


@pytest.mark.parametrize(("suffix", "poison"), [
    (".webp", lambda data: b"<script>alert(1)</script>"),  # replaced by other bytes
    (".jpg", lambda data: data[:-1] + bytes([data[-1] ^ 1])),  # one bit flipped
    (".jpg", lambda data: data[: len(data) // 2]),  # cut short
    (".txt", lambda data: data[:5]),  # marker cut short
    (".txt", lambda data: b"800 560"),  # marker of the old format, without hashes
    (".txt", lambda data: b"\xff\xfe\x00"),  # not text
])
def test_a_poisoned_cache_entry_is_encoded_again_never_published(
        cached_photo, monkeypatch, suffix, poison):
    content, archivo, cache, first = cached_photo
    entry = cache_entry(cache, suffix)
    entry.write_bytes(poison(entry.read_bytes()))
    encodings = count_encodings(monkeypatch)
    again = images.web_image(content, archivo, cache)
    assert again == first
    assert encodings == [1]
    assert images.web_image(content, archivo, cache) == first  # the entry was repaired
    assert encodings == [1]


def test_a_marker_that_lies_about_the_size_is_not_trusted(cached_photo, monkeypatch):
    content, archivo, cache, first = cached_photo
    marker = cache_entry(cache, ".txt")
    hashes = marker.read_text().split()[2:]
    marker.write_text(" ".join(["4000", "1", *hashes]))
    encodings = count_encodings(monkeypatch)
    assert images.web_image(content, archivo, cache) == first
    assert encodings == [1]


def test_the_marker_records_the_sha256_of_each_file(cached_photo):
    _, _, cache, first = cached_photo
    marker = cache_entry(cache, ".txt").read_text().split()
    webp, jpeg = (cache_entry(cache, suffix).read_bytes() for suffix in (".webp", ".jpg"))
    assert marker == [str(first.image.width), str(first.image.height),
                      hashlib.sha256(webp).hexdigest(), hashlib.sha256(jpeg).hexdigest()]


def test_a_cache_folder_that_is_a_file_only_costs_time(tmp_path):
    photo = Image.new("RGB", (300, 200), "green")
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG")
    archivo = put(tmp_path, "adjuntos/gobierno/foto.jpg", buffer.getvalue())
    (tmp_path / "cache").write_text("no soy una carpeta")
    encoded = images.web_image(tmp_path, archivo, tmp_path / "cache")
    assert (encoded.image.width, encoded.image.height) == (300, 200)


# --- SVG: sizes -------------------------------------------------------------------------


@pytest.mark.parametrize(("attributes", "size"), [
    ('viewBox="0 0 120 80"', (120, 80)),
    ('viewBox="0,0,120.4,79.6"', (120, 80)),
    ('width="30" height="20px" viewBox="0 0 120 80"', (30, 20)),
    ('width="3cm" height="2cm" viewBox="0 0 120 80"', (120, 80)),  # no pixels: the viewBox
    ('width="100%" height="100%"', (None, None)),
    ("", (None, None)),
])
def test_svg_size_comes_from_width_and_height_in_pixels_else_the_viewbox(attributes, size):
    facts = inspect_svg(SVG.format(attributes=attributes, body="").encode())
    assert facts.problems == []
    assert (facts.width, facts.height) == size


@pytest.mark.parametrize("attributes", [
    'viewBox="0 0 1e999 10"',  # infinite: round() raised OverflowError in the build
    'viewBox="0 0 nan 10"',
    'viewBox="0 0 -120 80"',
    'viewBox="0 0 0 80"',
    'viewBox="0 0 120"',
    'viewBox="0 0 abc 80"',
    'viewBox="0 0 1000001 80"',
    'viewBox="1e300 0 120 80"',
    'width="1.2.3" height="20"',  # float() raised ValueError in the build
    'width="-5" height="20"',
    'width="0" height="20"',
    'width="1e999" height="20"',
    'width="ancho" height="20"',
])
def test_svg_sizes_that_are_not_finite_positive_and_sane_are_refused(tmp_path, attributes):
    data = SVG.format(attributes=attributes, body="").encode()
    facts = inspect_svg(data)
    assert len(facts.problems) == 1
    line, message = facts.problems[0]
    assert line == 1 and "no es válido" in message and "mayor" in message
    archivo = put(tmp_path, "adjuntos/despacho/escudo.svg", data)
    with pytest.raises(images.BadImage, match="no es válido"):  # never a traceback
        images.web_image(tmp_path, archivo, None)


# --- SVG: safe to serve from our domain ----------------------------------------------------


@pytest.mark.parametrize(("attributes", "body", "words"), [
    ("", "<script>alert(1)</script>", ["<script>"]),
    ("", '<s:script xmlns:s="http://www.w3.org/2000/svg">alert(1)</s:script>', ["<script>"]),
    ('onload="alert(1)"', "", ["onload="]),
    ("", '<rect ONCLICK="alert(1)"/>', ["ONCLICK="]),
    ("", '<a href="javascript:alert(1)"><rect/></a>', ["ejecuta código"]),
    ("", '<a href=" jAvA&#9;script:alert(1)"><rect/></a>', ["ejecuta código"]),
    ("", '<set attributeName="fill" to="javascript:alert(1)"/>', ["ejecuta código"]),
    ("", '<animate attributeName="xlink:href" values="https://x.example/"/>', ["<animate>"]),
    ("", "<foreignObject><p>hola</p></foreignObject>", ["<foreignObject>"]),
    ("", '<image href="https://x.example/pixel.png"/>', ["https://x.example/pixel.png"]),
    ("", '<image href="//x.example/pixel.png"/>', ["//x.example/pixel.png"]),
    ("", '<use href="otro.svg#icono"/>', ["otro.svg#icono"]),
    ("", '<rect fill="url(https://x.example/f.svg#g)"/>', ["https://x.example/f.svg#g"]),
    ("", '<rect style="fill: url( \'http://x.example/p\' )"/>', ["http://x.example/p"]),
    ("", "<style>@import 'https://x.example/a.css';</style>", ["@import"]),
    ("", "<style>rect { background: url(https://x.example/p.png) }</style>",
     ["https://x.example/p.png"]),
])
def test_svg_constructs_that_run_code_or_load_other_servers_are_refused(
        attributes, body, words):
    facts = inspect_svg(SVG.format(attributes=attributes, body=body).encode())
    assert len(facts.problems) == 1, facts.problems
    for word in words:
        assert word in facts.problems[0][1]


@pytest.mark.parametrize("body", [
    '<use href="#icono"/><use xlink:href="#icono" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"/>',
    '<rect fill="url(#degradado)" style="fill:url(\'#degradado\')"/>',
    '<image href="data:image/png;base64,iVBORw0KGgo="/>',
    "<style>.a { fill: url(#g) } .b { stroke: #1a5e20 }</style>",
    "<text>onload=alert(1) es solo texto</text>",
])
def test_svg_references_inside_the_image_are_allowed(body):
    facts = inspect_svg(SVG.format(attributes='viewBox="0 0 10 10"', body=body).encode())
    assert facts.problems == []


def test_svg_entity_declarations_are_refused_before_any_expansion():
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 40))
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY l0 "ja">{laughs}]>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg"><text>&l39;</text></svg>').encode()
    facts = inspect_svg(data)
    assert [line for line, _ in facts.problems] == [2]
    assert "declara entidades" in facts.problems[0][1]


def test_a_doctype_without_declarations_is_harmless_and_allowed():
    data = (b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
            b'<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"/>')
    assert inspect_svg(data).problems == []


@pytest.mark.parametrize(("data", "words"), [
    (b"", ["no es XML válido"]),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><rect", ["no es XML válido"]),
    (b"\xff\xfe<\x00s\x00", ["no es XML válido"]),
    (b"<html><body/></html>", ["no es una imagen SVG", "<html>"]),
    (b'<svg viewBox="0 0 10 10"/>', ['xmlns="http://www.w3.org/2000/svg"']),
    (b'<?xml-stylesheet href="https://x.example/a.css"?>'
     b'<svg xmlns="http://www.w3.org/2000/svg"/>', ["xml-stylesheet"]),
])
def test_files_that_are_not_svg_images_say_so(data, words):
    facts = inspect_svg(data)
    assert len(facts.problems) == 1, facts.problems
    for word in words:
        assert word in facts.problems[0][1]


def test_a_hostile_svg_lists_its_first_problems_only():
    body = "".join(f'<rect onclick="a({n})"/>' for n in range(5000))
    problems = inspect_svg(SVG.format(attributes="", body=body).encode()).problems
    assert len(problems) == 20
    assert problems[-1][1].startswith("y 4981 problemas más")


def test_the_build_never_publishes_an_unsafe_svg(tmp_path):
    archivo = put(tmp_path, "adjuntos/despacho/escudo.svg",
                  SVG.format(attributes="", body="<script>alert(1)</script>").encode())
    with pytest.raises(images.BadImage, match="<script>"):
        images.web_image(tmp_path, archivo, None)


def test_a_cut_photo_is_refused_even_after_weasyprint_allowed_truncated_images(
        tmp_path, monkeypatch):
    """Importing WeasyPrint (posters, reports) sets Pillow's process-wide
    LOAD_TRUNCATED_IMAGES; a photo cut short must still be an error, not a grey stripe."""
    import weasyprint  # noqa: F401, PLC0415  (the import is what sets the switch)

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    sample = Path(__file__).resolve().parent.parent / "content"
    photo = "adjuntos/planeacion/placa-huella-vereda-el-roble.jpg"
    (tmp_path / "adjuntos/planeacion").mkdir(parents=True)
    (tmp_path / photo).write_bytes((sample / photo).read_bytes()[:2000])
    with pytest.raises(images.BadImage, match="dañada o incompleta"):
        images.web_image(tmp_path, photo, None)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # the switch is given back as it was
