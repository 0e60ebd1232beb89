"""Visit figures from web server access logs (DESIGN.md §5.1), computed while streaming.

A **visita** is a GET answered 200 or 304 for a page (its path, query removed, ends in
"/" or ".html") from a user agent that crawlerdetect does not take for a robot.
**visitantes** counts, for each day in the site's time zone, the distinct (address,
user agent) pairs that made a visita, summed over the month's days.

Nothing here opens a file: a `LogSource` (outreach/visits.py) hands over chunks of
lines. Memory does not grow with the number of lines: the (address, user agent) pairs
are kept per day and a day's set is dropped (only its count stays) as soon as no
file can still hold lines of that day. Files are read side by side, always advancing
the one that is furthest behind in time (a merge by chunks), so logs of several
servers covering the same days, and rotated files given in any order, keep only the
days being read open. A file's lines may go back in time by up to `LATE_MINUTES`
(Apache logs the time a request started); a line later than that reopens nothing: its
day is counted again exactly in a second pass over the files (see `count_visits`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import unquote_to_bytes
from zoneinfo import ZoneInfo

from crawlerdetect import CrawlerDetect

_QUOTED = rb'"([^"\\]*(?:\\.[^"\\]*)*)"'
"""A quoted field of the combined format; Apache escapes a quote inside it as \\"."""
_TIME = rb"\[([^\]:]+:\d\d):(\d\d):\d\d ([^\]]+)\]"
"""[10/Oct/2026:13:55:36 -0500]: the hour, the minute and the offset."""

LINE = re.compile(rb"([^ ]+) [^ ]+ [^ ]+ " + _TIME
                  + rb' "([^"]*)" (\d{3}) (?:\d+|-) "[^"]*" "([^"]*)"')
"""The combined log format of nginx and Apache: address, identity, user, [time],
"request", status, bytes, "referer", "user agent" (anything after it is ignored).
Groups: address, hour, minute, offset, request, status, user agent."""
ESCAPED_LINE = re.compile(rb"([^ ]+) [^ ]+ [^ ]+ " + _TIME + rb" " + _QUOTED
                          + rb" (\d{3}) (?:\d+|-) " + _QUOTED.replace(b"(", b"(?:", 1)
                          + rb" " + _QUOTED)
"""The same, slower, for a line whose quoted fields hold Apache's escaped quotes (\\")."""

TIMESTAMP = re.compile(_TIME)
HOUR = re.compile(rb"(\d\d)/(\w\w\w)/(\d{4}):(\d\d)")
OFFSET = re.compile(rb"([+-])(\d\d)(\d\d)")
SPLIT_HOUR = object()
"""In the time cache: an hour of the log that straddles two days of the site's zone
(an offset with minutes that the zone does not share): read its minutes."""
MONTHS = {name: number for number, name in enumerate(
    (b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct",
     b"Nov", b"Dec"), start=1)}
VISIT_STATUS = (b"200", b"304")
SECTION = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
TAG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
HOME = "inicio"
OTHER_SECTIONS = "otras"
OTHER_ORIGINS = "otros"
MAX_NAME = 60
"""Longer section or origin names are counted under otras / otros."""
MAX_ORIGINS_PER_MONTH = 1000
"""Distinct origin tags remembered per month: tags come from the query people type, so
a flood of made-up tags must not grow memory; later new tags count under `otros`."""
MAX_LINE = 32 * 1024
"""A longer line is not a log line (nginx and Apache cut far shorter)."""
LATE_MINUTES = 6 * 60
EARLIEST = -(2**62)
CACHE_LIMIT = 50_000
"""Entries kept in the user agent and section caches before they are emptied."""
TIME_CACHE_LIMIT = 2_000
"""Hours kept in the time cache (a log has one entry an hour): about three months."""
FIRST_LINES_REPORTED = 5


class LogSource(Protocol):
    """One log file as the counter reads it (outreach/visits.py: `LogFile`)."""

    name: str
    first_minute: int | None  # minute (since the epoch) of its first readable line

    def chunks(self) -> Iterator[tuple[int, list[bytes]]]:
        """(number of the first line, lines) until the end of the file."""


@dataclass
class SourceReport:
    """What became of one file: its lines, those that did not parse, a reading error."""

    name: str
    lines: int = 0
    malformed: int = 0
    malformed_lines: list[int] = field(default_factory=list)
    error: str = ""


@dataclass
class MonthFigures:
    """One month of DESIGN.md §3 visitas/AAAA-MM.yml, and the days its logs cover."""

    mes: str
    visitas: int = 0
    visitantes: int = 0
    secciones: dict[str, int] = field(default_factory=dict)
    origenes: dict[str, int] = field(default_factory=dict)
    days: set[int] = field(default_factory=set)  # days of the month with any log line

    def add_visit(self, section: str, query: bytes) -> None:
        self.visitas += 1
        self.secciones[section] = self.secciones.get(section, 0) + 1
        if b"origen=" in query:
            self.add_origin(query)

    def add_origin(self, query: bytes) -> None:
        tag = _origin(query)
        if tag is not None:
            if tag not in self.origenes and len(self.origenes) >= MAX_ORIGINS_PER_MONTH:
                tag = OTHER_ORIGINS
            self.origenes[tag] = self.origenes.get(tag, 0) + 1

    def document(self) -> dict:
        return {"mes": self.mes, "visitas": self.visitas, "visitantes": self.visitantes,
                "secciones": _ordered(self.secciones), "origenes": _ordered(self.origenes)}

    def coverage_warning(self) -> str:
        """Why this month's figures are partial, or ""."""
        year, month = int(self.mes[:4]), int(self.mes[5:])
        last = (datetime.date(year + month // 12, month % 12 + 1, 1)
                - datetime.timedelta(days=1)).day
        first_seen, last_seen = min(self.days), max(self.days)
        if first_seen == 1 and last_seen == last:
            return ""
        return (f"los registros de {self.mes} van del día {first_seen} al {last_seen} "
                f"(el mes tiene {last} días): las cifras de ese mes están incompletas")


@dataclass
class Counted:
    """The result of `count_visits`."""

    months: dict[str, MonthFigures]
    sources: list[SourceReport]
    late_days: int = 0  # days counted again in a second pass


def _ordered(counter: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


class VisitCounter:
    """Counts visits from chunks of log lines; see the module's docstring."""

    def __init__(self, timezone: str, robots: CrawlerDetect | None = None,
                 only_days: set[datetime.date] | None = None):
        self.zone = ZoneInfo(timezone)
        self.robots = robots or CrawlerDetect()
        self.only_days = only_days  # second pass: count visitors of these days only
        self.months: dict[str, MonthFigures] = {}
        self.day_visitors: dict[datetime.date, int] = {}
        self.open_days: dict[datetime.date, set] = {}
        self.closed: set[datetime.date] = set()
        self.late: set[datetime.date] = set()
        self._day_end: dict[datetime.date, int] = {}
        self._times: dict[tuple[bytes, bytes], object] = {}
        self._is_robot: dict[bytes, bool] = {}
        self._sections: dict[bytes, str] = {}

    def time_of(self, hour: bytes, minute: bytes, offset: bytes
                ) -> tuple[int, datetime.date] | None:
        """(minute since the epoch, day in the site's zone) of `10/Oct/2026:13`, `55`,
        `-0500`; None if it is not a time. Cached by hour: every line of an hour of the
        log falls on the same day of the site's zone, except around a day's edge when
        the offset has minutes the zone does not share (then cached by minute)."""
        key = (hour, offset)
        known = self._times.get(key)
        if known is None:
            if len(self._times) > TIME_CACHE_LIMIT:
                self._times.clear()
            known = self._times[key] = self._hour(hour, offset)
        if known is SPLIT_HOUR:
            return self._minute(hour, minute, offset)
        if not known:
            return None
        return known

    def _hour(self, hour: bytes, offset: bytes):
        start = self._moment(hour, b"00", offset)
        if start is None:
            return False
        end = start + datetime.timedelta(minutes=59)
        day = start.astimezone(self.zone).date()
        if end.astimezone(self.zone).date() != day:
            return SPLIT_HOUR
        return int(start.timestamp()) // 60, day

    def _minute(self, hour: bytes, minute: bytes, offset: bytes):
        key = (hour + b":" + minute, offset)
        known = self._times.get(key)
        if known is None:
            moment = self._moment(hour, minute, offset)
            known = self._times[key] = False if moment is None else (
                int(moment.timestamp()) // 60, moment.astimezone(self.zone).date())
        return known or None

    @staticmethod
    def _moment(hour: bytes, minute: bytes, offset: bytes) -> datetime.datetime | None:
        stamp, shift = HOUR.fullmatch(hour), OFFSET.fullmatch(offset)
        if not stamp or not shift or not minute.isdigit():
            return None
        try:
            zone = datetime.timezone((-1 if shift[1] == b"-" else 1) * datetime.timedelta(
                hours=int(shift[2]), minutes=int(shift[3])))
            return datetime.datetime(int(stamp[3]), MONTHS[stamp[2]], int(stamp[1]),
                                     int(stamp[4]), int(minute), tzinfo=zone)
        except (KeyError, ValueError, OverflowError):
            return None

    def robot(self, agent: bytes) -> bool:
        known = self._is_robot.get(agent)
        if known is None:
            if len(self._is_robot) > CACHE_LIMIT:
                self._is_robot.clear()
            known = self._is_robot[agent] = self.robots.isCrawler(
                agent.decode("utf-8", "replace"))
        return known

    def section(self, path: bytes) -> str:
        """`/tramites/x/` → tramites; `/` and `/index.html` → inicio; `/mapa.html` → mapa."""
        segment = path.split(b"/", 2)[1]
        name = self._sections.get(segment)
        if name is None:
            if len(self._sections) > CACHE_LIMIT:
                self._sections.clear()
            text = segment.decode("ascii", "replace").removesuffix(".html")
            if text in ("", "index"):
                name = HOME
            elif len(text) <= MAX_NAME and SECTION.fullmatch(text):
                name = text
            else:
                name = OTHER_SECTIONS
            self._sections[segment] = name
        return name

    def month(self, day: datetime.date) -> MonthFigures:
        mes = f"{day.year:04d}-{day.month:02d}"
        figures = self.months.get(mes)
        if figures is None:
            figures = self.months[mes] = MonthFigures(mes)
        return figures

    def feed(self, first_line: int, lines: list[bytes],  # noqa: PLR0912 - see below
             report: SourceReport) -> int | None:
        """Count one chunk of one file; returns the latest minute read in it (or None).

        One loop, its branches inline: a function call per line would cost a tenth more.
        """
        match, time_of, is_robot = LINE.match, self.time_of, self._is_robot
        sections, only_days, times = self._sections, self.only_days, self._times
        latest = last_day = figures = pairs = None
        report.lines += len(lines)
        if lines and max(map(len, lines)) > MAX_LINE:
            lines = [line if len(line) <= MAX_LINE else b"\0" for line in lines]
        for index, line in enumerate(lines):
            parsed = match(line)
            if parsed is None or parsed[7][-1:] == b"\\":
                parsed = ESCAPED_LINE.match(line)
                if parsed is None:
                    if line.strip():
                        self._malformed(report, first_line + index)
                    continue
            address, hour, minute, offset, request, status, agent = parsed.groups()
            moment = times.get((hour, offset))  # the usual case: a known whole hour
            if moment is None or moment.__class__ is not tuple:
                moment = time_of(hour, minute, offset)
                if not moment:
                    self._malformed(report, first_line + index)
                    continue
            minute, day = moment
            if latest is None or minute > latest:
                latest = minute
            if day != last_day:
                last_day, figures, pairs = day, self.month(day), self._pairs(day)
                figures.days.add(day.day)
            if request[:4] != b"GET " or status not in VISIT_STATUS:
                continue
            path, _, query = request[4:].split(b" ", 1)[0].partition(b"?")
            if path[:1] != b"/" or not (path[-1:] == b"/" or path.endswith(b".html")):
                continue
            robot = is_robot.get(agent)
            if robot is None:
                robot = self.robot(agent)
            if robot:
                continue
            if only_days is None:
                figures.add_visit(sections.get(path.split(b"/", 2)[1]) or self.section(path),
                                  query)
            if pairs is not None:
                pairs.add((address, agent))
            elif only_days is None:
                self.late.add(day)
        return latest

    def _pairs(self, day: datetime.date) -> set | None:
        """The open set of `day`'s (address, user agent) pairs; None if the day is closed
        (or, in a second pass, not one of the days counted again)."""
        pairs = self.open_days.get(day)
        if pairs is None and day not in self.closed and (
                self.only_days is None or day in self.only_days):
            pairs = self.open_days[day] = set()
        return pairs

    def _malformed(self, report: SourceReport, number: int) -> None:
        report.malformed += 1
        if len(report.malformed_lines) < FIRST_LINES_REPORTED:
            report.malformed_lines.append(number)

    def close_days_before(self, minute: int) -> None:
        """Drop the visitor sets of the days that ended before `minute`; keep their counts."""
        if self.only_days is not None:
            return
        for day in [day for day in self.open_days if self.day_end(day) <= minute]:
            self.day_visitors[day] = len(self.open_days.pop(day))
            self.closed.add(day)
            del self._day_end[day]

    def day_end(self, day: datetime.date) -> int:
        """The minute (since the epoch) at which `day` ends in the site's zone."""
        end = self._day_end.get(day)
        if end is None:
            midnight = datetime.datetime.combine(day + datetime.timedelta(days=1),
                                                 datetime.time(), self.zone)
            end = self._day_end[day] = int(midnight.timestamp()) // 60
        return end

    def finish(self) -> None:
        for day, pairs in self.open_days.items():
            self.day_visitors[day] = len(pairs)
        self.open_days = {}


def _origin(query: bytes) -> str | None:
    """The tag of `origen=<tag>` in a query; OTHER_ORIGINS for a tag that is not a slug."""
    for part in query.split(b"&"):
        if part.startswith(b"origen="):
            raw = part[7:]
            if b"%" in raw:
                raw = unquote_to_bytes(raw)
            tag = raw.decode("ascii", "replace")
            return tag if len(tag) <= MAX_NAME and TAG.fullmatch(tag) else OTHER_ORIGINS
    return None


def first_minute(lines: Iterable[bytes], counter: VisitCounter) -> int | None:
    """The minute of the first line that carries a readable time."""
    for line in lines:
        found = TIMESTAMP.search(line[:MAX_LINE])
        moment = found and counter.time_of(found[1], found[2], found[3])
        if moment:
            return moment[0]
    return None


def count_visits(sources: list[LogSource], timezone: str,
                 robots: CrawlerDetect | None = None) -> Counted:
    """Every month's figures from these logs, whatever the order they are given in."""
    robots = robots or CrawlerDetect()
    counter = VisitCounter(timezone, robots)
    reports = _merge(sources, counter)
    counter.finish()
    late = sorted(counter.late)
    if late:  # a file went back in time more than LATE_MINUTES: count those days again
        again = VisitCounter(timezone, robots, only_days=set(late))
        _merge(sources, again, quiet=True)
        again.finish()
        counter.day_visitors.update(again.day_visitors)
    for day, visitors in counter.day_visitors.items():
        counter.month(day).visitantes += visitors
    months = {mes: counter.months[mes] for mes in sorted(counter.months)}
    return Counted(months, reports, len(late))


def _merge(sources: list[LogSource], counter: VisitCounter,
           quiet: bool = False) -> list[SourceReport]:
    """Read the files side by side, always the one furthest behind in time."""
    def start(source: LogSource) -> int:  # a file with no readable time goes first
        return EARLIEST if source.first_minute is None else source.first_minute

    reports = {source.name: SourceReport(source.name) for source in sources}
    pending = sorted(sources, key=start)
    active: list[list] = []  # [minute reached, position, source, its chunks]
    while pending or active:
        reached = min((item[0] for item in active), default=None)
        while pending and (reached is None or start(pending[0]) <= reached):
            source = pending.pop(0)
            active.append([start(source), len(active), source, source.chunks()])
            reached = active[-1][0] if reached is None else min(reached, active[-1][0])
        current = min(active, key=lambda item: (item[0], item[1]))
        report = reports[current[2].name]
        try:
            first_line, lines = next(current[3])
        except StopIteration:
            active.remove(current)
            continue
        except LogReadError as error:
            report.error = str(error)
            active.remove(current)
            continue
        latest = counter.feed(first_line, lines, report)
        if latest is not None and latest > current[0]:
            current[0] = latest
        horizon = min([item[0] for item in active] + [start(source) for source in pending[:1]])
        counter.close_days_before(horizon - LATE_MINUTES)
    return [reports[source.name] for source in sources] if not quiet else []


class LogReadError(Exception):
    """A file stopped being readable partway (a cut .gz); the message is in Spanish."""


def month_yaml(figures: dict) -> str:
    """The text of visitas/AAAA-MM.yml: counts only, every key quoted (YAML 1.1 reads an
    unquoted `no` as false)."""
    lines = [
        "# Cifras de visitas del sitio web, calculadas con `invoke visitas` a partir de los",
        "# registros del servidor. No edite este archivo: vuelva a ejecutar la orden.",
        f'mes: "{figures["mes"]}"',
        f'visitas: {figures["visitas"]}',
        f'visitantes: {figures["visitantes"]}',
    ]
    for name in ("secciones", "origenes"):
        values = figures[name]
        if not values:
            lines.append(f"{name}: {{}}")
            continue
        lines.append(f"{name}:")
        lines += [f'  "{key}": {value}' for key, value in values.items()]
    return "\n".join(lines) + "\n"
