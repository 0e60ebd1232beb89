"""The validator as a whole: CLI output, every problem at once, the cache, messages."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import yaml

from conftest import ROOT, SAMPLE_CONTENT
from municipal.content import validation, validation_cache
from municipal.content.file_checks import check_file
from municipal.content.messages import field_name, suggestion
from municipal.content.validation import check_content, report
from municipal.content.validation_cache import cache_file_for
from municipal.content.yaml_loader import read_bytes

TODAY = datetime.date(2026, 11, 24)
CONTRACT = "contratos/juridica/cps-003-2026.yml"


def invoke(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args], cwd=cwd, capture_output=True,
        text=True, timeout=120, check=False)


def break_value(content, relpath, old, new):
    path = content / relpath
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_sample_content_is_valid():
    assert check_content(SAMPLE_CONTENT, today=TODAY, use_cache=False).problems == []


def test_cli_lists_every_problem_sorted_then_a_summary_and_exits_1(content_copy):
    break_value(content_copy, CONTRACT, "valor: 38500000", "valor: dos millones")
    break_value(content_copy, CONTRACT, "modalidad: contratacion_directa", "modalidad: directa")
    break_value(content_copy, "oficinas.yml", "id: hacienda", "id: hacienda\n    id: otra")
    result = invoke("validar", "--contenido", str(content_copy))
    assert result.returncode == 1
    lines = result.stdout.strip().split("\n")
    assert lines == [
        "content/contratos/juridica/cps-003-2026.yml:3: modalidad: \"directa\" no es una "
        "modalidad válida. Use una de: licitacion_publica, seleccion_abreviada, "
        "concurso_de_meritos, contratacion_directa, minima_cuantia, regimen_especial.",
        "content/contratos/juridica/cps-003-2026.yml:6: valor: debe ser un número entero "
        "≥ 0 (se encontró \"dos millones\")",
        "content/oficinas.yml:21: el campo \"id\" está repetido (ya aparece en la línea 20); "
        "deje uno solo",
        "3 errores en 2 archivos",
    ]
    assert "Traceback" not in result.stderr


def test_cli_says_the_content_is_valid_and_exits_0():
    result = invoke("validar")
    assert result.returncode == 0
    assert result.stdout.strip() == "Sin errores: el contenido es válido."


def test_problems_of_other_files_are_reported_even_when_a_site_file_is_broken(content_copy):
    (content_copy / "plan.yml").write_text("acciones: [\n", encoding="utf-8")
    break_value(content_copy, CONTRACT, "valor: 38500000", "valor: -5")
    lines = report(check_content(content_copy, today=TODAY).problems).split("\n")
    assert lines[0].startswith("content/contratos/juridica/cps-003-2026.yml:6: valor: ")
    assert lines[1].startswith("content/plan.yml:1: YAML mal formado")
    assert lines[2] == "2 errores en 2 archivos"


def test_a_warm_cache_gives_the_same_problems_as_a_cold_run(content_copy):
    break_value(content_copy, CONTRACT, "valor: 38500000", "valor: dos millones")
    cold = check_content(content_copy, today=TODAY, use_cache=False).problems
    first = check_content(content_copy, today=TODAY).problems
    assert cache_file_for(content_copy).is_file()
    second = check_content(content_copy, today=TODAY).problems
    assert cold == first == second and len(cold) == 1


def test_an_edited_file_is_checked_again(content_copy):
    check_content(content_copy, today=TODAY)
    time.sleep(0.01)
    break_value(content_copy, CONTRACT, "modalidad: contratacion_directa", "modalidad: otra")
    problems = check_content(content_copy, today=TODAY).problems
    assert [problem.field for problem in problems] == ["modalidad"]


def age_every_file(content, seconds=3600):
    """Date every content file an hour back, as in a checkout made earlier (not racy)."""
    past = time.time_ns() - seconds * 1_000_000_000
    for path in content.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(past, past))


def count_checks(monkeypatch) -> list[str]:
    """The files whose own check runs from now on (not taken from the cache)."""
    checked = []

    def counting_check_file(relpath, kind, raw):
        checked.append(relpath)
        return check_file(relpath, kind, raw)

    monkeypatch.setattr(validation, "check_file", counting_check_file)
    return checked


def test_a_second_validation_checks_only_the_edited_file(content_copy, monkeypatch):
    checked = count_checks(monkeypatch)
    check_content(content_copy, today=TODAY)
    assert CONTRACT in checked and len(checked) > 40  # cold: every content file
    checked.clear()
    assert check_content(content_copy, today=TODAY).problems == []
    assert checked == []  # warm: every report comes from the cache
    break_value(content_copy, CONTRACT, "modalidad: contratacion_directa", "modalidad: otra")
    problems = check_content(content_copy, today=TODAY).problems
    assert checked == [CONTRACT]
    assert [problem.field for problem in problems] == ["modalidad"]


def test_old_unchanged_files_are_not_even_read(content_copy, monkeypatch):
    age_every_file(content_copy)
    check_content(content_copy, today=TODAY)
    read = []

    def counting_read(path, **options):
        read.append(Path(path).relative_to(content_copy).as_posix())
        return read_bytes(path, **options)

    monkeypatch.setattr(validation, "read_bytes", counting_read)
    assert check_content(content_copy, today=TODAY).problems == []
    assert sorted(read) == [  # never cached
        "entidad.yml", "oficinas.yml", "plan.yml", "transparencia.yml"]


def test_a_same_size_edit_of_an_old_file_with_its_old_times_is_seen(content_copy):
    """The hardest case: same size, same mtime (restored), file older than RACY_SECONDS:
    only its change time (ctime) shows the edit."""
    age_every_file(content_copy)
    path = content_copy / CONTRACT
    check_content(content_copy, today=TODAY)
    status = path.stat()
    break_value(content_copy, CONTRACT, "tipo_documento: CC", "tipo_documento: XX")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert path.stat().st_size == status.st_size
    problems = check_content(content_copy, today=TODAY).problems
    assert [problem.field for problem in problems] == ["contratista.tipo_documento"]


def test_an_edit_in_the_same_clock_tick_is_seen(content_copy, monkeypatch):
    """On a file system whose times are coarse, an edit right after a check can leave
    size, mtime and ctime as they were: a file modified less than RACY_SECONDS before
    its check is never trusted by its times alone (as in git's index)."""
    def coarse_stat_key(path):  # the change time is no newer than the modification time
        status = os.lstat(path)
        return [status.st_size, status.st_mtime_ns, status.st_mtime_ns, status.st_ino]

    monkeypatch.setattr(validation, "stat_key", coarse_stat_key)
    path = content_copy / CONTRACT
    saved = path.stat().st_mtime_ns  # the checks below run half a second after this save
    monkeypatch.setattr(validation_cache, "time",
                        SimpleNamespace(time_ns=lambda: saved + 500_000_000))
    check_content(content_copy, today=TODAY)
    status = path.stat()
    break_value(content_copy, CONTRACT, "tipo_documento: CC", "tipo_documento: XX")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert path.stat().st_size == status.st_size
    assert path.stat().st_mtime_ns == status.st_mtime_ns
    problems = check_content(content_copy, today=TODAY).problems
    assert [problem.field for problem in problems] == ["contratista.tipo_documento"]


def test_cross_file_inputs_are_never_taken_from_the_cache(content_copy):
    check_content(content_copy, today=TODAY)
    (content_copy / "adjuntos/planeacion/solicitud-encuesta-sisben.pdf").unlink()
    problems = check_content(content_copy, today=TODAY).problems
    assert [(problem.path, problem.field) for problem in problems] == [
        ("content/tramites/planeacion/encuesta-del-sisben.yml", "formularios[1].archivo")]
    later = check_content(content_copy, today=datetime.date(2025, 1, 1)).problems
    assert any("es futura" in problem.message for problem in later)


def test_a_changed_schema_invalidates_the_cache(content_copy, tmp_path, monkeypatch):
    check_content(content_copy, today=TODAY)
    before = validation_cache.fingerprint()
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    for path in validation_cache.SCHEMAS_DIR.glob("*.json"):
        (schemas / path.name).write_bytes(path.read_bytes())
    tramite = schemas / "tramite.schema.json"
    stricter = tramite.read_text(encoding="utf-8").replace('"minItems": 1', '"minItems": 2', 1)
    tramite.write_text(stricter, encoding="utf-8")
    monkeypatch.setattr(validation_cache, "SCHEMAS_DIR", schemas)
    assert validation_cache.fingerprint() != before
    cache = validation_cache.ValidationCache(cache_file_for(content_copy))
    assert cache.entries == {}


def test_a_corrupt_cache_file_is_ignored(content_copy):
    check_content(content_copy, today=TODAY)
    cache_file = cache_file_for(content_copy)
    cache_file.write_text("{no es json", encoding="utf-8")
    assert check_content(content_copy, today=TODAY).problems == []
    assert json.loads(cache_file.read_text(encoding="utf-8"))["archivos"]


def test_many_changed_files_are_checked_on_every_core_with_the_same_result(content_copy):
    tramite = (content_copy / "tramites/gobierno/certificado-de-residencia.yml").read_text(
        encoding="utf-8")
    for number in range(300):
        text = tramite if number != 150 else tramite.replace("tipo: presencial", "tipo: fax")
        (content_copy / f"tramites/gobierno/copia-{number}.yml").write_text(text, encoding="utf-8")
    parallel = check_content(content_copy, today=TODAY, use_cache=False, processes=2).problems
    serial = check_content(content_copy, today=TODAY, use_cache=False, processes=1).problems
    assert parallel == serial
    assert [(problem.path, problem.field) for problem in parallel] == [
        ("content/tramites/gobierno/copia-150.yml", "canales[1].tipo")]


def test_field_names_count_list_items_from_one():
    assert field_name(("canales", 0, "tipo")) == "canales[1].tipo"
    assert field_name(("requisitos", 2)) == "requisitos[3]"
    assert field_name(()) == ""


def test_suggestions_only_for_near_misses():
    assert suggestion("supervisr", ["supervisor", "objeto"]) == ' ¿Quiso decir "supervisor"?'
    assert suggestion("CONVOCADO", ["convocado"]) == ' ¿Quiso decir "convocado"?'
    assert suggestion("xyz", ["supervisor", "objeto"]) == ""
    assert suggestion(5, ["5"]) == ""


def test_the_pre_commit_hook_runs_this_validator_with_the_pinned_versions():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = config["repos"][0]["hooks"]
    assert hook["entry"] == "invoke validar" and hook["pass_filenames"] is False
    requirements = [line.strip() for line in
                    (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
                    if line.strip() and not line.startswith("#")]
    assert sorted(hook["additional_dependencies"]) == sorted(requirements)
    checked = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_change_to_any_module_of_the_plugin_invalidates_the_cache(tmp_path, monkeypatch):
    """The plugin has subpackages (content, site, ...): a change in any of them, or a
    module moved from one to another, is new checking code."""
    plugin = tmp_path / "municipal"
    shutil.copytree(ROOT / "plugins" / "municipal", plugin,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(validation_cache, "_PLUGIN_DIR", plugin)
    before = validation_cache.fingerprint()
    readers = plugin / "site" / "readers.py"
    readers.write_text(readers.read_text(encoding="utf-8") + "\n# otro\n", encoding="utf-8")
    edited = validation_cache.fingerprint()
    assert edited != before
    (plugin / "site" / "readers.py").rename(plugin / "indicators" / "readers.py")
    assert validation_cache.fingerprint() != edited


def test_a_cache_file_as_saved_is_trusted_whole_and_a_rewritten_one_entry_by_entry(
        content_copy, monkeypatch):
    """Checking the shape of 10,000 entries costs more than a checksum of the file."""
    check_content(content_copy, today=TODAY)
    inspected = []
    real = validation_cache._well_formed
    monkeypatch.setattr(validation_cache, "_well_formed",
                        lambda entry: inspected.append(entry) or real(entry))
    path = cache_file_for(content_copy)
    assert validation_cache.ValidationCache(path).entries
    assert inspected == []
    stored = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(stored, indent=1), encoding="utf-8")  # same data, rewritten
    assert len(validation_cache.ValidationCache(path).entries) == len(stored["archivos"])
    assert len(inspected) == len(stored["archivos"])
