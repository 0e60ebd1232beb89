"""Open data (issue 18, DESIGN.md §10): /datos/, its CSV and JSON files, the OCDS package,
the DCAT catalogue and the JSON-LD of the pages.

Expected values come from the sample content (read here with the project's YAML loader),
from the official OCDS 1.1.5 schemas (tests/fixtures/ocds-1.1.5/, loaded offline), from git itself
and from schema.org's expected types, hand-listed below.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import icalendar
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT4

from conftest import ROOT, SAMPLE_CONTENT, BuiltSite
from municipal.content.yaml_loader import parse_yaml, read_text
from municipal.indicators import page as indicators_page
from municipal.indicators.compliance import cutoff
from municipal.indicators.history import read_history
from municipal.opendata import page as opendata_page
from municipal.opendata.datasets import INTEGER, LIST, TEXT, Column, to_csv
from municipal.opendata.jsonld import FILTERS, script_element
from municipal.opendata.ocds import BadPrefix, check_prefix, release_package
from municipal.opendata.page import licence
from municipal.publishing.build import BuildFailed, build_site

pytest_plugins = ["servidores"]

OCDS_SCHEMAS = ROOT / "tests" / "fixtures" / "ocds-1.1.5"  # official, unmodified (README there)
OCDS_PREFIX = "ocds-xxxxxx"  # pelicanconf.py of the sample: a placeholder
DOMAIN = "https://chitaga-nortedesantander.gov.co"  # entidad.yml: dominio
NIT = "890501422-4"
BOGOTA = ZoneInfo("America/Bogota")


def content_of(kind: str) -> dict[str, dict]:
    """Every file of content/<kind>/ by slug, parsed as the validator parses it."""
    found = {}
    for path in sorted((SAMPLE_CONTENT / kind).glob("*/*.yml")):
        data = parse_yaml(read_text(path)).data
        found[path.stem] = {**data, "oficina": path.parent.name}
    return found


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: sin la marca BOM de UTF-8"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def load_json(site: BuiltSite, path: str):
    return json.loads((site.output / path).read_text(encoding="utf-8"))


def ocds_validator() -> Draft4Validator:
    """The official release package schema, with release-schema.json registered under its id:
    nothing is fetched from the network."""
    resources = [DRAFT4.create_resource(json.loads((OCDS_SCHEMAS / name).read_text()))
                 for name in ("release-package-schema.json", "release-schema.json")]
    registry = Registry().with_resources(
        (resource.contents["id"], resource) for resource in resources)
    return Draft4Validator(resources[0].contents, registry=registry,
                           format_checker=FormatChecker())


def ocds_registry() -> Registry:
    return ocds_validator()._registry


def errors_of(validator, document) -> list[str]:
    return [f"{error.json_path}: {error.message[:200]}"
            for error in validator.iter_errors(document)]


# --- OCDS ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ocds(sample_site) -> dict:
    return load_json(sample_site, "datos/contratos-ocds.json")


def test_the_copied_schemas_are_the_official_files():
    digests = {"release-package-schema.json":
               "06577cec73cc16eca0cac331a7ea9ee9cd684b21c55f5f0711f7442623153698",
               "release-schema.json":
               "fac192e1ccfb061f5164bdb2d64c29e517c0f81661996b97de40cebc55a2c1bc"}
    for name, digest in digests.items():
        assert hashlib.sha256((OCDS_SCHEMAS / name).read_bytes()).hexdigest() == digest, name


def test_the_ocds_package_passes_the_official_schema(ocds):
    errors = errors_of(ocds_validator(), ocds)
    assert not errors, "\n".join(errors)
    print(f"contratos-ocds.json: {len(ocds['releases'])} entregas")


def test_the_ocds_schema_published_beside_it_is_the_official_one(sample_site, ocds):
    schema = load_json(sample_site, "datos/contratos-ocds.schema.json")
    validator = Draft4Validator(schema, registry=ocds_registry(), format_checker=FormatChecker())
    assert not errors_of(validator, ocds)
    broken = {**ocds, "releases": [{**ocds["releases"][0], "tag": ["firmado"]}]}
    assert errors_of(validator, broken), "el esquema publicado no revisa nada"


def test_one_release_per_contract_with_its_ocid(ocds):
    contracts = content_of("contratos")
    by_ocid = {release["ocid"]: release for release in ocds["releases"]}
    assert len(ocds["releases"]) == len(contracts) == len(by_ocid)
    for contract in contracts.values():
        expected = f"{OCDS_PREFIX}-{contract.get('proceso') or contract['referencia']}"
        assert expected in by_ocid, expected
    # A process without a SECOP id takes its reference.
    assert f"{OCDS_PREFIX}-LP-003-2026" in by_ocid
    assert f"{OCDS_PREFIX}-CO1.PCCNTR.8702448" in by_ocid  # LP-002-2026


# Sample contracts: reference → (estado, tags, tender status, award status, contract status).
STATES = {
    "LP-003-2026": ("convocado", {"tender"}, "active", None, None),
    "MC-009-2026": ("desierto", {"tender"}, "unsuccessful", None, None),
    "SA-004-2026": ("adjudicado", {"award"}, "complete", "active", None),
    "MC-014-2026": ("celebrado", {"contract"}, "complete", "active", "active"),
    "CPS-003-2026": ("en_ejecucion", {"contract"}, "complete", "active", "active"),
    "MC-008-2026": ("suspendido", {"contract"}, "complete", "active", "active"),
    "SA-003-2026": ("terminado", {"contract", "contractTermination"}, "complete", "active",
                    "terminated"),
    "LP-001-2025": ("liquidado", {"contract", "contractTermination"}, "complete", "active",
                    "terminated"),
    "LP-002-2026": ("en_ejecucion", {"contract", "contractAmendment", "implementation"},
                    "complete", "active", "active"),
}


def release_of(ocds: dict, referencia: str) -> dict:
    for release in ocds["releases"]:
        if release["tender"]["title"] == referencia:
            return release
    raise AssertionError(f"{referencia} no está en el paquete OCDS")


@pytest.mark.parametrize("referencia", STATES)
def test_tags_and_statuses_follow_the_estado(ocds, referencia):
    estado, tags, tender, award, contract = STATES[referencia]
    assert content_of("contratos")[referencia.lower()]["estado"] == estado
    release = release_of(ocds, referencia)
    assert set(release["tag"]) == tags
    assert release["initiationType"] == "tender"
    assert release["tender"]["status"] == tender
    assert [item["status"] for item in release.get("awards", [])] == ([award] if award else [])
    assert [item["status"] for item in release.get("contracts", [])] == (
        [contract] if contract else [])


def test_every_estado_of_the_content_is_in_the_fixture():
    seen = {contract["estado"] for contract in content_of("contratos").values()}
    assert seen == {"convocado", "adjudicado", "celebrado", "en_ejecucion", "suspendido",
                    "terminado", "liquidado", "desierto"}


def test_parties_buyer_and_supplier(ocds):
    release = release_of(ocds, "SA-004-2026")  # adjudicado to Seguros La Montaña S.A.
    roles = {party["name"]: (party["roles"], party["identifier"]) for party in release["parties"]}
    entity, entity_id = roles["Alcaldía Municipal de Chitagá"]
    assert set(entity) == {"buyer", "procuringEntity"}
    assert entity_id["id"] == NIT
    supplier, supplier_id = roles["Seguros La Montaña S.A."]
    assert supplier == ["supplier"] and supplier_id["id"] == "900000044-2"
    assert release["buyer"]["id"] == release["tender"]["procuringEntity"]["id"]
    assert release["awards"][0]["suppliers"][0]["name"] == "Seguros La Montaña S.A."
    assert release["awards"][0]["value"] == {"amount": 62500000, "currency": "COP"}


def test_an_open_process_shows_its_budget_and_deadline(ocds):
    release = release_of(ocds, "LP-003-2026")
    tender = release["tender"]
    assert tender["value"] == {"amount": 745000000, "currency": "COP"}
    assert tender["tenderPeriod"]["endDate"].startswith("2026-12-04T")
    assert tender["procurementMethod"] == "open"
    assert tender["mainProcurementCategory"] == "works"
    assert [party["roles"] for party in release["parties"]] == [["buyer", "procuringEntity"]]
    assert "awards" not in release and "contracts" not in release
    # Its attachment is on this site, with the domain's absolute URL.
    assert tender["documents"][0]["url"] == (
        f"{DOMAIN}/adjuntos/planeacion/aviso-de-convocatoria-lp-003-2026.pdf")


def test_additions_are_amendments_and_execution_a_report(ocds):
    # content/contratos/planeacion/lp-002-2026.yml: valor 812450300, one addition of
    # 64000000 and 30 days on 2026-10-16, 243735090 paid and 38 % by 2026-10-31.
    contract = release_of(ocds, "LP-002-2026")["contracts"][0]
    assert contract["value"] == {"amount": 812450300 + 64000000, "currency": "COP"}
    assert contract["dateSigned"].startswith("2026-07-24T")
    [amendment] = contract["amendments"]
    assert amendment["date"].startswith("2026-10-16T")
    assert "64000000" in amendment["description"] and "30 días" in amendment["description"]
    assert amendment["rationale"].startswith("Adición en valor y prórroga")
    [milestone] = contract["implementation"]["milestones"]
    assert milestone["type"] == "reporting" and milestone["status"] == "met"
    assert milestone["dateMet"].startswith("2026-10-31T")
    assert "243735090" in milestone["description"] and "38 %" in milestone["description"]
    assert "transactions" not in contract["implementation"]


def test_package_metadata(ocds):
    assert ocds["version"] == "1.1"
    assert ocds["uri"] == f"{DOMAIN}/datos/contratos-ocds.json"
    assert ocds["publisher"] == {"name": "Alcaldía Municipal de Chitagá", "uri": DOMAIN}
    assert ocds["license"] == "https://creativecommons.org/licenses/by/4.0/deed.es"


def test_dates_are_reproducible_with_source_date_epoch(monkeypatch):
    contracts = list(content_of("contratos").values())
    entidad = parse_yaml(read_text(SAMPLE_CONTENT / "entidad.yml")).data
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01 00:00 UTC

    def package(published):
        return release_package(contracts, entidad, OCDS_PREFIX, published,
                               package_uri="u", site_url=DOMAIN, licence_url="l",
                               policy_url="p")

    first = package(cutoff(None, "America/Bogota"))
    assert first["publishedDate"] == "2025-11-30T00:00:00-05:00"  # that day in Bogotá
    assert {release["date"] for release in first["releases"]} == {first["publishedDate"]}
    assert package(cutoff(None, "America/Bogota")) == first
    # A release id names what it says, not when it was published.
    later = package(datetime.date(2026, 3, 1))
    assert [r["id"] for r in later["releases"]] == [r["id"] for r in first["releases"]]
    contracts[0] = {**contracts[0], "valor": contracts[0]["valor"] + 1}
    assert package(cutoff(None, "America/Bogota"))["releases"][0]["id"] != (
        first["releases"][0]["id"])


@pytest.mark.parametrize("prefix", ["ocds-abc", "OCDS-ABC123", "ocds-abc 12", "", 7])
def test_a_bad_ocds_prefix_is_refused_in_spanish(prefix):
    with pytest.raises(BadPrefix, match="no es un prefijo OCDS"):
        check_prefix(prefix)
    assert check_prefix("ocds-k50g02") == "ocds-k50g02"


def test_a_bad_setting_stops_the_build_before_writing_anything(tmp_path):
    output = tmp_path / "output"
    with pytest.raises(BuildFailed, match=r"pelicanconf\.py: OCDS_PREFIJO 'ocds-mal prefijo'"):
        build_site(SAMPLE_CONTENT, output, ROOT / "pelicanconf.py",
                   {"OCDS_PREFIJO": "ocds-mal prefijo"})
    assert not output.exists()


@pytest.mark.parametrize("value", [
    "CC BY", {"nombre": "CC BY"}, {"nombre": "x", "url": "http://inseguro.example"},
    {"nombre": " ", "url": "https://x.example"}, {"nombre": "x", "url": "https://a", "z": 1},
])
def test_a_bad_licence_setting_is_refused_in_spanish(value):
    with pytest.raises(ValueError, match="DATOS_LICENCIA debe ser"):
        licence({"DATOS_LICENCIA": value})
    assert licence({})["url"] == "https://creativecommons.org/licenses/by/4.0/deed.es"


# --- CSV round trips -------------------------------------------------------------------------


def test_contratos_csv_reads_back_as_the_content(sample_site):
    rows = {row["Referencia del Contrato"]: row
            for row in read_csv(sample_site.output / "datos/contratos.csv")}
    contracts = content_of("contratos")
    assert len(rows) == len(contracts)
    for contract in contracts.values():
        row = rows[contract["referencia"]]
        contratista = contract.get("contratista", {})
        ejecucion = contract.get("ejecucion", {})
        adiciones = contract.get("adiciones", [])
        expected = {
            "Proceso de Compra": contract.get("proceso", ""),
            "Nit Entidad": NIT,
            "Dependencia": contract["oficina"],
            "Modalidad de Contratacion": contract["modalidad"],
            "Tipo de Contrato": contract["tipo"],
            "Objeto del Contrato": contract["objeto"],
            "Estado Contrato": contract["estado"],
            "Valor del Contrato": str(contract["valor"]),
            "Valor Adicionado": str(sum(a.get("valor", 0) for a in adiciones)),
            "Dias Adicionados": str(sum(a.get("dias", 0) for a in adiciones)),
            "Valor Pagado": str(ejecucion.get("valor_pagado", "")),
            "Fecha de Corte de la Ejecucion": ejecucion.get("fecha_corte", ""),
            "Porcentaje de Avance Fisico": str(ejecucion.get("porcentaje", "")),
            "TipoDocProveedor": contratista.get("tipo_documento", ""),
            "Documento Proveedor": contratista.get("documento", ""),
            "Proveedor Adjudicado": contratista.get("nombre", ""),
            "Fecha de Cierre": contract.get("fecha_cierre", ""),
            "Fecha de Firma": contract.get("fecha_firma", ""),
            "Fecha de Inicio del Contrato": contract.get("fecha_inicio", ""),
            "Fecha de Fin del Contrato": contract.get("fecha_fin", ""),
            "Supervisor": contract.get("supervisor", ""),
            "URLProceso": contract.get("url_secop", ""),
            "URL en el Sitio": f"/contratos/{contract['referencia'].lower()}/",
        }
        assert {key: row[key] for key in expected} == expected, contract["referencia"]
    # LP-002-2026 has an addition and an execution report (hand-checked figures).
    assert rows["LP-002-2026"]["Valor Adicionado"] == "64000000"
    assert rows["LP-002-2026"]["Valor Pagado"] == "243735090"
    # Leading zeros and check digits survive (a spreadsheet shows them as text).
    assert rows["MC-007-2025"]["Documento Proveedor"] == "900000007-1"


def test_tramites_csv_reads_back_as_the_content(sample_site):
    rows = {row["Nombre"]: row for row in read_csv(sample_site.output / "datos/tramites.csv")}
    tramites = content_of("tramites")
    assert len(rows) == len(tramites)
    for slug, tramite in tramites.items():
        row = rows[tramite["nombre"]]
        costo, tiempo = tramite["costo"], tramite["tiempo_respuesta"]
        assert row["Dependencia"] == tramite["oficina"]
        assert row["Descripción"] == tramite["descripcion"]
        assert row["Dirigido a"].split("\n") == tramite["dirigido_a"]
        assert row["Requisitos"].split("\n") == tramite["requisitos"]
        assert row["Documentos"] == "\n".join(tramite.get("documentos", []))
        assert row["Gratuito"] == ("sí" if costo.get("gratuito") else "no")
        assert row["Costo"] == str(costo.get("valor", ""))
        assert row["Detalle del Costo"] == costo.get("detalle", "")
        assert row["Tiempo de Respuesta en Días Hábiles"] == str(tiempo.get("dias_habiles", ""))
        assert row["Detalle del Tiempo de Respuesta"] == tiempo.get("detalle", "")
        assert len(row["Canales de Atención"].split("\n")) == len(tramite["canales"])
        for line, canal in zip(row["Canales de Atención"].split("\n"), tramite["canales"],
                               strict=True):
            assert " ".join(canal["detalle"].split()) in line
        assert row["Formularios"] == "\n".join(
            f"/{form['archivo']}" for form in tramite.get("formularios", []))
        assert row["Código SUIT"] == str(tramite.get("codigo_suit", ""))
        assert row["URL en el Sitio"] == f"/tramites/{slug}/"


def test_oficinas_csv_is_the_directory(sample_site):
    offices = parse_yaml(read_text(SAMPLE_CONTENT / "oficinas.yml")).data["oficinas"]
    rows = read_csv(sample_site.output / "datos/oficinas.csv")
    assert [row["Identificador"] for row in rows] == [office["id"] for office in offices]
    for row, office in zip(rows, offices, strict=True):
        assert row["Nombre"] == office["nombre"]
        assert row["Responsable"] == office["responsable"]
        assert row["Correo Electrónico"] == office["correo"]
        assert row["Teléfono"] == office.get("telefono", "")
        assert row["Horario de Atención"] == office.get("horario", "")
        assert row["URL en el Sitio"] == f"/oficinas/{office['id']}/"


def test_noticias_json_has_every_published_news_item(sample_site):
    records = load_json(sample_site, "datos/noticias.json")["registros"]
    published = []
    for path in sorted((SAMPLE_CONTENT / "noticias").glob("*/*.md")):
        front = read_text(path).split("---")[1]
        data = parse_yaml(front).data
        if data.get("borrador") is not True:
            published.append((data["titulo"], data["fecha"], path.parent.name))
    assert sorted((r["titulo"], r["fecha"], r["oficina"]) for r in records) == sorted(published)
    for record in records:
        slug_page = sample_site.file_for(record["url"])
        assert slug_page.is_file(), record["url"]
        assert record["texto_html"].strip(), record["url"]


# --- JSON files and their schemas -----------------------------------------------------------


def json_files(site: BuiltSite) -> list[Path]:
    return sorted(path for path in (site.output / "datos").glob("*.json")
                  if not path.name.endswith(".schema.json"))


def test_every_json_file_has_its_schema_beside_it_and_passes_it(sample_site):
    files = json_files(sample_site)
    assert {path.name for path in files} >= {"contratos.json", "tramites.json",
                                              "noticias.json", "contratos-ocds.json",
                                              "catalogo.json"}
    for path in files:
        schema_path = path.with_name(path.stem + ".schema.json")
        assert schema_path.is_file(), f"{path.name} no tiene su esquema al lado"
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        document = json.loads(path.read_text(encoding="utf-8"))
        if schema["$schema"].startswith("http://json-schema.org/draft-04/"):
            validator = Draft4Validator(schema, registry=ocds_registry(),
                                        format_checker=FormatChecker())
        else:
            Draft202012Validator.check_schema(schema)
            validator = Draft202012Validator(schema, format_checker=FormatChecker())
        errors = errors_of(validator, document)
        assert not errors, f"{path.name}:\n" + "\n".join(errors)


def test_a_dataset_schema_rejects_what_it_should(sample_site):
    schema = load_json(sample_site, "datos/contratos.schema.json")
    document = load_json(sample_site, "datos/contratos.json")
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    record = document["registros"][0]
    for broken in ({**record, "estado": "firmado"}, {**record, "valor": "mucho"},
                   {**record, "fecha_firma": "2026-02-30"}, {**record, "sobra": 1}):
        assert errors_of(validator, {**document, "registros": [broken]}), broken


# --- Catalogue ------------------------------------------------------------------------------


def dataset_files(site: BuiltSite) -> set[str]:
    """What a person can download as data: every data file under /datos/ and the existing
    data files at the root, without the schemas, the catalogue itself and the page."""
    found = {path.relative_to(site.output).as_posix()
             for path in (site.output / "datos").iterdir()
             if path.suffix in (".csv", ".json", ".ics")
             and not path.name.endswith(".schema.json") and path.name != "catalogo.json"}
    for name in ("cumplimiento.json", "cumplimiento.csv", "transparencia.json",
                 "transparencia.csv", "transparencia/esquema-de-publicacion.csv",
                 "eventos.ics", "eventos.csv"):
        if (site.output / name).is_file():
            found.add(name)
    return found


def test_the_catalogue_lists_every_data_file_and_nothing_else(sample_site):
    catalogue = load_json(sample_site, "datos/catalogo.json")
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    listed = [distribution["dcat:downloadURL"]["@id"]
              for dataset in catalogue["dcat:dataset"]
              for distribution in dataset["dcat:distribution"]]
    assert len(listed) == len(set(listed))
    assert all(url.startswith("/") for url in listed), listed
    assert {url.lstrip("/") for url in listed} == dataset_files(sample_site)
    for dataset in catalogue["dcat:dataset"]:
        for key in ("dct:title", "dct:description", "dct:license"):
            assert dataset[key], (dataset["dct:identifier"], key)
        for distribution in dataset["dcat:distribution"]:
            assert distribution["dcat:mediaType"]["@id"].startswith(
                "https://www.iana.org/assignments/media-types/")
            if "dct:conformsTo" in distribution:
                assert sample_site.file_for(distribution["dct:conformsTo"]["@id"]).is_file()


def test_another_municipality_gets_its_own_catalogue(silos_site):
    """The same rule on the second sample (tests/fixtures/contenido-silos)."""
    site = silos_site
    catalogue = load_json(site, "datos/catalogo.json")
    listed = {distribution["dcat:downloadURL"]["@id"].lstrip("/")
              for dataset in catalogue["dcat:dataset"]
              for distribution in dataset["dcat:distribution"]}
    assert listed == dataset_files(site)


def test_a_kind_without_items_is_neither_published_nor_listed(content_copy, tmp_path):
    shutil.rmtree(content_copy / "contratos")
    shutil.rmtree(content_copy / "eventos")
    output = tmp_path / "output"
    build_site(content_copy, output, ROOT / "pelicanconf.py")
    site = BuiltSite(output)
    assert not list((output / "datos").glob("contratos*"))
    assert not (output / "eventos.ics").exists() and not (output / "datos/eventos.csv").exists()
    catalogue = load_json(site, "datos/catalogo.json")
    identifiers = [dataset["dct:identifier"] for dataset in catalogue["dcat:dataset"]]
    assert "contratos" not in identifiers and "eventos" not in identifiers
    assert "tramites" in identifiers
    listed = {distribution["dcat:downloadURL"]["@id"].lstrip("/")
              for dataset in catalogue["dcat:dataset"]
              for distribution in dataset["dcat:distribution"]}
    assert listed == dataset_files(site)
    assert "Contratación" not in site.main_text("/datos/")


def git_date(*paths: str) -> str:
    """Newest non-merge commit that added, changed or renamed these paths, in Bogotá."""
    stamp = subprocess.run(
        ["git", "log", "-1", "--no-merges", "--diff-filter=AMRCT", "--format=%ct", "HEAD",
         "--", *paths], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    return datetime.datetime.fromtimestamp(int(stamp), BOGOTA).date().isoformat()


def test_frequency_from_the_plan_and_last_change_from_git(sample_site):
    datasets = {dataset["dct:identifier"]: dataset
                for dataset in load_json(sample_site, "datos/catalogo.json")["dcat:dataset"]}
    # content/plan.yml: contratacion and informacion (noticias) 12 a year, trámites 2.
    frequencies = {name: dataset["dct:accrualPeriodicity"]["@id"].rsplit("/", 1)[1]
                   for name, dataset in datasets.items()}
    assert frequencies["contratos"] == "MONTHLY"
    assert frequencies["noticias"] == "MONTHLY"
    assert frequencies["tramites"] == "ANNUAL_2"
    assert frequencies["oficinas"] == "IRREG"
    modified = {name: dataset.get("dct:modified", {}).get("@value")
                for name, dataset in datasets.items()}
    assert modified["contratos"] == git_date("content/contratos")
    assert modified["tramites"] == git_date("content/tramites")
    assert modified["noticias"] == git_date("content/noticias")
    assert modified["oficinas"] == git_date("content/oficinas.yml")
    text = sample_site.main_text("/datos/")
    assert "Mensual" in text and "Semestral" in text and "Cuando cambia" in text


def test_the_datos_page_links_every_file_and_describes_its_columns(sample_site):
    page = sample_site.page("/datos/")
    links = {anchor["href"] for anchor in page.select("main a[href]")}
    for path in dataset_files(sample_site):
        assert any(href.endswith("/" + path) or href == path for href in links), path
    assert "Creative Commons Atribución 4.0" in page.find("main").get_text()
    # Each dataset has its own page with the data dictionary: every CSV column, in order
    # (also for the files other parts of the site write: their columns are described here).
    catalogue = load_json(sample_site, "datos/catalogo.json")["dcat:dataset"]
    checked = []
    for dataset in catalogue:
        name = dataset["dct:identifier"]
        assert f"/datos/{name}/" in {urljoin("/datos/", href) for href in links}
        csv_files = [d["dcat:downloadURL"]["@id"] for d in dataset["dcat:distribution"]
                     if d["dct:format"] == "CSV"]
        if not csv_files:
            continue
        header = next(csv.reader(io.StringIO(
            sample_site.file_for(csv_files[0]).read_text(encoding="utf-8-sig"))))
        terms = [" ".join(dt.get_text(" ").split())
                 for dt in sample_site.page(f"/datos/{name}/").select("main dl")[-1]("dt")]
        assert [term.split(" (")[0] for term in terms] == header, name
        checked.append(name)
    assert {"contratos", "tramites", "oficinas", "eventos", "cumplimiento"} <= set(checked)


def test_the_datos_page_is_linked_from_every_footer(sample_site):
    for url in ("/", "/tramites/", "/cumplimiento/"):
        hrefs = [a["href"] for a in sample_site.page(url).select("footer a[href]")]
        assert any(href.rstrip("/").endswith("datos") for href in hrefs), url


# --- JSON-LD --------------------------------------------------------------------------------


def json_ld(site: BuiltSite, url: str) -> dict:
    blocks = site.page(url).select('script[type="application/ld+json"]')
    assert len(blocks) == 1, f"{url}: {len(blocks)} bloques JSON-LD"
    return json.loads(blocks[0].string)


def item_pages(site: BuiltSite, section: str) -> list[str]:
    return sorted("/" + path.parent.relative_to(site.output).as_posix() + "/"
                  for path in (site.output / section).glob("*/index.html")
                  if path.parent.name != "pagina")


def is_text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def is_url(value, base: str = "") -> bool:
    return isinstance(value, str) and value.startswith(base + "/")


# schema.org expected types, hand-listed: property → check.
ORGANIZATION = {"@type": lambda v: v == "GovernmentOrganization", "name": is_text}


def check(data: dict, expected: dict, where: str) -> None:
    for name, test in expected.items():
        assert name in data, f"{where}: falta {name}"
        assert test(data[name]), f"{where}: {name} = {data[name]!r}"


def test_every_tramite_page_is_a_government_service(sample_site):
    pages = item_pages(sample_site, "tramites")
    assert len(pages) == len(content_of("tramites"))
    for url in pages:
        data = json_ld(sample_site, url)
        check(data, {
            "@context": lambda v: v == "https://schema.org",
            "@type": lambda v: v == "GovernmentService",
            "name": is_text, "description": is_text,
            "url": lambda v, url=url: v == url,
            "provider": lambda v: v["@type"] == "GovernmentOrganization" and is_text(v["name"])
            and v["parentOrganization"]["name"] == "Alcaldía Municipal de Chitagá",
            "areaServed": lambda v: v["@type"] == "AdministrativeArea"
            and v["name"] == "Chitagá, Norte de Santander",
            "availableChannel": lambda v: len(v) >= 1 and all(
                c["@type"] == "ServiceChannel" and is_text(c["name"]) for c in v),
            "offers": lambda v: v["@type"] == "Offer",
        }, url)
        assert data["name"] == sample_site.page(url).h1.get_text(strip=True)
    # Hand-checked: the certificate of residence is free.
    free = json_ld(sample_site, "/tramites/certificado-de-residencia/")["offers"]
    assert free["price"] == 0 and free["priceCurrency"] == "COP"


def test_every_news_page_is_a_news_article(sample_site):
    pages = item_pages(sample_site, "noticias")
    assert pages
    for url in pages:
        data = json_ld(sample_site, url)
        check(data, {
            "@type": lambda v: v == "NewsArticle",
            "headline": is_text, "description": is_text,
            "datePublished": lambda v: bool(datetime.date.fromisoformat(v)),
            "url": lambda v, url=url: v == url,
            "author": lambda v, url=url: check(v, ORGANIZATION, url) is None,
            "publisher": lambda v, url=url: check(v, ORGANIZATION, url) is None,
        }, url)
        page = sample_site.page(url)
        assert data["headline"] == page.h1.get_text(strip=True)
        assert data["datePublished"] == page.find("time")["datetime"]


def test_the_home_page_is_the_government_organization(sample_site):
    data = json_ld(sample_site, "/")
    check(data, {
        "@type": lambda v: v == "GovernmentOrganization",
        "name": lambda v: v == "Alcaldía Municipal de Chitagá",
        "identifier": lambda v: v["propertyID"] == "NIT" and v["value"] == NIT,
        "telephone": lambda v: v == "(607) 567 8002",
        "email": lambda v: v == "contactenos@chitaga-nortedesantander.gov.co",
        "address": lambda v: v["@type"] == "PostalAddress" and v["addressLocality"] == "Chitagá"
        and v["addressRegion"] == "Norte de Santander" and v["addressCountry"] == "CO"
        and is_text(v["streetAddress"]),
        "url": lambda v: v == "/",
    }, "/")


def test_the_datos_page_is_a_data_catalog(sample_site):
    data = json_ld(sample_site, "/datos/")
    check(data, {
        "@type": lambda v: v == "DataCatalog", "name": is_text, "license": is_text,
        "url": lambda v: v == "/datos/",
        "dataset": lambda v: len(v) >= 4 and all(
            d["@type"] == "Dataset" and is_text(d["name"]) and is_text(d["description"])
            and all(f["@type"] == "DataDownload" and is_url(f["contentUrl"])
                    for f in d["distribution"]) for d in v),
    }, "/datos/")


@pytest.mark.parametrize("hostile", [
    "</script><script>alert(1)</script>", "<!-- <script>", "a & b > c", "\u2028línea",
    "</SCRIPT >",
])
def test_json_ld_keeps_hostile_text_inside_the_data_block(hostile):
    element = str(script_element({"name": hostile}))
    body = element.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body
    parsed = BeautifulSoup(f"<head>{element}</head>", "html.parser")
    assert len(parsed.find_all("script")) == 1
    assert json.loads(parsed.script.string) == {"name": hostile}


VACCINATION = "2026-02-03-jornada-de-vacunacion-antirrabica-en-las-veredas"


def test_hostile_titles_stay_data_in_a_built_page(content_copy, tmp_path, monkeypatch):
    reads = []

    def counted(*arguments):
        reads.append(arguments)
        return read_history(*arguments)

    # The git history is read once per build, for the indicators and /datos/ together.
    monkeypatch.setattr(indicators_page, "read_history", counted)
    monkeypatch.setattr(opendata_page, "read_history", counted)
    news = content_copy / f"noticias/gobierno/{VACCINATION}.md"
    hostile = 'Vacunación </script><script>alert("x")</script> & <!-- fin'
    text = news.read_text(encoding="utf-8")
    news.write_text(text.replace("titulo: Jornada de vacunación antirrábica en las veredas",
                                 f"titulo: '{hostile}'", 1), encoding="utf-8")
    tramite = content_copy / "tramites/gobierno/certificado-de-residencia.yml"
    tramite.write_text(tramite.read_text(encoding="utf-8").replace(
        "nombre: Certificado de residencia", "nombre: 'Certificado </script> de residencia'", 1),
        encoding="utf-8")
    output = tmp_path / "output"
    try:
        build_site(content_copy, output, ROOT / "pelicanconf.py")
    except BuildFailed as error:  # pragma: no cover - the message says why
        pytest.fail(str(error))
    assert len(reads) == 1
    site = BuiltSite(output)
    article = json_ld(site, f"/noticias/{VACCINATION}/")
    assert article["headline"] == hostile
    assert json_ld(site, "/tramites/certificado-de-residencia/")["name"] == (
        "Certificado </script> de residencia")
    records = load_json(site, "datos/noticias.json")["registros"]
    assert hostile in [record["titulo"] for record in records]
    # This copy is not in a git repository: no date is made up for the last change.
    datasets = load_json(site, "datos/catalogo.json")["dcat:dataset"]
    assert [d["dct:identifier"] for d in datasets if "dct:modified" in d] == ["cumplimiento"]
    text = site.main_text("/datos/")
    assert "La fecha de la última actualización no está disponible" in text
    assert "No disponible" in site.main_text("/datos/contratos/")


# --- Production: absolute URLs, compressed files, budget ------------------------------------


def test_production_data_uses_absolute_urls_and_is_precompressed(sitio_publicado):
    catalogue = load_json(sitio_publicado, "datos/catalogo.json")
    urls = [distribution["dcat:downloadURL"]["@id"]
            for dataset in catalogue["dcat:dataset"]
            for distribution in dataset["dcat:distribution"]]
    assert urls and all(url.startswith(DOMAIN + "/") for url in urls), urls
    assert catalogue["@id"] == f"{DOMAIN}/datos/catalogo.json"
    schema = load_json(sitio_publicado, "datos/contratos.schema.json")
    assert schema["$id"] == f"{DOMAIN}/datos/contratos.schema.json"
    rows = read_csv(sitio_publicado.output / "datos/contratos.csv")
    assert all(row["URL en el Sitio"].startswith(DOMAIN + "/contratos/") for row in rows)
    assert json_ld(sitio_publicado, "/")["url"] == DOMAIN + "/"
    for path in dataset_files(sitio_publicado):
        for suffix in (".gz", ".br"):
            assert (sitio_publicado.output / (path + suffix)).is_file(), path + suffix


# --- Events (content/eventos/, from the events-core branch) ---------------------------------


def published_events() -> dict[str, dict]:
    """Every event of the sample that is not a draft, by slug, read with the project's loader."""
    found = {}
    for path in sorted((SAMPLE_CONTENT / "eventos").glob("*/*.md")):
        data = parse_yaml(read_text(path).split("---")[1], first_line=2).data
        if data.get("borrador") is not True:
            found[path.stem] = {**data, "oficina": path.parent.name}
    return found


def test_eventos_csv_reads_back_as_the_content(sample_site):
    events = published_events()
    assert events, "el contenido de ejemplo no tiene eventos"
    rows = {row["URL en el Sitio"]: row
            for row in read_csv(sample_site.output / "datos/eventos.csv")}
    assert len(rows) == len(events)
    for slug, event in events.items():
        row = rows[f"/eventos/{slug}/"]
        assert row["Título"] == event["titulo"]
        assert row["Fecha"] == event["fecha"]
        assert row["Hora"] == str(event.get("hora", ""))
        assert row["Tipo de Evento"] == event["tipo"]
        assert row["Lugar"] == event["lugar"]
        assert row["Dependencia"] == event["oficina"]
        assert row["Resumen"] == event["resumen"]
        assert row["Asistentes"] == str(event.get("asistentes", ""))


def test_the_agenda_feed_has_every_published_event(sample_site):
    calendar = icalendar.Calendar.from_ical((sample_site.output / "eventos.ics").read_bytes())
    entries = {str(component["summary"]): component for component in calendar.walk("VEVENT")}
    events = published_events()
    assert sorted(entries) == sorted(str(event["titulo"]) for event in events.values())
    for slug, event in events.items():
        entry = entries[str(event["titulo"])]
        start = entry.decoded("dtstart")
        day = start.date() if isinstance(start, datetime.datetime) else start
        assert day.isoformat() == event["fecha"]
        if event.get("hora"):
            assert start.strftime("%H:%M") == event["hora"]
            assert start.utcoffset() == datetime.timedelta(hours=-5)
        assert str(entry["url"]) == f"{DOMAIN}/eventos/{slug}/"


def test_every_event_page_is_an_event(sample_site):
    """Event pages come from the agenda (another part of the site): each one that exists
    carries its Event, from base.html's block."""
    events = published_events()
    for slug, event in events.items():
        url = f"/eventos/{slug}/"
        if not sample_site.file_for(url).is_file():
            continue
        data = json_ld(sample_site, url)
        assert data["@type"] == "Event" and data["name"] == event["titulo"], url
        assert data["startDate"].startswith(event["fecha"]), url
        assert data["location"]["name"] == event["lugar"], url


class _Evento:
    """What an event page gives the template: its front matter and its URL."""

    def __init__(self, metadata: dict, url: str):
        self.metadata, self.url = metadata, url


class _Oficina:
    nombre, url, correo, data = ("Despacho del Alcalde", "oficinas/despacho/",
                                 "despacho@chitaga-nortedesantander.gov.co", {})


def test_an_event_is_a_schema_org_event():
    entidad = parse_yaml(read_text(SAMPLE_CONTENT / "entidad.yml")).data
    evento = _Evento({"titulo": "Rendición de cuentas </script>", "fecha": "2026-12-16",
                      "hora": "09:00", "tipo": "rendicion_de_cuentas",
                      "lugar": "Coliseo municipal", "resumen": "Audiencia pública."},
                     "eventos/2026-12-16-audiencia/")
    element = FILTERS["jsonld_evento"](evento, _Oficina(), entidad, "")
    data = json.loads(BeautifulSoup(str(element), "html.parser").script.string)
    check(data, {
        "@type": lambda v: v == "Event",
        "name": lambda v: v == "Rendición de cuentas </script>",
        "startDate": lambda v: v == "2026-12-16T09:00:00-05:00",
        "location": lambda v: v["@type"] == "Place" and v["name"] == "Coliseo municipal"
        and v["address"]["addressLocality"] == "Chitagá",
        "organizer": lambda v: check(v, ORGANIZATION, "evento") is None,
        "eventAttendanceMode": lambda v: v == "https://schema.org/OfflineEventAttendanceMode",
        "url": lambda v: v == "/eventos/2026-12-16-audiencia/",
    }, "evento")
    all_day = FILTERS["jsonld_evento"](
        _Evento({**evento.metadata, "hora": None}, evento.url), _Oficina(), entidad, "")
    assert json.loads(BeautifulSoup(str(all_day), "html.parser").script.string)[
        "startDate"] == "2026-12-16"


# --- Any text survives (Hypothesis) ---------------------------------------------------------

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
one_line = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"),
                   min_size=1, max_size=30)
COLUMNS = (Column("texto", "Texto", TEXT, "."), Column("lista", "Lista", LIST, "."),
           Column("entero", "Entero", INTEGER, "."))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(texts, st.lists(one_line, max_size=4),
                          st.integers(min_value=0, max_value=10**15)), max_size=5))
def test_any_text_survives_the_csv(rows):
    """Commas, quotes, line breaks and accents come back as written (list items are single
    lines: the validator refuses line breaks in them)."""
    data = to_csv(COLUMNS, [{"texto": text, "lista": items, "entero": number}
                            for text, items, number in rows])
    assert data.startswith(b"\xef\xbb\xbf")
    back = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [(row["Texto"], row["Lista"].split("\n") if row["Lista"] else [],
             int(row["Entero"])) for row in back] == [
        (text, items, number) for text, items, number in rows]


@settings(max_examples=300, deadline=None)
@given(texts)
def test_any_text_stays_inside_its_json_ld_block(text):
    element = str(script_element({"name": text}))
    body = element.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body
    assert json.loads(body) == {"name": text}
