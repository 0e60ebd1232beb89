"""`invoke visitas REGISTROS`: read access logs, write content/visitas/AAAA-MM.yml (§5.1).

REGISTROS is a log file, a folder (every file in it) or a glob pattern. Each file may
be plain text or gzip (told by its first bytes, not its name). The counting itself is
`indicators.visits`; this module finds and opens the files, writes each month
atomically (a temporary file renamed over the old one) and says, in Spanish, what it
read, what it could not, and what it wrote. No address, user agent or URL of the logs
is ever printed or written.
"""

from __future__ import annotations

import glob
import gzip
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..content.yaml_loader import write_atomically
from ..indicators.visits import (
    MAX_LINE,
    Counted,
    LogReadError,
    VisitCounter,
    count_visits,
    first_minute,
    month_yaml,
)

VISITS_FOLDER = "visitas"
CHUNK_BYTES = 1 << 20
PROBE_BYTES = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
GLOB_SIGNS = ("*", "?", "[")


class NothingToRead(Exception):
    """No log line could be read, or nothing could be written; the message is in Spanish.

    `details` says, file by file, what could not be read.
    """

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.details = details or []


@dataclass
class Outcome:
    """What `run` did: lines for the person at the terminal, and the files written."""

    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


class LogFile:
    """One log file, plain or gzip; `chunks()` opens it afresh on every call."""

    def __init__(self, path: Path, counter: VisitCounter):
        self.path = path
        self.name = str(path)
        self.compressed = False
        self.first_minute: int | None = None
        self.problem = self._probe(counter)

    def _probe(self, counter: VisitCounter) -> str:
        """Why the file cannot be read at all (or ""); finds its first time on the way."""
        try:
            with open(self.path, "rb") as raw:
                self.compressed = raw.read(2) == GZIP_MAGIC
            with self._open() as stream:
                head = stream.read(PROBE_BYTES)
        except (EOFError, gzip.BadGzipFile, zlib.error):
            return ("el archivo comprimido (.gz) está dañado o cortado desde el principio; "
                    "no se pudo leer")
        except OSError as error:
            return f"no se pudo leer ({error.strerror or error})"
        if b"\0" in head:
            return ("no es un registro de texto (tiene bytes binarios); solo se leen "
                    "registros de texto o comprimidos con gzip (.gz)")
        self.first_minute = first_minute(head.split(b"\n")[:-1] or [head], counter)
        return ""

    def _open(self):
        return gzip.open(self.path, "rb") if self.compressed else open(self.path, "rb")

    def chunks(self) -> Iterator[tuple[int, list[bytes]]]:
        number, leftover, skipping = 1, b"", False
        try:
            stream = self._open()
        except OSError as error:  # readable when probed, not any more
            raise LogReadError(f"no se pudo leer ({error.strerror or error})") from error
        with stream:
            while True:
                data, error = _read(stream)
                if not data and error is None:
                    break
                lines = []
                if skipping:  # the rest of a line too long to be a log line
                    end = data.find(b"\n")
                    if end < 0 and error is None:
                        continue
                    data, skipping = (data[end + 1:] if end >= 0 else b""), False
                    lines.append(b"\0")  # counted as one line that did not parse
                parts = (leftover + data).split(b"\n")
                leftover = parts.pop()
                lines += parts
                if len(leftover) > MAX_LINE:
                    leftover, skipping = b"", True
                if error is not None and leftover:  # the line the file was cut in
                    lines.append(leftover)
                if lines:
                    yield number, lines
                    number += len(lines)
                if error is not None:
                    raise LogReadError(error)
        tail = [b"\0"] if skipping else ([leftover] if leftover else [])
        if tail:
            yield number, tail


def _read(stream) -> tuple[bytes, str | None]:
    """About CHUNK_BYTES of the file, and why reading stopped early (or None).

    Reads piece by piece (read1), so that a file cut short still gives what came before
    the cut (GzipFile.read(n) would drop it)."""
    pieces, size = [], 0
    try:
        while size < CHUNK_BYTES:
            piece = stream.read1(CHUNK_BYTES - size)
            if not piece:
                break
            pieces.append(piece)
            size += len(piece)
    except (EOFError, gzip.BadGzipFile, zlib.error):
        return b"".join(pieces), ("el archivo comprimido (.gz) está cortado o dañado; se "
                                  "contaron las líneas leídas hasta ese punto")
    except OSError as error:
        return b"".join(pieces), (f"se dejó de poder leer ({error.strerror or error}); se "
                                  "contaron las líneas leídas hasta ese punto")
    return b"".join(pieces), None


def log_files(registros: str) -> tuple[list[Path], list[str]]:
    """The files REGISTROS names (a file, a folder, a glob), and what was skipped and why.

    Raises NothingToRead when it names no file at all.
    """
    path = Path(registros).expanduser()
    if path.is_dir():
        candidates = sorted(entry for entry in path.iterdir() if not entry.name.startswith("."))
        if not candidates:
            raise NothingToRead(f"la carpeta {registros} está vacía: no hay registros que leer")
        where = f"la carpeta {registros}"
    elif path.exists():
        candidates = [path]
        where = ""
    elif any(sign in registros for sign in GLOB_SIGNS):
        candidates = sorted(Path(name) for name in glob.glob(str(path)))
        if not candidates:
            raise NothingToRead(f'el patrón "{registros}" no coincide con ningún archivo')
        where = f'el patrón "{registros}"'
    else:
        raise NothingToRead(
            f"{registros} no existe; indique un archivo de registro, una carpeta o un patrón "
            'entre comillas, por ejemplo "/var/log/nginx/access.log*"')
    files, skipped, seen = [], [], set()
    for candidate in candidates:
        try:
            status = candidate.stat()
        except OSError as error:
            skipped.append(f"{candidate}: no se pudo leer ({error.strerror})")
            continue
        mode = status.st_mode
        if (status.st_dev, status.st_ino) in seen:  # a link to a file already listed
            skipped.append(f"{candidate}: es el mismo archivo que otro de la lista; se lee "
                           "una sola vez")
        elif stat.S_ISREG(mode):
            seen.add((status.st_dev, status.st_ino))
            files.append(candidate)
        elif not stat.S_ISDIR(mode):
            skipped.append(f"{candidate}: no es un archivo normal; no se lee")
    if not files:
        raise NothingToRead(f"{where or registros} no tiene archivos que leer")
    return files, skipped


def run(registros: str, content_dir: Path, timezone: str) -> Outcome:
    """Count the visits in REGISTROS and (re)write their months under content_dir/visitas/."""
    outcome = Outcome()
    folder = _visits_folder(Path(content_dir))
    files, skipped = log_files(registros)
    outcome.warnings += skipped
    inside = [path for path in files if path.resolve().is_relative_to(folder.parent.resolve())]
    if inside:
        outcome.warnings.append(
            f"{inside[0]}: los registros tienen direcciones de personas y están dentro de "
            f"{content_dir.name}/; muévalos fuera de esa carpeta para que nunca se publiquen "
            "ni se guarden en el repositorio")
    probe = VisitCounter(timezone)
    sources = []
    for path in files:
        source = LogFile(path, probe)
        if source.problem:
            outcome.warnings.append(f"{path}: {source.problem}")
        else:
            sources.append(source)
    if not sources:
        raise NothingToRead("no se pudo leer ningún archivo de registro", outcome.warnings)
    counted = count_visits(sources, timezone, probe.robots)
    _report_sources(counted, outcome)
    if not counted.months:
        raise NothingToRead(
            "ninguna línea tiene el formato combinado de nginx o Apache (dirección, fecha, "
            'petición, estado, tamaño, "referer" y "user agent"): no se escribió nada',
            outcome.warnings)
    if counted.late_days:
        outcome.warnings.append(
            f"algún archivo tiene líneas desordenadas por más de 6 horas: los visitantes de "
            f"{counted.late_days} días se contaron en una segunda lectura")
    for mes, figures in counted.months.items():
        target = folder / f"{mes}.yml"
        _write_atomically(target, month_yaml(figures.document()))
        outcome.written.append(target)
        shown = f"{content_dir.name}/{VISITS_FOLDER}/{target.name}"
        outcome.messages.append(f"Escrito {shown}: {_number(figures.visitas)} visitas, "
                                f"{_number(figures.visitantes)} visitantes.")
        partial = figures.coverage_warning()
        if partial:
            outcome.warnings.append(f"{shown}: {partial}")
    return outcome


def _report_sources(counted: Counted, outcome: Outcome) -> None:
    total = sum(report.lines for report in counted.sources)
    outcome.messages.append(f"Registros leídos: {len(counted.sources)} "
                            f"{'archivo' if len(counted.sources) == 1 else 'archivos'}, "
                            f"{_number(total)} líneas.")
    for report in counted.sources:
        if report.malformed:
            numbers = ", ".join(str(number) for number in report.malformed_lines)
            more = ", ..." if report.malformed > len(report.malformed_lines) else ""
            which = "línea" if report.malformed == 1 else "líneas"
            outcome.warnings.append(
                f"{report.name}: {_number(report.malformed)} de {_number(report.lines)} "
                f"líneas no tienen el formato combinado y no se contaron ({which} {numbers}"
                f"{more})")
        if report.error:
            outcome.warnings.append(f"{report.name}: {report.error}")
        elif report.lines == 0:
            outcome.warnings.append(f"{report.name}: está vacío")


def _visits_folder(content_dir: Path) -> Path:
    if not content_dir.is_dir():
        raise NothingToRead(f"la carpeta de contenido {content_dir} no existe")
    folder = content_dir / VISITS_FOLDER
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise NothingToRead(f"{content_dir.name}/{VISITS_FOLDER} debe ser una carpeta "
                            "(no un archivo ni un enlace simbólico)")
    return folder


def _write_atomically(target: Path, text: str) -> None:
    """Write the month's file all at once; say so in Spanish if it cannot be written."""
    try:
        write_atomically(target, text)
    except OSError as error:
        raise NothingToRead(f"no se pudo escribir {target} ({error.strerror or error}); "
                            "el archivo anterior quedó como estaba") from error


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")
