"""Publishing over FTP and FTPS to a real server on 127.0.0.1: what is uploaded, in which order."""

from __future__ import annotations

import gzip
import json
import re
import socket
import ssl
from pathlib import Path, PurePosixPath

import pytest
from servidor_ftp import PASSWORD, FtpServer, make_certificate

from municipal.publishing.ftp import (
    DeployFailed,
    FtpDestination,
    FtpReport,
    parse_ftp_url,
    publish_ftp,
)

MANIFEST = ".publicacion.json"
HTML = {
    "index.html": "Inicio",
    "404.html": "No encontrada",
    "noticias/index.html": "Noticias",
    "noticias/vacunacion-antirrabica/index.html": "Vacunación",
    "tramites/licencia-de-construccion/index.html": "Licencia",
}
ASSETS = {
    ".htaccess": b"ErrorDocument 404 /404.html\n",
    "imagenes/escudo.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "adjuntos/planeacion/plan-de-desarrollo.pdf": b"%PDF-1.7\n" + b"\x00\xff" * 3000,
    "cumplimiento.json": b'{"oficinas": []}\n',
    "cumplimiento.csv": b"oficina,porcentaje\r\nplaneacion,100\r\n",
    "sitemap.xml": b"<?xml version='1.0'?><urlset/>\n",
}


def write_site(folder: Path, pages: dict[str, str], assets: dict[str, bytes]) -> Path:
    """A built site in small: pages and text files with their .gz and .br siblings."""
    files = {
        path: f"<!doctype html><title>{title}</title>\n".encode() for path, title in pages.items()
    }
    files |= assets
    for path, content in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        if not path.endswith((".png", ".pdf")) and path != ".htaccess":
            target.with_name(target.name + ".gz").write_bytes(gzip.compress(content, mtime=0))
            target.with_name(target.name + ".br").write_bytes(b"br" + content[::-1])
    return folder


def tree(folder: Path) -> dict[str, bytes]:
    return {
        file.relative_to(folder).as_posix(): file.read_bytes()
        for file in sorted(folder.rglob("*"))
        if file.is_file()
    }


def published(server: FtpServer) -> dict[str, bytes]:
    """The site's folder on the server, without the manifest."""
    return {path: data for path, data in tree(server.root / "sitio").items() if path != MANIFEST}


def empty_folders(folder: Path) -> list[str]:
    return [str(path) for path in folder.rglob("*") if path.is_dir() and not any(path.iterdir())]


def deploy(site: Path, server: FtpServer, **options) -> tuple[FtpReport, list[str]]:
    lines: list[str] = []
    destination = parse_ftp_url(server.url(), PASSWORD)
    return publish_ftp(site, destination, log=lines.append, **options), lines


def kind(path: str) -> int:
    """0 for an asset, 1 for a page, 2 for the home page (with their compressed siblings)."""
    page = path.removesuffix(".gz").removesuffix(".br")
    return 2 if page == "index.html" else 1 if page.endswith(".html") else 0


def assert_safe_order(events: list[tuple[str, str]]) -> None:
    """Assets, pages, home page; then deletions; the manifest last; every file via a rename."""
    changes = [
        (command, path.removeprefix("sitio/"))
        for command, path in events
        if command in ("STOR", "RNTO", "DELE", "RMD")
    ]
    for i, (command, path) in enumerate(changes):
        if command == "STOR":
            temporary = PurePosixPath(path)
            assert temporary.name.startswith(".subiendo-"), f"{path} escrito con su nombre final"
            final = temporary.with_name(temporary.name.removeprefix(".subiendo-")).as_posix()
            assert changes[i + 1] == ("RNTO", final)
        elif command == "RNTO":
            assert changes[i - 1][0] == "STOR"
    assert changes[-1] == ("RNTO", MANIFEST)
    site_changes = [command for command, _ in changes[:-2]]
    renamed = [path for command, path in changes[:-2] if command == "RNTO"]
    assert [kind(path) for path in renamed] == sorted(kind(path) for path in renamed)
    deletions = [i for i, command in enumerate(site_changes) if command in ("DELE", "RMD")]
    uploads = [i for i, command in enumerate(site_changes) if command == "RNTO"]
    assert max(uploads, default=-1) < min(deletions, default=len(site_changes))
    folders_after_files = [site_changes[i] for i in deletions]
    assert folders_after_files == sorted(folders_after_files)


@pytest.fixture
def site(tmp_path) -> Path:
    return write_site(tmp_path / "output", HTML, ASSETS)


@pytest.fixture
def server(tmp_path):
    with FtpServer(tmp_path / "servidor") as running:
        yield running


def test_first_deploy_uploads_everything_in_a_safe_order(site, server):
    report, lines = deploy(site, server)

    assert sorted(report.uploaded) == sorted(tree(site))
    assert report.deleted == []
    assert report.unchanged == 0
    assert published(server) == tree(site)
    manifest = json.loads((server.root / "sitio" / MANIFEST).read_bytes())
    assert sorted(manifest) == sorted(tree(site))
    assert_safe_order(server.events)
    renamed = [path for command, path in server.commands("RNTO")]
    assert renamed[-4:-1] == ["sitio/index.html", "sitio/index.html.br", "sitio/index.html.gz"]
    # Pages deepest first: an article before the list that links to it.
    assert renamed.index("sitio/noticias/vacunacion-antirrabica/index.html") < renamed.index(
        "sitio/noticias/index.html"
    )
    assert "FTP: 27 archivos nuevos o cambiados, 0 para borrar, 0 sin cambios" in lines
    assert lines[-1] == f"FTP: publicación terminada en 127.0.0.1:{server.port}"


def test_second_deploy_without_changes_uploads_nothing(site, server):
    deploy(site, server)
    server.events.clear()

    report, lines = deploy(site, server)

    assert report == FtpReport(uploaded=[], deleted=[], unchanged=27)
    assert server.events == []
    assert "FTP: 0 archivos nuevos o cambiados, 0 para borrar, 27 sin cambios" in lines


def test_changed_site_uploads_the_changes_and_deletes_what_is_gone(site, server):
    deploy(site, server)
    server.events.clear()
    (site / "noticias/index.html").write_text("<!doctype html><title>Noticias de hoy</title>\n")
    (site / "imagenes/noticias").mkdir()
    (site / "imagenes/noticias/feria.jpg").write_bytes(b"\xff\xd8\xff" + b"jpeg" * 500)
    for sibling in ("index.html", "index.html.gz", "index.html.br"):
        (site / "tramites/licencia-de-construccion" / sibling).unlink()
    (site / "tramites/licencia-de-construccion").rmdir()

    report, lines = deploy(site, server)

    assert report.uploaded == ["imagenes/noticias/feria.jpg", "noticias/index.html"]
    assert sorted(report.deleted) == [
        "tramites/licencia-de-construccion/index.html",
        "tramites/licencia-de-construccion/index.html.br",
        "tramites/licencia-de-construccion/index.html.gz",
    ]
    assert report.unchanged == 23
    assert published(server) == tree(site)
    assert empty_folders(server.root) == []
    assert server.commands("RMD") == [
        ("RMD", "sitio/tramites/licencia-de-construccion"),
        ("RMD", "sitio/tramites"),
    ]
    assert_safe_order(server.events)
    assert "FTP: 2 archivos nuevos o cambiados, 3 para borrar, 23 sin cambios" in lines


@pytest.mark.parametrize("mlsd", [True, False], ids=["MLSD", "sin-MLSD"])
def test_first_deploy_onto_an_old_site_removes_what_the_new_site_lacks(tmp_path, site, mlsd):
    old = tmp_path / "servidor" / "sitio"
    write_site(old, {"index.html": "Sitio viejo", "historia/index.html": "Historia"}, {})
    (old / "imagenes/viejas").mkdir(parents=True)
    (old / "imagenes/viejas/foto.gif").write_bytes(b"GIF89a")
    (old / "carpeta-vacia").mkdir()
    (old / ".subiendo-index.html").write_bytes(b"resto de una publicacion interrumpida")
    (old / ".well-known/acme-challenge").mkdir(parents=True)
    (old / ".well-known/acme-challenge/token").write_bytes(b"del hosting")

    with FtpServer(tmp_path / "servidor", mlsd=mlsd) as server:
        report, lines = deploy(site, server)

    assert "FTP: no hay .publicacion.json en el servidor" in lines[1]
    assert sorted(report.deleted) == [
        ".subiendo-index.html",
        "historia/index.html",
        "historia/index.html.br",
        "historia/index.html.gz",
        "imagenes/viejas/foto.gif",
    ]
    kept = {".well-known/acme-challenge/token": b"del hosting"}
    assert published(server) == tree(site) | kept
    assert empty_folders(server.root) == []
    assert_safe_order(server.events)


def test_refuses_to_publish_into_the_hosting_account_home(tmp_path, site):
    home = tmp_path / "servidor"
    (home / "public_html").mkdir(parents=True)
    (home / "mail").mkdir()
    (home / "mail/buzon").write_bytes(b"correo de la alcaldia")

    with FtpServer(home) as server, pytest.raises(DeployFailed) as failure:
        publish_ftp(site, parse_ftp_url(server.url(""), PASSWORD), log=lambda line: None)

    assert "tiene 'mail': parece la carpeta de la cuenta y no la del sitio" in str(failure.value)
    assert "ftp://alcaldia@127.0.0.1/mail" in str(failure.value)
    assert server.events == []
    assert (home / "mail/buzon").exists()


def test_wrong_password_fails_in_spanish_and_uploads_nothing(site, server):
    destination = parse_ftp_url(server.url(), "clave-equivocada")

    with pytest.raises(DeployFailed) as failure:
        publish_ftp(site, destination, log=lambda line: None)

    assert str(failure.value) == (
        f"no se pudo entrar al servidor FTP 127.0.0.1:{server.port} como 'alcaldia':"
        " 530 Authentication failed. Revise el usuario y la variable PUBLICAR_CLAVE_FTP."
    )
    assert failure.value.__cause__ is not None
    assert server.events == []
    assert tree(server.root) == {}


def test_refused_connection_fails_in_spanish(site):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    destination = parse_ftp_url(f"ftp://alcaldia@127.0.0.1:{port}/sitio", PASSWORD)

    with pytest.raises(
        DeployFailed,
        match=rf"^no se pudo conectar con el servidor FTP 127\.0\.0\.1:{port}: .*refused\. Revise",
    ):
        publish_ftp(site, destination, log=lambda line: None)


def test_permission_denied_names_the_file(tmp_path, site):
    (tmp_path / "servidor/sitio").mkdir(parents=True)

    with (
        FtpServer(tmp_path / "servidor", permissions="elr") as server,
        pytest.raises(DeployFailed) as failure,
    ):
        deploy(site, server)

    assert re.fullmatch(
        rf"no se pudo subir '.htaccess' en el servidor FTP 127\.0\.0\.1:{server.port}: 550 .+\.",
        str(failure.value),
    )
    assert tree(server.root) == {}


def test_size_mismatch_after_upload_fails_and_keeps_no_manifest(tmp_path, site):
    with (
        FtpServer(tmp_path / "servidor", truncate_uploads=True) as server,
        pytest.raises(DeployFailed) as failure,
    ):
        deploy(site, server)

    size = (site / ".htaccess").stat().st_size
    assert str(failure.value).startswith(
        f"la verificación falló en el servidor FTP 127.0.0.1:{server.port}: '.htaccess'"
        f" mide {size // 2} bytes allí y mide {size} bytes en {site} (y 26 archivos más)."
    )
    assert not (server.root / "sitio" / MANIFEST).exists()


def test_a_file_damaged_on_the_server_is_uploaded_again(site, server):
    deploy(site, server)
    (server.root / "sitio/imagenes/escudo.png").write_bytes(b"cortado")
    server.events.clear()

    report, lines = deploy(site, server)

    assert report.uploaded == ["imagenes/escudo.png"]
    assert "FTP: 1 archivos no coinciden en el servidor; se suben de nuevo" in lines
    assert published(server) == tree(site)


def test_ftps_deploy_encrypts_and_checks_the_certificate(tmp_path, site):
    certificate, authority = make_certificate(tmp_path)
    trusted = ssl.create_default_context(cafile=authority)

    with FtpServer(tmp_path / "servidor", certificate=certificate) as server:
        destination = parse_ftp_url(server.url(scheme="ftps"), PASSWORD)
        with pytest.raises(
            DeployFailed, match=r"no se pudo cifrar la conexión .*CERTIFICATE_VERIFY_FAILED"
        ):
            publish_ftp(site, destination, log=lambda line: None)
        report = publish_ftp(site, destination, log=lambda line: None, tls_context=trusted)
        plain = parse_ftp_url(server.url(), PASSWORD)
        with pytest.raises(DeployFailed, match=r"no se pudo entrar .* 550 SSL/TLS required"):
            publish_ftp(site, plain, log=lambda line: None)

    assert len(report.uploaded) == 27
    assert published(server) == tree(site)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "ftp://alcaldia@ftp.municipal.gov.co/public_html",
            FtpDestination("ftp.municipal.gov.co", 21, "alcaldia", "s", "public_html", False),
        ),
        (
            "ftps://web%40chitaga@127.0.0.1:2121/",
            FtpDestination("127.0.0.1", 2121, "web@chitaga", "s", "", True),
        ),
        (
            "ftp://alcaldia@servidor/%2Fvar/www/sitio/",
            FtpDestination("servidor", 21, "alcaldia", "s", "/var/www/sitio", False),
        ),
    ],
)
def test_parse_ftp_url(url, expected):
    assert parse_ftp_url(url, "s") == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://alcaldia:secreta@servidor/", "no escriba la clave en la dirección FTP"),
        ("sftp://alcaldia@servidor/", "no es válida: escríbala como ftp://usuario@servidor"),
        ("ftp://servidor/public_html", "no es válida"),
        ("ftp://alcaldia@servidor:puerto/", "el puerto de la dirección"),
    ],
)
def test_parse_ftp_url_rejects(url, message):
    with pytest.raises(DeployFailed, match=message) as failure:
        parse_ftp_url(url, "s")
    assert "secreta" not in str(failure.value)


def test_parse_ftp_url_needs_a_password_and_never_shows_it():
    with pytest.raises(
        DeployFailed, match="falta la clave FTP: defina la variable PUBLICAR_CLAVE_FTP"
    ):
        parse_ftp_url("ftp://alcaldia@servidor/", "")
    assert "secreta" not in repr(parse_ftp_url("ftp://alcaldia@servidor/", "secreta"))


def test_a_site_without_home_page_is_not_published(tmp_path, server):
    with pytest.raises(DeployFailed, match=r"no tiene index\.html: construya el sitio"):
        publish_ftp(tmp_path, parse_ftp_url(server.url(), PASSWORD), log=lambda line: None)
    assert server.events == []
