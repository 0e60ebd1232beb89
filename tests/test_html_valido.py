"""Every page of the sample site is valid HTML for the Nu HTML Checker (vnu.jar).

One JVM checks all the files. vnu.jar comes from npm (package.json, `npm ci`) and
Java from Debian's default-jre-headless; tests/ejecutar.sh installs both.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from conftest import ROOT

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_every_page_is_valid_html(sample_site):
    java = shutil.which("java")
    if java is None:
        pytest.fail("Falta Java: ejecute `bash tests/ejecutar.sh`", pytrace=False)
    if not VNU_JAR.is_file():
        pytest.fail(f"Falta {VNU_JAR.relative_to(ROOT)}: ejecute `npm ci`", pytrace=False)
    files = sample_site.html_files()
    assert files, "el sitio de ejemplo no tiene páginas HTML"

    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
         *map(str, files)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"vnu.jar no dio un informe JSON (código {result.returncode}):\n"
                    f"{result.stdout}\n{result.stderr}", pytrace=False)

    output = sample_site.output.resolve()
    errors = []
    for message in messages:
        if message.get("type") == "info":
            continue
        path = Path(unquote(urlparse(message.get("url", "")).path)).resolve()
        name = path.relative_to(output) if path.is_relative_to(output) else path
        line = message.get("lastLine", message.get("firstLine", "?"))
        errors.append(f"{name}:{line}: {message.get('message', message)}")
    for error in errors:
        print(error)
    assert not errors, (f"{len(errors)} errores de HTML en {len(files)} páginas:\n"
                        + "\n".join(errors))
