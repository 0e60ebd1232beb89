"""The web editor on this computer (`invoke editor`): decap-server and the /admin/ folder.

decap-server (npm, pinned) runs in its "fs" mode, bound to 127.0.0.1, with the
content folder as its root: it can write only inside content/, and each entry
saved in the editor is a file there at once. (Its "git" mode would check out
branches and commit every change of the working copy, including work that is
not the editor's; the forge's editorial workflow is for production.)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from ..content.yaml_loader import SourceError, parse_yaml, read_text
from .admin import PROJECT_ROOT, EditorUnavailable, write_editor
from .config import editor_config, to_yaml

DECAP_SERVER = PROJECT_ROOT / "node_modules" / "decap-server" / "dist" / "index.js"


def local_config(oficinas: list[dict], proxy_url: str, site_url: str = "") -> dict:
    """The same collections as the public editor's, saved through decap-server."""
    return editor_config(oficinas, {}, content_prefix="", site_url=site_url,
                         local_backend=proxy_url)


def write_local_admin(target: Path, oficinas: list[dict], title: str, proxy_url: str,
                      site_url: str = "") -> None:
    """/admin/ for `invoke editor`."""
    write_editor(target, local_config(oficinas, proxy_url, site_url), title)


def refresh_local_config(target: Path, content_dir: Path, proxy_url: str,
                         site_url: str = "") -> bool:
    """Write /admin/config.yml again from the schemas and oficinas.yml as they are now
    (an office or a field added while the editor runs); False, and the old config kept,
    if oficinas.yml cannot be read (the rebuild reports why)."""
    try:
        data = parse_yaml(read_text(Path(content_dir) / "oficinas.yml")).data
        oficinas = data["oficinas"]
        config = local_config(oficinas, proxy_url, site_url)
    except (OSError, SourceError, LookupError, TypeError):
        return False
    (target / "config.yml").write_text(to_yaml(config), encoding="utf-8")
    return True


def start_local_backend(content_dir: Path, port: int, workdir: Path) -> subprocess.Popen:
    """decap-server on 127.0.0.1:port writing into content_dir; raises EditorUnavailable."""
    node = shutil.which("node")
    if node is None:
        raise EditorUnavailable("falta Node.js (el programa node): instálelo para usar el "
                                "editor web en este computador")
    if not DECAP_SERVER.is_file():
        raise EditorUnavailable(f"falta decap-server ({DECAP_SERVER}): ejecute `npm ci` en la "
                                "carpeta del proyecto")
    if port_in_use(port):
        raise EditorUnavailable(f"el puerto {port} ya está ocupado (¿otro editor abierto?); "
                                "ciérrelo o use --puerto-editor con otro número")
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(workdir)),
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "MODE": "fs",
        "GIT_REPO_DIRECTORY": str(Path(content_dir).resolve()),
        "LOG_LEVEL": "warn",
    }
    # Its working folder is an empty one: decap-server also reads a .env file from there.
    process = subprocess.Popen([node, str(DECAP_SERVER)], cwd=workdir, env=environment,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EditorUnavailable(f"decap-server terminó al arrancar (código "
                                    f"{process.returncode}); ¿está ocupado el puerto {port}?")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    stop(process)
    raise EditorUnavailable(f"decap-server no respondió en el puerto {port} en 20 s")


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def stop(process: subprocess.Popen) -> None:
    """Stop decap-server (its own process group) and wait for it."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
