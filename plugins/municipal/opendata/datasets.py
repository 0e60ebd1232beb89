"""The datasets of /datos/ as columns: one description gives the CSV, the JSON, its schema
and the data dictionary (DESIGN.md §10).

Pure functions: items (Pelican content objects or plain dicts) in, rows and text out.
A `Column` says what a field is (name in the CSV, key in the JSON, type, meaning in
Spanish); each dataset's `rows()` turns its items into dicts keyed by those keys.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..site.labels import LABELS

# Types as the data dictionary names them, and their JSON Schema.
TEXT, INTEGER, NUMBER, DATE, URL, LIST, BOOLEAN = (
    "texto", "número entero", "número", "fecha (AAAA-MM-DD)", "dirección web",
    "lista de textos", "sí o no")
_JSON_TYPES = {
    TEXT: {"type": "string"},
    INTEGER: {"type": "integer", "minimum": 0},
    NUMBER: {"type": "number", "minimum": 0},
    DATE: {"type": "string", "format": "date"},
    URL: {"type": "string", "format": "uri-reference"},
    LIST: {"type": "array", "items": {"type": "string"}},
    BOOLEAN: {"type": "boolean"},
}
LIST_SEPARATOR = "\n"
"""Items of a list share one CSV cell, one per line: list items never hold a line break."""
CSV_YES, CSV_NO = "sí", "no"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class Column:
    key: str  # field of the JSON records
    name: str  # header of the CSV column
    type: str
    meaning: str  # in Spanish, for the data dictionary
    required: bool = False
    values: tuple[str, ...] = ()  # the codes it may hold, if a closed list

    def json_schema(self) -> dict:
        schema = {"title": self.name, "description": self.meaning,
                  **copy.deepcopy(_JSON_TYPES[self.type])}
        if self.values:
            target = schema["items"] if self.type == LIST else schema
            target["enum"] = list(self.values)
        if not self.required:
            schema = {"title": self.name, "description": self.meaning,
                      "anyOf": [{k: v for k, v in schema.items()
                                 if k not in ("title", "description")}, {"type": "null"}]}
        return schema


@dataclass(frozen=True)
class Distribution:
    """One file of a dataset: its path from the site root, format and media type."""

    path: str
    format: str  # CSV, JSON, OCDS
    media_type: str
    schema: str | None = None  # path of the JSON Schema it conforms to, if any


@dataclass
class Dataset:
    id: str
    title: str
    description: str
    keywords: tuple[str, ...]
    columns: tuple[Column, ...] = ()
    kinds: tuple[str, ...] = ()  # content kinds whose updates change it
    root_files: tuple[str, ...] = ()  # files of the content root whose changes change it
    distributions: list[Distribution] = field(default_factory=list)
    notes: str = ""  # a sentence the page adds (e.g. about OCDS)


def _codes(label_group: str) -> tuple[str, ...]:
    return tuple(LABELS[label_group])


def _values_text(label_group: str) -> str:
    return "; ".join(f"{code} ({label})" for code, label in LABELS[label_group].items())


CONTRATOS_COLUMNS = (
    Column("referencia", "Referencia del Contrato", TEXT,
           "Número del contrato o del proceso, por ejemplo CPS-012-2026.", required=True),
    Column("proceso", "Proceso de Compra", TEXT,
           "Identificador del proceso en el SECOP II, si lo tiene."),
    Column("nit_entidad", "Nit Entidad", TEXT, "NIT de la entidad que contrata.",
           required=True),
    Column("oficina", "Dependencia", TEXT,
           "Identificador de la dependencia que publica el contrato (ver el directorio de "
           "dependencias).", required=True),
    Column("modalidad", "Modalidad de Contratacion", TEXT,
           "Modalidad de selección: " + _values_text("modalidad") + ".", required=True,
           values=_codes("modalidad")),
    Column("tipo", "Tipo de Contrato", TEXT,
           "Tipo de contrato: " + _values_text("tipo_contrato") + ".", required=True,
           values=_codes("tipo_contrato")),
    Column("objeto", "Objeto del Contrato", TEXT, "Qué se contrata.", required=True),
    Column("estado", "Estado Contrato", TEXT,
           "Estado del proceso: " + _values_text("estado") + ".", required=True,
           values=_codes("estado")),
    Column("valor", "Valor del Contrato", INTEGER,
           "Valor inicial en pesos colombianos; en un proceso abierto o desierto, el "
           "presupuesto oficial.", required=True),
    Column("valor_adiciones", "Valor Adicionado", INTEGER,
           "Suma en pesos de las adiciones al contrato (0 si no tiene).", required=True),
    Column("dias_adicionados", "Dias Adicionados", INTEGER,
           "Suma de los días de prórroga de las adiciones (0 si no tiene).", required=True),
    Column("valor_pagado", "Valor Pagado", INTEGER,
           "Pesos pagados al contratista hasta la fecha de corte, si se informó."),
    Column("fecha_corte", "Fecha de Corte de la Ejecucion", DATE,
           "Fecha a la que corresponden el valor pagado y el avance físico."),
    Column("porcentaje_avance", "Porcentaje de Avance Fisico", NUMBER,
           "Avance físico del contrato a la fecha de corte, de 0 a 100."),
    Column("contratista_tipo_documento", "TipoDocProveedor", TEXT,
           "Tipo de documento del contratista: " + _values_text("tipo_documento") + ".",
           values=_codes("tipo_documento")),
    Column("contratista_documento", "Documento Proveedor", TEXT,
           "Número de documento (NIT o cédula) del contratista."),
    Column("contratista_nombre", "Proveedor Adjudicado", TEXT,
           "Nombre del contratista o de quien ganó el proceso."),
    Column("fecha_cierre", "Fecha de Cierre", DATE,
           "Último día para presentar ofertas, en los procesos con convocatoria."),
    Column("fecha_firma", "Fecha de Firma", DATE, "Fecha en que se firmó el contrato."),
    Column("fecha_inicio", "Fecha de Inicio del Contrato", DATE, "Fecha del acta de inicio."),
    Column("fecha_fin", "Fecha de Fin del Contrato", DATE, "Fecha prevista de terminación."),
    Column("supervisor", "Supervisor", TEXT, "Cargo de quien supervisa el contrato."),
    Column("url_secop", "URLProceso", URL, "Dirección del proceso en el SECOP."),
    Column("url", "URL en el Sitio", URL, "Dirección de la página del contrato en este sitio.",
           required=True),
)

TRAMITES_COLUMNS = (
    Column("nombre", "Nombre", TEXT, "Nombre del trámite o servicio.", required=True),
    Column("oficina", "Dependencia", TEXT,
           "Identificador de la dependencia responsable (ver el directorio de dependencias).",
           required=True),
    Column("descripcion", "Descripción", TEXT, "En qué consiste y para qué sirve.",
           required=True),
    Column("dirigido_a", "Dirigido a", LIST,
           "Quién puede hacerlo: " + _values_text("dirigido_a") + ".", required=True,
           values=_codes("dirigido_a")),
    Column("requisitos", "Requisitos", LIST, "Requisitos, uno por línea.", required=True),
    Column("documentos", "Documentos", LIST, "Documentos que se deben llevar, uno por línea.",
           required=True),
    Column("gratuito", "Gratuito", BOOLEAN, "«sí» si el trámite no tiene costo.",
           required=True),
    Column("costo_valor", "Costo", NUMBER, "Valor del costo, en la unidad de la columna "
           "siguiente (vacío si es gratuito)."),
    Column("costo_unidad", "Unidad del Costo", TEXT,
           "Unidad del costo: " + _values_text("unidad") + ".", values=_codes("unidad")),
    Column("costo_detalle", "Detalle del Costo", TEXT, "Aclaración sobre el costo."),
    Column("dias_habiles", "Tiempo de Respuesta en Días Hábiles", INTEGER,
           "Días hábiles que tarda la respuesta, si se conocen."),
    Column("tiempo_detalle", "Detalle del Tiempo de Respuesta", TEXT,
           "Aclaración sobre el tiempo de respuesta."),
    Column("canales", "Canales de Atención", LIST,
           "Dónde y cómo hacerlo, uno por línea: tipo de canal, detalle, dirección, horario "
           "y enlace.", required=True),
    Column("normatividad", "Normatividad", LIST, "Normas que lo regulan, una por línea.",
           required=True),
    Column("formularios", "Formularios", LIST,
           "Direcciones de los formularios para descargar, una por línea.", required=True),
    Column("codigo_suit", "Código SUIT", TEXT,
           "Número del trámite en el Sistema Único de Información de Trámites."),
    Column("palabras_clave", "Palabras Clave", LIST, "Otras palabras con que se busca.",
           required=True),
    Column("url", "URL en el Sitio", URL, "Dirección de la página del trámite en este sitio.",
           required=True),
)

OFICINAS_COLUMNS = (
    Column("id", "Identificador", TEXT,
           "Identificador de la dependencia (el que usan los demás conjuntos de datos).",
           required=True),
    Column("nombre", "Nombre", TEXT, "Nombre de la dependencia.", required=True),
    Column("responsable", "Responsable", TEXT, "Cargo de quien la dirige.", required=True),
    Column("correo", "Correo Electrónico", TEXT, "Correo institucional.", required=True),
    Column("telefono", "Teléfono", TEXT, "Teléfono y extensión, si los tiene."),
    Column("horario", "Horario de Atención", TEXT,
           "Horario propio; vacío si es el de la entidad."),
    Column("url", "URL en el Sitio", URL, "Dirección de la página de la dependencia.",
           required=True),
)

NOTICIAS_COLUMNS = (
    Column("titulo", "Título", TEXT, "Título de la noticia.", required=True),
    Column("fecha", "Fecha", DATE, "Fecha de publicación.", required=True),
    Column("oficina", "Dependencia", TEXT, "Identificador de la dependencia que la publica.",
           required=True),
    Column("resumen", "Resumen", TEXT, "Resumen de una o dos frases.", required=True),
    Column("etiquetas", "Temas", LIST, "Temas de la noticia.", required=True),
    Column("imagen", "Imagen", URL, "Dirección de la foto, si tiene."),
    Column("imagen_alt", "Descripción de la Imagen", TEXT, "Qué muestra la foto."),
    Column("texto_html", "Texto", TEXT, "Texto completo de la noticia, en HTML.",
           required=True),
    Column("url", "URL en el Sitio", URL, "Dirección de la noticia en este sitio.",
           required=True),
)

EVENTOS_COLUMNS = (
    Column("titulo", "Título", TEXT, "Nombre del evento.", required=True),
    Column("fecha", "Fecha", DATE, "Día del evento.", required=True),
    Column("hora", "Hora", TEXT, "Hora de inicio, HH:MM en 24 horas (vacía si dura todo el "
           "día)."),
    Column("tipo", "Tipo de Evento", TEXT, "Tipo: " + _values_text("tipo_evento") + ".",
           required=True, values=_codes("tipo_evento")),
    Column("lugar", "Lugar", TEXT, "Sitio, vereda o sector donde se hace.", required=True),
    Column("oficina", "Dependencia", TEXT, "Identificador de la dependencia que lo organiza.",
           required=True),
    Column("resumen", "Resumen", TEXT, "De qué se trata.", required=True),
    Column("asistentes", "Asistentes", INTEGER,
           "Cuántas personas asistieron, si ya se hizo y se registró."),
    Column("url", "URL en el Sitio", URL, "Dirección de la página del evento.", required=True),
)

CUMPLIMIENTO_COLUMNS = (
    Column("accion", "accion", TEXT, "Identificador de la acción del plan.", required=True),
    Column("oficina", "oficina", TEXT, "Identificador de la dependencia.", required=True),
    Column("vigencia", "vigencia", INTEGER, "Año evaluado.", required=True),
    Column("meta_anual", "meta_anual", INTEGER, "Actualizaciones que pide el plan al año.",
           required=True),
    Column("periodos_cumplidos", "periodos_cumplidos", INTEGER,
           "Períodos esperados con al menos una actualización.", required=True),
    Column("periodos_esperados", "periodos_esperados", INTEGER,
           "Períodos que ya se pueden evaluar.", required=True),
    Column("cumplimiento", "cumplimiento", NUMBER,
           "Cumplidos sobre esperados, de 0 a 1 (vacío si no hay períodos esperados)."),
    Column("estado", "estado", TEXT, "cumple, parcial, incumple o sin_datos.", required=True),
    Column("ultima_actualizacion", "ultima_actualizacion", DATE,
           "Fecha de la última actualización de la dependencia para esa acción."),
)

TRANSPARENCIA_COLUMNS = (
    Column("id", "id", TEXT, "Número de la sección del menú de transparencia (Res. 1519 de "
           "2020).", required=True),
    Column("categoria", "categoria", TEXT, "Número de su categoría.", required=True),
    Column("nombre", "nombre", TEXT, "Nombre exacto de la sección.", required=True),
    Column("estado", "estado", TEXT, "publicado, no_aplica o pendiente.", required=True),
    Column("urls", "urls", LIST, "Dónde se publica (en el CSV, separadas por un espacio).",
           required=True),
    Column("motivo", "motivo", TEXT, "Por qué no aplica, si es el caso."),
)

ESQUEMA_COLUMNS = (
    Column("nombre", "nombre", TEXT, "Nombre o título de la información.", required=True),
    Column("idioma", "idioma", TEXT, "Idioma en que se publica.", required=True),
    Column("medio_de_conservacion", "medio_de_conservacion", TEXT,
           "Medio de conservación (electrónico).", required=True),
    Column("formato", "formato", TEXT, "Formato en que se publica (HTML, CSV, PDF…).",
           required=True),
    Column("fecha_de_generacion", "fecha_de_generacion", DATE,
           "Fecha de la primera publicación según el historial."),
    Column("frecuencia_de_actualizacion", "frecuencia_de_actualizacion", TEXT,
           "Cada cuánto se actualiza según el plan de acción, o «Cuando cambia».",
           required=True),
    Column("lugar_de_consulta", "lugar_de_consulta", URL, "Dónde se consulta en el sitio.",
           required=True),
    Column("responsable_de_la_produccion", "responsable_de_la_produccion", TEXT,
           "Dependencia que la produce.", required=True),
    Column("responsable_de_la_informacion", "responsable_de_la_informacion", TEXT,
           "Cargo responsable de la información.", required=True),
)

# --- Rows -------------------------------------------------------------------------------


def _get(item, name, default=None):
    """A field of a Pelican content object (attribute) or of a dict."""
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def contract_row(item, nit: str, base_url: str) -> dict:
    contratista = _get(item, "contratista") or {}
    ejecucion = _get(item, "ejecucion") or {}
    adiciones = _get(item, "adiciones") or []
    return {
        "referencia": _get(item, "referencia"),
        "proceso": _get(item, "proceso"),
        "nit_entidad": nit,
        "oficina": _get(item, "oficina"),
        "modalidad": _get(item, "modalidad"),
        "tipo": _get(item, "tipo"),
        "objeto": _get(item, "objeto"),
        "estado": _get(item, "estado"),
        "valor": _get(item, "valor"),
        "valor_adiciones": sum(adicion.get("valor") or 0 for adicion in adiciones),
        "dias_adicionados": sum(adicion.get("dias") or 0 for adicion in adiciones),
        "valor_pagado": ejecucion.get("valor_pagado"),
        "fecha_corte": ejecucion.get("fecha_corte"),
        "porcentaje_avance": ejecucion.get("porcentaje"),
        "contratista_tipo_documento": contratista.get("tipo_documento"),
        "contratista_documento": contratista.get("documento"),
        "contratista_nombre": contratista.get("nombre"),
        "fecha_cierre": _get(item, "fecha_cierre"),
        "fecha_firma": _get(item, "fecha_firma"),
        "fecha_inicio": _get(item, "fecha_inicio"),
        "fecha_fin": _get(item, "fecha_fin"),
        "supervisor": _get(item, "supervisor"),
        "url_secop": _get(item, "url_secop"),
        "url": f"{base_url}/{item.url}",
    }


def tramite_row(item, base_url: str) -> dict:
    costo = _get(item, "costo") or {}
    tiempo = _get(item, "tiempo_respuesta") or {}
    return {
        "nombre": _get(item, "nombre"),
        "oficina": _get(item, "oficina"),
        "descripcion": _get(item, "descripcion"),
        "dirigido_a": list(_get(item, "dirigido_a") or []),
        "requisitos": list(_get(item, "requisitos") or []),
        "documentos": list(_get(item, "documentos") or []),
        "gratuito": costo.get("gratuito") is True,
        "costo_valor": costo.get("valor"),
        "costo_unidad": costo.get("unidad") or ("COP" if "valor" in costo else None),
        "costo_detalle": costo.get("detalle"),
        "dias_habiles": tiempo.get("dias_habiles"),
        "tiempo_detalle": tiempo.get("detalle"),
        "canales": [channel_text(canal) for canal in _get(item, "canales") or []],
        "normatividad": [
            f"{norma['norma']} ({norma['enlace']})" if norma.get("enlace") else norma["norma"]
            for norma in _get(item, "normatividad") or []],
        "formularios": [f"{base_url}/{formulario['archivo']}"
                        for formulario in _get(item, "formularios") or []],
        "codigo_suit": _get(item, "codigo_suit"),
        "palabras_clave": [str(word) for word in _get(item, "palabras_clave") or []],
        "url": f"{base_url}/{item.url}",
    }


def channel_text(canal: dict) -> str:
    """`En persona: Ventanilla… Dirección: … Horario: … https://…` on one line."""
    parts = [f"{LABELS['canal'].get(canal['tipo'], canal['tipo'])}: {canal['detalle']}"]
    if canal.get("direccion"):
        parts.append(f"Dirección: {canal['direccion']}")
    if canal.get("horario"):
        parts.append(f"Horario: {canal['horario']}")
    if canal.get("url"):
        parts.append(canal["url"])
    return " ".join(" ".join(part.split()) for part in parts)


def office_row(office, base_url: str) -> dict:
    data = office.data
    return {
        "id": data["id"],
        "nombre": data["nombre"],
        "responsable": data["responsable"],
        "correo": data["correo"],
        "telefono": data.get("telefono"),
        "horario": data.get("horario"),
        "url": f"{base_url}/{office.url}",
    }


def news_row(article, base_url: str) -> dict:
    foto = getattr(article, "foto", None)
    imagen = getattr(article, "imagen", None) or {}
    return {
        "titulo": str(article.titulo),
        "fecha": article.date.strftime("%Y-%m-%d"),
        "oficina": article.oficina,
        "resumen": str(article.resumen),
        "etiquetas": [str(tag) for tag in getattr(article, "etiquetas", None) or []],
        "imagen": f"{base_url}/{foto.src}" if foto is not None else None,
        "imagen_alt": imagen.get("alt") if foto is not None else None,
        "texto_html": article.content,
        "url": f"{base_url}/{article.url}",
    }


def event_row(event, url: str) -> dict:
    """An event of site/events.py (front matter in `data`) and the address of its page."""
    data = event.data
    return {
        "titulo": str(data["titulo"]),
        "fecha": str(data["fecha"]),
        "hora": data.get("hora"),
        "tipo": data["tipo"],
        "lugar": str(data["lugar"]),
        "oficina": event.oficina,
        "resumen": str(data["resumen"]),
        "asistentes": data.get("asistentes"),
        "url": url,
    }


# --- Files ------------------------------------------------------------------------------


def to_csv(columns: Iterable[Column], rows: Iterable[dict]) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheet programs read the accents right."""
    columns = tuple(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    for row in rows:
        writer.writerow([_csv_cell(column, row.get(column.key)) for column in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(column: Column, value) -> str:
    if value is None:
        return ""
    if column.type == LIST:
        return LIST_SEPARATOR.join(str(item) for item in value)
    if column.type == BOOLEAN:
        return CSV_YES if value else CSV_NO
    return str(value)


def to_json(dataset: Dataset, rows: list[dict], licence_url: str) -> str:
    document = {"conjunto": dataset.id, "titulo": dataset.title,
                "descripcion": dataset.description, "licencia": licence_url,
                "registros": rows}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def json_schema(dataset: Dataset, schema_url: str) -> str:
    """The JSON Schema (draft 2020-12) of the dataset's JSON file."""
    record = {
        "type": "object",
        "additionalProperties": False,
        "required": [column.key for column in dataset.columns],
        "properties": {column.key: column.json_schema() for column in dataset.columns},
    }
    schema = {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": schema_url,
        "title": f"{dataset.title} (JSON)",
        "description": dataset.description,
        "type": "object",
        "additionalProperties": False,
        "required": ["conjunto", "titulo", "descripcion", "licencia", "registros"],
        "properties": {
            "conjunto": {"const": dataset.id},
            "titulo": {"type": "string"},
            "descripcion": {"type": "string"},
            "licencia": {"type": "string", "format": "uri"},
            "registros": {"type": "array", "items": record},
        },
    }
    if not schema_url.startswith("https://"):
        del schema["$id"]  # a preview build has no domain to name it by
    return json.dumps(schema, ensure_ascii=False, indent=1) + "\n"

