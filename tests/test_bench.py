"""The scale benchmark keeps working: bench/synthetic.py and bench/build.py --small."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bench import synthetic

ROOT = Path(__file__).resolve().parent.parent
SMALL = 200


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> synthetic.Generated:
    return synthetic.generate(tmp_path_factory.mktemp("sintetico") / "content", SMALL)


def test_the_synthetic_content_is_valid(generated):
    assert synthetic.self_check(generated.content) == []
    assert generated.counts == {"noticias": 120, "tramites": 20, "contratos": 60}
    assert len(generated.files) == SMALL
    for name in ("entidad.yml", "oficinas.yml", "plan.yml"):
        assert (generated.content / name).read_bytes() == (ROOT / "content" / name).read_bytes()
    assert (generated.content / "paginas").is_dir()
    assert (generated.content / "adjuntos").is_dir()


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(generated, tmp_path):
    again = synthetic.generate(tmp_path / "otra-vez" / "content", SMALL)
    other = synthetic.generate(tmp_path / "otra-semilla" / "content", SMALL, seed=8)
    assert files_of(again.content) == files_of(generated.content)
    assert files_of(other.content) != files_of(generated.content)


def test_the_items_look_like_real_ones(generated):
    content = generated.content
    offices = {path.parent.name for path in content.glob("noticias/*/*.md")}
    assert len(offices) == 6
    start = synthetic.END - datetime.timedelta(days=round(365.25 * 5))
    bodies = []
    for path in content.glob("noticias/*/*.md"):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        data = yaml.safe_load(front)
        assert start <= data["fecha"] <= synthetic.END
        assert path.name.startswith(data["fecha"].isoformat())
        assert len([b for b in body.split("\n\n") if not b.startswith(("#", "-", "|"))]) >= 3
        bodies.append(body)
    assert any("\n- " in body for body in bodies)
    assert any("\n|---|" in body for body in bodies)
    for path in content.glob("tramites/*/*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert {"requisitos", "canales", "costo", "tiempo_respuesta"} <= set(data)
    states = set()
    for path in content.glob("contratos/*/*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        states.add(data["estado"])
        assert ("contratista" in data) == (data["estado"] not in ("convocado", "desierto"))
    assert states == set(synthetic.STATES)


def test_the_history_ends_with_exactly_the_generated_files(generated, tmp_path):
    with_history = synthetic.generate(tmp_path / "repo" / "content", SMALL, commits=300)
    repository = with_history.repository
    assert repository == tmp_path / "repo"
    assert files_of(with_history.content) == files_of(generated.content)

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repository, check=True, capture_output=True,
                              text=True).stdout

    assert git("status", "--porcelain") == ""
    assert git("rev-list", "--count", "HEAD").strip() == "300"
    dates = sorted(git("log", "--format=%cs").split())
    assert dates[-1] <= synthetic.END.isoformat()
    assert dates[0] < (synthetic.END - datetime.timedelta(days=4 * 365)).isoformat()
    assert "actualiza" in git("log", "--format=%s")  # commits that edit published items


def test_the_small_benchmark_prints_every_variant():
    result = subprocess.run([sys.executable, "bench/build.py", "--small"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.split("Resumen:", 1)[1]
    for variant in ("a", "a1", "a2", "b", "c", "d"):
        row = re.search(rf"^\s+200  \({variant}\) .*?(\d+\.\d\d)\s+(\d+\.\d\d)\s+([\d,]+)\s+"
                        rf"(\d+)$", summary, re.MULTILINE)
        assert row, f"falta la variante ({variant}):\n{result.stdout}"
        assert float(row[1]) > 0
        assert int(row[3].replace(",", "")) >= SMALL
        assert int(row[4]) > 0
    assert "(b)/(a) = " in summary
    assert "(c)/(b) = " in summary
    assert "(c)/(d) = " in summary
    assert "memoria (c)/(b) = " in summary
    assert "nproc" in result.stdout


def test_the_small_visits_benchmark_prints_speed_and_memory():
    result = subprocess.run([sys.executable, "bench/visitas.py", "--small"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout
    assert "Registro: 20,000 líneas" in output
    for row in ("(1) lectura simple", "(2) count_visits"):
        figures = re.search(rf"^{re.escape(row)}.*?([\d.]+)\s+([\d,]+)\s+([\d.]+)\s+([\d,]+)$",
                            output, re.MULTILINE)
        assert figures, f"falta la fila {row}:\n{output}"
        assert int(figures[2].replace(",", "")) > 0
    assert re.search(r"^\(2\)/\(1\) = [\d.]+ \(reloj\)", output, re.MULTILINE)
    visits = re.search(r"(\d+) meses, ([\d,]+) visitas, ([\d,]+) visitantes", output)
    assert visits and int(visits[2].replace(",", "")) > 0
    assert re.search(r"razón 20,000/5,000 líneas: tracemalloc [\d.]+, ru_maxrss [\d.]+",
                     output)


def test_the_small_serve_benchmark_measures_a_save_until_it_is_served():
    result = subprocess.run([sys.executable, "bench/servir.py", "--small", "--ediciones", "1"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout
    assert re.search(r"^\(1\) build_site en un proceso nuevo, edición 1: \d+\.\d\d s", output,
                     re.MULTILINE), output
    served = re.search(r"^\(2\) invoke servir, edición 1: guardado → bytes nuevos por HTTP "
                       r"en (\d+\.\d\d) s; índice de búsqueda al día en (\d+\.\d\d) s$",
                       output, re.MULTILINE)
    assert served and 0 < float(served[1]) <= float(served[2]), output
    assert re.search(r"\(2\)/\(1\) = [\d.]+; meta \(2\) < 1 s a 1.000 elementos: (sí|no)$",
                     output, re.MULTILINE), output
