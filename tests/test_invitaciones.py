"""E-mail invitations to an event (DESIGN.md §12): `invoke invitacion`.

Expected values come from the sample event
content/eventos/despacho/2026-12-16-audiencia-publica-de-rendicion-de-cuentas-2026.md
(16 December 2026, 09:00, Auditorio del Palacio Municipal), the Despacho's address in
oficinas.yml and the recipients list written below, read by hand. Sending is tested
against a real SMTP server on 127.0.0.1 (tests/servidor_smtp.py) with STARTTLS and
a certificate made for the test, trusted through SMTP_CERTIFICADO_CA.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from invoke import Context, Exit
from servidor_ftp import make_certificate
from servidor_smtp import PASSWORD, USER, SmtpServer, free_port

import tasks
from conftest import SAMPLE_CONTENT
from municipal.outreach.mail import MailError, smtp_settings
from municipal.outreach.output_files import OutreachError
from municipal.outreach.recipients import parse_recipients

BOGOTA = ZoneInfo("America/Bogota")
CUT = datetime.datetime(2026, 12, 10, 12, 0, tzinfo=BOGOTA)
EVENT = "2026-12-16-audiencia-publica-de-rendicion-de-cuentas-2026"
TITLE = "Audiencia pública de rendición de cuentas 2026"
SUBJECT = f"Invitación: {TITLE}, miércoles 16 de diciembre de 2026"
SENDER = "Despacho del Alcalde <despacho@chitaga-nortedesantander.gov.co>"
LINK = ("https://chitaga-nortedesantander.gov.co/eventos/"
        f"{EVENT}/?origen=invitacion")

LIST = (
    "\ufeffCorreo;Nombre;Vereda\n"  # Excel's BOM, a header in any case, semicolons
    "ana.perez@example.com;Ana Pérez;Llano Grande\n"  # 2
    "juan@@example.com;Juan;Tané\n"  # 3: two @
    "luis.gomez@example.org;Luis Gómez;El Roble\n"  # 4
    "\n"  # 5: empty, skipped
    "ANA.PEREZ@example.com;Ana otra vez;\n"  # 6: the same address as line 2
    "sin-nombre@example.net;;\n"  # 7: no name
    "buzon@rechaza.example;Buzón inexistente;\n"  # 8: the server refuses it
)
WRITTEN = {
    "0002-ana.perez@example.com.eml": ("ana.perez@example.com", "Ana Pérez"),
    "0004-luis.gomez@example.org.eml": ("luis.gomez@example.org", "Luis Gómez"),
    "0007-sin-nombre@example.net.eml": ("sin-nombre@example.net", ""),
    "0008-buzon@rechaza.example.eml": ("buzon@rechaza.example", "Buzón inexistente"),
}
BAD_LINES = [
    'lista.csv:3: "juan@@example.com" no es una dirección de correo válida '
    "(debe tener una sola @)",
    "lista.csv:6: ANA.PEREZ@example.com ya está en la línea 2; se le escribe una sola vez",
]


@pytest.fixture(autouse=True)
def cut_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(CUT.timestamp())))
    for name in ("SMTP_SERVIDOR", "SMTP_USUARIO", "SMTP_CLAVE", "SMTP_CERTIFICADO_CA"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """The staff member's folder, outside content/, holding lista.csv."""
    folder = tmp_path / "secretaria"
    folder.mkdir()
    (folder / "lista.csv").write_text(LIST, encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


def invite(evento: str = EVENT, **options) -> None:
    options.setdefault("destinatarios", "lista.csv")
    tasks.invitacion(Context(), evento, **options)


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def calendar_of(message) -> icalendar.Event:
    [part] = [part for part in message.iter_attachments()
              if part.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "PUBLISH"
    assert part.get_filename() == f"{EVENT}.ics"
    calendar = icalendar.Calendar.from_ical(part.get_content())
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    return event


def check_invitation(message, correo: str, nombre: str) -> None:
    """One invitation, read as a mail program would."""
    assert str(message["From"]) == SENDER
    assert message["Organization"] == "Alcaldía Municipal de Chitagá"
    assert message["To"].addresses[0].addr_spec == correo
    assert message["To"].addresses[0].display_name == nombre
    assert message["Subject"] == SUBJECT
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(("plain",))
    assert body.get_content_type() == "text/plain"
    assert message.get_body(("html",)).get_content_type() == "text/html"
    [alternative] = [part for part in message.iter_parts()
                     if part.get_content_type() == "multipart/alternative"]
    assert [part.get_content_type() for part in alternative.iter_parts()] == [
        "text/plain", "text/html"]
    text = " ".join(body.get_content().replace("\u202f", " ").split())
    greeting = f"Hola, {nombre}:" if nombre else "Cordial saludo:"
    for expected in [
        greeting, f"Alcaldía Municipal de Chitagá le invita a: {TITLE}",
        "Cuándo: miércoles 16 de diciembre de 2026, 9:00 a. m.",
        "Dónde: Auditorio del Palacio Municipal, casco urbano, Chitagá, Norte de Santander",
        "El alcalde y los secretarios de despacho presentan los resultados de 2026",
        f"Más información: {LINK}",
        "Despacho del Alcalde", "despacho@chitaga-nortedesantander.gov.co",
    ]:
        assert expected in text, expected
    html = message.get_body(("html",)).get_content()
    assert f'<a href="{LINK}"' in html and "<h1" in html and TITLE in html
    event = calendar_of(message)
    assert event.decoded("DTSTART") == datetime.datetime(2026, 12, 16, 9, 0, tzinfo=BOGOTA)
    assert str(event["SUMMARY"]) == TITLE


# Writing the .eml files


def test_one_eml_per_valid_recipient_and_bad_lines_reported(workdir, capsys):
    with pytest.raises(Exit) as raised:
        invite()
    assert raised.value.code == 1  # some lines had problems; the others were written
    folder = workdir / "invitaciones" / EVENT
    assert sorted(path.name for path in folder.iterdir()) == sorted(WRITTEN)
    for name, (correo, nombre) in WRITTEN.items():
        check_invitation(parse((folder / name).read_bytes()), correo, nombre)
    captured = capsys.readouterr()
    assert captured.err.splitlines() == BAD_LINES
    assert captured.out.splitlines()[0] == (
        f"4 invitaciones escritas en {folder}/ (una por destinatario; evento del 2026-12-16).")
    assert raised.value.message == "2 líneas de lista.csv tienen problemas (ver arriba)."
    assert oct(folder.stat().st_mode & 0o777) == "0o700"  # they name people


@pytest.mark.parametrize("evento", [
    EVENT,
    "audiencia-publica-de-rendicion-de-cuentas-2026",  # without its date
    f"content/eventos/despacho/{EVENT}.md",  # its path
    f"eventos/{EVENT}/",  # its address on the site
])
def test_the_event_is_named_by_slug_or_path(workdir, evento):
    (workdir / "lista.csv").write_text("correo\nana@example.com\n", encoding="utf-8")
    invite(evento, salida="salida")
    [name] = [path.name for path in (workdir / "salida").iterdir()]
    assert name == "0002-ana@example.com.eml"


@pytest.mark.parametrize(("evento", "message"), [
    ("audiencia-publica-de-rendicion", 'no existe en content/eventos/. ¿Quiso decir '
                                       f'"{EVENT}"?'),
    ("2026-12-16-audiencia-publica-de-rendicion-de-cuenta",
     f'¿Quiso decir "{EVENT}"?'),
    ("2027-03-20-socializacion-del-sitio-web-en-tane",
     "el evento es un borrador (borrador: true)"),
    ("2026-11-21-divulgacion-del-sitio-web-en-el-mercado-campesino",
     "el evento fue el 2026-11-21, ya pasó"),
])
def test_unknown_draft_or_past_events_are_refused(workdir, evento, message):
    with pytest.raises(Exit) as raised:
        invite(evento)
    assert raised.value.code == 1 and message in raised.value.message
    assert not (workdir / "invitaciones").exists()


def test_the_recipients_file_is_refused_inside_content(tmp_path, content_copy, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outside = tmp_path / "fuera.csv"
    outside.write_text("correo\nana@example.com\n", encoding="utf-8")
    (content_copy / "lista.csv").write_text("correo\nana@example.com\n", encoding="utf-8")
    (content_copy / "adjuntos" / "enlace.csv").symlink_to(outside)  # a link in content/
    (tmp_path / "atajo.csv").symlink_to(content_copy / "lista.csv")  # a link into content/
    for lista in [content_copy / "lista.csv", content_copy / "adjuntos" / "enlace.csv",
                  tmp_path / "atajo.csv"]:
        with pytest.raises(Exit) as raised:
            invite(destinatarios=str(lista), contenido=str(content_copy))
        assert raised.value.code == 1
        assert "la lista de destinatarios tiene datos personales y no puede estar dentro de " \
               "la carpeta de contenido (content/)" in raised.value.message
    # content/ itself named through a link, the list named by its real path
    (tmp_path / "contenido-enlazado").symlink_to(content_copy)
    with pytest.raises(Exit) as raised:
        invite(destinatarios=str(content_copy / "lista.csv"),
               contenido=str(tmp_path / "contenido-enlazado"))
    assert "la lista de destinatarios tiene datos personales" in raised.value.message
    assert not (tmp_path / "invitaciones").exists()


def test_the_output_folder_is_refused_inside_content(workdir):
    with pytest.raises(Exit) as raised:
        invite(salida=str(SAMPLE_CONTENT / "adjuntos" / "invitaciones"))
    assert "la carpeta de las invitaciones no puede quedar dentro de la carpeta de " \
           "contenido" in raised.value.message
    assert not (SAMPLE_CONTENT / "adjuntos" / "invitaciones").exists()


def test_a_second_run_replaces_the_folder_but_never_foreign_files(workdir):
    (workdir / "lista.csv").write_text("correo\nana@example.com\nluis@example.org\n",
                                       encoding="utf-8")
    invite(salida="salida")
    (workdir / "lista.csv").write_text("correo\nluis@example.org\n", encoding="utf-8")
    invite(salida="salida")
    assert [path.name for path in (workdir / "salida").iterdir()] == [
        "0002-luis@example.org.eml"]
    (workdir / "salida" / "notas.txt").write_text("mías", encoding="utf-8")
    with pytest.raises(Exit) as raised:
        invite(salida="salida")
    assert "la carpeta ya tiene archivos que no son .eml (notas.txt)" in raised.value.message
    assert sorted(path.name for path in (workdir / "salida").iterdir()) == [
        "0002-luis@example.org.eml", "notas.txt"]
    assert sorted(path.name for path in workdir.iterdir()) == ["lista.csv", "salida"]


def test_the_event_text_is_escaped_in_the_html_part(workdir, content_copy):
    event = content_copy / "eventos" / "despacho" / f"{EVENT}.md"
    event.write_text(event.read_text(encoding="utf-8").replace(
        f"titulo: {TITLE}", 'titulo: "Audiencia <b>pública</b> & rendición"'), encoding="utf-8")
    (workdir / "lista.csv").write_text("correo\nana@example.com\n", encoding="utf-8")
    invite(contenido=str(content_copy))
    [eml] = (workdir / "invitaciones" / EVENT).iterdir()
    message = parse(eml.read_bytes())
    html = message.get_body(("html",)).get_content()
    assert "Audiencia &lt;b&gt;pública&lt;/b&gt; &amp; rendición" in html and "<b>" not in html
    assert "Audiencia <b>pública</b> & rendición" in message.get_body(("plain",)).get_content()
    assert message["Subject"] == ("Invitación: Audiencia <b>pública</b> & rendición, "
                                  "miércoles 16 de diciembre de 2026")


# The recipients file


@pytest.mark.parametrize("raw", [
    b"correo,nombre\nana@example.com,Ana\n",
    b"CORREO , NOMBRE\r\nana@example.com , Ana\r\n",  # any case, spaces, Windows lines
    "\ufeffNombre;Correo electrónico;Teléfono\nAna;ana@example.com;300\n".encode(),
    b"E-mail,Nombres\n\n\nana@example.com,Ana\n",
    b"ana@example.com,Ana\n",  # no header: the first line is already an address
    b'correo,nombre\n"ana@example.com","Ana"\n',
])
def test_header_variants(raw):
    found = parse_recipients(raw, "lista.csv")
    assert found.problems == []
    assert [(r.correo, r.nombre) for r in found.recipients] == [("ana@example.com", "Ana")]


@pytest.mark.parametrize(("line", "problem"), [
    ("ana@example", "(falta el dominio completo después de la @, por ejemplo gmail.com)"),
    ("ana perez@example.com", "(tiene espacios)"),
    ("peña@example.com", "(tiene tildes, eñes u otros caracteres que un correo no admite)"),
    ("ana@example..com", "no es una dirección de correo válida"),
    (".ana@example.com", "no es una dirección de correo válida"),
    ("ana@-example.com", "no es una dirección de correo válida"),
    (",Ana sin correo", "falta el correo; esta línea se omite"),
    ("ana@example.com,Ana\u202e", "el nombre tiene caracteres de control o invisibles"),
    # a header smuggled inside a quoted cell
    ('"ana@example.com\r\nBcc: todos@example.com",Ana', "no es una dirección de correo"),
    ('ana@example.com,"Ana\r\nBcc: todos@example.com"', "caracteres de control"),
])
def test_bad_lines_are_reported_with_their_line(line, problem):
    raw = f"correo,nombre\nbien@example.com,Bien\n{line}\n".encode()
    found = parse_recipients(raw, "lista.csv")
    assert [r.correo for r in found.recipients] == ["bien@example.com"]
    assert len(found.problems) == 1
    assert found.problems[0].startswith(f"lista.csv:{3 + line.count(chr(10))}: ")
    assert problem in found.problems[0]


@pytest.mark.parametrize(("raw", "message"), [
    (b"", "lista.csv: la lista está vacía"),
    (b"direccion,nombre\nana@example.com,Ana\n",
     'lista.csv:1: falta la columna correo en el encabezado (se encontró: "direccion", '
     '"nombre")'),
    ("correo,nombre\nana@example.com,Peña\n".encode("cp1252"),
     "lista.csv:2: el archivo no está en UTF-8"),
])
def test_an_unusable_file_is_one_clear_message(raw, message):
    with pytest.raises(OutreachError) as raised:
        parse_recipients(raw, "lista.csv")
    assert str(raised.value).startswith(message)


def test_no_valid_recipient_writes_nothing(workdir):
    (workdir / "lista.csv").write_text("correo\nmal\n", encoding="utf-8")
    with pytest.raises(Exit) as raised:
        invite()
    assert raised.value.message == ("Error: lista.csv no tiene ningún destinatario válido; "
                                    "no se escribió nada.")
    assert not (workdir / "invitaciones").exists()


# Sending over SMTP with STARTTLS


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("certificados")
    certificate, authority = make_certificate(folder)
    stranger = tmp_path_factory.mktemp("otro")
    return certificate, authority, make_certificate(stranger)[1]


@pytest.fixture
def smtp(certificates, monkeypatch):
    certificate, authority, _ = certificates
    with SmtpServer(certificate) as server:
        monkeypatch.setenv("SMTP_SERVIDOR", server.address)
        monkeypatch.setenv("SMTP_USUARIO", USER)
        monkeypatch.setenv("SMTP_CLAVE", PASSWORD)
        monkeypatch.setenv("SMTP_CERTIFICADO_CA", str(authority))
        yield server


def test_every_invitation_arrives_once_and_a_refused_address_is_reported(workdir, smtp,
                                                                          capsys):
    with pytest.raises(Exit) as raised:
        invite(enviar=True)
    assert raised.value.code == 1
    delivered = smtp.mailbox.delivered
    recipients = sorted(address for _, rcpts, _ in delivered for address in rcpts)
    assert recipients == ["ana.perez@example.com", "luis.gomez@example.org",
                          "sin-nombre@example.net"]  # each once; line 8 refused
    for sender, rcpts, data in delivered:
        assert sender == "despacho@chitaga-nortedesantander.gov.co"
        [correo] = rcpts
        nombre = {c: n for c, n in WRITTEN.values()}[correo]
        check_invitation(parse(data), correo, nombre)
    assert smtp.mailbox.logins == [("PLAIN", True)]
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        *BAD_LINES,
        "lista.csv:8: buzon@rechaza.example: no se envió (el servidor respondió 550 5.1.1 "
        "El buzon no existe)",
    ]
    assert captured.out.splitlines()[-1] == (
        f"3 invitaciones enviadas de 4 por {smtp.address}.")
    assert raised.value.message == "3 líneas de lista.csv tienen problemas (ver arriba)."
    assert PASSWORD not in captured.out + captured.err


def test_a_connection_lost_midway_says_which_lines_were_not_sent(workdir, smtp, capsys):
    (workdir / "lista.csv").write_text(
        "correo\na@example.com\nb@example.com\nc@example.com\nd@example.com\n",
        encoding="utf-8")
    smtp.mailbox.closing_at = 2  # the server gives up on the second message
    with pytest.raises(Exit) as raised:
        invite(enviar=True)
    assert [rcpts for _, rcpts, _ in smtp.mailbox.delivered] == [["a@example.com"]]
    err = capsys.readouterr()
    assert err.err.splitlines() == [
        "lista.csv:3: b@example.com: no se envió (el servidor respondió 421 4.3.2 Servicio no "
        "disponible, cerrando la conexion)",
        f"Error: se perdió la conexión con el servidor de correo {smtp.address} (el "
        "servidor cerró la conexión). No se enviaron: lista.csv:4, lista.csv:5",
    ]
    assert err.out.splitlines()[-1] == f"1 invitación enviada de 4 por {smtp.address}."
    assert raised.value.message == "3 líneas de lista.csv tienen problemas (ver arriba)."


def test_a_wrong_password_sends_nothing(workdir, smtp, monkeypatch, capsys):
    monkeypatch.setenv("SMTP_CLAVE", "clave-equivocada-71")
    with pytest.raises(Exit) as raised:
        invite(enviar=True)
    assert raised.value.code == 1
    assert raised.value.message == (
        f"Error: el servidor de correo {smtp.address} rechazó el usuario o la clave "
        "(SMTP_USUARIO, SMTP_CLAVE); revíselos. No se envió ninguna invitación.")
    assert smtp.mailbox.delivered == []
    assert smtp.mailbox.logins  # smtplib tries each mechanism the server offers
    assert not any(valid for _, valid in smtp.mailbox.logins)
    captured = capsys.readouterr()
    assert "clave-equivocada-71" not in captured.out + captured.err + raised.value.message


def test_a_server_without_starttls_is_refused_before_the_password(workdir, certificates,
                                                                   monkeypatch):
    with SmtpServer(None) as plain:
        monkeypatch.setenv("SMTP_SERVIDOR", plain.address)
        monkeypatch.setenv("SMTP_USUARIO", USER)
        monkeypatch.setenv("SMTP_CLAVE", PASSWORD)
        with pytest.raises(Exit) as raised:
            invite(enviar=True)
        assert f"el servidor de correo {plain.address} no ofrece STARTTLS" in \
            raised.value.message
        assert "la clave nunca se envía sin cifrar" in raised.value.message
        assert plain.mailbox.delivered == [] and plain.mailbox.logins == []


def test_an_untrusted_certificate_is_refused(workdir, smtp, certificates, monkeypatch):
    monkeypatch.setenv("SMTP_CERTIFICADO_CA", str(certificates[2]))
    with pytest.raises(Exit) as raised:
        invite(enviar=True)
    assert f"el certificado del servidor de correo {smtp.address} no es válido" in \
        raised.value.message
    assert smtp.mailbox.delivered == [] and smtp.mailbox.logins == []


def test_missing_settings_are_named_before_anything_is_written(workdir, monkeypatch):
    monkeypatch.setenv("SMTP_SERVIDOR", "smtp.example.gov.co")
    with pytest.raises(Exit) as raised:
        invite(enviar=True)
    assert raised.value.message == (
        "Error: para enviar hacen falta las variables de entorno SMTP_SERVIDOR, SMTP_USUARIO y "
        "SMTP_CLAVE; no están: SMTP_USUARIO, SMTP_CLAVE (ver README, «Invitaciones por "
        "correo»). No se envió ninguna invitación.")
    assert not (workdir / "invitaciones").exists()


@pytest.mark.parametrize(("server", "message"), [
    ("smtp.example.gov.co:465", "el puerto 465 no se usa; use el puerto de envío con STARTTLS, "
                                "normalmente 587 (smtp.example.gov.co:587)"),
    ("smtp.example.gov.co:correo", 'SMTP_SERVIDOR "smtp.example.gov.co:correo" no es un '
                                   "servidor válido"),
    (":587", "no es un servidor válido"),
])
def test_bad_server_settings_are_refused(server, message):
    environ = {"SMTP_SERVIDOR": server, "SMTP_USUARIO": USER, "SMTP_CLAVE": PASSWORD}
    with pytest.raises(MailError) as raised:
        smtp_settings(environ)
    assert message in str(raised.value)
    assert PASSWORD not in str(raised.value)


def test_the_password_is_never_in_the_settings_repr():
    settings = smtp_settings({"SMTP_SERVIDOR": "smtp.example.gov.co", "SMTP_USUARIO": USER,
                              "SMTP_CLAVE": PASSWORD})
    assert settings.server == "smtp.example.gov.co:587"
    assert PASSWORD not in repr(settings)


def test_an_unreachable_server_is_one_message(workdir, smtp, monkeypatch):
    nobody = f"127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("SMTP_SERVIDOR", nobody)
    with pytest.raises(Exit) as raised:
        invite(enviar=True)
    assert raised.value.message.startswith(
        f"Error: no se pudo conectar con el servidor de correo {nobody} (")
    assert raised.value.message.endswith("No se envió ninguna invitación.")


def test_nothing_personal_is_left_behind(workdir, smtp):
    """Only the .eml folder (private to its owner) and the list the staff wrote."""
    with pytest.raises(Exit):
        invite(enviar=True)
    assert sorted(str(path.relative_to(workdir)) for path in workdir.rglob("*")) == sorted(
        ["lista.csv", "invitaciones", f"invitaciones/{EVENT}",
         *(f"invitaciones/{EVENT}/{name}" for name in WRITTEN)])
    assert os.stat(workdir / "invitaciones" / EVENT).st_mode & 0o077 == 0
