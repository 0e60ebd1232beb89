"""The contracts as an OCDS 1.1 release package (Open Contracting Data Standard).

One release per contract or process, a snapshot of what the site publishes about it
today: `ocid` = OCDS_PREFIJO + "-" + (proceso or referencia), tags from `estado`,
the entity as buyer and procuring entity, the contractor as supplier, values in COP,
additions as amendments and the execution report as an implementation milestone.
Pure: contracts, the entity and the publication time in; a dict out.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re

from ..site.labels import LABELS

OCDS_VERSION = "1.1"
PLACEHOLDER_PREFIX = "ocds-xxxxxx"
"""The sample's prefix: a real entity registers its own with the Open Contracting Partnership."""
PREFIX_PATTERN = re.compile(r"ocds-[a-z0-9]{6}")
CURRENCY = "COP"
OFFSET = "-05:00"  # Colombia has no daylight saving time

# estado → (tags, tender status, award status, contract status). Closed codelists of OCDS 1.1.
_STATES = {
    "convocado": (["tender"], "active", None, None),
    "desierto": (["tender"], "unsuccessful", None, None),
    "adjudicado": (["award"], "complete", "active", None),
    "celebrado": (["contract"], "complete", "active", "active"),
    "en_ejecucion": (["contract"], "complete", "active", "active"),
    "suspendido": (["contract"], "complete", "active", "active"),
    "terminado": (["contract", "contractTermination"], "complete", "active", "terminated"),
    "liquidado": (["contract", "contractTermination"], "complete", "active", "terminated"),
}
# modalidad → procurementMethod (closed codelist: open, selective, limited, direct).
_METHODS = {
    "licitacion_publica": "open",
    "seleccion_abreviada": "open",
    "concurso_de_meritos": "open",
    "minima_cuantia": "open",
    "contratacion_directa": "direct",
    "regimen_especial": "limited",
}
# tipo → mainProcurementCategory (closed: goods, works, services); convenio and otro: none.
_CATEGORIES = {
    "obra": "works",
    "suministro": "goods",
    "compraventa": "goods",
    "prestacion_de_servicios": "services",
    "consultoria": "services",
    "interventoria": "services",
    "arrendamiento": "services",
}


class BadPrefix(ValueError):
    """OCDS_PREFIJO is not an OCDS prefix; the message is in Spanish."""


def check_prefix(prefix: str) -> str:
    if not isinstance(prefix, str) or not PREFIX_PATTERN.fullmatch(prefix):
        raise BadPrefix(
            f"pelicanconf.py: OCDS_PREFIJO {prefix!r} no es un prefijo OCDS: debe ser "
            "«ocds-» y seis letras minúsculas o cifras (por ejemplo ocds-a1b2c3), el que "
            "la Open Contracting Partnership asigna a la entidad")
    return prefix


def ocid(prefix: str, contract) -> str:
    return f"{prefix}-{_get(contract, 'proceso') or _get(contract, 'referencia')}"


def release_package(contracts, entidad: dict, prefix: str, published: datetime.date, *,
                    package_uri: str, site_url: str, licence_url: str,
                    policy_url: str) -> dict:
    """The release package: every contract, in the order given.

    `published` is the site's cut-off date (SOURCE_DATE_EPOCH, else today): the same
    content gives the same package all day, and exactly the same with SOURCE_DATE_EPOCH.
    """
    published_text = _start_of_day(published.isoformat())
    return {
        "uri": package_uri,
        "version": OCDS_VERSION,
        "publishedDate": published_text,
        "publisher": {"name": entidad["nombre"], "uri": site_url},
        "license": licence_url,
        "publicationPolicy": policy_url,
        "releases": [release(contract, entidad, prefix, published_text, site_url)
                     for contract in contracts],
    }


def release(contract, entidad: dict, prefix: str, date: str, site_url: str) -> dict:
    estado = _get(contract, "estado")
    tags, tender_status, award_status, contract_status = _STATES[estado]
    tags = list(tags)
    buyer = _entity_party(entidad)
    parties = [buyer]
    reference = {"id": buyer["id"], "name": buyer["name"]}
    body = {
        "ocid": ocid(prefix, contract),
        "date": date,
        "tag": tags,
        "initiationType": "tender",
        "language": "es",
        "parties": parties,
        "buyer": reference,
        "tender": _tender(contract, tender_status, reference, site_url),
    }
    contratista = _get(contract, "contratista")
    if award_status:
        supplier = _supplier_party(contratista)
        parties.append(supplier)
        body["awards"] = [{
            "id": f"{_get(contract, 'referencia')}-adjudicacion",
            "status": award_status,
            "suppliers": [{"id": supplier["id"], "name": supplier["name"]}],
            "value": _value(_get(contract, "valor")),
        }]
    if contract_status:
        signed, implementation = _contract(contract, contract_status, body["awards"][0]["id"])
        body["contracts"] = [signed]
        if implementation:
            tags.insert(tags.index("contract") + 1, "implementation")
        if signed.get("amendments"):
            tags.insert(tags.index("contract") + 1, "contractAmendment")
    # The id changes when (and only when) what the release says changes.
    undated = {key: value for key, value in body.items() if key != "date"}
    digest = hashlib.sha256(json.dumps(undated, sort_keys=True, ensure_ascii=False,
                                       default=str).encode()).hexdigest()
    return {"id": f"{body['ocid']}-{digest[:12]}", **body}


def _tender(contract, status: str, procuring: dict, site_url: str) -> dict:
    modalidad = _get(contract, "modalidad")
    tender = {
        "id": _get(contract, "proceso") or _get(contract, "referencia"),
        "title": _get(contract, "referencia"),
        "description": _get(contract, "objeto"),
        "status": status,
        "procuringEntity": procuring,
        "procurementMethod": _METHODS[modalidad],
        "procurementMethodDetails": LABELS["modalidad"][modalidad],
    }
    category = _CATEGORIES.get(_get(contract, "tipo"))
    if category:
        tender["mainProcurementCategory"] = category
    if _get(contract, "estado") in ("convocado", "desierto"):
        tender["value"] = _value(_get(contract, "valor"))  # the official budget
    if _get(contract, "fecha_cierre"):
        tender["tenderPeriod"] = {"endDate": _end_of_day(_get(contract, "fecha_cierre"))}
    documents = _documents(contract, site_url)
    if documents:
        tender["documents"] = documents
    return tender


def _contract(contract, status: str, award_id: str) -> tuple[dict, bool]:
    adiciones = _get(contract, "adiciones") or []
    added = sum(adicion.get("valor") or 0 for adicion in adiciones)
    signed = {
        "id": _get(contract, "referencia"),
        "awardID": award_id,
        "title": _get(contract, "referencia"),
        "description": _get(contract, "objeto"),
        "status": status,
        "value": _value(_get(contract, "valor") + added),  # the current value
        "dateSigned": _start_of_day(_get(contract, "fecha_firma")),
    }
    period = {}
    if _get(contract, "fecha_inicio"):
        period["startDate"] = _start_of_day(_get(contract, "fecha_inicio"))
    if _get(contract, "fecha_fin"):
        period["endDate"] = _end_of_day(_get(contract, "fecha_fin"))
    if period:
        signed["period"] = period
    if adiciones:
        signed["amendments"] = [_amendment(index, adicion)
                                for index, adicion in enumerate(adiciones, start=1)]
    ejecucion = _get(contract, "ejecucion")
    if ejecucion:
        signed["implementation"] = {"milestones": [_execution_report(ejecucion, signed)]}
    return signed, bool(ejecucion)


def _amendment(index: int, adicion: dict) -> dict:
    changes = []
    if adicion.get("valor"):
        changes.append(f"adición de {adicion['valor']} {CURRENCY}")
    if adicion.get("dias"):
        changes.append(f"prórroga de {adicion['dias']} días")
    summary = " y ".join(changes) or "modificación"
    return {
        "id": str(index),
        "date": _start_of_day(adicion["fecha"]),
        "description": f"{summary[0].upper()}{summary[1:]}.",
        "rationale": adicion["detalle"],
    }


def _execution_report(ejecucion: dict, signed: dict) -> dict:
    """The execution as of the cut date. Not a transaction: valor_pagado is the total paid
    so far, not one payment with its own date, and OCDS transactions are single payments."""
    text = (f"Informe de ejecución al {ejecucion['fecha_corte']}: pagado "
            f"{ejecucion['valor_pagado']} {CURRENCY} de {signed['value']['amount']} "
            f"{CURRENCY}")
    if ejecucion.get("porcentaje") is not None:
        text += f"; avance físico {ejecucion['porcentaje']} %"
    return {
        "id": f"ejecucion-{ejecucion['fecha_corte']}",
        "title": "Ejecución a la fecha de corte",
        "type": "reporting",
        "description": text + ".",
        "status": "met",
        "dateMet": _start_of_day(ejecucion["fecha_corte"]),
    }


def _documents(contract, site_url: str) -> list[dict]:
    documents = []
    for index, document in enumerate(_get(contract, "documentos") or [], start=1):
        url = document.get("url") or f"{site_url}/{document['archivo']}"
        documents.append({"id": str(index), "title": document["titulo"], "url": url,
                          "language": "es"})
    return documents


def _entity_party(entidad: dict) -> dict:
    nit = str(entidad["nit"])
    return {
        "id": f"CO-NIT-{nit}",
        "name": entidad["nombre"],
        "identifier": {"scheme": "CO-NIT", "id": nit, "legalName": entidad["nombre"]},
        "address": {"streetAddress": entidad["direccion"], "locality": entidad["municipio"],
                    "region": entidad["departamento"], "countryName": "Colombia"},
        "contactPoint": {"email": entidad["correo_contacto"],
                         "telephone": str(entidad["telefono"])},
        "roles": ["buyer", "procuringEntity"],
    }


def _supplier_party(contratista: dict) -> dict:
    scheme = f"CO-{contratista['tipo_documento']}"
    documento = str(contratista["documento"])
    return {
        "id": f"{scheme}-{documento}",
        "name": contratista["nombre"],
        "identifier": {"scheme": scheme, "id": documento, "legalName": contratista["nombre"]},
        "roles": ["supplier"],
    }


def _value(amount: int) -> dict:
    return {"amount": amount, "currency": CURRENCY}


def _start_of_day(date) -> str:
    return f"{date}T00:00:00{OFFSET}"


def _end_of_day(date) -> str:
    return f"{date}T23:59:59{OFFSET}"


def _get(item, name, default=None):
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)
