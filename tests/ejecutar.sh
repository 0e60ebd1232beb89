#!/usr/bin/env bash
# Instala lo necesario y ejecuta todas las pruebas (es lo que corre la integración continua).
# Uso: bash tests/ejecutar.sh [opciones de pytest]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
