"""The catalogue of /datos/: which datasets exist, how often and when they change, and the
DCAT (catalogo.json) and schema.org DataCatalog descriptions of them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import git

from ..indicators.history import GIT, History
from .datasets import Dataset, Distribution

FREQUENCIES = {
    12: ("Mensual", "MONTHLY"),
    6: ("Bimestral", "BIMONTHLY"),
    4: ("Trimestral", "QUARTERLY"),
    3: ("Cuatrimestral", "ANNUAL_3"),
    2: ("Semestral", "ANNUAL_2"),
    1: ("Anual", "ANNUAL"),
}
WHEN_IT_CHANGES = ("Cuando cambia", "IRREG")
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
IANA = "https://www.iana.org/assignments/media-types/"
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass
class DatasetView:
    """A dataset as /datos/ shows it: its files that exist, frequency and last change."""

    dataset: Dataset
    distributions: list[Distribution] = field(default_factory=list)
    frequency: str = WHEN_IT_CHANGES[0]
    frequency_code: str = WHEN_IT_CHANGES[1]
    modified: str | None = None  # AAAA-MM-DD
    schemas: list[str] = field(default_factory=list)  # paths of the published JSON Schemas
    url: str = ""  # its page, with the data dictionary
    save_as: str = ""


def frequency(kinds, plan: dict) -> tuple[str, str]:
    """The most frequent meta_anual among the plan's actions that count these kinds."""
    targets = [accion.get("meta_anual") for accion in plan.get("acciones", [])
               if set(kinds) & set(accion.get("tipos") or [])
               and accion.get("meta_anual") in FREQUENCIES]
    return FREQUENCIES[max(targets)] if targets else WHEN_IT_CHANGES


def last_change(dataset: Dataset, history: History, content_dir: Path,
                timezone: str) -> str | None:
    """The date of the newest git update of the dataset's kinds or root files; None
    without a complete git history (the page says why)."""
    if history.source != GIT:
        return None
    dates = [update.date for update in history.updates if update.kind in dataset.kinds]
    if dataset.root_files:
        root = last_commit_date(content_dir, dataset.root_files, timezone)
        if root is not None:
            dates.append(root)
    return max(dates).isoformat() if dates else None


def last_commit_date(content_dir: Path, names, timezone: str) -> datetime.date | None:
    """Committer date (in the site's zone) of the newest commit that changed these files."""
    try:
        with git.Repo(Path(content_dir).resolve(), search_parent_directories=True) as repo:
            stamp = repo.git.log("-1", "--format=%ct", "HEAD", "--",
                                 *(str(Path(content_dir).resolve() / name) for name in names))
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError,
            git.GitCommandNotFound, ValueError):
        return None
    if not stamp.strip():
        return None
    return datetime.datetime.fromtimestamp(int(stamp), ZoneInfo(timezone)).date()


def dcat_catalogue(views: list[DatasetView], entidad: dict, base_url: str,
                   licence_url: str) -> dict:
    """catalogo.json: a DCAT-AP style catalogue in JSON-LD."""
    return {
        "@context": DCAT_CONTEXT,
        "@id": f"{base_url}/datos/catalogo.json",
        "@type": "dcat:Catalog",
        "dct:title": f"Datos abiertos de la {entidad['nombre']}",
        "dct:description": (
            f"Conjuntos de datos que publica la {entidad['nombre']} en su sitio web: "
            "contratación, trámites, dependencias, noticias, cumplimiento del plan de acción "
            "y menú de transparencia."),
        "dct:language": "es",
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": entidad["nombre"],
                          "dct:identifier": f"NIT {entidad['nit']}"},
        "dct:license": {"@id": licence_url},
        "foaf:homepage": {"@id": f"{base_url}/datos/"},
        "dcat:dataset": [_dcat_dataset(view, base_url, licence_url) for view in views],
    }


def _dcat_dataset(view: DatasetView, base_url: str, licence_url: str) -> dict:
    dataset = view.dataset
    data = {
        "@id": f"{base_url}/datos/#{dataset.id}",
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.id,
        "dct:title": dataset.title,
        "dct:description": dataset.description,
        "dct:license": {"@id": licence_url},
        "dct:accrualPeriodicity": {"@id": EU_FREQUENCY + view.frequency_code},
        "dcat:keyword": list(dataset.keywords),
        "dcat:landingPage": {"@id": f"{base_url}/datos/#{dataset.id}"},
        "dcat:distribution": [_dcat_distribution(item, base_url, licence_url)
                              for item in view.distributions],
    }
    if view.modified:
        data["dct:modified"] = {"@value": view.modified, "@type": "xsd:date"}
    return data


def _dcat_distribution(item: Distribution, base_url: str, licence_url: str) -> dict:
    data = {
        "@type": "dcat:Distribution",
        "dct:title": item.format,
        "dct:format": item.format,
        "dcat:downloadURL": {"@id": f"{base_url}/{item.path}"},
        "dcat:mediaType": {"@id": IANA + item.media_type},
        "dct:license": {"@id": licence_url},
    }
    if item.schema:
        data["dct:conformsTo"] = {"@id": f"{base_url}/{item.schema}"}
    return data


def schema_org_catalogue(views: list[DatasetView], entidad: dict, base_url: str,
                         licence_url: str) -> dict:
    """The schema.org DataCatalog of the /datos/ page."""
    return {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "name": f"Datos abiertos de la {entidad['nombre']}",
        "url": f"{base_url}/datos/",
        "inLanguage": "es-CO",
        "license": licence_url,
        "publisher": {"@type": "GovernmentOrganization", "name": entidad["nombre"],
                      "url": f"{base_url}/"},
        "dataset": [_schema_org_dataset(view, base_url, licence_url) for view in views],
    }


def _schema_org_dataset(view: DatasetView, base_url: str, licence_url: str) -> dict:
    data = {
        "@type": "Dataset",
        "name": view.dataset.title,
        "description": view.dataset.description,
        "url": f"{base_url}/datos/#{view.dataset.id}",
        "license": licence_url,
        "keywords": list(view.dataset.keywords),
        "distribution": [{"@type": "DataDownload", "encodingFormat": item.media_type,
                          "contentUrl": f"{base_url}/{item.path}"}
                         for item in view.distributions],
    }
    if view.modified:
        data["dateModified"] = view.modified
    return data
