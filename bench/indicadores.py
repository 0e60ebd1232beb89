"""Reading the update history in one pass vs. one `git log` per file, on a synthetic repository.

    .venv/bin/python bench/indicadores.py [--archivos 2000] [--commits 5000]

Builds (with `git fast-import`) a repository of about 2,000 content files and
5,000 commits spread over five years, then times, in this one run:

1. the one-pass reading the site uses (`history.read_history`: one `git log`);
2. the naive reading: GitPython's `iter_commits(paths=<file>)` for every file;
3. after one more commit, the cached reading (only the new commits, issue 19) against a
   full reading of the same HEAD.

Prints both times, their ratio and whether both found the same updates.
Target (DESIGN.md §8): under 1 s for the one-pass reading.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import git

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from municipal.indicators.history import Update, read_history  # noqa: E402

OFFICES = ["despacho", "gobierno", "planeacion", "hacienda", "juridica", "personeria"]
KINDS = {"noticias": ".md", "tramites": ".yml", "contratos": ".yml", "paginas": ".md"}
ZONE = ZoneInfo("America/Bogota")


def file_names(count: int) -> list[str]:
    kinds = list(KINDS)
    return [f"content/{kinds[number % 4]}/{OFFICES[number % 6]}/archivo-{number}"
            f"{KINDS[kinds[number % 4]]}" for number in range(count)]


def fast_import_stream(files: list[str], commits: int) -> bytes:
    """Commits evenly spread over five years; the first ones add the files, then edits."""
    end = datetime.datetime(2026, 11, 24, 12, tzinfo=ZONE).timestamp()
    start = end - 5 * 365 * 86400
    parts = []
    for number in range(commits):
        when = int(start + (end - start) * number / commits)
        touched = {files[number % len(files)], files[(number * 7919) % len(files)]}
        message = f"cambio {number}".encode()
        parts.append(b"commit refs/heads/main\n")
        parts.append(f"committer Oficina <o@x.gov.co> {when} -0500\n".encode())
        parts.append(b"data %d\n%s\n" % (len(message), message))
        for path in sorted(touched):
            body = f"version: {number}\n".encode()
            parts.append(f"M 100644 inline {path}\n".encode())
            parts.append(b"data %d\n%s\n" % (len(body), body))
    return b"".join(parts)


def naive_history(content: Path, files: list[str]) -> list[Update]:
    """One GitPython `iter_commits(paths=...)` per file, as a first version would do."""
    updates = set()
    with git.Repo(content.parent) as repo:
        for path in files:
            _, kind, office, _ = path.split("/")
            for commit in repo.iter_commits("HEAD", paths=path, no_merges=True):
                date = datetime.datetime.fromtimestamp(commit.committed_date, ZONE).date()
                updates.add(Update(date, kind, office, commit.hexsha))
    return sorted(updates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--archivos", type=int, default=2000)
    parser.add_argument("--commits", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        repository = Path(folder) / "repo"
        subprocess.run(["git", "init", "-q", "-b", "main", str(repository)], check=True)
        files = file_names(args.archivos)
        subprocess.run(["git", "fast-import", "--quiet"], cwd=repository, check=True,
                       input=fast_import_stream(files, args.commits))
        subprocess.run(["git", "checkout", "-q", "main"], cwd=repository, check=True)
        content = repository / "content"
        print(f"repositorio sintético: {args.archivos} archivos, {args.commits} commits "
              "en cinco años")

        started = time.perf_counter()
        one_pass = read_history(content).updates
        one_pass_seconds = time.perf_counter() - started
        print(f"1. una pasada (git log único):        {one_pass_seconds:7.3f} s  "
              f"({len(one_pass)} actualizaciones; meta < 1 s)")

        started = time.perf_counter()
        naive = naive_history(content, files)
        naive_seconds = time.perf_counter() - started
        print(f"2. ingenua (iter_commits por archivo): {naive_seconds:7.3f} s  "
              f"({len(naive)} actualizaciones)")
        print(f"la lectura en una pasada es ×{naive_seconds / one_pass_seconds:.0f} más rápida; "
              f"mismas actualizaciones: {one_pass == naive}")
        cached_reading(repository, content)


def cached_reading(repository: Path, content: Path) -> None:
    """3. After one new commit: the cached reading (only OLD..HEAD) against a full one."""
    path = content / "noticias" / "hacienda" / "nueva.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Una noticia nueva.\n", encoding="utf-8")
    environment = {"GIT_AUTHOR_NAME": "Oficina", "GIT_AUTHOR_EMAIL": "o@x.gov.co",
                   "GIT_COMMITTER_NAME": "Oficina", "GIT_COMMITTER_EMAIL": "o@x.gov.co",
                   "GIT_CONFIG_NOSYSTEM": "1", "PATH": os.environ["PATH"]}
    subprocess.run(["git", "add", "-A", "content"], cwd=repository, check=True, env=environment)
    subprocess.run(["git", "commit", "-q", "-m", "nueva"], cwd=repository, check=True,
                   env=environment)
    started = time.perf_counter()
    cached = read_history(content).updates  # the cache of reading 1 is there
    cached_seconds = time.perf_counter() - started
    shutil.rmtree(repository / ".cache")
    started = time.perf_counter()
    full = read_history(content).updates
    full_seconds = time.perf_counter() - started
    print(f"3. con la caché, tras un commit nuevo: {cached_seconds:7.3f} s; lectura completa del "
          f"mismo HEAD: {full_seconds:.3f} s; razón {cached_seconds / full_seconds:.2f}; "
          f"mismas actualizaciones: {cached == full}")


if __name__ == "__main__":
    main()
