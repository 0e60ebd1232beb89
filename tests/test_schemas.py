"""The schemas: valid Draft 2020-12, documented for editors, and true to DESIGN.md §3."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from municipal.content.schemas import SCHEMA_NAMES, SCHEMAS_DIR

SCHEMA_FILES = sorted(SCHEMAS_DIR.glob("*.schema.json"))

# DESIGN.md §3: the binding field names of each kind, top level.
DESIGN_FIELDS = {
    "entidad": "nombre nit departamento municipio direccion telefono horario correo_contacto "
               "correo_notificaciones_judiciales dominio lema escudo linea_gratuita "
               "linea_anticorrupcion redes administracion",
    "oficinas": "oficinas",
    "plan": "acciones",
    "transparencia": "items",
    "noticia": "titulo fecha resumen etiquetas imagen borrador",
    "evento": "titulo fecha hora tipo lugar resumen asistentes borrador",
    "pagina": "titulo resumen orden seccion",
    "tramite": "nombre descripcion dirigido_a requisitos documentos costo tiempo_respuesta "
               "canales normatividad formularios codigo_suit palabras_clave",
    "contrato": "referencia proceso modalidad tipo objeto valor contratista fecha_firma "
                "fecha_inicio fecha_fin fecha_cierre estado supervisor url_secop documentos "
                "ejecucion adiciones",
    "visitas": "mes visitas visitantes secciones origenes",
}
DESIGN_REQUIRED = {
    "entidad": "nombre nit departamento municipio direccion telefono horario correo_contacto "
               "correo_notificaciones_judiciales dominio",
    "oficinas": "oficinas",
    "plan": "acciones",
    "transparencia": "items",
    "noticia": "titulo fecha resumen",
    "evento": "titulo fecha tipo lugar resumen",
    "pagina": "titulo",
    "tramite": "nombre descripcion dirigido_a requisitos costo tiempo_respuesta canales",
    "contrato": "referencia modalidad tipo objeto valor estado",
    "visitas": "mes visitas visitantes",
}
NEEDS_MESSAGE = ("pattern", "oneOf", "anyOf", "not", "x-linea")


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def convention_problems(node, where="#", fields=True) -> list[str]:
    """Every field documented in Spanish; every enum named; every rule explained.

    `fields` is False inside rule blocks (then), whose properties only
    restrict fields documented at the top.
    """
    if not isinstance(node, dict):
        return [f"{where}: boolean schemas are not allowed"]
    problems = [f"{where}/properties/{name}: title and description"
                for name, child in node.get("properties", {}).items()
                if fields and not (child.get("title") and child.get("description"))]
    if "enum" in node and not node.get("x-sustantivo"):
        problems.append(f"{where}: enum without x-sustantivo")
    if any(key in node for key in NEEDS_MESSAGE) and not node.get("x-mensaje"):
        problems.append(f"{where}: rule without x-mensaje")
    if "$ref" in node and set(node) - {"$ref", "title", "description"}:
        problems.append(f"{where}: constraints next to $ref")
    if node.get("type") == "object" and node.get("additionalProperties") is not False:
        problems.append(f"{where}: object allowing unknown fields")
    for path, child, child_fields in _subschemas(node, where, fields):
        problems += convention_problems(child, path, child_fields)
    return problems


def _subschemas(node, where, fields):
    """(location, subschema, documented?) of the schemas nested in node; not `if`."""
    for key, value in node.items():
        if key in ("properties", "$defs"):
            for name, child in value.items():
                yield f"{where}/{key}/{name}", child, fields
        elif key in ("items", "not", "then"):
            yield f"{where}/{key}", value, fields and key != "then"
        elif key in ("allOf", "anyOf", "oneOf"):
            for index, child in enumerate(value):
                yield f"{where}/{key}/{index}", child, fields


def test_there_is_one_schema_per_kind():
    assert sorted(path.name for path in SCHEMA_FILES) == sorted(
        f"{name}.schema.json" for name in set(SCHEMA_NAMES.values()))


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda path: path.name)
def test_schema_is_valid_draft_2020_12(path):
    schema = load(path)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda path: path.name)
def test_schema_documents_every_field_for_editors(path):
    schema = load(path)
    assert schema["title"] and schema["description"]
    assert convention_problems(schema) == []


@pytest.mark.parametrize("name", sorted(DESIGN_FIELDS))
def test_schema_fields_are_the_design_contract(name):
    schema = load(SCHEMAS_DIR / f"{name}.schema.json")
    assert sorted(schema["properties"]) == sorted(DESIGN_FIELDS[name].split())
    assert sorted(schema["required"]) == sorted(DESIGN_REQUIRED[name].split())
    assert schema["additionalProperties"] is False


def test_enums_are_the_design_contract():
    contrato = load(SCHEMAS_DIR / "contrato.schema.json")["properties"]
    assert contrato["modalidad"]["enum"] == [
        "licitacion_publica", "seleccion_abreviada", "concurso_de_meritos",
        "contratacion_directa", "minima_cuantia", "regimen_especial"]
    assert contrato["estado"]["enum"] == [
        "convocado", "adjudicado", "celebrado", "en_ejecucion", "suspendido",
        "terminado", "liquidado", "desierto"]
    assert contrato["contratista"]["properties"]["tipo_documento"]["enum"] == [
        "NIT", "CC", "CE", "PA"]
    evento = load(SCHEMAS_DIR / "evento.schema.json")["properties"]
    assert evento["tipo"]["enum"] == [
        "socializacion", "divulgacion", "rendicion_de_cuentas", "empalme", "capacitacion",
        "otro"]
    assert evento["resumen"]["maxLength"] == 300
    assert (evento["asistentes"]["type"], evento["asistentes"]["minimum"]) == ("integer", 0)
    plan = load(SCHEMAS_DIR / "plan.schema.json")["properties"]["acciones"]["items"]
    assert plan["properties"]["meta_anual"]["enum"] == [1, 2, 3, 4, 6, 12]
    assert plan["properties"]["tipos"]["items"]["enum"] == [
        "noticias", "tramites", "contratos", "paginas", "eventos"]
    assert plan["properties"]["tipos_evento"]["items"]["enum"] == evento["tipo"]["enum"]


def test_the_editor_settings_point_each_yaml_kind_to_its_schema():
    settings = json.loads((SCHEMAS_DIR.parent / ".vscode" / "settings.json").read_text(
        encoding="utf-8"))
    mapping = {glob: schema for schema, glob in settings["yaml.schemas"].items()}
    assert mapping == {
        "content/entidad.yml": "./schemas/entidad.schema.json",
        "content/oficinas.yml": "./schemas/oficinas.schema.json",
        "content/plan.yml": "./schemas/plan.schema.json",
        "content/tramites/*/*.yml": "./schemas/tramite.schema.json",
        "content/contratos/*/*.yml": "./schemas/contrato.schema.json",
    }
    for schema in mapping.values():
        assert (SCHEMAS_DIR.parent / schema).is_file()
