"""`invoke visitas`: the visits definition of DESIGN.md §5.1 on hand-written logs.

The expected figures below were worked out by hand, line by line, in the comments of
OLD_LINES and NEW_LINES (Bogotá is UTC−5 all year). Nothing here reaches the network.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from municipal.content.file_checks import check_file
from municipal.indicators.visits import SourceReport, VisitCounter, count_visits
from municipal.outreach import visits as command
from municipal.outreach.visits import LogFile, NothingToRead, run

ZONE = "America/Bogota"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
ANDROID = ("Mozilla/5.0 (Linux; Android 13; SM-A145M) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/119.0.0.0 Mobile Safari/537.36")
TABLET = 'Mozilla/5.0 \\"Tablet\\" (Linux; Android 12)'  # Apache escapes quotes as \"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
CURL = "curl/8.5.0"
ADDRESSES = ["192.0.2.10", "2001:db8::7", "66.249.66.1", "198.51.100.5", "203.0.113.9"]
AGENTS = [FIREFOX, ANDROID, TABLET, GOOGLEBOT, CURL]


def line(address, when, request, status, agent, *, size="512"):
    return f'{address} - - [{when}] "{request}" {status} {size} "-" "{agent}"'


# The older file, written by a server whose clock is in UTC (+0000), rotated and gzipped.
OLD_LINES = [
    # Oct 31 10:00 Bogotá: visit, inicio, pair (192.0.2.10, Firefox) on Oct 31
    line("192.0.2.10", "31/Oct/2026:15:00:00 +0000", "GET / HTTP/1.1", 200, FIREFOX),
    # a style sheet: not a page
    line("192.0.2.10", "31/Oct/2026:15:00:01 +0000", "GET /tema.css HTTP/1.1", 200, FIREFOX),
    # Oct 31 11:00: visit, tramites, origin cartelera-plaza, pair (2001:db8::7, Android)
    line("2001:db8::7", "31/Oct/2026:16:00:00 +0000",
         "GET /tramites/certificado/?origen=cartelera-plaza HTTP/1.1", 200, ANDROID),
    # a robot
    line("66.249.66.1", "31/Oct/2026:17:00:00 +0000", "GET /noticias/ HTTP/1.1", 200, GOOGLEBOT),
    # 04:30 UTC on Nov 1 is 23:30 in Bogotá on Oct 31: October; noticias; a pair seen already
    line("192.0.2.10", "01/Nov/2026:04:30:00 +0000", "GET /noticias/ HTTP/1.1", 200, FIREFOX),
    # Nov 1 00:30 Bogotá: a 304 counts; noticias; pair (192.0.2.10, Firefox) on Nov 1
    line("192.0.2.10", "01/Nov/2026:05:30:00 +0000", "GET /noticias/?pagina=2 HTTP/1.1", 304,
         FIREFOX, size="0"),
    "esto no es una línea de registro",  # line 7: does not parse
    # curl is a robot for crawlerdetect
    line("198.51.100.5", "01/Nov/2026:06:00:00 +0000", "GET / HTTP/1.1", 200, CURL),
]

# The current file, in Bogotá time (-0500), plain text.
NEW_LINES = [
    # Nov 1: visit, inicio (/index.html), pair (192.0.2.10, Android): same address, new pair
    line("192.0.2.10", "01/Nov/2026:08:00:00 -0500", "GET /index.html HTTP/1.1", 200, ANDROID),
    line("192.0.2.10", "01/Nov/2026:08:05:00 -0500", "POST /buscar/ HTTP/1.1", 200, ANDROID),
    line("2001:db8::7", "01/Nov/2026:09:00:00 -0500", "HEAD /tramites/ HTTP/1.1", 200, ANDROID,
         size="0"),
    line("2001:db8::7", "01/Nov/2026:09:01:00 -0500", "GET /no-existe/ HTTP/1.1", 404, ANDROID),
    line("2001:db8::7", "01/Nov/2026:09:02:00 -0500",
         "GET /adjuntos/hacienda/formulario.pdf HTTP/1.1", 200, ANDROID),
    line("2001:db8::7", "01/Nov/2026:09:03:00 -0500",
         "GET /adjuntos/escudo.png?origen=cartelera-plaza HTTP/1.1", 200, ANDROID),
    # Nov 1: visit, contratos, origin cartelera-hospital, pair (2001:db8::7, Android)
    line("2001:db8::7", "01/Nov/2026:09:04:00 -0500",
         "GET /contratos/cps-012-2026/index.html?origen=cartelera-hospital&x=1 HTTP/1.1",
         200, ANDROID),
    '2001:db8::7 - - [01/Nov/2026:09:05:00 -0500] "GET /tram',  # line 8: cut while written
    # Nov 2: three visits of pair (192.0.2.10, Firefox): tramites, tramites, la-alcaldia
    line("192.0.2.10", "02/Nov/2026:10:00:00 -0500", "GET /tramites/ HTTP/1.1", 200, FIREFOX),
    line("192.0.2.10", "02/Nov/2026:10:10:00 -0500", "GET /tramites/ HTTP/1.1", 200, FIREFOX),
    line("192.0.2.10", "02/Nov/2026:11:00:00 -0500", "GET /la-alcaldia.html HTTP/1.1", 200,
         FIREFOX),
    line("192.0.2.10", "02/Nov/2026:12:00:00 -0500", "GET /tramites/ HTTP/1.1", 500, FIREFOX),
    # Nov 2: visit, noticias, pair (203.0.113.9, tablet): Apache's escaped quotes
    line("203.0.113.9", "02/Nov/2026:13:00:00 -0500", "GET /noticias/ HTTP/1.1", 200, TABLET),
]

OCTOBER = {"mes": "2026-10", "visitas": 3, "visitantes": 2,
           "secciones": {"inicio": 1, "noticias": 1, "tramites": 1},
           "origenes": {"cartelera-plaza": 1}}
NOVEMBER = {"mes": "2026-11", "visitas": 7, "visitantes": 5,  # Nov 1: 3 pairs, Nov 2: 2
            "secciones": {"noticias": 2, "tramites": 2, "contratos": 1, "inicio": 1,
                          "la-alcaldia": 1},
            "origenes": {"cartelera-hospital": 1}}


@pytest.fixture
def logs(tmp_path) -> Path:
    """A log folder as on a server: access.log (newer) sorts before access.log.1.gz."""
    folder = tmp_path / "registros"
    folder.mkdir()
    (folder / "access.log").write_text("\n".join(NEW_LINES) + "\n", encoding="utf-8")
    with gzip.open(folder / "access.log.1.gz", "wt", encoding="utf-8") as stream:
        stream.write("\n".join(OLD_LINES) + "\n")
    return folder


@pytest.fixture
def content(tmp_path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    return folder


def written(content: Path) -> dict[str, dict]:
    return {path.name: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((content / "visitas").glob("*.yml"))}


def as_plain(figures: dict) -> dict:
    return {**figures, "secciones": dict(figures["secciones"]),
            "origenes": dict(figures["origenes"])}


@pytest.mark.parametrize(("given_as", "chunk"), [
    ("carpeta", 1 << 20), ("patron", 1 << 20), ("patron-con-corchetes", 1 << 20), ("carpeta", 7),
    ("carpeta", 100)])
def test_the_figures_are_the_hand_worked_ones(logs, content, given_as, chunk, monkeypatch):
    monkeypatch.setattr(command, "CHUNK_BYTES", chunk)  # lines cut between reads, too
    registros = {"carpeta": str(logs), "patron": f"{logs}/access.log*",
                 "patron-con-corchetes": f"{logs}/access.lo[g]*"}[given_as]
    outcome = run(registros, content, ZONE)
    assert written(content) == {"2026-10.yml": OCTOBER, "2026-11.yml": NOVEMBER}
    assert outcome.messages[0] == "Registros leídos: 2 archivos, 21 líneas."
    warnings = "\n".join(outcome.warnings)
    assert "access.log.1.gz: 1 de 8 líneas no tienen el formato combinado" in warnings
    assert "no se contaron (línea 7)" in warnings
    assert "access.log: 1 de 13 líneas no tienen el formato combinado y no se contaron " \
        "(línea 8)" in warnings


def test_the_files_are_counted_the_same_in_either_order(logs):
    files = [LogFile(logs / "access.log", VisitCounter(ZONE)),
             LogFile(logs / "access.log.1.gz", VisitCounter(ZONE))]
    forward = count_visits(files, ZONE)
    backward = count_visits(files[::-1], ZONE)
    for result in (forward, backward):
        assert [as_plain(month.document()) for month in result.months.values()] == [
            OCTOBER, NOVEMBER]


def test_a_single_file_is_read_too(logs, content):
    run(str(logs / "access.log.1.gz"), content, ZONE)
    assert written(content)["2026-10.yml"] == OCTOBER
    # November from this file alone: the 304 of Nov 1, 00:30 Bogotá
    assert written(content)["2026-11.yml"] == {
        "mes": "2026-11", "visitas": 1, "visitantes": 1, "secciones": {"noticias": 1},
        "origenes": {}}


def test_partial_months_are_written_with_a_warning(logs, content):
    warnings = "\n".join(run(str(logs), content, ZONE).warnings)
    assert "2026-10.yml: los registros de 2026-10 van del día 31 al 31" in warnings
    assert "2026-11.yml: los registros de 2026-11 van del día 1 al 2 (el mes tiene 30 días)" \
        in warnings


def test_a_whole_month_has_no_warning(tmp_path, content):
    # September 2026 in Bogotá: from Sep 1 00:00 (05:00 UTC) to Sep 30 23:59 (04:59 UTC Oct 1)
    log = tmp_path / "access.log"
    log.write_text("\n".join([
        line("192.0.2.10", "01/Sep/2026:05:00:00 +0000", "GET / HTTP/1.1", 200, FIREFOX),
        line("192.0.2.10", "01/Oct/2026:04:59:00 +0000", "GET / HTTP/1.1", 200, FIREFOX),
    ]) + "\n", encoding="utf-8")
    outcome = run(str(log), content, ZONE)
    assert outcome.warnings == []
    assert written(content)["2026-09.yml"]["visitantes"] == 2  # two days, one pair each


def test_logs_of_two_servers_covering_the_same_days_count_a_visitor_once_a_day(
        tmp_path, monkeypatch):
    """The same pair on the same day in two files is one visitor. The files cover the same
    six days: they are read side by side, so only the days being read stay open."""
    monkeypatch.setattr(command, "CHUNK_BYTES", 100)
    open_days = []
    close = VisitCounter.close_days_before

    def recording_close(self, minute):
        close(self, minute)
        open_days.append(len(self.open_days))

    monkeypatch.setattr(VisitCounter, "close_days_before", recording_close)
    one, two = tmp_path / "servidor-1.log", tmp_path / "servidor-2.log"
    days = range(1, 7)
    one.write_text("\n".join(
        line("192.0.2.10", f"0{day}/Nov/2026:{hour:02d}:00:00 -0500", "GET / HTTP/1.1", 200,
             FIREFOX) for day in days for hour in (8, 20)) + "\n", encoding="utf-8")
    two.write_text("\n".join(
        line("192.0.2.10", f"0{day}/Nov/2026:{hour:02d}:00:00 -0500", "GET /tramites/ HTTP/1.1",
             200, FIREFOX) for day in days for hour in (9, 21)) + "\n", encoding="utf-8")
    result = count_visits([LogFile(path, VisitCounter(ZONE)) for path in (two, one)], ZONE)
    november = result.months["2026-11"]
    assert (november.visitas, november.visitantes) == (24, 6)
    assert result.late_days == 0
    assert max(open_days) <= 2


def test_a_line_far_back_in_time_is_counted_exactly_in_a_second_pass(tmp_path, monkeypatch):
    monkeypatch.setattr(command, "CHUNK_BYTES", 100)  # days close between chunks
    log = tmp_path / "access.log"
    log.write_text("\n".join([
        line("192.0.2.10", "01/Nov/2026:10:00:00 -0500", "GET / HTTP/1.1", 200, FIREFOX),
        line("2001:db8::7", "03/Nov/2026:10:00:00 -0500", "GET / HTTP/1.1", 200, ANDROID),
        # two days back, when Nov 1 was closed: the pair of Nov 1's first line (not a new
        # visitor) and a new pair (a new visitor)
        line("192.0.2.10", "01/Nov/2026:11:00:00 -0500", "GET / HTTP/1.1", 200, FIREFOX),
        line("203.0.113.9", "01/Nov/2026:12:00:00 -0500", "GET / HTTP/1.1", 200, FIREFOX),
    ]) + "\n", encoding="utf-8")
    result = count_visits([LogFile(log, VisitCounter(ZONE))], ZONE)
    november = result.months["2026-11"]
    assert (november.visitas, november.visitantes) == (4, 3)  # Nov 1: 2 pairs, Nov 3: 1
    assert result.late_days == 1


def test_day_sets_are_dropped_as_the_logs_move_on(tmp_path):
    """Memory: once a day is over (and 6 hours more), only its count is kept."""
    log = tmp_path / "access.log"
    log.write_text("\n".join(
        line(f"192.0.2.{day}", f"{day:02d}/Nov/2026:12:00:00 -0500", "GET / HTTP/1.1", 200,
             FIREFOX) for day in range(1, 29)) + "\n", encoding="utf-8")
    counter = VisitCounter(ZONE)
    source = LogFile(log, counter)
    report = SourceReport(source.name)
    for first, lines in source.chunks():
        for index, text in enumerate(lines):  # one line at a time, as a long log would come
            latest = counter.feed(first + index, [text], report)
            counter.close_days_before(latest - 6 * 60)
            assert len(counter.open_days) <= 1
    counter.finish()
    assert sum(counter.day_visitors.values()) == 28


def test_nothing_personal_is_written_or_printed(logs, tmp_path):
    content = tmp_path / "contenido-privado"
    content.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "visitas", str(logs), "--contenido", str(content)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "Escrito contenido-privado/visitas/2026-10.yml: 3 visitas, 2 visitantes." \
        in result.stdout
    texts = {"salida": result.stdout, "errores": result.stderr}
    for path in content.rglob("*"):
        if path.is_file():
            texts[str(path)] = path.read_text(encoding="utf-8")
    assert len(texts) == 4  # stdout, stderr, 2026-10.yml, 2026-11.yml: no other file
    secrets = [*ADDRESSES, *AGENTS, TABLET.replace("\\", ""), "Firefox", "Android", "curl",
               "/tramites/certificado/", "origen=", "?"]
    for where, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} aparece en {where}"


def test_a_month_is_rewritten_atomically_and_other_months_stay(logs, content):
    folder = content / "visitas"
    folder.mkdir()
    (folder / "2026-10.yml").write_text('mes: "2026-10"\nvisitas: 1\nvisitantes: 1\n',
                                        encoding="utf-8")
    september = 'mes: "2026-09"\nvisitas: 4\nvisitantes: 2\n'
    (folder / "2026-09.yml").write_text(september, encoding="utf-8")
    run(str(logs), content, ZONE)
    assert written(content)["2026-10.yml"] == OCTOBER
    assert (folder / "2026-09.yml").read_text(encoding="utf-8") == september
    assert sorted(path.name for path in folder.iterdir()) == [
        "2026-09.yml", "2026-10.yml", "2026-11.yml"]  # no temporary file left


def test_a_failed_write_leaves_the_old_file_whole(logs, content, monkeypatch):
    folder = content / "visitas"
    folder.mkdir()
    old = 'mes: "2026-10"\nvisitas: 1\nvisitantes: 1\n'
    (folder / "2026-10.yml").write_text(old, encoding="utf-8")

    def full_disk(source, target):
        raise OSError(28, "No queda espacio en el disco")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(NothingToRead, match=r"no se pudo escribir .*2026-10\.yml.*quedó como"):
        run(str(logs), content, ZONE)
    assert (folder / "2026-10.yml").read_text(encoding="utf-8") == old
    assert sorted(path.name for path in folder.iterdir()) == ["2026-10.yml"]


# --- Bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "says"), [
    (lambda tmp: str(tmp / "no-existe.log"), "no-existe.log no existe"),
    (lambda tmp: (tmp / "vacia").mkdir() or str(tmp / "vacia"), "vacia está vacía"),
    (lambda tmp: str(tmp / "nada*.log"), "no coincide con ningún archivo"),
])
def test_nothing_named_is_a_clear_error(tmp_path, content, make, says):
    with pytest.raises(NothingToRead, match=says):
        run(make(tmp_path), content, ZONE)


def test_a_content_folder_that_does_not_exist_is_refused(logs, tmp_path):
    with pytest.raises(NothingToRead, match=r"carpeta de contenido .* no existe"):
        run(str(logs), tmp_path / "no-hay", ZONE)
    assert not (tmp_path / "no-hay").exists()


def test_a_binary_file_is_skipped_and_the_others_are_read(logs, content):
    (logs / "imagen.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)))
    outcome = run(str(logs), content, ZONE)
    assert any("imagen.png: no es un registro de texto" in text for text in outcome.warnings)
    assert written(content)["2026-11.yml"] == NOVEMBER


def test_a_truncated_gzip_keeps_what_could_be_read(tmp_path, content):
    text = "\n".join(
        line("192.0.2.10", f"{day:02d}/Nov/2026:12:00:00 -0500", "GET / HTTP/1.1", 200,
             FIREFOX) for day in range(1, 31)) + "\n"
    data = gzip.compress(text.encode() * 200)
    log = tmp_path / "access.log.2.gz"
    log.write_bytes(data[: len(data) // 2])
    outcome = run(str(log), content, ZONE)
    assert any("está cortado o dañado" in text for text in outcome.warnings)
    assert written(content)["2026-11.yml"]["visitas"] > 0


def test_a_huge_line_is_one_line_that_does_not_parse(tmp_path, content):
    log = tmp_path / "access.log"
    good = line("192.0.2.10", "01/Nov/2026:12:00:00 -0500", "GET / HTTP/1.1", 200, FIREFOX)
    log.write_bytes(f"{good}\n".encode() + b"x" * (3 << 20) + f"\n{good}\n".encode())
    outcome = run(str(log), content, ZONE)
    assert "1 de 3 líneas no tienen el formato combinado y no se contaron (línea 2)" in \
        "\n".join(outcome.warnings)
    assert written(content)["2026-11.yml"]["visitas"] == 2


def test_only_garbage_writes_nothing(tmp_path, content):
    log = tmp_path / "error.log"
    log.write_text("2026/11/01 10:00:00 [error] 12#12: open() failed\n" * 3, encoding="utf-8")
    with pytest.raises(NothingToRead, match="formato combinado") as error:
        run(str(log), content, ZONE)
    assert any("3 de 3 líneas" in text for text in error.value.details)
    assert not (content / "visitas").exists()


def test_the_command_exits_non_zero_only_when_nothing_could_be_read(tmp_path, content):
    binary = tmp_path / "solo-binario"
    binary.mkdir()
    (binary / "a.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 40)
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "visitas", str(binary), "--contenido", str(content)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert "a.gz: el archivo comprimido (.gz) está dañado" in result.stderr
    assert "Error: no se pudo leer ningún archivo de registro." in result.stderr
    assert "Traceback" not in result.stderr


# --- Random lines ---------------------------------------------------------------------

FIELD = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n"), max_size=30)


@st.composite
def log_lines(draw):
    """Lines near the combined format, with any field replaced by anything."""
    parts = [draw(st.sampled_from(["192.0.2.1", "::1", "-", ""])) + " - -",
             "[" + draw(st.sampled_from([
                 "01/Nov/2026:10:00:00 -0500", "31/Feb/2026:10:00:00 +0000",
                 "01/Nov/2026:99:00:00 -0500", "01/Foo/2026:10:00:00 +0530",
                 "01/Nov/2026:10:00:00 +9999"])) + "]",
             '"' + draw(st.sampled_from(["GET ", "HEAD ", "", "GET"])) + draw(FIELD) + '"',
             draw(st.sampled_from(["200", "304", "404", "2000", "-"])),
             draw(st.sampled_from(["1", "-", ""])), '"-"', '"' + draw(FIELD) + '"']
    if draw(st.booleans()):
        parts[draw(st.integers(0, len(parts) - 1))] = draw(FIELD)
    return " ".join(parts).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(log_lines(), st.binary(max_size=80)), max_size=20))
def test_random_lines_never_raise_and_are_all_accounted_for(lines):
    lines = [text.replace(b"\n", b" ") for text in lines]
    counter = VisitCounter(ZONE)
    report = SourceReport("aleatorio.log")
    counter.feed(1, lines, report)
    counter.finish()
    assert report.lines == len(lines)
    assert report.malformed <= len(lines)
    for figures in counter.months.values():
        assert sum(figures.secciones.values()) == figures.visitas
        assert sum(figures.origenes.values()) <= figures.visitas


def test_many_made_up_origin_tags_do_not_grow_without_bound():
    counter = VisitCounter(ZONE)
    lines = [line("192.0.2.10", "01/Nov/2026:10:00:00 -0500",
                  f"GET /?origen=etiqueta-{number} HTTP/1.1", 200, FIREFOX).encode()
             for number in range(1500)]
    counter.feed(1, lines, SourceReport("x"))
    origins = counter.months["2026-11"].origenes
    assert len(origins) == 1001
    assert origins["otros"] == 500
    assert sum(origins.values()) == 1500


def test_the_log_files_are_read_as_named_without_following_into_folders(tmp_path):
    folder = tmp_path / "registros"
    (folder / "subcarpeta").mkdir(parents=True)
    (folder / "access.log").write_text("", encoding="utf-8")
    (folder / ".oculto").write_text("", encoding="utf-8")
    files, skipped = command.log_files(str(folder))
    assert files == [folder / "access.log"]
    assert skipped == []
    os.mkfifo(folder / "tuberia")
    (folder / "otro-nombre.log").symlink_to(folder / "access.log")
    files, skipped = command.log_files(str(folder))
    assert files == [folder / "access.log"]
    assert skipped == [
        f"{folder / 'otro-nombre.log'}: es el mismo archivo que otro de la lista; se lee una "
        "sola vez", f"{folder / 'tuberia'}: no es un archivo normal; no se lee"]


def test_logs_inside_the_content_folder_are_counted_with_a_warning(logs, content):
    inside = content / "registros"
    logs.rename(inside)
    outcome = run(str(inside), content, ZONE)
    assert any("están dentro de content/; muévalos fuera" in text for text in outcome.warnings)
    assert written(content)["2026-10.yml"] == OCTOBER


def test_apache_escaped_quotes_in_the_request_and_referer(tmp_path, content):
    log = tmp_path / "access_log"
    log.write_text(
        '203.0.113.9 - - [02/Nov/2026:13:00:00 -0500] "GET /buscar/?q=\\"agua\\" HTTP/1.1" '
        '200 99 "https://example.org/?q=\\"x\\"" "Mozilla/5.0 (X11; Linux x86_64)"\n',
        encoding="utf-8")
    run(str(log), content, ZONE)
    assert written(content)["2026-11.yml"] == {
        "mes": "2026-11", "visitas": 1, "visitantes": 1, "secciones": {"buscar": 1},
        "origenes": {}}


def test_what_the_command_writes_passes_the_validator(logs, tmp_path, content):
    robots_only = tmp_path / "robots.log"
    robots_only.write_text(
        line("66.249.66.1", "05/Dec/2026:10:00:00 -0500", "GET / HTTP/1.1", 200, GOOGLEBOT)
        + "\n", encoding="utf-8")
    run(str(logs), content, ZONE)
    run(str(robots_only), content, ZONE)
    files = written(content)
    assert files["2026-12.yml"] == {"mes": "2026-12", "visitas": 0, "visitantes": 0,
                                    "secciones": {}, "origenes": {}}
    for name, figures in files.items():
        raw = (content / "visitas" / name).read_bytes()
        report = check_file(f"visitas/{name}", "visitas", raw)
        assert report.problems == []
        assert report.facts["cifras"] == figures


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400), st.booleans())
def test_random_files_end_in_figures_or_a_clear_error(tmp_path_factory, data, compressed):
    folder = tmp_path_factory.mktemp("aleatorio")
    content = folder / "content"
    content.mkdir()
    log = folder / "access.log"
    log.write_bytes(gzip.compress(data)[: len(data) // 2 + 10] if compressed else data)
    try:
        outcome = run(str(log), content, ZONE)
    except NothingToRead as error:
        assert str(error)
        assert not (content / "visitas").exists() or not any((content / "visitas").iterdir())
    else:
        assert outcome.written


def test_a_file_that_stops_being_readable_is_reported(logs, content, monkeypatch):
    opened = LogFile._open

    def refuse_plain_files(self):
        if not self.compressed and self.path.name == "access.log" and self.first_minute:
            raise PermissionError(13, "Permiso denegado")
        return opened(self)

    monkeypatch.setattr(LogFile, "_open", refuse_plain_files)
    outcome = run(str(logs), content, ZONE)
    assert any(text.endswith("access.log: no se pudo leer (Permiso denegado)")
               for text in outcome.warnings)
    assert written(content)["2026-10.yml"] == OCTOBER  # the other file still counts
