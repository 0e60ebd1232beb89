"""`invoke nuevo`: a new content file at the right path, with every field of its schema.

The fields come from `schemas/<kind>.schema.json`, never from a list kept here:
a schema change changes the scaffold. Required fields are written empty (the
validator then lists each one, with its line, as what is left to fill);
optional ones are YAML comments, which the validator does not read. Each field
has a one-line hint above it, taken from the schema's title and description.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator

from ..content.cross_file_rules import RESERVED_PAGE_SLUGS
from ..content.file_checks import plain_reference, slugify
from ..content.formats import format_checker
from ..content.layout import KIND_EXTENSIONS
from ..content.messages import explain, suggestion
from ..content.schemas import SCHEMA_NAMES, schema_for
from ..content.text_checks import text_problem
from ..content.yaml_loader import SourceError, parse_yaml, read_text
from .yaml_writer import scalar

SLUG_LENGTH = 60
"""Longest file name made from a title (cut at a hyphen): it is part of the address."""

QUOTED_FIELDS = frozenset({"referencia", "documento", "seccion"})
"""Texts that other YAML tools would read as numbers or dates: always quoted."""


@dataclass(frozen=True)
class Kind:
    """A kind of content `invoke nuevo` can create."""

    name: str  # the TIPO argument: noticia
    folder: str  # its folder under content/: noticias
    title_field: str  # the field --titulo fills
    dated: bool  # the file name starts with today's date, and `fecha` is today
    untitled: str  # file name without --titulo
    body: str | None = None  # for Markdown kinds: what goes below the front matter


KINDS = (
    Kind("noticia", "noticias", "titulo", True, "sin-titulo", "el texto de la noticia"),
    Kind("evento", "eventos", "titulo", True, "sin-titulo", "la descripción del evento"),
    Kind("tramite", "tramites", "nombre", False, "sin-nombre"),
    Kind("contrato", "contratos", "referencia", False, "sin-referencia"),
    Kind("pagina", "paginas", "titulo", False, "sin-titulo", "el texto de la página"),
)


def available_kinds() -> dict[str, Kind]:
    """The kinds this content layout and these schemas know (eventos only once they exist)."""
    return {kind.name: kind for kind in KINDS
            if kind.folder in KIND_EXTENSIONS and kind.folder in SCHEMA_NAMES}


class Refused(Exception):
    """Why no file was written, in Spanish for the person who asked."""


@dataclass(frozen=True)
class NewFile:
    path: Path
    shown: str  # the path as the validator shows it: content/noticias/...
    text: str
    left: list[str]  # required fields still empty
    kind: Kind
    untitled: bool


def new_file(content_dir: Path, tipo: str, oficina: str, titulo: str | None,
             today: datetime.date) -> NewFile:
    """The file `invoke nuevo` would write (nothing is written here); Refused if it cannot."""
    kinds = available_kinds()
    if tipo not in kinds:
        raise Refused(f'"{tipo}" no es un tipo de contenido; use uno de: '
                      f"{', '.join(kinds)}." + suggestion(tipo, kinds))
    kind = kinds[tipo]
    offices = office_ids(content_dir)
    if oficina not in offices:
        raise Refused(f'la oficina "{oficina}" no está en oficinas.yml; use una de: '
                      f"{', '.join(offices)}." + suggestion(oficina, offices))
    schema = schema_for(kind.folder).document
    prefilled: dict = {}
    if kind.dated:
        prefilled["fecha"] = today.isoformat()
    if titulo is None:
        slug = kind.untitled
    else:
        value = _title_value(kind, titulo, schema)
        slug = slugify(value) if kind.name == "contrato" else _short_slug(value)
        prefilled[kind.title_field] = value
    stem = f"{today.isoformat()}-{slug}" if kind.dated else slug
    relpath = f"{kind.folder}/{oficina}/{stem}{KIND_EXTENSIONS[kind.folder]}"
    _refuse_taken_names(content_dir, kind, stem, relpath)
    text = render(kind, schema, prefilled)
    left = [name for name in schema.get("required", []) if name not in prefilled]
    return NewFile(content_dir / relpath, f"{content_dir.name}/{relpath}", text, left, kind,
                   titulo is None)


def office_ids(content_dir: Path) -> list[str]:
    """The office ids of oficinas.yml; Refused when it cannot be read."""
    try:
        data = parse_yaml(read_text(content_dir / "oficinas.yml")).data
    except (OSError, SourceError) as error:
        reason = error.message if isinstance(error, SourceError) else error.strerror
        raise Refused(f"no se pudo leer {content_dir.name}/oficinas.yml ({reason}); "
                      "revíselo con invoke validar") from None
    offices = data.get("oficinas") if isinstance(data, dict) else None
    ids = [office.get("id") for office in offices or [] if isinstance(office, dict)]
    ids = [identifier for identifier in ids if isinstance(identifier, str)]
    if not ids:
        raise Refused(f"{content_dir.name}/oficinas.yml no tiene oficinas; revíselo con "
                      "invoke validar")
    return ids


def _title_value(kind: Kind, titulo: str, schema: dict) -> str:
    """--titulo as the value of the kind's title field; Refused if the schema would not take it."""
    value = " ".join(titulo.split())
    if kind.name == "contrato":
        value = plain_reference(value)
    what = "la referencia" if kind.name == "contrato" else "el título"
    if not slugify(value):
        raise Refused(f'{what} "{titulo}" no tiene letras ni números: con él no se puede '
                      "nombrar el archivo; escriba un título con palabras")
    problem = text_problem(value, multiline=False)
    if problem:
        raise Refused(f"{what} no sirve: {problem}")
    field_schema = schema["properties"][kind.title_field]
    validator = Draft202012Validator(field_schema, format_checker=format_checker())
    for error in validator.iter_errors(value):
        for _, message, _ in explain(error):
            raise Refused(f"{what} no sirve: {message}")
    return value


def _short_slug(value: str) -> str:
    slug = slugify(value)
    if len(slug) <= SLUG_LENGTH:
        return slug
    cut = slug[:SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return cut or slug[:SLUG_LENGTH]


def _refuse_taken_names(content_dir: Path, kind: Kind, stem: str, relpath: str) -> None:
    """An existing file is never replaced, and a name is not taken twice in a kind."""
    shown = f"{content_dir.name}/{relpath}"
    if (content_dir / relpath).exists() or (content_dir / relpath).is_symlink():
        raise Refused(f"{shown} ya existe y no se reemplaza: ábralo y edítelo, o use "
                      "otro --titulo")
    extension = KIND_EXTENSIONS[kind.folder]
    for other in sorted((content_dir / kind.folder).glob(f"*/{stem}{extension}")):
        other_shown = f"{content_dir.name}/{other.relative_to(content_dir).as_posix()}"
        raise Refused(f'el nombre "{stem}" ya lo usa {other_shown}: las dos páginas tendrían '
                      "la misma dirección web; use otro --titulo")
    if kind.folder == "paginas" and stem in RESERVED_PAGE_SLUGS:
        raise Refused(f'"{stem}" es una sección del sitio y no puede ser el nombre de una '
                      "página; use otro --titulo")


# The file's text


def render(kind: Kind, schema: dict, prefilled: dict) -> str:
    """Every field of `schema`: prefilled, empty (required) or commented out (optional)."""
    required = set(schema.get("required", []))
    lines = [
        f"# {_one_line(schema.get('title', kind.folder))}",
        "# Llene los campos obligatorios (los que no empiezan con #). Los opcionales están",
        "# en comentarios (#); para usar uno, borre el «# » del comienzo de sus líneas.",
        "# Cuando termine, revise con: invoke validar",
    ]
    for name, field in schema.get("properties", {}).items():
        lines.append("")
        lines += _field(name, field, name in required, prefilled)
    text = "\n".join(lines) + "\n"
    if kind.body is None:
        return text
    return f"---\n{text}---\n"


def _field(name: str, field: dict, required: bool, prefilled: dict) -> list[str]:
    needed = "obligatorio" if required else "opcional"
    lines = [f"# {_one_line(field.get('title', name))} ({needed}): {_hint(field)}"]
    if name in prefilled:
        return [*lines, f"{name}: {scalar(prefilled[name], force_quotes=name in QUOTED_FIELDS)}"]
    lines.append(f"{name}:" if required else f"# {name}:")
    return lines + _children(field, 2)


def _children(field: dict, indent: int) -> list[str]:
    """The structure inside an object or a list, as comments to uncomment."""
    pad = " " * indent
    if field.get("type") == "object" and field.get("properties"):
        lines = []
        for name, child in field["properties"].items():
            lines.append(f"# {pad}{name}:  # {_hint(child)}")
            lines += _children(child, indent + 2)
        return lines
    items = field.get("items")
    if field.get("type") != "array" or not isinstance(items, dict):
        return []
    if items.get("type") == "object" and items.get("properties"):
        nested = _children(items, indent + 2)
        first = nested[0]
        return [f"# {pad}- {first[2 + indent + 2:]}", *nested[1:]]
    return [f"# {pad}-   # {_hint(items)}"]


def _hint(field: dict) -> str:
    hint = _one_line(field.get("description", ""))
    if "enum" in field and field.get("type") != "array":
        options = ", ".join(str(option) for option in field["enum"])
        if not all(str(option) in hint for option in field["enum"]):
            hint = f"{hint} Valores: {options}." if hint else f"Valores: {options}."
    return hint


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
