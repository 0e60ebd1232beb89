"""schema.org structured data (JSON-LD) for the pages: trámites, news, the entity, the catalogue.

Each function returns a plain dict; `script_element` writes it as a
`<script type="application/ld+json">` block. That block is data, never run, and the
text inside it cannot end it early: `<`, `>` and `&` are written as JSON escapes.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from ..site.labels import LABELS

CONTEXT = "https://schema.org"
BOGOTA_OFFSET = "-05:00"  # Colombia has no daylight saving time


def script_element(data: dict) -> Markup:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # "</script>" or "<!--" in a title must stay text; JSON reads \u003c back as "<".
    for character, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                              ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(character, escape)
    return Markup(f'<script type="application/ld+json">{text}</script>')


def organization(entidad: dict, base_url: str) -> dict:
    """The entity as a GovernmentOrganization (home page)."""
    data = {
        "@context": CONTEXT,
        "@type": "GovernmentOrganization",
        "@id": f"{base_url}/#entidad",
        "name": entidad["nombre"],
        "url": f"{base_url}/",
        "identifier": {"@type": "PropertyValue", "propertyID": "NIT",
                       "value": str(entidad["nit"])},
        "taxID": str(entidad["nit"]),
        "address": _address(entidad),
        "telephone": str(entidad["telefono"]),
        "email": entidad["correo_contacto"],
        "areaServed": _area(entidad),
    }
    if entidad.get("lema"):
        data["slogan"] = entidad["lema"]
    if entidad.get("redes"):
        data["sameAs"] = [red["url"] for red in entidad["redes"]]
    return data


def government_service(tramite, oficina, entidad: dict, base_url: str) -> dict:
    """A trámite as a GovernmentService."""
    data = {
        "@context": CONTEXT,
        "@type": "GovernmentService",
        "name": tramite.nombre,
        "description": tramite.descripcion,
        "url": f"{base_url}/{tramite.url}",
        "serviceType": "Trámite",
        "provider": _office(oficina, entidad, base_url),
        "areaServed": _area(entidad),
        "audience": [{"@type": "Audience",
                      "audienceType": LABELS["dirigido_a"].get(code, code)}
                     for code in tramite.dirigido_a],
        "availableChannel": [_channel(canal) for canal in tramite.canales],
        "offers": _offer(tramite.costo),
    }
    if getattr(tramite, "codigo_suit", None):
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "SUIT",
                              "value": str(tramite.codigo_suit)}
    return data


def news_article(article, oficina, entidad: dict, base_url: str) -> dict:
    """A news item as a NewsArticle."""
    url = f"{base_url}/{article.url}"
    data = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": str(article.title),
        "description": str(article.resumen),
        "datePublished": article.date.strftime("%Y-%m-%d"),
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": "es-CO",
        "author": _office(oficina, entidad, base_url),
        "publisher": {"@type": "GovernmentOrganization", "name": entidad["nombre"],
                      "url": f"{base_url}/"},
    }
    foto = getattr(article, "foto", None)
    if foto is not None:
        data["image"] = f"{base_url}/{foto.src}"
    if getattr(article, "etiquetas", None):
        data["keywords"] = [str(tag) for tag in article.etiquetas]
    return data


def event(evento, oficina, entidad: dict, base_url: str) -> dict:
    """An event of the agenda as an Event: the Evento of the event pages (its front matter
    in `metadata`) or an Event of site/events.py (in `data`), with its page's `url`."""
    data = getattr(evento, "metadata", None) or evento.data
    start = str(data["fecha"])
    if data.get("hora"):
        start += f"T{data['hora']}:00{BOGOTA_OFFSET}"
    return {
        "@context": CONTEXT,
        "@type": "Event",
        "name": str(data["titulo"]),
        "description": " ".join(str(data["resumen"]).split()),
        "startDate": start,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {"@type": "Place", "name": str(data["lugar"]),
                     "address": {"@type": "PostalAddress", "addressLocality": entidad["municipio"],
                                 "addressRegion": entidad["departamento"],
                                 "addressCountry": "CO"}},
        "organizer": _office(oficina, entidad, base_url),
        "inLanguage": "es-CO",
        "url": f"{base_url}/{evento.url}",
    }


def _office(oficina, entidad: dict, base_url: str) -> dict:
    data = {"@type": "GovernmentOrganization", "name": oficina.nombre,
            "url": f"{base_url}/{oficina.url}", "email": oficina.correo,
            "parentOrganization": {"@type": "GovernmentOrganization",
                                   "name": entidad["nombre"], "url": f"{base_url}/"}}
    if oficina.data.get("telefono"):
        data["telephone"] = str(oficina.data["telefono"])
    return data


def _channel(canal: dict) -> dict:
    description = canal["detalle"]
    if canal.get("horario"):
        description += f" Horario: {canal['horario']}"
    data = {"@type": "ServiceChannel", "name": LABELS["canal"].get(canal["tipo"], canal["tipo"]),
            "description": description, "availableLanguage": "es"}
    if canal.get("url"):
        data["serviceUrl"] = canal["url"]
    if canal.get("direccion"):
        data["serviceLocation"] = {"@type": "Place", "address": canal["direccion"]}
    return data


def _offer(costo: dict) -> dict:
    offer = {"@type": "Offer"}
    if costo.get("gratuito"):
        offer.update(price=0, priceCurrency="COP", description="Gratuito")
    elif costo.get("unidad") in (None, "COP"):
        offer.update(price=costo["valor"], priceCurrency="COP")
    else:  # UVT or SMMLV: not a currency; the amount in pesos changes every year
        offer["description"] = f"{costo['valor']} {costo['unidad']}"
    if costo.get("detalle"):
        offer["description"] = " ".join(filter(None, [offer.get("description"),
                                                      costo["detalle"]]))
    return offer


def _address(entidad: dict) -> dict:
    return {"@type": "PostalAddress", "streetAddress": entidad["direccion"],
            "addressLocality": entidad["municipio"], "addressRegion": entidad["departamento"],
            "addressCountry": "CO"}


def _area(entidad: dict) -> dict:
    return {"@type": "AdministrativeArea",
            "name": f"{entidad['municipio']}, {entidad['departamento']}"}


def _filter(build):
    return lambda *arguments: script_element(build(*arguments))


FILTERS = {
    "jsonld_entidad": _filter(organization),
    "jsonld_tramite": _filter(government_service),
    "jsonld_noticia": _filter(news_article),
    "jsonld_evento": _filter(event),
}
"""Jinja filters: `{{ tramite|jsonld_tramite(oficina, ENTIDAD, URL_BASE) }}`."""
