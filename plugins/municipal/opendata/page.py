"""The open data section: /datos/, a page per dataset with its data dictionary
(/datos/<conjunto>/), the data files and catalogo.json (DESIGN.md §10).

A Pelican generator, listed after every generator that writes data files (so that
/cumplimiento.json or /transparencia.json already exist when the catalogue lists what
exists) and before the site map's, to which it adds its pages.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from pelican.generators import Generator

from ..indicators.compliance import cutoff
from ..indicators.history import GIT, read_history
from ..indicators.page import HISTORY
from ..site.calendar import calendar_ics, event_component
from ..site.events import events_of
from ..site.incremental import write_data_file, write_derived
from ..site.readers import SITE_SETTING
from ..site.site_map import SITE_MAP_SECTIONS
from . import datasets as ds
from .catalogue import DatasetView, dcat_catalogue, frequency, last_change, schema_org_catalogue
from .jsonld import script_element
from .ocds import PLACEHOLDER_PREFIX, check_prefix, release_package

logger = logging.getLogger(__name__)

DEFAULT_LICENCE = {
    "nombre": "Creative Commons Atribución 4.0 Internacional (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.es",
}
FOLDER = "datos"
OCDS_SCHEMA = "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json"
JSON, CSV, ICS = "application/json", "text/csv", "text/calendar"
AGENDA_FILE = "eventos.ics"


def licence(settings: dict) -> dict:
    """DATOS_LICENCIA: {"nombre": ..., "url": "https://..."}; CC BY 4.0 if unset."""
    value = settings.get("DATOS_LICENCIA") or DEFAULT_LICENCE
    if not (isinstance(value, dict) and set(value) == {"nombre", "url"}
            and all(isinstance(text, str) and text.strip() for text in value.values())
            and re.fullmatch(r"https://\S+", value["url"])):
        raise ValueError(
            "pelicanconf.py: DATOS_LICENCIA debe ser {\"nombre\": \"…\", \"url\": "
            f"\"https://…\"}}, por ejemplo {DEFAULT_LICENCE!r}; se encontró {value!r}")
    return value


def dataset_definitions() -> dict[str, ds.Dataset]:
    """Every dataset the site may publish, with the files our generator writes."""
    def own(name: str, *formats: str) -> list[ds.Distribution]:
        files = []
        for fmt in formats:
            if fmt == "CSV":
                files.append(ds.Distribution(f"{FOLDER}/{name}.csv", "CSV", CSV))
            else:
                files.append(ds.Distribution(f"{FOLDER}/{name}.json", "JSON", JSON,
                                             f"{FOLDER}/{name}.schema.json"))
        return files

    return {dataset.id: dataset for dataset in (
        ds.Dataset(
            "contratos", "Contratación",
            "Los contratos y procesos de contratación de la entidad: convocatorias abiertas, "
            "adjudicados, contratos firmados con su ejecución (valor pagado y avance) y sus "
            "adiciones. También en el estándar internacional OCDS 1.1.",
            ("contratación", "contratos", "SECOP", "OCDS"), ds.CONTRATOS_COLUMNS,
            kinds=("contratos",),
            distributions=[*own("contratos", "CSV", "JSON"), ds.Distribution(
                f"{FOLDER}/contratos-ocds.json", "OCDS", JSON,
                f"{FOLDER}/contratos-ocds.schema.json")],
            notes="El archivo OCDS es un paquete de entregas (release package) de la "
                  "versión 1.1 del Estándar de Datos de Contrataciones Abiertas: una entrega "
                  "por contrato o proceso."),
        ds.Dataset(
            "tramites", "Trámites y servicios",
            "Los trámites y servicios que se hacen ante la entidad: requisitos, documentos, "
            "costo, tiempo de respuesta, canales de atención y normas.",
            ("trámites", "servicios", "atención al ciudadano"), ds.TRAMITES_COLUMNS,
            kinds=("tramites",), distributions=own("tramites", "CSV", "JSON")),
        ds.Dataset(
            "oficinas", "Directorio de dependencias",
            "Las dependencias de la entidad con su responsable, correo, teléfono y horario.",
            ("directorio", "dependencias", "contacto"), ds.OFICINAS_COLUMNS,
            root_files=("oficinas.yml",), distributions=own("oficinas", "CSV")),
        ds.Dataset(
            "noticias", "Noticias",
            "Las noticias que publican las dependencias, con su texto completo.",
            ("noticias", "comunicaciones"), ds.NOTICIAS_COLUMNS,
            kinds=("noticias",), distributions=own("noticias", "JSON")),
        ds.Dataset(
            "eventos", "Agenda de eventos",
            "Las jornadas de socialización, rendición de cuentas, capacitación y demás eventos "
            "de la entidad: fecha, hora, lugar y asistentes. También como calendario "
            "(iCalendar) para suscribirse desde el teléfono o el correo.",
            ("eventos", "agenda", "participación ciudadana"), ds.EVENTOS_COLUMNS,
            kinds=("eventos",),
            distributions=[*own("eventos", "CSV"),
                           ds.Distribution(AGENDA_FILE, "iCalendar", ICS)]),
        ds.Dataset(
            "cumplimiento", "Cumplimiento del plan de acción",
            "Indicadores de actualización del sitio por acción del plan, dependencia y año.",
            ("plan de acción", "indicadores", "gobierno digital"), ds.CUMPLIMIENTO_COLUMNS,
            distributions=[ds.Distribution("cumplimiento.csv", "CSV", CSV),
                           ds.Distribution("cumplimiento.json", "JSON", JSON)]),
        ds.Dataset(
            "transparencia", "Matriz de transparencia",
            "El estado de cada sección del menú de transparencia de la Resolución 1519 de "
            "2020: publicada, no aplica o pendiente, y dónde se publica.",
            ("transparencia", "Ley 1712 de 2014", "ITA"), ds.TRANSPARENCIA_COLUMNS,
            kinds=("paginas", "tramites", "contratos"),
            root_files=("transparencia.yml", "oficinas.yml"),
            distributions=[ds.Distribution("transparencia.csv", "CSV", CSV),
                           ds.Distribution("transparencia.json", "JSON", JSON)]),
        ds.Dataset(
            "esquema", "Esquema de publicación de información",
            "Qué información publica el sitio, en qué formato, cada cuánto se actualiza, dónde "
            "se consulta y quién la produce (sección 7.1.3 del menú de transparencia).",
            ("esquema de publicación", "transparencia", "Ley 1712 de 2014"),
            ds.ESQUEMA_COLUMNS, kinds=("noticias", "paginas", "tramites", "contratos", "eventos"),
            root_files=("transparencia.yml", "oficinas.yml", "plan.yml"),
            distributions=[ds.Distribution("transparencia/esquema-de-publicacion.csv", "CSV",
                                           CSV)]),
    )}


class DatosGenerator(Generator):
    """/datos/ with its data files, their JSON Schemas and the DCAT catalogue."""

    def generate_context(self):
        site = self.settings[SITE_SETTING]
        self.licence = licence(self.settings)
        self.prefix = check_prefix(self.settings.get("OCDS_PREFIJO") or PLACEHOLDER_PREFIX)
        # Read once per build by the compliance generator (listed earlier) and shared.
        self.history = self.context.get(HISTORY) or read_history(site.content_dir,
                                                                 self.settings["TIMEZONE"])

    def generate_output(self, writer):
        site = self.settings[SITE_SETTING]
        relative = self.settings["RELATIVE_URLS"]
        base = "" if relative else self.settings["SITEURL"]
        output = Path(self.output_path)
        definitions = dataset_definitions()
        written = self._write_data_files(output, definitions, site, base)
        views = []
        for dataset in definitions.values():
            files = [item for item in dataset.distributions
                     if item.path in written or (output / item.path).is_file()]
            if not files:
                continue
            label, code = frequency(dataset.kinds, site.plan)
            modified = last_change(dataset, self.history, site.content_dir,
                                   self.settings["TIMEZONE"])
            if dataset.id == "cumplimiento":
                compliance = self.context.get("cumplimiento")
                modified = compliance.document["hasta"] if compliance else modified
            views.append(DatasetView(
                dataset, files, label, code, modified,
                sorted({item.schema for item in files if item.schema}),
                url=self.settings.get("DATOS_CONJUNTO_URL", f"{FOLDER}/{{slug}}/").format(
                    slug=dataset.id),
                save_as=self.settings.get("DATOS_CONJUNTO_SAVE_AS",
                                          f"{FOLDER}/{{slug}}/index.html").format(
                    slug=dataset.id)))
        catalogue = dcat_catalogue(views, site.entidad, base, self.licence["url"])
        write_data_file(output / FOLDER / "catalogo.json",
               json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n")
        write_data_file(output / FOLDER / "catalogo.schema.json", catalogue_schema(base))
        # The site map (written after this generator) lists /datos/ and each dataset's page.
        self.context.setdefault(SITE_MAP_SECTIONS, []).append((
            "Datos abiertos", self.settings.get("DATOS_URL", f"{FOLDER}/"),
            [(f"Datos abiertos: {view.dataset.title}", view.url) for view in views]))
        template = self.get_template("conjunto_datos")
        for view in views:
            writer.write_file(view.save_as, template, self.context, relative_urls=relative,
                              url=view.url, conjunto=view, licencia=self.licence)
        writer.write_file(
            self.settings.get("DATOS_SAVE_AS", f"{FOLDER}/index.html"),
            self.get_template("datos"), self.context, relative_urls=relative,
            url=self.settings.get("DATOS_URL", f"{FOLDER}/"),
            conjuntos=views, licencia=self.licence,
            sin_historial=None if self.history.source == GIT else self.history.reason,
            datos_jsonld=script_element(
                schema_org_catalogue(views, site.entidad, base, self.licence["url"])),
        )

    def _event_url(self, event) -> str:
        return self.settings.get("EVENTO_URL", "eventos/{slug}/").format(slug=event.slug)

    def _write_data_files(self, output: Path, definitions: dict, site, base: str) -> set[str]:
        """Write our datasets; return the paths written (from the site root).

        A file whose items and shared inputs are those of the last build is linked from it
        (incremental.write_derived): only the datasets of what changed are made again.
        """
        licence_url = self.licence["url"]
        nit = str(site.entidad["nit"])
        shared = (site.entidad, self.context["oficinas"], base, licence_url)
        items = {
            "contratos": (self.context.get("contratos", []),
                          lambda item: ds.contract_row(item, nit, base)),
            "tramites": (self.context.get("tramites", []), lambda item: ds.tramite_row(item, base)),
            "oficinas": (self.context["oficinas"], lambda office: ds.office_row(office, base)),
            "noticias": (self.context.get("articles", []),
                         lambda article: ds.news_row(article, base)),
        }
        events = events_of(site)
        if events:
            items["eventos"] = (events, lambda event: ds.event_row(
                event, f"{base}/{self._event_url(event)}"))
            domain = f"https://{site.entidad['dominio']}"
            offices = {office["id"]: office for office in site.oficinas}
            agenda = calendar_ics(
                [event_component(event.data, slug=event.slug, office=offices[event.oficina],
                                 entity=site.entidad,
                                 url=f"{domain}/{self._event_url(event)}")
                 for event in events],
                entity=site.entidad, name=f"Agenda de eventos de la {site.entidad['nombre']}")
            write_data_file(output / AGENDA_FILE, agenda)
        written = {AGENDA_FILE} if events else set()
        for name, (records, row) in items.items():
            if not records:  # a dataset without data is not published (nor listed)
                continue
            dataset = definitions[name]
            rows = _Rows(records, row)
            for item in dataset.distributions:
                if item.format == "CSV":
                    write_derived(self.settings, output, item.path, (records, shared),
                                  lambda dataset=dataset, rows=rows: ds.to_csv(dataset.columns,
                                                                              rows.get()))
                elif item.format == "JSON":
                    write_derived(self.settings, output, item.path, (records, shared),
                                  lambda dataset=dataset, rows=rows: ds.to_json(
                                      dataset, rows.get(), licence_url))
                    write_data_file(output / item.schema, ds.json_schema(
                        dataset, f"{base}/{item.schema}"))
                else:
                    continue
                written.add(item.path)
        contracts = self.context.get("contratos", [])
        if not contracts:
            return written  # an OCDS package has at least one release
        # OCDS names the publisher and the package by absolute URIs, also in a preview.
        domain = f"https://{site.entidad['dominio']}"
        until = cutoff(self.settings.get("INDICADORES_HASTA"), self.settings["TIMEZONE"])
        write_derived(self.settings, output, f"{FOLDER}/contratos-ocds.json",
                      (contracts, shared, self.prefix, until, domain),
                      lambda: json.dumps(release_package(
                          contracts, site.entidad, self.prefix, until,
                          package_uri=f"{domain}/{FOLDER}/contratos-ocds.json",
                          site_url=domain, licence_url=licence_url,
                          policy_url=f"{domain}/{FOLDER}/"), ensure_ascii=False, indent=1) + "\n")
        write_data_file(output / FOLDER / "contratos-ocds.schema.json", ocds_schema())
        written.add(f"{FOLDER}/contratos-ocds.json")
        return written


class _Rows:
    """A dataset's rows, made on first use (not at all when its files are linked)."""

    def __init__(self, records, row):
        self._records, self._row, self._rows = records, row, None

    def get(self) -> list[dict]:
        if self._rows is None:
            self._rows = [self._row(record) for record in self._records]
        return self._rows


def ocds_schema() -> str:
    """contratos-ocds.schema.json: the official OCDS 1.1 release package schema, by reference."""
    schema = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "Contratación en OCDS 1.1 (paquete de entregas)",
        "description": "El archivo contratos-ocds.json cumple el esquema oficial del paquete "
                       "de entregas de OCDS 1.1.5, publicado por la Open Contracting "
                       "Partnership.",
        "$ref": OCDS_SCHEMA,
    }
    return json.dumps(schema, ensure_ascii=False, indent=1) + "\n"


def catalogue_schema(base: str) -> str:
    """catalogo.schema.json: the shape of catalogo.json (JSON-LD with DCAT terms)."""
    iri = {"type": "object", "required": ["@id"], "properties": {"@id": {"type": "string"}}}
    text = {"type": "string", "minLength": 1}
    distribution = {
        "type": "object",
        "required": ["@type", "dct:title", "dct:format", "dcat:downloadURL", "dcat:mediaType",
                     "dct:license"],
        "properties": {"@type": {"const": "dcat:Distribution"}, "dct:title": text,
                       "dct:format": text, "dcat:downloadURL": iri, "dcat:mediaType": iri,
                       "dct:license": iri, "dct:conformsTo": iri},
        "additionalProperties": False,
    }
    dataset = {
        "type": "object",
        "required": ["@id", "@type", "dct:identifier", "dct:title", "dct:description",
                     "dct:license", "dct:accrualPeriodicity", "dcat:keyword",
                     "dcat:landingPage", "dcat:distribution"],
        "properties": {
            "@id": text, "@type": {"const": "dcat:Dataset"}, "dct:identifier": text,
            "dct:title": text, "dct:description": text, "dct:license": iri,
            "dct:accrualPeriodicity": iri, "dcat:landingPage": iri,
            "dcat:keyword": {"type": "array", "items": text},
            "dct:modified": {"type": "object", "required": ["@value", "@type"],
                             "properties": {"@value": {"type": "string", "format": "date"},
                                            "@type": {"const": "xsd:date"}}},
            "dcat:distribution": {"type": "array", "minItems": 1, "items": distribution},
        },
        "additionalProperties": False,
    }
    schema = {
        "$schema": ds.JSON_SCHEMA_DIALECT,
        "$id": f"{base}/{FOLDER}/catalogo.schema.json",
        "title": "Catálogo de datos abiertos (DCAT en JSON-LD)",
        "description": "Forma de catalogo.json: un dcat:Catalog con sus dcat:Dataset y, en "
                       "cada uno, sus dcat:Distribution.",
        "type": "object",
        "required": ["@context", "@id", "@type", "dct:title", "dct:description",
                     "dct:publisher", "dct:license", "dcat:dataset"],
        "properties": {
            "@context": {"type": "object"}, "@id": text, "@type": {"const": "dcat:Catalog"},
            "dct:title": text, "dct:description": text, "dct:language": text,
            "dct:publisher": {"type": "object"}, "dct:license": iri, "foaf:homepage": iri,
            "dcat:dataset": {"type": "array", "items": dataset},
        },
        "additionalProperties": False,
    }
    if not base.startswith("https://"):
        del schema["$id"]
    return json.dumps(schema, ensure_ascii=False, indent=1) + "\n"

