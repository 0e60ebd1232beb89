"""`invoke publicar`: validate, build for production in a temporary folder, then deploy.

The destination is configured in one place, the environment (secrets never go
in the repository):

    PUBLICAR_DESTINO   ssh://usuario@servidor[:puerto]/ruta   releases + symlink (SSH, rsync)
                       ftp://usuario@servidor[:puerto]/ruta   only changed files (FTP)
                       ftps://...                             the same over TLS
                       /ruta/local                            releases + symlink (this machine)
    PUBLICAR_CLAVE_FTP the FTP password (SSH uses the keys of ssh-agent or ~/.ssh)
    PUBLICAR_SSH_OPCIONES  extra ssh options, e.g. "-i clave -o UserKnownHostsFile=conocidos"
"""

from __future__ import annotations

import shlex
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from .build import build_site
from .ftp import PASSWORD_VARIABLE as FTP_PASSWORD_VARIABLE
from .ftp import parse_ftp_url, publish_ftp
from .releases import DeployFailed, ReleaseDestination, deploy, parse_ssh_url, revert

DESTINATION_VARIABLE = "PUBLICAR_DESTINO"
SSH_OPTIONS_VARIABLE = "PUBLICAR_SSH_OPCIONES"


def destination_from(environ: Mapping[str, str]):
    """The destination named by PUBLICAR_DESTINO, or DeployFailed saying how to set it."""
    url = environ.get(DESTINATION_VARIABLE, "").strip()
    if not url:
        raise DeployFailed(
            f"falta la variable {DESTINATION_VARIABLE}: dónde publicar, por ejemplo "
            "ssh://alcaldia@servidor/var/www/sitio o ftp://alcaldia@servidor/public_html")
    if url.startswith("ssh://"):
        return parse_ssh_url(url, tuple(shlex.split(environ.get(SSH_OPTIONS_VARIABLE, ""))))
    if url.startswith(("ftp://", "ftps://")):
        password = environ.get(FTP_PASSWORD_VARIABLE)
        if not password:
            raise DeployFailed(f"falta la variable {FTP_PASSWORD_VARIABLE} con la clave del FTP")
        return parse_ftp_url(url, password)
    if "://" in url and not url.startswith("file://"):
        raise DeployFailed(
            f'{DESTINATION_VARIABLE}="{url}" no es un destino conocido; use ssh://, ftp://, '
            "ftps:// o una carpeta")
    return ReleaseDestination(str(Path(url.removeprefix("file://")).resolve()))


def publish(content_dir: Path, settings_file: Path, environ: Mapping[str, str],
            log: Callable = print) -> None:
    """Validate and build (InvalidContent or BuildFailed stop it), then deploy."""
    destination = destination_from(environ)  # a wrong destination fails before building
    with tempfile.TemporaryDirectory(prefix="publicar-") as folder:
        output = Path(folder) / "sitio"
        result = build_site(content_dir, output, settings_file)
        log(f"Sitio construido para producción: {result.html_pages} páginas.")
        if not (output / "index.html").is_file():
            raise DeployFailed("la construcción no produjo index.html; no se publica nada")
        if isinstance(destination, ReleaseDestination):
            deploy(output, destination, log)
        else:
            publish_ftp(output, destination, log)


def revert_from(environ: Mapping[str, str], log: Callable = print) -> str:
    """`invoke revertir`: the previous release becomes current again (releases only)."""
    destination = destination_from(environ)
    if not isinstance(destination, ReleaseDestination):
        raise DeployFailed(
            "revertir necesita un destino con versiones (ssh:// o una carpeta); en FTP, "
            "publique de nuevo el commit anterior")
    return revert(destination, log)
