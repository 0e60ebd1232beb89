"""Sending invitations over SMTP, always encrypted with STARTTLS before the password goes.

The server and the credentials come from the environment only (never the command
line, which other users of the computer and the shell history can see):
`SMTP_SERVIDOR` (host, or host:port; port 587 by default), `SMTP_USUARIO`,
`SMTP_CLAVE`. `SMTP_CERTIFICADO_CA` (optional) names a file of CA certificates to
trust instead of the system's, for a server with its own certificate authority
(the tests use it for theirs). The password is never printed.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .invitation import Invitation

DEFAULT_PORT = 587
TIMEOUT = 30
NOTHING_SENT = "No se envió ninguna invitación."


class MailError(Exception):
    """The invitations cannot be sent at all (settings, connection, encryption, password)."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    cafile: str | None = None

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


def smtp_settings(environ: Mapping[str, str]) -> SmtpSettings:
    """The SMTP settings of the environment, or a message naming what is missing."""
    missing = [name for name in ("SMTP_SERVIDOR", "SMTP_USUARIO", "SMTP_CLAVE")
               if not environ.get(name)]
    if missing:
        raise MailError(
            f"para enviar hacen falta las variables de entorno SMTP_SERVIDOR, SMTP_USUARIO y "
            f"SMTP_CLAVE; no están: {', '.join(missing)} (ver README, «Invitaciones por "
            f"correo»). {NOTHING_SENT}"
        )
    server = environ["SMTP_SERVIDOR"].strip()
    host, _, port = server.rpartition(":") if ":" in server else (server, "", "")
    try:
        number = int(port) if port else DEFAULT_PORT
    except ValueError:
        number = 0
    if not host or not 0 < number < 65536:
        raise MailError(f'SMTP_SERVIDOR "{server}" no es un servidor válido; escriba el nombre '
                        f"del servidor y, si hace falta, el puerto: smtp.ejemplo.gov.co:587. "
                        f"{NOTHING_SENT}")
    if number == 465:  # TLS from the first byte: smtplib.SMTP would wait for a greeting
        raise MailError(f'SMTP_SERVIDOR "{server}": el puerto 465 no se usa; use el puerto de '
                        f"envío con STARTTLS, normalmente 587 ({host}:587). {NOTHING_SENT}")
    cafile = environ.get("SMTP_CERTIFICADO_CA") or None
    if cafile and not Path(cafile).is_file():
        raise MailError(f"SMTP_CERTIFICADO_CA: el archivo {cafile} no existe. {NOTHING_SENT}")
    return SmtpSettings(host, number, environ["SMTP_USUARIO"], environ["SMTP_CLAVE"], cafile)


@dataclass
class Delivery:
    sent: list[Invitation] = field(default_factory=list)
    failed: list[tuple[Invitation, str]] = field(default_factory=list)  # refused by the server
    not_attempted: list[Invitation] = field(default_factory=list)  # after a lost connection
    stopped: str = ""  # why sending stopped before the end


def send(invitations: list[Invitation], settings: SmtpSettings) -> Delivery:
    """Send every invitation over one encrypted, authenticated connection.

    Raises MailError, having sent nothing, when the server cannot be reached, offers
    no STARTTLS, has a certificate that cannot be verified, or refuses the password.
    A recipient the server refuses is reported and the others are still sent.
    """
    client = _connect(settings)
    delivery = Delivery()
    try:
        for position, invitation in enumerate(invitations):
            try:
                client.send_message(invitation.message)
            except smtplib.SMTPRecipientsRefused as error:
                delivery.failed.append((invitation, _reply(*next(iter(
                    error.recipients.values())))))
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
                delivery.failed.append((invitation, _reply(error.smtp_code, error.smtp_error)))
            except (smtplib.SMTPException, OSError) as error:
                delivery.stopped = (f"se perdió la conexión con el servidor de correo "
                                    f"{settings.server} ({_cause(error)})")
                delivery.not_attempted = invitations[position:]
                break
            else:
                delivery.sent.append(invitation)
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()
    return delivery


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    try:
        client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"no se pudo conectar con el servidor de correo {settings.server} "
                        f"({_cause(error)}). {NOTHING_SENT}") from None
    try:
        client.ehlo()
        if not client.has_extn("starttls"):
            raise MailError(
                f"el servidor de correo {settings.server} no ofrece STARTTLS (conexión cifrada); "
                "la clave nunca se envía sin cifrar. Use el puerto de envío cifrado del "
                f"servidor (normalmente 587). {NOTHING_SENT}")
        context = ssl.create_default_context(cafile=settings.cafile)
        try:
            client.starttls(context=context)
        except ssl.SSLCertVerificationError as error:
            raise MailError(
                f"el certificado del servidor de correo {settings.server} no es válido "
                f"({error.verify_message}); la conexión no es segura. {NOTHING_SENT}") from None
        client.ehlo()
        try:
            client.login(settings.user, settings.password)
        except smtplib.SMTPAuthenticationError:
            raise MailError(
                f"el servidor de correo {settings.server} rechazó el usuario o la clave "
                f"(SMTP_USUARIO, SMTP_CLAVE); revíselos. {NOTHING_SENT}") from None
        except smtplib.SMTPNotSupportedError:
            raise MailError(f"el servidor de correo {settings.server} no acepta usuario y "
                            f"clave (AUTH). {NOTHING_SENT}") from None
    except MailError:
        client.close()
        raise
    except (smtplib.SMTPException, ssl.SSLError, OSError) as error:
        client.close()
        raise MailError(f"el servidor de correo {settings.server} cortó la conexión "
                        f"({_cause(error)}). {NOTHING_SENT}") from None
    return client


def _reply(code, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"el servidor respondió {code} {' '.join(str(text).split())}"


def _cause(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "el servidor cerró la conexión"
    return getattr(error, "strerror", None) or str(error) or type(error).__name__
