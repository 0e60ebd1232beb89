"""Deploys into release folders with an atomic `current` switch: to a folder, over a real
SSH server (Debian's sshd on 127.0.0.1), through `invoke publicar` and `invoke revertir`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from navegador import free_port, require, wait_for_port, which
from servidor_ftp import PASSWORD, FtpServer

from conftest import PUBLISH_SETTINGS, ROOT, SAMPLE_CONTENT
from municipal.content.validation import InvalidContent
from municipal.publishing.publish import destination_from, publish
from municipal.publishing.releases import (
    KEEP,
    DeployFailed,
    ReleaseDestination,
    current_release,
    deploy,
    list_releases,
    revert,
)

PAGES = [f"seccion-{n // 40}/pagina-{n}/index.html" for n in range(400)]


def fake_site(folder: Path, version: str, pages=PAGES) -> Path:
    """A site whose every file says which version it belongs to."""
    for page in pages:
        path = folder / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<p>{page} de la versión {version}</p>\n" * 50)
    (folder / "index.html").write_text(f"inicio {version}")
    (folder / "fijo.pdf").write_bytes(b"%PDF igual en todas las versiones")
    return folder


def quiet(*_):
    pass


def test_each_deploy_is_a_new_release_and_current_points_to_it(tmp_path):
    destination = ReleaseDestination(str(tmp_path / "web"))
    first = deploy(fake_site(tmp_path / "v1", "1"), destination, quiet)
    second = deploy(fake_site(tmp_path / "v2", "2"), destination, quiet)
    assert list_releases(destination) == [first, second]
    assert current_release(destination) == second
    current = tmp_path / "web" / "current"
    assert (current / "index.html").read_text() == "inicio 2"
    assert os.readlink(current) == f"releases/{second}"  # relative: the folder can move
    # Unchanged files are hard links to the previous release: no extra disk or upload.
    old, new = (tmp_path / "web/releases" / name / "fijo.pdf" for name in (first, second))
    assert old.stat().st_ino == new.stat().st_ino


def test_revertir_switches_back_and_only_the_last_releases_are_kept(tmp_path):
    destination = ReleaseDestination(str(tmp_path / "web"))
    names = [deploy(fake_site(tmp_path / f"v{n}", str(n), PAGES[:3]), destination, quiet)
             for n in range(KEEP + 2)]
    assert list_releases(destination) == names[-KEEP:]
    assert revert(destination, quiet) == names[-2]
    assert (tmp_path / "web/current/index.html").read_text() == f"inicio {KEEP}"
    revert(destination, quiet)
    revert(destination, quiet)
    revert(destination, quiet)
    assert current_release(destination) == names[-KEEP]
    with pytest.raises(DeployFailed, match="no hay una versión anterior"):
        revert(destination, quiet)


def test_a_reader_during_a_deploy_never_sees_a_missing_or_mixed_file(tmp_path):
    destination = ReleaseDestination(str(tmp_path / "web"))
    deploy(fake_site(tmp_path / "v1", "1"), destination, quiet)
    expected = {version: {page: (tmp_path / f"v{version}" / page).read_text()
                          for page in PAGES} for version in ("1",)}
    new_site = fake_site(tmp_path / "v2", "2")
    expected["2"] = {page: (new_site / page).read_text() for page in PAGES}
    done, seen, problems = threading.Event(), set(), []

    def reader():
        while not done.is_set() or not seen >= {"1", "2"}:
            for page in PAGES[::37]:
                try:
                    text = (tmp_path / "web/current" / page).read_text()
                except OSError as error:
                    problems.append(f"{page}: {error}")
                    continue
                versions = [v for v in expected if expected[v][page] == text]
                if not versions:
                    problems.append(f"{page}: contenido mezclado o incompleto")
                seen.update(versions)
            if done.is_set() and "2" not in seen:
                problems.append("nunca se vio la versión nueva")
                return

    thread = threading.Thread(target=reader)
    thread.start()
    deploy(new_site, destination, quiet)
    done.set()
    thread.join(timeout=30)
    assert not problems, problems[:5]
    assert seen == {"1", "2"}


def test_invalid_content_publishes_nothing(content_copy, tmp_path):
    news = next((content_copy / "noticias").rglob("*.md"))
    news.write_text(news.read_text().replace("titulo:", "titulillo:", 1))
    web = tmp_path / "web"
    with pytest.raises(InvalidContent):
        publish(content_copy, PUBLISH_SETTINGS, {"PUBLICAR_DESTINO": str(web)}, quiet)
    assert not web.exists()


@pytest.mark.parametrize(("value", "message"), [
    ("", "falta la variable PUBLICAR_DESTINO"),
    ("s3://cubeta/sitio", "no es un destino conocido"),
    ("ssh://servidor", "no es válido"),
    ("ftp://alcaldia@servidor/public_html", "falta la variable PUBLICAR_CLAVE_FTP"),
])
def test_a_wrong_destination_is_explained_in_spanish(value, message):
    with pytest.raises(DeployFailed, match=message):
        destination_from({"PUBLICAR_DESTINO": value})


def test_ssh_destination_from_the_environment():
    destination = destination_from({
        "PUBLICAR_DESTINO": "ssh://alcaldia@web.example.gov.co:2222/var/www/chitaga",
        "PUBLICAR_SSH_OPCIONES": "-i clave -o UserKnownHostsFile=conocidos",
    })
    assert destination == ReleaseDestination(
        "/var/www/chitaga", "alcaldia@web.example.gov.co", 2222,
        ("-i", "clave", "-o", "UserKnownHostsFile=conocidos"))


def invoke(*args, env):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)


def test_invoke_publicar_and_revertir(tmp_path):
    env = {**os.environ, "PUBLICAR_DESTINO": str(tmp_path / "web"),
           "SOURCE_DATE_EPOCH": "1795000000"}
    first = invoke("publicar", env=env)
    assert first.returncode == 0, first.stderr
    assert "Sitio publicado: current → releases/" in first.stdout
    current = tmp_path / "web/current"
    assert (current / "index.html.br").is_file() and (current / "sitemap.xml").is_file()
    refused = invoke("revertir", env=env)
    assert refused.returncode == 1
    assert "no hay una versión anterior" in refused.stderr
    assert invoke("publicar", env=env).returncode == 0
    back = invoke("revertir", env=env)
    assert back.returncode == 0, back.stderr
    assert "Sitio revertido" in back.stdout


# --- Over a real SSH server --------------------------------------------------------------


@pytest.fixture(scope="module")
def ssh_server(tmp_path_factory):
    """Debian's sshd on 127.0.0.1, accepting one key for the current user."""
    sshd = require(which("sshd", "/usr/sbin/sshd"), "sshd (openssh-server)")
    folder = tmp_path_factory.mktemp("ssh")
    for key in ("servidor", "cliente"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", folder / key],
                       check=True)
    (folder / "autorizadas").write_text((folder / "cliente.pub").read_text())
    port = free_port()
    config = folder / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {folder / 'servidor'}\n"
        f"AuthorizedKeysFile {folder / 'autorizadas'}\nPasswordAuthentication no\n"
        f"PermitRootLogin prohibit-password\nUsePAM no\nStrictModes no\n"
        f"PidFile {folder / 'sshd.pid'}\n")
    Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation folder sshd requires
    log = folder / "sshd.log"
    with log.open("w") as stderr:
        process = subprocess.Popen([str(sshd), "-D", "-e", "-f", str(config)], stderr=stderr)
    try:
        wait_for_port(port, process, log, "sshd")
        user = subprocess.run(["id", "-un"], capture_output=True, text=True,
                              check=True).stdout.strip()
        options = ("-i", str(folder / "cliente"), "-o", "StrictHostKeyChecking=no",
                   "-o", f"UserKnownHostsFile={folder / 'conocidos'}")
        yield user, port, options
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_deploy_and_revert_over_ssh(ssh_server, tmp_path):
    user, port, options = ssh_server
    web = tmp_path / "servidor" / "web"
    destination = destination_from({
        "PUBLICAR_DESTINO": f"ssh://{user}@127.0.0.1:{port}{web}",
        "PUBLICAR_SSH_OPCIONES": " ".join(options),
    })
    assert destination.host == f"{user}@127.0.0.1"
    first = deploy(fake_site(tmp_path / "v1", "1", PAGES[:20]), destination, quiet)
    second = deploy(fake_site(tmp_path / "v2", "2", PAGES[:20]), destination, quiet)
    assert (web / "current/index.html").read_text() == "inicio 2"
    assert list_releases(destination) == [first, second]
    assert revert(destination, quiet) == first
    assert (web / "current/index.html").read_text() == "inicio 1"


def test_an_unreachable_ssh_server_fails_with_a_clear_message(tmp_path):
    destination = ReleaseDestination("/var/www/sitio", "nadie@127.0.0.1", free_port(),
                                      ("-o", "ConnectTimeout=5"))
    with pytest.raises(DeployFailed) as failure:
        deploy(fake_site(tmp_path / "v1", "1", PAGES[:2]), destination, quiet)
    assert str(failure.value).startswith(
        "no se pudo preparar la carpeta de versiones en nadie@127.0.0.1:/var/www/sitio: ")


def test_publish_the_sample_site_over_ftp_end_to_end(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    environ = {"PUBLICAR_CLAVE_FTP": PASSWORD}
    lines = []
    with FtpServer(tmp_path / "servidor") as server:
        environ["PUBLICAR_DESTINO"] = server.url("sitio")
        publish(SAMPLE_CONTENT, PUBLISH_SETTINGS, environ, lines.append)
        publish(SAMPLE_CONTENT, PUBLISH_SETTINGS, environ, lines.append)
    published = tmp_path / "servidor" / "sitio"
    assert (published / "index.html.br").is_file() and (published / ".htaccess").is_file()
    assert any("0 archivos nuevos o cambiados" in line for line in lines), lines
