"""The web editor's config.yml, generated from schemas/ and oficinas.yml (DESIGN.md §11).

One collection per (kind, office): `noticias-gobierno` edits the files of
content/noticias/gobierno/. Each field comes from one property of the kind's
JSON Schema: its Spanish title is the label, its description the hint, an enum
is a select with the site's Spanish labels, a date is `AAAA-MM-DD`, a list or
an object keeps its inner fields. Nothing here is maintained by hand: a schema
change changes the editor on the next build.

Where a schema rule has no editor widget (costo's "gratuito or valor", the
contract's rules by estado, text lengths), the field is offered as the closest
plain widget and the validator, which CI runs on every change, guards the rest.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..content.schemas import SCHEMAS_DIR
from ..site.labels import LABELS


@dataclass(frozen=True)
class Kind:
    """A kind of content as the editor sees it."""

    folder: str  # content/<folder>/<oficina>/
    schema: str  # schemas/<schema>.schema.json
    label: str
    singular: str
    identifier: str  # the field the file name is made from
    slug: str  # Decap's file name template
    markdown: bool  # front matter + Markdown body, else a YAML file

    @property
    def extension(self) -> str:
        return "md" if self.markdown else "yml"


KINDS = (
    Kind("noticias", "noticia", "Noticias", "Noticia", "titulo", "{{fecha}}-{{slug}}", True),
    Kind("eventos", "evento", "Eventos", "Evento", "titulo", "{{fecha}}-{{slug}}", True),
    Kind("tramites", "tramite", "Trámites", "Trámite", "nombre", "{{slug}}", False),
    Kind("contratos", "contrato", "Contratos", "Contrato", "referencia", "{{slug}}", False),
    Kind("paginas", "pagina", "Páginas institucionales", "Página", "titulo", "{{slug}}", True),
)
"""Every kind the editor may offer; a kind whose schema does not exist yet is left out."""

BACKENDS = ("gitlab", "github", "gitea", "forgejo")
# Decap's Gitea backend refuses the editorial workflow; every other one has it.
WITHOUT_WORKFLOW = ("gitea",)
BODY_FIELD = "body"  # Decap's name for the Markdown below the front matter

# Where Decap 3.16 looks for each forge when EDITOR_WEB does not say
# (decap-cms-backend-*/src: implementation and AuthenticationPage).
DEFAULT_API_ROOTS = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4",
                     "gitea": "https://try.gitea.io/api/v1"}
DEFAULT_BASE_URLS = {"gitlab": "https://gitlab.com", "gitea": "https://try.gitea.io"}
GITHUB_AVATARS = "https://avatars.githubusercontent.com"
# The forge's addresses end up in the web servers' Content-Security-Policy: a plain
# https:// host name (and port), nothing a header or a config file could be broken with.
FORGE_URL = re.compile(
    r"https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?", re.IGNORECASE)
FORGE_URL_KEYS = ("base_url", "api_root", "graphql_api_root")

# Which list of labels.py names the codes of an enum, by kind and field path.
_ENUM_LABELS = {
    ("contratos", "tipo"): "tipo_contrato",
    ("eventos", "tipo"): "tipo_evento",
    ("tramites", "canales.tipo"): "canal",
    ("tramites", "costo.unidad"): "unidad",
}


class EditorSettingsError(ValueError):
    """EDITOR_WEB is not usable; the message says why, in Spanish."""


def collection_name(kind: str, office: str) -> str:
    """`noticias-gobierno`: the collection of one kind and one office."""
    return f"{kind}-{office}"


def available_kinds(schemas_dir: Path = SCHEMAS_DIR) -> list[Kind]:
    return [kind for kind in KINDS if (schemas_dir / f"{kind.schema}.schema.json").is_file()]


def editor_config(oficinas: list[dict], backend: dict, *, content_prefix: str = "content",
                  site_url: str = "", local_backend: str | None = None,
                  schemas_dir: Path = SCHEMAS_DIR) -> dict:
    """The whole config.yml as a dict.

    `content_prefix` is the content folder's path inside the repository the
    backend writes to ("" when the backend's root is the content folder itself);
    `local_backend` is decap-server's URL (`invoke editor`), which replaces `backend`.
    """
    if local_backend:
        # decap-server in its "fs" mode writes each saved entry straight into the folder;
        # it has no editorial workflow (review comes with the commit, and CI validates it).
        config: dict = {"backend": {"name": "proxy", "proxy_url": local_backend,
                                    "branch": "main"},
                        "publish_mode": "simple"}
    else:
        mode = "simple" if backend.get("name") in WITHOUT_WORKFLOW else "editorial_workflow"
        config = {"backend": dict(backend), "publish_mode": mode}
    config["locale"] = "es"
    if site_url:
        config["site_url"] = config["display_url"] = site_url
    config["media_folder"] = _join(content_prefix, "adjuntos")
    config["public_folder"] = "adjuntos"
    config["slug"] = {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}
    config["collections"] = [
        _collection(kind, office, _load_schema(schemas_dir, kind), content_prefix)
        for kind in available_kinds(schemas_dir)
        for office in oficinas
    ]
    return config


def to_yaml(config: dict) -> str:
    header = ("# Generado por el sitio a partir de schemas/ y content/oficinas.yml: "
              "no lo edite a mano.\n")
    return header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100)


def check_backend(value) -> dict:
    """EDITOR_WEB's `backend`, checked; EditorSettingsError with a Spanish reason."""
    if not isinstance(value, dict):
        raise EditorSettingsError(
            "EDITOR_WEB debe ser un diccionario con la clave backend, por ejemplo "
            '{"backend": {"name": "gitlab", "repo": "alcaldia/sitio", "branch": "main"}}')
    backend = value.get("backend")
    if not isinstance(backend, dict):
        raise EditorSettingsError("a EDITOR_WEB le falta backend (la forja donde está el "
                                  "repositorio: name, repo y branch)")
    name = backend.get("name")
    if name not in BACKENDS:
        raise EditorSettingsError(
            f"EDITOR_WEB backend.name es {name!r}; use gitlab, github, gitea o forgejo")
    for key in ("repo", "branch"):
        if not isinstance(backend.get(key), str) or not backend[key].strip():
            raise EditorSettingsError(
                f"a EDITOR_WEB backend le falta {key} (por ejemplo "
                f"{'alcaldia/sitio' if key == 'repo' else 'main'})")
    for key in (*FORGE_URL_KEYS, "auth_endpoint", "app_id", "auth_type"):
        if key in backend and not isinstance(backend[key], str):
            raise EditorSettingsError(f"EDITOR_WEB backend.{key} debe ser un texto")
    for key in FORGE_URL_KEYS:
        if key in backend and not backend[key].startswith("https://"):
            raise EditorSettingsError(
                f"EDITOR_WEB backend.{key} debe empezar por https:// ({backend[key]!r})")
        if key in backend and not FORGE_URL.fullmatch(backend[key]):
            raise EditorSettingsError(
                f"EDITOR_WEB backend.{key} no es una dirección válida ({backend[key]!r}): "
                "escríbala como https://servidor/ruta, sin espacios, comillas ni ;")
    if name == "forgejo" and "api_root" not in backend:
        raise EditorSettingsError(
            "a EDITOR_WEB backend le falta api_root: Forgejo lo necesita (por ejemplo "
            "https://git.chitaga.gov.co/api/v1)")
    return backend


@dataclass(frozen=True)
class ForgeOrigins:
    """The forge's origins the editor talks to, for the Content-Security-Policy of /admin/."""

    api: tuple[str, ...]  # fetched by the editor: the API and, to log in with PKCE, the token
    images: tuple[str, ...]  # the signed-in person's avatar


def forge_origins(backend: dict) -> ForgeOrigins:
    """What the browser must reach for this backend (checked by check_backend), by origin.

    Logging in through a window the forge opens or a page it redirects to is navigation,
    which no policy of /admin/ restricts; what Decap fetches from its own page is listed.
    """
    name = backend["name"]
    api_root = backend.get("api_root") or DEFAULT_API_ROOTS.get(name, "")
    base_url = backend.get("base_url") or DEFAULT_BASE_URLS.get(name) or _forge_home(api_root)
    api = [api_root]
    if name == "gitlab" and backend.get("graphql_api_root"):
        api.append(backend["graphql_api_root"])
    # Gitea and Forgejo always sign in with PKCE, GitLab when auth_type says so: the token
    # comes from a fetch to base_url. (GitHub's OAuth server only opens a window.)
    if name in ("gitea", "forgejo") or (name == "gitlab" and backend.get("auth_type") == "pkce"):
        api.append(base_url)
    if name == "github":  # avatars: github.com's own host; GitHub Enterprise, its server
        images = [api_root if "api_root" in backend else GITHUB_AVATARS]
    else:
        images = [base_url]
    return ForgeOrigins(_origins(api), _origins(images))


def _forge_home(api_root: str) -> str:
    """https://git.example/api/v1 → https://git.example (what Decap's Forgejo backend does)."""
    return re.sub(r"/api/[^/]+/?$", "", api_root)


def _origins(urls: list[str]) -> tuple[str, ...]:
    found: list[str] = []
    for url in urls:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        if origin not in found:
            found.append(origin)
    return tuple(found)


def _load_schema(schemas_dir: Path, kind: Kind) -> dict:
    path = schemas_dir / f"{kind.schema}.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _collection(kind: Kind, office: dict, schema: dict, content_prefix: str) -> dict:
    office_id, office_name = office["id"], office["nombre"]
    fields = _fields(schema, kind.folder, "")
    if kind.markdown:
        fields.append({
            "name": BODY_FIELD, "label": "Texto", "widget": "markdown", "required": False,
            "hint": ("El texto en Markdown. Imágenes y documentos, solo de "
                     f"adjuntos/{office_id}/; sin HTML fuera de la lista permitida."),
        })
    collection = {
        "name": collection_name(kind.folder, office_id),
        "label": f"{kind.label} · {office_name}",
        "label_singular": f"{kind.singular} · {office_name}",
        "description": schema.get("description", ""),
        "folder": _join(content_prefix, kind.folder, office_id),
        "create": True,
        "delete": False,
        "extension": kind.extension,
        "format": "yaml-frontmatter" if kind.markdown else "yml",
        "identifier_field": kind.identifier,
        "slug": kind.slug,
        "summary": "{{" + kind.identifier + "}}",
        "media_folder": "/" + _join(content_prefix, "adjuntos", office_id),
        "public_folder": f"adjuntos/{office_id}",
        "fields": fields,
    }
    if kind.markdown:
        collection["frontmatter_delimiter"] = "---"
    return collection


def _fields(schema: dict, kind: str, prefix: str, group: str | None = None) -> list[dict]:
    """The fields of an object's properties. `group` is the title of the optional object
    they belong to: the editor would not let anyone leave that object out if its members
    were required, so they are not, and the hint says when they are (the validator checks)."""
    required = set(schema.get("required", []))
    return [
        _field(name, prop, kind, f"{prefix}{name}", name in required, group=group)
        for name, prop in schema.get("properties", {}).items()
    ]


def _field(name: str, prop: dict, kind: str, path: str, required: bool, *,
           group: str | None = None) -> dict:
    field = {"name": name, "label": prop.get("title", name),
             "required": required and group is None}
    if prop.get("description"):
        field["hint"] = prop["description"]
    if required and group is not None:
        field["hint"] = (field.get("hint", "") + f" Obligatorio si llena «{group}».").strip()
    field.update(_widget(name, prop, kind, path, field["required"]))
    return field


def _widget(name: str, prop: dict, kind: str, path: str,  # noqa: PLR0911 - one per widget
            required: bool) -> dict:
    types = prop.get("type")
    if "enum" in prop:
        return {"widget": "select", "options": _options(prop["enum"], kind, path)}
    if "const" in prop and prop["const"] is True:
        # costo.gratuito: only `true` is valid; a box to tick (unticked, remove it).
        return {"widget": "boolean"}
    if types == "array":
        return _list_widget(prop, kind, path)
    if types == "object":
        group = None if required else prop.get("title", name)
        return {"widget": "object", "collapsed": False,
                "fields": _fields(prop, kind, f"{path}.", group)}
    if types == "boolean":
        return {"widget": "boolean"}
    if types in ("integer", "number"):
        widget = {"widget": "number",
                  "value_type": "int" if types == "integer" else "float"}
        if "minimum" in prop:
            widget["min"] = prop["minimum"]
        if "maximum" in prop:
            widget["max"] = prop["maximum"]
        return widget
    if prop.get("format") == "date":
        widget = {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD",
                  "time_format": False, "picker_utc": True}
        if required and "." not in path:
            # Today, for a new entry's own date; never inside a group or list, where a
            # default would add a group or list item nobody asked for.
            widget["default"] = "{{now}}"
        return widget
    if name in ("archivo", "escudo"):
        return {"widget": "image" if _is_image(prop) else "file", "choose_url": False}
    widget = {"widget": "text" if prop.get("x-multilinea") else "string"}
    if "pattern" in prop and isinstance(types, str):
        widget["pattern"] = [prop["pattern"], prop.get("x-mensaje", "formato no válido")]
    return widget


def _list_widget(prop: dict, kind: str, path: str) -> dict:
    items = prop.get("items", {})
    widget: dict = {"widget": "list"}
    if "enum" in items:
        widget = {"widget": "select", "multiple": True,
                  "options": _options(items["enum"], kind, path)}
    elif items.get("type") == "object":
        widget["fields"] = _fields(items, kind, f"{path}.")
        widget["collapsed"] = False
        if items.get("title"):
            widget["label_singular"] = items["title"]
    else:
        widget["field"] = _field(_singular(path), items, kind, path, True)
        if items.get("title"):
            widget["label_singular"] = items["title"]
    if "minItems" in prop:
        widget["min"] = prop["minItems"]
    if "maxItems" in prop:
        widget["max"] = prop["maxItems"]
    return widget


def _options(values: list, kind: str, path: str) -> list[dict]:
    names = LABELS.get(_ENUM_LABELS.get((kind, path), path.rsplit(".", 1)[-1]), {})
    return [{"label": names.get(value, _readable(value)), "value": value} for value in values]


def _readable(code) -> str:
    """A code without a label in labels.py: `rendicion_de_cuentas` → `Rendicion de cuentas`."""
    text = str(code).replace("_", " ")
    return text[:1].upper() + text[1:]


def _singular(path: str) -> str:
    return "item_" + path.rsplit(".", 1)[-1]


def _join(*parts: str) -> str:
    return "/".join(part.strip("/") for part in parts if part.strip("/"))


def _is_image(prop: dict) -> bool:
    return "jpg" in prop.get("pattern", "")
