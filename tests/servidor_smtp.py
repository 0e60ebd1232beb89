"""A real SMTP server on 127.0.0.1 for the invitation tests (aiosmtpd), recording what arrives.

With a certificate it offers STARTTLS and requires it before anything else; it accepts
AUTH (PLAIN and LOGIN) only as USER/PASSWORD. Recipients at `rechaza.example` are
refused with 550, as a real server refuses an unknown mailbox.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "invitaciones@chitaga-nortedesantander.gov.co"
PASSWORD = "clave-SMTP-de-prueba-93"
REFUSED_DOMAIN = "rechaza.example"


@dataclass
class Mailbox:
    """What the server received: one (envelope sender, recipients, message bytes) per DATA."""

    delivered: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    logins: list[tuple[str, bool]] = field(default_factory=list)
    closing_at: int = 0  # answer 421 (closing) to this message, counted from 1; 0: never
    received: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 El buzon no existe"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        if self.received == self.closing_at:
            return "421 4.3.2 Servicio no disponible, cerrando la conexion"
        self.delivered.append((envelope.mail_from, list(envelope.rcpt_tos),
                               envelope.original_content))
        return "250 OK: recibido"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        valid = (isinstance(auth_data, LoginPassword)
                 and auth_data.login.decode() == USER
                 and auth_data.password.decode() == PASSWORD)
        self.logins.append((mechanism, valid))
        return AuthResult(success=valid, handled=False)  # the server answers 535 itself


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """`with SmtpServer(certificate) as server:` serves on server.port until the block ends."""

    def __init__(self, certificate: Path | None):
        self.mailbox = Mailbox()
        self.port = free_port()
        options = {}
        if certificate is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(certificate)
            options = {"tls_context": context, "require_starttls": True}
        self.controller = Controller(
            self.mailbox, hostname="127.0.0.1", port=self.port,
            authenticator=self.mailbox.authenticate, auth_require_tls=True,
            **options,
        )

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.controller.stop()
