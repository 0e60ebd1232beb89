"""The web editor without a browser: its generated config.yml, /admin/ and the edit links.

The config must follow the schemas (DESIGN.md §11): one collection per (kind, office), a
field for every property with the schema's Spanish title and description, selects with
Spanish labels, AAAA-MM-DD dates, attachments in the office's adjuntos/ folder.
tests/test_editor_navegador.py drives the editor itself in Chromium.
"""

from __future__ import annotations

import gzip
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import PREVIEW_SETTINGS, ROOT, SAMPLE_CONTENT, BuiltSite
from municipal.content.schemas import SCHEMAS_DIR
from municipal.content.yaml_loader import parse_yaml, read_text
from municipal.editor.admin import EditorUnavailable, bundle_files, write_editor
from municipal.editor.config import (
    EditorSettingsError,
    check_backend,
    editor_config,
)
from municipal.editor.links import content_prefix, edit_link
from municipal.editor.local import refresh_local_config
from municipal.publishing.build import BuildFailed, build_site

OFFICES = ["despacho", "gobierno", "planeacion", "hacienda", "juridica", "personeria"]
SCHEMA_OF_KIND = {"noticias": "noticia", "tramites": "tramite", "contratos": "contrato",
                  "paginas": "pagina", "eventos": "evento"}
BACKEND = {"name": "gitlab", "repo": "alcaldia/sitio", "branch": "main"}
EDITOR_SETTINGS = {"EDITOR_WEB": {"backend": BACKEND}}
EDIT_BASE = "https://gitlab.com/alcaldia/sitio/-/edit/main"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def oficinas() -> list[dict]:
    return parse_yaml(read_text(SAMPLE_CONTENT / "oficinas.yml")).data["oficinas"]


@pytest.fixture(scope="module")
def config() -> dict:
    return editor_config(oficinas(), BACKEND)


def collection(config: dict, name: str) -> dict:
    found = [item for item in config["collections"] if item["name"] == name]
    assert len(found) == 1, name
    return found[0]


def field(fields: list[dict], path: str) -> dict:
    """The field at `canales.tipo`: list items and object members alike."""
    name, _, rest = path.partition(".")
    found = [item for item in fields if item["name"] == name]
    assert len(found) == 1, f"{path}: {[item['name'] for item in fields]}"
    if not rest:
        return found[0]
    return field(found[0]["fields"], rest)


def schema_properties(schema: dict, prefix: str = "", group_required: bool = True):
    """(path, property, required in the editor) for every property, nested ones included.

    A property is required in the editor when its schema requires it and the object it is
    in is itself required: the members of an optional object (a news item's imagen) must
    not stop anyone from leaving the whole object out. A list item starts afresh: its
    members are only asked for once someone adds the item.
    """
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        here = name in required and group_required
        yield f"{prefix}{name}", prop, here
        if prop.get("type") == "array" and prop.get("items", {}).get("type") == "object":
            yield from schema_properties(prop["items"], f"{prefix}{name}.", True)
        elif prop.get("type") == "object":
            yield from schema_properties(prop, f"{prefix}{name}.", here)


# --- The generated config.yml -------------------------------------------------------------


def test_one_collection_per_kind_and_office_for_every_kind_with_a_schema(config):
    kinds = [kind for kind, schema in SCHEMA_OF_KIND.items()
             if (SCHEMAS_DIR / f"{schema}.schema.json").is_file()]
    assert {"noticias", "tramites", "contratos", "paginas", "eventos"} <= set(kinds)
    names = [item["name"] for item in config["collections"]]
    assert sorted(names) == sorted(f"{kind}-{office}" for kind in kinds for office in OFFICES)
    noticias = collection(config, "noticias-gobierno")
    assert noticias["label"] == "Noticias · Secretaría de Gobierno"
    assert noticias["folder"] == "content/noticias/gobierno"
    assert (noticias["extension"], noticias["format"]) == ("md", "yaml-frontmatter")
    assert noticias["slug"] == "{{fecha}}-{{slug}}"  # AAAA-MM-DD-<slug>.md
    tramites = collection(config, "tramites-hacienda")
    assert tramites["folder"] == "content/tramites/hacienda"
    assert (tramites["extension"], tramites["format"]) == ("yml", "yml")
    assert collection(config, "contratos-juridica")["identifier_field"] == "referencia"
    eventos = collection(config, "eventos-personeria")
    assert eventos["folder"] == "content/eventos/personeria"
    assert eventos["slug"] == "{{fecha}}-{{slug}}"  # AAAA-MM-DD-<slug>.md, fecha = the day


def test_attachments_go_to_the_office_folder_and_are_written_as_adjuntos_paths(config):
    for office in OFFICES:
        for kind in ("noticias", "tramites", "contratos", "paginas"):
            item = collection(config, f"{kind}-{office}")
            assert item["media_folder"] == f"/content/adjuntos/{office}"  # from the repo root
            assert item["public_folder"] == f"adjuntos/{office}"  # what the file says
    noticias = collection(config, "noticias-planeacion")
    assert field(noticias["fields"], "imagen.archivo")["widget"] == "image"
    contratos = collection(config, "contratos-juridica")
    assert field(contratos["fields"], "documentos.archivo")["widget"] == "file"


def test_editorial_workflow_spanish_and_the_backend_from_the_settings(config):
    assert config["publish_mode"] == "editorial_workflow"
    assert config["locale"] == "es"
    assert config["backend"] == BACKEND
    assert "local_backend" not in config  # production never looks for decap-server


def test_gitea_saves_without_the_editorial_workflow_it_does_not_have():
    # Decap 3.16's Gitea backend throws on editorial_workflow; Forgejo's supports it.
    gitea = {"name": "gitea", "repo": "alcaldia/sitio", "branch": "main"}
    assert editor_config(oficinas(), gitea)["publish_mode"] == "simple"
    forgejo = {**gitea, "name": "forgejo"}
    assert editor_config(oficinas(), forgejo)["publish_mode"] == "editorial_workflow"


@pytest.mark.parametrize("kind", ["noticias", "tramites", "contratos", "paginas", "eventos"])
def test_every_property_of_every_schema_has_its_field(config, kind):
    path = SCHEMAS_DIR / f"{SCHEMA_OF_KIND[kind]}.schema.json"
    if not path.is_file():
        assert not any(item["name"].startswith(f"{kind}-") for item in config["collections"])
        return
    schema = json.loads(path.read_text(encoding="utf-8"))
    for office in OFFICES:
        fields = collection(config, f"{kind}-{office}")["fields"]
        walked = 0
        for name, prop, required in schema_properties(schema):
            found = field(fields, name)
            assert found["label"] == prop["title"], name
            assert found.get("hint", "").startswith(prop.get("description", "")), name
            assert found["required"] is required, name
            walked += 1
        assert walked >= len(schema["properties"])
        top = [item["name"] for item in fields]
        markdown = kind not in {"tramites", "contratos"}
        expected = [*schema["properties"], *(["body"] if markdown else [])]
        assert top == expected  # same order as the schema; Markdown kinds end with the body


def test_members_of_an_optional_group_do_not_block_leaving_the_group_out(config):
    noticias = collection(config, "noticias-gobierno")["fields"]
    assert field(noticias, "imagen")["required"] is False
    archivo = field(noticias, "imagen.archivo")
    assert archivo["required"] is False
    assert archivo["hint"].endswith("Obligatorio si llena «Imagen».")
    contratos = collection(config, "contratos-juridica")["fields"]
    corte = field(contratos, "ejecucion.fecha_corte")
    assert corte["required"] is False and "default" not in corte  # no ejecucion by default
    assert "default" not in field(contratos, "adiciones.fecha")  # no phantom addition
    assert field(contratos, "adiciones.detalle")["required"] is True  # once added
    assert field(noticias, "fecha")["default"] == "{{now}}"


def test_widgets_follow_the_property_types(config):
    noticias = collection(config, "noticias-gobierno")["fields"]
    fecha = field(noticias, "fecha")
    assert fecha["widget"] == "datetime"
    assert (fecha["format"], fecha["date_format"], fecha["time_format"]) == (
        "YYYY-MM-DD", "YYYY-MM-DD", False)
    assert field(noticias, "resumen")["widget"] == "text"  # x-multilinea
    assert field(noticias, "titulo")["widget"] == "string"
    assert field(noticias, "borrador")["widget"] == "boolean"
    assert field(noticias, "etiquetas")["widget"] == "list"
    assert field(noticias, "body")["widget"] == "markdown"
    contratos = collection(config, "contratos-juridica")["fields"]
    valor = field(contratos, "valor")
    assert (valor["widget"], valor["value_type"], valor["min"]) == ("number", "int", 0)
    assert field(contratos, "ejecucion.porcentaje")["value_type"] == "float"
    optional_date = field(contratos, "fecha_firma")
    assert optional_date["widget"] == "datetime" and "default" not in optional_date
    tramites = collection(config, "tramites-gobierno")["fields"]
    canales = field(tramites, "canales")
    assert (canales["widget"], canales["min"], canales["max"]) == ("list", 1, 10)
    assert field(tramites, "canales.detalle")["required"] is True
    assert field(tramites, "canales.url")["required"] is False
    assert field(tramites, "canales.url")["pattern"][0] == "^https://"
    assert field(tramites, "requisitos")["field"]["widget"] == "string"
    dirigido = field(tramites, "dirigido_a")
    assert (dirigido["widget"], dirigido["multiple"]) == ("select", True)
    assert field(tramites, "costo.gratuito")["widget"] == "boolean"  # const true
    assert field(tramites, "tiempo_respuesta.dias_habiles")["value_type"] == "int"


def test_enums_are_selects_with_spanish_labels(config):
    contratos = collection(config, "contratos-juridica")["fields"]
    modalidad = {option["value"]: option["label"]
                 for option in field(contratos, "modalidad")["options"]}
    assert modalidad["minima_cuantia"] == "Mínima cuantía"
    assert modalidad["contratacion_directa"] == "Contratación directa"
    tipo = {option["value"]: option["label"] for option in field(contratos, "tipo")["options"]}
    assert tipo["prestacion_de_servicios"] == "Prestación de servicios"
    assert tipo["interventoria"] == "Interventoría"
    estado = {option["value"]: option["label"] for option in field(contratos, "estado")["options"]}
    assert estado["en_ejecucion"] == "En ejecución"
    documento = field(contratos, "contratista.tipo_documento")["options"]
    assert {"label": "Cédula de ciudadanía", "value": "CC"} in documento
    tramites = collection(config, "tramites-gobierno")["fields"]
    canal = {option["value"]: option["label"]
             for option in field(tramites, "canales.tipo")["options"]}
    assert canal == {"presencial": "En persona", "en_linea": "En línea",
                     "telefonico": "Por teléfono", "correo": "Por correo electrónico"}
    eventos = collection(config, "eventos-personeria")["fields"]
    tipo_evento = {option["value"]: option["label"]
                   for option in field(eventos, "tipo")["options"]}
    assert tipo_evento["rendicion_de_cuentas"] == "Rendición de cuentas"
    assert tipo_evento["socializacion"] == "Socialización"
    # Every select of every collection offers exactly the schema's codes, each with a label
    # that is not the bare code (acronyms such as NIT or COP excepted).
    for item in config["collections"]:
        for options in _all_options(item["fields"]):
            for option in options:
                assert option["label"] != option["value"] or option["value"].isupper(), option


def _all_options(fields: list[dict]):
    for item in fields:
        if item.get("widget") == "select":
            yield item["options"]
        yield from _all_options(item.get("fields", []))


def test_a_schema_change_changes_the_editor(tmp_path):
    schemas = tmp_path / "schemas"
    shutil.copytree(SCHEMAS_DIR, schemas)
    path = schemas / "noticia.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["fuente"] = {"title": "Fuente", "description": "De dónde viene.",
                                      "type": "string"}
    schema["required"].append("fuente")
    del schema["properties"]["etiquetas"]
    path.write_text(json.dumps(schema), encoding="utf-8")
    fields = collection(editor_config(oficinas(), BACKEND, schemas_dir=schemas),
                        "noticias-despacho")["fields"]
    names = [item["name"] for item in fields]
    assert "etiquetas" not in names
    assert field(fields, "fuente") == {"name": "fuente", "label": "Fuente", "required": True,
                                       "hint": "De dónde viene.", "widget": "string"}


@pytest.mark.parametrize(("value", "words"), [
    ("gitlab", ["diccionario", "backend"]),
    ({}, ["falta backend"]),
    ({"backend": {"name": "netlify", "repo": "a/b", "branch": "main"}},
     ["gitlab, github, gitea o forgejo"]),
    ({"backend": {"name": "gitea", "branch": "main"}}, ["falta repo"]),
    ({"backend": {"name": "github", "repo": "a/b"}}, ["falta branch"]),
    ({"backend": {"name": "gitea", "repo": "a/b", "branch": "main",
                  "base_url": "http://git.example.gov.co"}}, ["https://"]),
])
def test_bad_editor_settings_are_explained_in_spanish(value, words):
    with pytest.raises(EditorSettingsError) as error:
        check_backend(value)
    for word in words:
        assert word in str(error.value)


def test_a_missing_bundle_says_to_run_npm_ci(tmp_path):
    with pytest.raises(EditorUnavailable, match="npm ci"):
        bundle_files(tmp_path)


# --- Built sites: /admin/ and the edit links ---------------------------------------------


@pytest.fixture(scope="module")
def editor_site(tmp_path_factory) -> BuiltSite:
    output = tmp_path_factory.mktemp("editor") / "output"
    build_site(SAMPLE_CONTENT, output, PREVIEW_SETTINGS, dict(EDITOR_SETTINGS))
    return BuiltSite(output)


@pytest.fixture(scope="module")
def forge_site(tmp_path_factory) -> BuiltSite:
    output = tmp_path_factory.mktemp("forja") / "output"
    build_site(SAMPLE_CONTENT, output, PREVIEW_SETTINGS, {"EDITAR_URL": EDIT_BASE + "/"})
    return BuiltSite(output)


# One page of each kind and its source file (DESIGN.md §2).
SOURCES = {
    "/tramites/certificado-de-residencia/": ("tramites-gobierno", "certificado-de-residencia",
                                             "tramites/gobierno/certificado-de-residencia.yml"),
    "/contratos/cps-012-2026/": ("contratos-planeacion", "cps-012-2026",
                                 "contratos/planeacion/cps-012-2026.yml"),
}


def sample_pages() -> dict[str, tuple[str, str, str]]:
    """SOURCES plus one news item, one event and one institutional page, found in content/."""
    pages = dict(SOURCES)
    news = sorted((SAMPLE_CONTENT / "noticias" / "gobierno").glob("*.md"))[0]
    pages[f"/noticias/{news.stem}/"] = ("noticias-gobierno", news.stem,
                                        f"noticias/gobierno/{news.name}")
    event = sorted((SAMPLE_CONTENT / "eventos" / "despacho").glob("*.md"))[0]
    pages[f"/eventos/{event.stem}/"] = ("eventos-despacho", event.stem,
                                        f"eventos/despacho/{event.name}")
    page = sorted((SAMPLE_CONTENT / "paginas").glob("*/*.md"))[0]
    office = page.parent.name
    pages[f"/{page.stem}/"] = (f"paginas-{office}", page.stem,
                               f"paginas/{office}/{page.name}")
    return pages


def edit_links(site: BuiltSite, url: str) -> list[str]:
    return [anchor["href"] for anchor in site.page(url).find_all("a")
            if anchor.get_text(strip=True) == "Editar esta página"]


def test_with_the_editor_each_content_page_links_to_its_entry(editor_site):
    for url, (name, slug, _) in sample_pages().items():
        depth = url.count("/") - 1
        expected = "../" * depth + f"admin/#/collections/{name}/entries/{slug}"
        assert edit_links(editor_site, url) == [expected], url


def test_with_editar_url_each_content_page_links_to_its_file_on_the_forge(forge_site):
    for url, (_, _, relpath) in sample_pages().items():
        assert edit_links(forge_site, url) == [f"{EDIT_BASE}/content/{relpath}"], url
    assert not any("admin/" in path.read_text(encoding="utf-8")
                   for path in forge_site.html_files())


def test_without_editor_or_editar_url_there_is_no_link_and_no_admin(sample_site):
    assert not (sample_site.output / "admin").exists()
    for path in sample_site.html_files():
        text = path.read_text(encoding="utf-8")
        assert "admin/" not in text, path
        assert "Editar esta página" not in text, path


def test_admin_is_built_with_its_config_and_bundle(editor_site):
    admin = editor_site.output / "admin"
    page = (admin / "index.html").read_text(encoding="utf-8")
    assert '<script src="decap-cms.js"></script>' in page
    assert 'name="robots" content="noindex, nofollow"' in page
    config = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert config["backend"] == BACKEND
    assert config["publish_mode"] == "editorial_workflow"
    assert config["site_url"] == "https://chitaga-nortedesantander.gov.co"  # entidad.yml dominio
    assert len(config["collections"]) == len(editor_config(oficinas(), BACKEND)["collections"])
    bundle = admin / "decap-cms.js"
    assert bundle.stat().st_size > 1_000_000
    assert (admin / "decap-cms.js.LICENSE.txt").is_file()
    assert not list(admin.glob("*.map"))  # source maps stay in node_modules


def test_citizen_pages_reference_admin_only_through_the_edit_link(editor_site):
    for path in editor_site.html_files():
        if path.parent.name == "admin":
            continue
        page = editor_site.page("/" + path.relative_to(editor_site.output).as_posix())
        for element in page.find_all(True):
            for value in element.attrs.values():
                if "admin/" in str(value):
                    assert element.name == "a" and element.get_text() == "Editar esta página"
        # No page loads the editor: the one script of the site is /buscar/'s own.
        scripts = [script["src"] for script in page.find_all("script", src=True)]
        url = "/" + path.parent.relative_to(editor_site.output).as_posix() + "/"
        assert scripts == (["buscar.js"] if url == "/buscar/" else []), path


def test_a_bad_backend_fails_the_build_with_its_reason_and_writes_nothing(tmp_path):
    output = tmp_path / "output"
    with pytest.raises(BuildFailed, match="gitlab, github, gitea o forgejo"):
        build_site(SAMPLE_CONTENT, output, PREVIEW_SETTINGS,
                   {"EDITOR_WEB": {"backend": {"name": "svn", "repo": "a", "branch": "b"}}})
    assert not output.exists()
    assert not list(tmp_path.iterdir())


def test_edit_links_keep_pages_in_their_budget(editor_site):
    # The build refuses a page over budget; this one succeeded, so every page fits.
    assert (editor_site.output / "tramites" / "certificado-de-residencia" / "index.html").exists()
    assert Path(editor_site.output / "admin" / "index.html").stat().st_size < 1024


def test_pages_with_edit_links_and_the_admin_page_are_valid_html(editor_site, forge_site):
    java = shutil.which("java")
    assert java is not None, "Falta Java: ejecute `bash tests/ejecutar.sh`"
    assert VNU_JAR.is_file(), "Falta vnu.jar: ejecute `npm ci`"
    files = [site.file_for(url) for site in (editor_site, forge_site) for url in sample_pages()]
    files.append(editor_site.output / "admin" / "index.html")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
         *map(str, files)],
        capture_output=True, text=True, timeout=300, check=False)
    messages = [message for message in json.loads(result.stdout)["messages"]
                if message.get("type") != "info"]
    assert messages == []


# --- invoke editor: what goes wrong before the browser opens -------------------------------

INVOKE = Path(sys.executable).with_name("invoke")


def run_editor(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(INVOKE), "editor", *arguments], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


def test_editor_refuses_a_busy_port_with_a_message(content_copy, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_editor("--contenido", str(content_copy), "--salida", str(tmp_path / "out"),
                            "--puerto", str(port + 1 if port < 65535 else port - 1),
                            "--puerto-editor", str(port))
    assert result.returncode == 1
    assert f"el puerto {port} ya está ocupado" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out").exists()


def test_editor_needs_valid_offices(content_copy, tmp_path):
    (content_copy / "oficinas.yml").write_text("oficinas: [\n", encoding="utf-8")
    result = run_editor("--contenido", str(content_copy), "--salida", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "content/oficinas.yml:" in result.stderr
    assert "El editor necesita entidad.yml y oficinas.yml sin errores." in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_turning_the_links_off_again_removes_them_from_the_same_output(tmp_path):
    # Each setting keeps its own page cache; the folder built with EDITAR_URL must not lend
    # its pages (with the link) to the next build without it.
    output, page = tmp_path / "output", "tramites/certificado-de-residencia/index.html"
    for overrides, linked in (({}, False), ({"EDITAR_URL": EDIT_BASE}, True), ({}, False)):
        build_site(SAMPLE_CONTENT, output, PREVIEW_SETTINGS, overrides)
        assert ("Editar esta página" in (output / page).read_text(encoding="utf-8")) is linked


def test_content_kept_elsewhere_in_the_repository_is_named_by_ruta_contenido():
    class Item:  # what the readers give every content item
        source_path = str(SAMPLE_CONTENT / "tramites" / "gobierno" / "x.yml")
        tipo_contenido, oficina = "tramites", "gobierno"

    settings = {"PATH": str(SAMPLE_CONTENT), "EDITAR_URL": EDIT_BASE,
                "EDITOR_WEB": None}
    assert edit_link(Item(), settings) == f"{EDIT_BASE}/content/tramites/gobierno/x.yml"
    settings["EDITOR_WEB"] = {"backend": BACKEND, "ruta_contenido": "sitio/contenido/"}
    assert content_prefix(settings) == "sitio/contenido"
    config = editor_config(oficinas(), BACKEND, content_prefix=content_prefix(settings))
    assert collection(config, "tramites-gobierno")["folder"] == "sitio/contenido/tramites/gobierno"
    assert collection(config, "tramites-gobierno")["media_folder"] == (
        "/sitio/contenido/adjuntos/gobierno")
    assert edit_link(Item(), settings) == "admin/#/collections/tramites-gobierno/entries/x"
    settings.pop("EDITOR_WEB")
    assert edit_link(Item(), {**settings, "EDITAR_URL": None}) is None


def test_the_public_site_gets_the_editor_precompressed(tmp_path):
    target = tmp_path / "admin"
    write_editor(target, editor_config(oficinas(), BACKEND), "Alcaldía", precompressed=True)
    for script in target.glob("*.js"):
        packed = (target / f"{script.name}.gz").read_bytes()
        assert gzip.decompress(packed) == script.read_bytes()
        assert packed[4:8] == b"\0\0\0\0"  # no timestamp: reproducible builds
    assert len((target / "decap-cms.js.gz").read_bytes()) < 2_000_000
    write_editor(tmp_path / "vista", editor_config(oficinas(), BACKEND), "Alcaldía")
    assert not list((tmp_path / "vista").glob("*.gz"))  # preview: nobody needs them


def test_invoke_editor_follows_a_new_office_without_a_restart(content_copy, tmp_path):
    admin = tmp_path / "admin"
    admin.mkdir()
    proxy = "http://127.0.0.1:8081/api/v1"
    assert refresh_local_config(admin, content_copy, proxy)
    before = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert before["backend"] == {"name": "proxy", "proxy_url": proxy, "branch": "main"}
    assert before["publish_mode"] == "simple"  # decap-server's fs mode has no workflow
    assert collection(before, "noticias-gobierno")["folder"] == "noticias/gobierno"
    oficinas_yml = content_copy / "oficinas.yml"
    oficinas_yml.write_text(oficinas_yml.read_text(encoding="utf-8") + (
        "  - id: cultura\n    nombre: Casa de la Cultura\n"
        "    correo: cultura@chitaga-nortedesantander.gov.co\n    responsable: Director\n"),
        encoding="utf-8")
    assert refresh_local_config(admin, content_copy, proxy)
    after = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert collection(after, "tramites-cultura")["media_folder"] == "/adjuntos/cultura"
    oficinas_yml.write_text("oficinas: [\n", encoding="utf-8")  # broken: the old one stays
    assert not refresh_local_config(admin, content_copy, proxy)
    assert yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8")) == after
