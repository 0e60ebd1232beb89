"""One function over many jobs on every core (forked worker processes), or here when few.

Used by the validator (each file's own check) and by the build (each changed file parsed
and its Markdown rendered: site/readers.py). Workers are forked, so they inherit what the
main process prepared (compiled schemas, settings); the results come back in job order.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence

PARALLEL_FROM = 200
"""Below this many jobs, starting worker processes costs more than it saves."""


def map_in_workers(function: Callable, jobs: Sequence[tuple], processes: int | None = None,
                   parallel_from: int = PARALLEL_FROM) -> list:
    """[function(*job) for job in jobs], on `processes` workers (default: every core)."""
    workers = processes or cores()
    if workers < 2 or len(jobs) < parallel_from or not sys.platform.startswith("linux"):
        return [function(*job) for job in jobs]
    chunk = max(16, len(jobs) // (workers * 8))
    with multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_worker) as pool:
        return pool.starmap(function, jobs, chunksize=chunk)


def _quiet_worker() -> None:
    """In a worker process: Ctrl-C is for the main process, which stops the workers;
    SIGTERM (how it stops them) ends a worker at once, without a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
