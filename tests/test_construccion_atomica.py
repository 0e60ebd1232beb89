"""A build killed at any point leaves the old site or the new one, never a mix (issue 19).

Builds of the sample are killed with SIGKILL or SIGTERM at random moments; after each, the
output folder must be byte for byte (every file, folder and link) the site of one of the two
versions of the content, and the next build must give the new site.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import PREVIEW_SETTINGS, ROOT, snapshot
from municipal.publishing import build as build_module
from municipal.publishing.build import build_site

KILLS = 6
NEWS = "noticias/hacienda/2026-04-08-plazo-para-declarar-industria-y-comercio.md"
BUILD = ("import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
         "from municipal.publishing.build import build_site; "
         "build_site(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))")


def start_build(content: Path, output: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", BUILD, str(ROOT / "plugins"), str(content),
                             str(output), str(PREVIEW_SETTINGS)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_builds_killed_at_random_moments_leave_the_old_or_the_new_site(content_copy, tmp_path):
    output = tmp_path / "output"
    news = content_copy / NEWS
    versions = [news.read_text(encoding="utf-8")]
    versions.append(versions[0] + "\nActualización: el calendario se amplió una semana.\n")
    sites = []
    for text in versions:  # the two sites, built in full without interruption
        news.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        process = start_build(content_copy, output)
        assert process.wait(timeout=300) == 0
        seconds = time.perf_counter() - started
        sites.append(snapshot(output))
    assert sites[0] != sites[1]
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    outcomes = []
    for round_number in range(KILLS):
        number = (signal.SIGKILL, signal.SIGTERM)[round_number % 2]
        delay = rng.uniform(0.05, 1.1) * seconds  # from the start to past the usual end
        current = sites.index(snapshot(output))
        news.write_text(versions[1 - current], encoding="utf-8")
        process = start_build(content_copy, output)
        time.sleep(delay)
        process.send_signal(number)
        code = process.wait(timeout=300)
        found = snapshot(output)
        assert found in sites, (f"semilla {seed}, ronda {round_number}: {number.name} a los "
                                f"{delay:.2f} s dejó una mezcla")
        outcomes.append((number.name, round(delay, 2), code, sites.index(found)))
    news.write_text(versions[1], encoding="utf-8")
    build_site(content_copy, output, PREVIEW_SETTINGS)
    assert snapshot(output) == sites[1], outcomes
    for _ in range(500):  # the replaced site is deleted in the background
        leftovers = sorted(path.name for path in tmp_path.iterdir())
        if leftovers == [".cache", "content", "output"]:
            break
        time.sleep(0.02)
    assert leftovers == [".cache", "content", "output"], outcomes


def test_a_build_killed_in_the_middle_of_the_swap_leaves_a_site_in_place(tmp_path):
    """The swap is one step: a SIGKILL right after its first rename, if it made two,
    would leave no output folder (and the next build would delete the old site)."""
    old, new = tmp_path / "output", tmp_path / ".output-nuevo-1"
    for folder, text in ((old, "viejo"), (new, "nuevo")):
        folder.mkdir()
        (folder / "index.html").write_text(text)
    killer = ("import os, signal, sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
              "from municipal.publishing import build; rename = os.rename\n"
              "def rename_and_die(*args):\n"
              "    rename(*args); os.kill(os.getpid(), signal.SIGKILL)\n"
              "os.rename = rename_and_die\n"
              "build._replace_folder(Path(sys.argv[2]), Path(sys.argv[3]))")
    subprocess.run([sys.executable, "-c", killer, str(ROOT / "plugins"), str(new), str(old)],
                   check=False)
    assert (old / "index.html").read_text() == "nuevo"


def test_a_late_deletion_of_the_replaced_site_never_touches_the_next_build(content_copy, tmp_path,
                                                                          monkeypatch):
    """In a live preview the next build starts while `rm` still deletes the site the last
    one replaced: it must build in another folder, and not delete that one itself."""
    output = tmp_path / "output"
    replaced = []
    monkeypatch.setattr(build_module, "_delete_in_background", replaced.append)
    real_build_into = build_module._build_into

    def build_while_rm_runs(settings, staging):
        real_build_into(settings, staging)
        for folder in replaced:  # the background `rm` of the earlier builds ends only now
            subprocess.run(["rm", "-rf", "--", str(folder)], check=True)

    monkeypatch.setattr(build_module, "_build_into", build_while_rm_runs)
    news = content_copy / NEWS
    build_site(content_copy, output, PREVIEW_SETTINGS)
    for number in range(2):
        news.write_text(news.read_text(encoding="utf-8") + f"\nCambio {number}.\n",
                        encoding="utf-8")
        build_site(content_copy, output, PREVIEW_SETTINGS)
    assert len(set(replaced)) == 2  # each replaced site under a name of its own
    page = output / "noticias" / Path(NEWS).stem / "index.html"
    assert "Cambio 1." in page.read_text(encoding="utf-8")
    clean = tmp_path / "limpia"
    build_site(content_copy, clean / "output", PREVIEW_SETTINGS)
    assert snapshot(output) == snapshot(clean / "output")
