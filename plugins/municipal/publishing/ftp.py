"""Publish the built site to a shared hosting over FTP or FTPS, never leaving it half updated.

The server keeps `.publicacion.json`, the sha256 of every file the last deploy uploaded. A deploy
uploads only what changed (assets, then pages, the home page last), each file under a temporary
name renamed over the final one; then it deletes what the site no longer has, checks the size of
every file on the server and only then writes the new manifest.
"""

from __future__ import annotations

import ftplib
import hashlib
import io
import json
import ssl
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from .build_safety import MARKER  # the build's own note: not part of the site
from .releases import DeployFailed

MANIFEST = ".publicacion.json"
TEMPORARY_PREFIX = ".subiendo-"
PASSWORD_VARIABLE = "PUBLICAR_CLAVE_FTP"
HOME_PAGE = "index.html"
SEARCH_INDEX_ENTRY = "pagefind/pagefind-entry.json"  # site/search.py: names the index files
TIMEOUT = 60  # seconds: rural links are slow, but a silent server must not hang the deploy
# Hosting files that live beside a site: a first deploy (no manifest) never deletes them.
KEPT_NAMES = frozenset({".well-known", "cgi-bin", ".ftpquota"})
# Folders of a hosting account's home, not of a site: the address lacks the site's folder.
ACCOUNT_FOLDERS = frozenset({"public_html", "www", "htdocs", "httpdocs", "mail"})

Log = Callable[[str], object]


@dataclass(frozen=True)
class FtpDestination:
    """Where to publish. `path` is relative to the login folder, or absolute if it starts with /."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    path: str
    tls: bool

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class FtpReport:
    """What a deploy changed on the server (paths relative to the site's folder)."""

    uploaded: list[str]
    deleted: list[str]
    unchanged: int


def parse_ftp_url(url: str, password: str) -> FtpDestination:
    """Read `ftp://usuario@servidor[:puerto]/carpeta` or `ftps://...` (explicit TLS).

    As in curl, the folder is relative to the login folder; `%2F` at its start makes it absolute.
    """
    parts = urlsplit(url.strip())
    if parts.password is not None:
        raise DeployFailed(
            f"no escriba la clave en la dirección FTP: póngala en la variable {PASSWORD_VARIABLE}"
        )
    example = "ftp://usuario@servidor/carpeta"
    if parts.scheme not in ("ftp", "ftps") or not parts.username or not parts.hostname:
        raise DeployFailed(f"la dirección {url!r} no es válida: escríbala como {example}")
    try:
        port = parts.port or 21
    except ValueError:
        raise DeployFailed(f"el puerto de la dirección {url!r} no es válido") from None
    if not password:
        raise DeployFailed(f"falta la clave FTP: defina la variable {PASSWORD_VARIABLE}")
    path = unquote(parts.path.removeprefix("/"))
    return FtpDestination(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username),
        password=password,
        path=path if path == "/" else path.rstrip("/"),
        tls=parts.scheme == "ftps",
    )


def publish_ftp(
    site_dir: Path,
    destination: FtpDestination,
    log: Log = print,
    *,
    tls_context: ssl.SSLContext | None = None,
) -> FtpReport:
    """Make the server folder equal to `site_dir`. `tls_context` may trust a hosting's own CA."""
    site = _local_hashes(site_dir)
    if HOME_PAGE not in site:
        raise DeployFailed(
            f"{site_dir} no tiene {HOME_PAGE}: construya el sitio antes de publicarlo"
        )
    with _connect(destination, log, tls_context) as server:
        server.enter(destination.path)
        old = server.read_manifest()
        if old is None:
            log(f"FTP: no hay {MANIFEST} en el servidor; se revisa lo que ya hay en la carpeta")
            remote_files, remote_folders = server.list_tree()
            _refuse_account_home(remote_folders, destination)
            server.folders |= remote_folders
            plan = _plan(site, dict.fromkeys(remote_files), remote_folders)
        else:
            plan = _plan(site, old, set())
        log(
            f"FTP: {len(plan.upload)} archivos nuevos o cambiados, {len(plan.delete)} para borrar,"
            f" {len(site) - len(plan.upload)} sin cambios"
        )
        for path in plan.upload:
            log(f"FTP: subiendo {path}")
            server.upload_file(path, site_dir / path)
        for path in plan.delete:
            log(f"FTP: borrando {path}")
            server.delete(path)
        for folder in plan.folders:
            if server.remove_folder(folder):
                log(f"FTP: carpeta vacía borrada: {folder}")
        repaired = _verify(server, site_dir, site, log)
        if old != site:
            server.upload(MANIFEST, io.BytesIO(json.dumps(site, indent=1, sort_keys=True).encode()))
            log(f"FTP: {MANIFEST} actualizado")
    uploaded = plan.upload + [path for path in repaired if path not in plan.upload]
    log(f"FTP: publicación terminada en {destination.server}")
    return FtpReport(uploaded=uploaded, deleted=plan.delete, unchanged=len(site) - len(uploaded))


def _local_hashes(site_dir: Path) -> dict[str, str]:
    """sha256 of every file of the built site, by its POSIX path relative to `site_dir`."""
    hashes = {}
    for file in sorted(site_dir.rglob("*")):
        path = file.relative_to(site_dir).as_posix()
        if file.is_file() and path not in (MANIFEST, MARKER) \
                and not file.name.startswith(TEMPORARY_PREFIX):
            with file.open("rb") as content:
                hashes[path] = hashlib.file_digest(content, "sha256").hexdigest()
    return hashes


@dataclass(frozen=True)
class _Plan:
    upload: list[str]  # in upload order
    delete: list[str]  # stale files, pages before the images they showed
    folders: list[str]  # folders that may be left empty, deepest first


def _plan(site: dict[str, str], known: dict[str, str | None], remote_folders: set[str]) -> _Plan:
    """What to change on the server, from its `known` files (hash, or None if not known)."""
    stale = known.keys() - site.keys()
    emptied = (_folders_of(stale) | remote_folders) - _folders_of(site)
    return _Plan(
        upload=sorted((path for path in site if known.get(path) != site[path]), key=_upload_order),
        delete=sorted(stale, key=_upload_order, reverse=True),
        folders=sorted(emptied, key=lambda folder: (-folder.count("/"), folder)),
    )


def _upload_order(path: str) -> tuple[int, int, str]:
    """Assets first, the search index's entry file after every other asset (it names the
    index files, which must be there first); then pages, deepest first (an article before
    the list linking to it); the home page and its compressed siblings last."""
    page = path.removesuffix(".gz").removesuffix(".br")
    if page == HOME_PAGE:
        return (2, 0, path)
    if page.endswith((".html", ".htm")):
        return (1, -page.count("/"), path)
    if page == SEARCH_INDEX_ENTRY:
        return (0, 1, path)
    return (0, 0, path)


def _folders_of(paths: Iterable[str]) -> set[str]:
    parts = (path.split("/")[:-1] for path in paths)
    return {"/".join(folders[:depth]) for folders in parts for depth in range(1, len(folders) + 1)}


def _refuse_account_home(remote_folders: set[str], destination: FtpDestination) -> None:
    """A first deploy deletes what the site lacks: never do it in a hosting account's home."""
    found = sorted(ACCOUNT_FOLDERS & remote_folders)
    if found:
        raise DeployFailed(
            f"la carpeta '{destination.path or '.'}' del servidor FTP {destination.server} tiene"
            f" '{found[0]}': parece la carpeta de la cuenta y no la del sitio, y publicar ahí"
            " borraría lo que no es del sitio. Escriba la carpeta del sitio al final de la"
            f" dirección, por ejemplo ftp://{destination.user}@{destination.host}/{found[0]}"
        )


def _verify(server: _Server, site_dir: Path, site: dict[str, str], log: Log) -> list[str]:
    """Check every file's size on the server; upload again, once, those that differ."""
    sizes = {path: (site_dir / path).stat().st_size for path in site}
    log(f"FTP: verificando el tamaño de {len(sizes)} archivos en el servidor")
    wrong = server.sizes_differing(sizes)
    if not wrong:
        return []
    log(f"FTP: {len(wrong)} archivos no coinciden en el servidor; se suben de nuevo")
    for path in wrong:
        server.upload_file(path, site_dir / path)
    still_wrong = server.sizes_differing({path: sizes[path] for path in wrong})
    if still_wrong:
        path, remote = next(iter(still_wrong.items()))
        found = "no está" if remote is None else f"mide {remote} bytes"
        others = f" (y {len(still_wrong) - 1} archivos más)" if len(still_wrong) > 1 else ""
        raise DeployFailed(
            f"la verificación falló en el servidor FTP {server.label}: '{path}' {found} allí y"
            f" mide {sizes[path]} bytes en {site_dir}{others}. Revise el espacio libre y los"
            " permisos de la cuenta"
        )
    return list(wrong)


@contextmanager
def _explained(message: str, hint: str = "") -> Iterator[None]:
    """Turn an FTP or network error into a DeployFailed: message, the server's answer, a hint."""
    try:
        yield
    except ftplib.all_errors as error:
        answer = str(error).strip().rstrip(".") or type(error).__name__
        raise DeployFailed(f"{message}: {answer}." + (f" {hint}" if hint else "")) from error


@contextmanager
def _connect(
    destination: FtpDestination, log: Log, tls_context: ssl.SSLContext | None
) -> Iterator[_Server]:
    server, user = destination.server, destination.user
    log(f"FTP: conectando con {server} como '{user}'" + (" (FTPS)" if destination.tls else ""))
    if destination.tls:
        ftp = ftplib.FTP_TLS(context=tls_context or ssl.create_default_context(), timeout=TIMEOUT)
    else:
        ftp = ftplib.FTP(timeout=TIMEOUT)
    with _explained(
        f"no se pudo conectar con el servidor FTP {server}",
        "Revise el servidor y el puerto de la dirección.",
    ):
        ftp.connect(destination.host, destination.port)
    try:
        if isinstance(ftp, ftplib.FTP_TLS):
            with _explained(
                f"no se pudo cifrar la conexión con el servidor FTP {server}",
                "Revise que ofrezca FTPS explícito (AUTH TLS) con un certificado válido.",
            ):
                ftp.auth()
        with _explained(
            f"no se pudo entrar al servidor FTP {server} como '{user}'",
            f"Revise el usuario y la variable {PASSWORD_VARIABLE}.",
        ):
            ftp.login(user, destination.password)
        if isinstance(ftp, ftplib.FTP_TLS):
            with _explained(f"no se pudo cifrar los datos con el servidor FTP {server}"):
                ftp.prot_p()
        yield _Server(ftp, server)
    finally:
        with suppress(*ftplib.all_errors):
            ftp.quit()
        ftp.close()


class _Server:
    """An FTP session inside the site's folder; paths are relative to that folder."""

    def __init__(self, ftp: ftplib.FTP, label: str):
        self.ftp = ftp
        self.label = label
        self.folders = {""}  # folders known to exist
        self.base = ""
        self.mlsd = True

    def explained(self, action: str) -> AbstractContextManager[None]:
        return _explained(f"no se pudo {action} en el servidor FTP {self.label}")

    def enter(self, path: str) -> None:
        """Change to the site's folder, creating it if needed."""
        with self.explained(f"entrar en la carpeta '{path}'"):
            if path.startswith("/"):
                self.ftp.cwd("/")
            for part in filter(None, path.split("/")):
                try:
                    self.ftp.cwd(part)
                except ftplib.error_perm:
                    self.ftp.mkd(part)
                    self.ftp.cwd(part)
            self.base = self.ftp.pwd()

    def read_manifest(self) -> dict[str, str] | None:
        """The files of the last deploy, or None if there is no readable manifest."""
        content = io.BytesIO()
        with self.explained(f"leer {MANIFEST}"):
            try:
                self.ftp.retrbinary(f"RETR {MANIFEST}", content.write)
            except ftplib.error_perm:
                return None
        try:
            manifest = json.loads(content.getvalue())
        except ValueError:
            return None
        valid = isinstance(manifest, dict) and all(isinstance(v, str) for v in manifest.values())
        return manifest if valid else None

    def list_tree(self) -> tuple[set[str], set[str]]:
        """Files and folders under the site's folder, except the hosting's own."""
        files, folders, pending = set(), set(), [""]
        while pending:
            folder = pending.pop()
            for name, is_folder in self._entries(folder):
                if name in KEPT_NAMES or (not folder and name == MANIFEST):
                    continue
                path = f"{folder}/{name}" if folder else name
                (folders if is_folder else files).add(path)
                if is_folder:
                    pending.append(path)
        return files, folders

    def _entries(self, folder: str) -> list[tuple[str, bool]]:
        with self.explained(f"listar la carpeta '{folder or '.'}'"):
            if self.mlsd:
                try:
                    return [
                        (name, facts["type"].lower() == "dir")
                        for name, facts in self.ftp.mlsd(folder, facts=["type"])
                        if facts.get("type", "").lower() in ("file", "dir")
                    ]
                except ftplib.error_perm as error:
                    if not str(error).startswith(("500", "502", "504")):
                        raise
                    self.mlsd = False  # an old server: names from NLST, files answer SIZE
            try:
                names = self.ftp.nlst(folder) if folder else self.ftp.nlst()
            except ftplib.error_perm:
                return []  # some servers answer 550 for an empty folder
            self.ftp.voidcmd("TYPE I")  # NLST left ASCII mode, where SIZE is refused
            entries = []
            for name in (name.rstrip("/").rsplit("/", 1)[-1] for name in names):
                if name not in ("", ".", ".."):
                    path = f"{folder}/{name}" if folder else name
                    entries.append((name, self._size(path) is None))
            return entries

    def _size(self, path: str) -> int | None:
        """The file's size, or None if there is no such file (or it is a folder)."""
        try:
            return self.ftp.size(path)
        except ftplib.error_perm as error:
            if str(error).startswith("550"):
                return None
            raise

    def _is_folder(self, path: str) -> bool:
        try:
            self.ftp.cwd(path)
        except ftplib.error_perm:
            return False
        self.ftp.cwd(self.base)
        return True

    def ensure_folder(self, folder: str) -> None:
        if folder in self.folders:
            return
        self.ensure_folder(folder.rpartition("/")[0])
        with self.explained(f"crear la carpeta '{folder}'"):
            try:
                self.ftp.mkd(folder)
            except ftplib.error_perm:
                if not self._is_folder(folder):
                    raise
        self.folders.add(folder)

    def upload_file(self, path: str, local: Path) -> None:
        with local.open("rb") as content:
            self.upload(path, content)

    def upload(self, path: str, content: BinaryIO) -> None:
        """Store under a temporary name, then rename: readers never get half a file."""
        folder, _, name = path.rpartition("/")
        self.ensure_folder(folder)
        temporary = f"{folder}/{TEMPORARY_PREFIX}{name}" if folder else TEMPORARY_PREFIX + name
        with self.explained(f"subir '{path}'"):
            self.ftp.storbinary(f"STOR {temporary}", content)
            try:
                self.ftp.rename(temporary, path)
            except ftplib.error_perm:
                # Some servers (IIS, ProFTPD without AllowOverwrite) won't rename over a file.
                with suppress(ftplib.error_perm):
                    self.ftp.delete(path)
                self.ftp.rename(temporary, path)

    def delete(self, path: str) -> None:
        with self.explained(f"borrar '{path}'"):
            try:
                self.ftp.delete(path)
            except ftplib.error_perm:
                if self._size(path) is not None:  # still there: not allowed to delete it
                    raise

    def remove_folder(self, folder: str) -> bool:
        """Remove a folder if it is empty; one still holding others' files stays."""
        with self.explained(f"borrar la carpeta '{folder}'"):
            try:
                self.ftp.rmd(folder)
            except ftplib.error_perm:
                return False
        return True

    def sizes_differing(self, sizes: dict[str, int]) -> dict[str, int | None]:
        """Files whose size on the server (None: missing) is not the expected one."""
        differing = {}
        with self.explained("pasar a modo binario"):
            self.ftp.voidcmd("TYPE I")  # SIZE counts bytes only in binary mode
        for path, size in sizes.items():
            with self.explained(f"leer el tamaño de '{path}'"):
                remote = self._size(path)
            if remote != size:
                differing[path] = remote
        return differing
