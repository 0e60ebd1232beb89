"""The plugin's layers (DESIGN.md §2): content ← site ← indicators ← transparency ← publishing.

`lint-imports` checks the contract of pyproject.toml on every run of tests/ejecutar.sh;
these tests prove that the contract holds on this tree and that it catches a violation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PLUGIN = ROOT / "plugins" / "municipal"
SUBPACKAGES = ["content", "site", "indicators", "transparency", "opendata", "outreach",
               "editor", "publishing", "staff"]


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(tree / "plugins")}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)


def copy_of_the_tree(target: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    shutil.copytree(PLUGIN, target / "plugins" / "municipal",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_the_layers_are_kept_on_this_tree():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("content/validation.py", "from ..publishing import build", "Capas del complemento"),
    ("content/yaml_loader.py", "from ..site import readers", "Capas del complemento"),
    ("site/readers.py", "from ..indicators import compliance", "Capas del complemento"),
    ("indicators/history.py", "from ..publishing import ftp", "Capas del complemento"),
    ("indicators/page.py", "from ..transparency import rules", "Capas del complemento"),
    ("transparency/matrix.py", "from ..publishing import ftp", "Capas del complemento"),
    ("transparency/matrix.py", "from ..outreach import poster", "Capas del complemento"),
    ("outreach/poster.py", "from ..publishing import ftp", "Capas del complemento"),
    ("indicators/visits.py", "from ..outreach import visits", "Capas del complemento"),
    ("outreach/visits.py", "from ..publishing import ftp", "Capas del complemento"),
    ("transparency/matrix.py", "from ..opendata import ocds", "Capas del complemento"),
    ("opendata/ocds.py", "from ..publishing import ftp", "Capas del complemento"),
    ("site/images.py", "import tasks", "no importa tasks.py"),
    ("staff/secop.py", "from ..site import readers", "Capas del complemento"),
    ("content/model.py", "from ..staff import secop", "Capas del complemento"),
])
def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(tmp_path, module, line,
                                                                   broken):
    tree = copy_of_the_tree(tmp_path)
    path = tree / "plugins" / "municipal" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n",
                    encoding="utf-8")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
    assert "1 broken" in result.stdout


def test_every_subpackage_says_in_one_line_what_it_is_for():
    for name in SUBPACKAGES:
        docstring = (PLUGIN / name / "__init__.py").read_text(encoding="utf-8").strip()
        assert docstring.startswith('"""') and docstring.endswith('"""'), name
        assert "\n" not in docstring, f"{name}/__init__.py: una sola línea"


def test_the_package_init_only_connects_signals():
    source = (PLUGIN / "__init__.py").read_text(encoding="utf-8")
    definitions = [line for line in source.splitlines() if line.startswith(("def ", "class "))]
    assert definitions == ["def register():"]
