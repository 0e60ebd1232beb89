#!/usr/bin/env bash
# Instala lo necesario y ejecuta todas las pruebas (es lo que corre la integración continua).
# Uso: bash tests/ejecutar.sh [opciones de pytest]
set -euo pipefail
cd "$(dirname "$0")/.."

# Programas de Debian para las pruebas de navegador (tests/test_navegador.py) y del
# validador HTML (tests/test_html_valido.py): Chromium, nginx, Java y una fuente.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/sbin/nginx ] || ! command -v java >/dev/null \
   || [ ! -d /usr/share/fonts/truetype/dejavu ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium nginx default-jre-headless fonts-dejavu-core >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# El validador HTML Nu (vnu.jar) viene de npm; Java ya lo da Debian, así que no hace falta
# el script de instalación del paquete (descargaría otro Java).
npm ci --silent --ignore-scripts --no-audit --no-fund

.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
