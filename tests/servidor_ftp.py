"""A real FTP or FTPS server on 127.0.0.1 for the publishing tests, recording what changes."""

from __future__ import annotations

import datetime
import ipaddress
import os
import threading
import warnings
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

with warnings.catch_warnings():
    # pyftpdlib 2.2 imports asynchat and asyncore, deprecated since Python 3.11.
    warnings.filterwarnings("ignore", "The asyn.* module is deprecated", DeprecationWarning)
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
    from pyftpdlib.ioloop import IOLoop
    from pyftpdlib.servers import FTPServer

USER = "alcaldia"
PASSWORD = "clave-de-prueba"
ALL_PERMISSIONS = "elradfmwMT"


class FtpServer:
    """Serves `root` to USER/PASSWORD in a thread; `events` lists (command, path) in order.

    Recorded: STOR (a file fully received), RNTO (the new name), DELE, MKD, RMD; paths relative
    to `root`. `certificate` (PEM with its key) turns on FTPS, required on both channels.
    """

    def __init__(
        self,
        root: Path,
        *,
        permissions: str = ALL_PERMISSIONS,
        certificate: Path | None = None,
        mlsd: bool = True,
        truncate_uploads: bool = False,
    ):
        root.mkdir(parents=True, exist_ok=True)
        self.root = Path(os.path.realpath(root))
        self.events: list[tuple[str, str]] = []
        authorizer = DummyAuthorizer()
        authorizer.add_user(USER, PASSWORD, str(self.root), perm=permissions)
        handler = _handler_class(self, certificate, mlsd=mlsd, truncate_uploads=truncate_uploads)
        handler.authorizer = authorizer
        self._server = FTPServer(("127.0.0.1", 0), handler, ioloop=IOLoop())
        self.port = self._server.address[1]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url(self, path: str = "sitio", scheme: str = "ftp") -> str:
        return f"{scheme}://{USER}@127.0.0.1:{self.port}/{path}"

    def commands(self, *names: str) -> list[tuple[str, str]]:
        return [event for event in self.events if event[0] in names]

    def record(self, command: str, path: str) -> None:
        self.events.append((command, Path(path).relative_to(self.root).as_posix()))

    def _serve(self) -> None:
        while not self._stopping.is_set():
            self._server.ioloop.loop(timeout=0.01, blocking=False)
        self._server.close_all()

    def __enter__(self) -> FtpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._thread.join(timeout=10)


def _handler_class(
    recorder: FtpServer, certificate: Path | None, *, mlsd: bool, truncate_uploads: bool
) -> type[FTPHandler]:
    base = FTPHandler if certificate is None else TLS_FTPHandler

    class RecordingHandler(base):
        auth_failed_timeout = 0  # answer a wrong password at once
        proto_cmds = {
            name: spec for name, spec in base.proto_cmds.items() if mlsd or name != "MLSD"
        }

        def on_file_received(self, file: str) -> None:
            if truncate_uploads:
                os.truncate(file, os.path.getsize(file) // 2)
            recorder.record("STOR", file)

        def ftp_RNTO(self, path: str):
            renamed = super().ftp_RNTO(path)
            if renamed:
                recorder.record("RNTO", renamed[1])
            return renamed

        def ftp_DELE(self, path: str):
            deleted = super().ftp_DELE(path)
            if deleted:
                recorder.record("DELE", deleted)
            return deleted

        def ftp_MKD(self, path: str):
            created = super().ftp_MKD(path)
            if created:
                recorder.record("MKD", created)
            return created

        def ftp_RMD(self, path: str):
            super().ftp_RMD(path)
            if not os.path.isdir(path):
                recorder.record("RMD", path)

    if certificate is not None:
        RecordingHandler.certfile = str(certificate)
        RecordingHandler.tls_control_required = True
        RecordingHandler.tls_data_required = True
    return RecordingHandler


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: (PEM with certificate and key, PEM of the CA)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    server_file, ca_file = folder / "servidor.pem", folder / "ca.pem"
    server_file.write_bytes(certificate_pem + key_pem)
    ca_file.write_bytes(certificate_pem)
    return server_file, ca_file
