"""Property-based tests: whatever bytes or YAML a file holds, validation reports, never raises."""

from __future__ import annotations

import datetime

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from municipal.content.file_checks import FileReport, check_file
from municipal.content.schemas import SCHEMA_NAMES, schema_for
from municipal.content.validation import check_content

KINDS = [("noticias/hacienda/2026-03-01-nota.md", "noticias"),
         ("paginas/hacienda/la-alcaldia.md", "paginas"),
         ("tramites/hacienda/paz-y-salvo.yml", "tramites"),
         ("contratos/hacienda/cps-001-2026.yml", "contratos"),
         ("entidad.yml", "entidad.yml"),
         ("oficinas.yml", "oficinas.yml"),
         ("plan.yml", "plan.yml")]

FIELD_NAMES = ["titulo", "fecha", "resumen", "nombre", "referencia", "valor", "estado",
               "modalidad", "costo", "gratuito", "canales", "tipo", "detalle", "url",
               "archivo", "contratista", "documento", "acciones", "oficinas", "id",
               "meta_anual", "tipos", "requisitos", "borrador", "x", "fecha_fin"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20),
    st.floats(allow_nan=False), st.text(max_size=30),
    st.sampled_from(["2026-02-30", "2026-03-01", "https://x.gov.co/a", "http://x.co",
                     "licitacion_publica", "convocado", "celebrado", "todas",
                     "adjuntos/hacienda/formulario.pdf", "a@b.co", "COP"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(FIELD_NAMES), children, max_size=6),
    ),
    max_leaves=25,
)


def _as_file(relpath: str, data) -> bytes:
    text = yaml.safe_dump(data, allow_unicode=True)
    if relpath.endswith(".md"):
        text = f"---\n{text}---\nCuerpo con http://inseguro.co\n"
    return text.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KINDS), st.binary(max_size=400))
def test_random_bytes_are_reported_never_raised(kind, raw):
    report = check_file(kind[0], kind[1], raw)
    assert isinstance(report, FileReport)
    for line, field, message in report.problems:
        assert line >= 1 and isinstance(field, str) and message


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KINDS), documents)
def test_random_yaml_documents_are_reported_never_raised(kind, data):
    report = check_file(kind[0], kind[1], _as_file(kind[0], data))
    assert isinstance(report, FileReport)
    if not isinstance(data, dict):
        assert report.problems, "a file that is not a mapping is always an error"


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(SCHEMA_NAMES)), documents)
def test_fast_validator_agrees_with_the_full_one(kind, data):
    """The compiled validator clears a document only when jsonschema would too."""
    schema = schema_for(kind)
    assert schema.is_valid(data) == (not list(schema.full.iter_errors(data)))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(KINDS[:4]), st.binary(max_size=200)),
                min_size=1, max_size=5))
def test_a_folder_of_random_files_is_fully_reported(tmp_path_factory, files):
    content = tmp_path_factory.mktemp("azar") / "content"
    for (relpath, _), raw in files:
        path = content / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
    site = check_content(content, today=datetime.date(2026, 11, 24), use_cache=False)
    reported = {problem.path for problem in site.problems}
    assert "content/entidad.yml" in reported  # the site files are missing
