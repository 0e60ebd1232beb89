"""Atomic deploys into release folders, on this machine or over SSH.

The destination holds `releases/<fecha>/` folders and a `current` symlink that
the web server uses as its root. A deploy uploads the whole site into a new
release (rsync, hard-linking files that did not change), then replaces
`current` in one rename: a reader sees the old site or the new one, never a mix.
The last KEEP releases stay, so `revertir` can switch back at once.

The same shell commands run locally (a folder the web server reads) or through
`ssh`, so the tests of a local destination exercise the SSH code path too.
"""

from __future__ import annotations

import datetime
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .build_safety import MARKER

KEEP = 5
RELEASES = "releases"
CURRENT = "current"


class DeployFailed(Exception):
    """The deploy did not happen or could not finish; the message says why, in Spanish."""


@dataclass(frozen=True)
class ReleaseDestination:
    """Where releases go: `path` on this machine, or on `host` through SSH."""

    path: str
    host: str | None = None  # "usuario@servidor"; None: this machine
    port: int | None = None
    ssh_options: tuple[str, ...] = ()  # e.g. ("-i", "clave", "-o", "UserKnownHostsFile=...")

    @property
    def name(self) -> str:
        return f"{self.host}:{self.path}" if self.host else self.path

    def shell(self, script: str) -> list[str]:
        if self.host is None:
            return ["bash", "-c", script]
        return ["ssh", *self._ssh_options(), self.host, "bash -c " + shlex.quote(script)]

    def rsync_target(self, folder: str) -> list[str]:
        if self.host is None:
            return [f"{self.path}/{folder}/"]
        remote_shell = shlex.join(["ssh", *self._ssh_options()])
        return ["-e", remote_shell, f"{self.host}:{self.path}/{folder}/"]

    def _ssh_options(self) -> list[str]:
        options = ["-o", "BatchMode=yes", *self.ssh_options]
        return [*options, "-p", str(self.port)] if self.port else options


def parse_ssh_url(url: str, ssh_options: tuple[str, ...] = ()) -> ReleaseDestination:
    """`ssh://usuario@servidor[:puerto]/ruta/absoluta` → a destination."""
    parts = urlsplit(url)
    if not (parts.hostname and parts.path.startswith("/")):
        raise DeployFailed(
            f'el destino "{url}" no es válido; use ssh://usuario@servidor/ruta/del/sitio')
    host = f"{parts.username}@{parts.hostname}" if parts.username else parts.hostname
    return ReleaseDestination(parts.path.rstrip("/") or "/", host, parts.port, ssh_options)


def release_name(now: datetime.datetime | None = None) -> str:
    now = now or datetime.datetime.now(datetime.UTC)
    return now.strftime("%Y%m%dT%H%M%S.%fZ")


def deploy(site_dir: Path, destination: ReleaseDestination, log: Callable = print,
           name: str | None = None) -> str:
    """Upload site_dir as a new release and make it current. Returns the release name."""
    name = name or release_name()
    base = shlex.quote(destination.path)
    staging = f"{RELEASES}/.{name}.subiendo"
    _run(destination, f"mkdir -p {base}/{RELEASES} && rm -rf {base}/{shlex.quote(staging)}",
         "preparar la carpeta de versiones")
    log(f"Subiendo la versión {name} a {destination.name}...")
    _rsync(site_dir, destination, staging)
    _run(destination, f"mv {base}/{shlex.quote(staging)} {base}/{RELEASES}/{shlex.quote(name)}",
         "cerrar la versión subida")
    _switch(destination, name)
    log(f"Sitio publicado: {CURRENT} → {RELEASES}/{name}")
    removed = _prune(destination)
    if removed:
        log(f"Versiones antiguas borradas: {', '.join(removed)}")
    return name


def revert(destination: ReleaseDestination, log: Callable = print) -> str:
    """Make the release before the current one current again. Returns its name."""
    releases = list_releases(destination)
    current = current_release(destination)
    if current not in releases or releases.index(current) == 0:
        raise DeployFailed(
            f"no hay una versión anterior a {current or 'la actual'} en {destination.name}")
    previous = releases[releases.index(current) - 1]
    _switch(destination, previous)
    log(f"Sitio revertido: {CURRENT} → {RELEASES}/{previous} (antes {current})")
    return previous


def list_releases(destination: ReleaseDestination) -> list[str]:
    """Finished releases, oldest first (their names sort by date)."""
    base = shlex.quote(destination.path)
    output = _run(destination, f"ls -1 {base}/{RELEASES} 2>/dev/null || true",
                  "listar las versiones")
    return sorted(line for line in output.splitlines() if line and not line.startswith("."))


def current_release(destination: ReleaseDestination) -> str | None:
    base = shlex.quote(destination.path)
    target = _run(destination, f"readlink {base}/{CURRENT} || true", "leer la versión actual")
    return target.strip().removeprefix(f"{RELEASES}/") or None


def _switch(destination: ReleaseDestination, name: str) -> None:
    # A new symlink renamed over the old one: rename(2) is atomic, `ln -sfn` is not.
    base = shlex.quote(destination.path)
    link = f"{base}/.{CURRENT}.nuevo"
    _run(destination,
         f"ln -sfn {RELEASES}/{shlex.quote(name)} {link} && mv -T {link} {base}/{CURRENT}",
         f"activar la versión {name}")


def _prune(destination: ReleaseDestination) -> list[str]:
    releases = list_releases(destination)
    current = current_release(destination)
    old = [name for name in releases[:-KEEP] if name != current]
    if old:
        base = shlex.quote(destination.path)
        paths = " ".join(f"{base}/{RELEASES}/{shlex.quote(name)}" for name in old)
        _run(destination, f"rm -rf {paths}", "borrar versiones antiguas")
    return old


def _rsync(site_dir: Path, destination: ReleaseDestination, folder: str) -> None:
    # Files equal to the current release's are hard links: a new release costs
    # only what changed, in disk and (over SSH) in bytes sent. Every build writes
    # new files, so equality is by content (--checksum), not by date (--no-times).
    # The build's marker (build_safety.MARKER) says "a build made this folder"; it is
    # of no use on the server, so it is not uploaded.
    link_dest = f"--link-dest={destination.path}/{CURRENT}/"
    command = ["rsync", "-a", "--no-times", "--delete", "--checksum", link_dest,
               f"--exclude=/{MARKER}", f"{site_dir}/", *destination.rsync_target(folder)]
    _call(command, destination, "subir los archivos")


def _run(destination: ReleaseDestination, script: str, what: str) -> str:
    return _call(destination.shell(script), destination, what)


def _call(command: list[str], destination: ReleaseDestination, what: str) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise DeployFailed(
            f"no se pudo {what}: falta el programa {error.filename}; instálelo (rsync, ssh)"
        ) from error
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise DeployFailed(
            f"no se pudo {what} en {destination.name}: "
            f"{detail[-1] if detail else f'código {result.returncode}'}")
    return result.stdout
