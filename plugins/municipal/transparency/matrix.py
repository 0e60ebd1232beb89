"""The matrix the Procuraduría audits (DESIGN.md §9): one row per item, its state and URLs.

`matrix()` is pure; `to_json`, `to_csv`, `terminal_table` and `summary_line`
write it for machines and people.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping

from ..content.model import Site
from .catalogue import Catalogue
from .fillings import declarations, generated_sources, page_claims

PUBLISHED, NOT_APPLICABLE, PENDING = "publicado", "no_aplica", "pendiente"
CSV_COLUMNS = ("id", "categoria", "nombre", "estado", "urls", "motivo")


def matrix(catalogue: Catalogue, site: Site, settings: Mapping, base_url: str = "") -> dict:
    """The document {"resumen": {...}, "items": [rows in catalogue order]}.

    The URLs of the lists the site generates come from `settings` (pelicanconf.py's
    *_URL). base_url "" gives root-relative URLs ("/oficinas/"); "https://dominio"
    gives absolute ones. Links of transparencia.yml are kept as written.
    """
    urls: dict[str, list[str]] = {row.id: [] for row in catalogue.rows}
    sources = generated_sources(site, settings)
    for row in catalogue.rows:
        if row.fuente in sources:
            urls[row.id].append(f"{base_url}/{sources[row.fuente]}")
    for claim in page_claims(site):
        row = catalogue.row_of(claim.seccion)
        if row is not None and f"{base_url}/{claim.url}" not in urls[row.id]:
            urls[row.id].append(f"{base_url}/{claim.url}")
    reasons: dict[str, str] = {}
    for item in declarations(site):
        row = catalogue.row_of(item.id)
        if row is None:
            continue
        if item.no_aplica is not None:
            reasons.setdefault(row.id, item.no_aplica.strip())
        elif item.enlace is not None and item.enlace not in urls[row.id]:
            urls[row.id].append(item.enlace)
    rows = [_row(entry, urls[entry.id], reasons.get(entry.id)) for entry in catalogue.rows]
    resumen = {state: sum(row["estado"] == state for row in rows)
               for state in (PUBLISHED, NOT_APPLICABLE, PENDING)}
    return {"resumen": resumen, "items": rows}


def _row(entry, urls: list[str], reason: str | None) -> dict:
    if reason is not None:
        state, urls = NOT_APPLICABLE, []
    else:
        state = PUBLISHED if urls else PENDING
    return {"id": entry.id, "nombre": entry.nombre, "estado": state, "urls": urls,
            "motivo": reason, "categoria": entry.categoria}


def summary_line(document: dict) -> str:
    """`52 publicados, 4 no aplican, 9 pendientes`, singular when one."""
    counts = document["resumen"]
    published, not_applicable, pending = (counts[PUBLISHED], counts[NOT_APPLICABLE],
                                          counts[PENDING])
    return (f"{published} {'publicado' if published == 1 else 'publicados'}, "
            f"{not_applicable} {'no aplica' if not_applicable == 1 else 'no aplican'}, "
            f"{pending} {'pendiente' if pending == 1 else 'pendientes'}")


def to_json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_csv(document: dict) -> str:
    """One line per item; several URLs are separated by a space."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in document["items"]:
        writer.writerow([row["id"], row["categoria"], row["nombre"], row["estado"],
                         " ".join(row["urls"]), row["motivo"] or ""])
    return out.getvalue()


STATE_LABELS = {PUBLISHED: "publicado", NOT_APPLICABLE: "no aplica", PENDING: "PENDIENTE"}


def terminal_table(document: dict) -> str:
    """For people: id, state and label, then where it is published or why it does not apply."""
    lines = [f"{'Sección':<8} {'Estado':<10} Nombre"]
    for row in document["items"]:
        lines.append(f"{row['id']:<8} {STATE_LABELS[row['estado']]:<10} {row['nombre']}")
        lines += [f"{'':<19} {url}" for url in row["urls"]]
        if row["motivo"]:
            lines.append(f"{'':<19} No aplica: {row['motivo']}")
    lines.append(summary_line(document))
    return "\n".join(lines)
