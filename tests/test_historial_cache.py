"""The cached `git log` of the indicators (issue 19): after any change of history, the
figures are those of a full read; on new commits, only the new commits are read."""

from __future__ import annotations

import json
import shutil

import pytest

from gitrepo import GitRepo
from municipal.indicators.history import first_dates, read_history

NEWS = "content/noticias/hacienda/{}.md"


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    for month in range(1, 5):
        repo.commit(f"2026-0{month}-05T10:00:00-05:00", {
            NEWS.format(f"n{month}"): f"noticia {month}",
            f"content/tramites/gobierno/t{month % 2}.yml": f"version {month}"})
    return repo


def cache_file(repo: GitRepo):
    return repo.root / ".cache" / "historial-content.json"


def read(repo: GitRepo):
    content = repo.root / "content"
    return read_history(content).updates, first_dates(content)


def full_read(repo: GitRepo):
    """What a build without any cache reads (the cache of the cached read is left as it was)."""
    saved = cache_file(repo).read_bytes() if cache_file(repo).exists() else None
    cache_file(repo).unlink(missing_ok=True)
    try:
        return read(repo)
    finally:
        if saved is not None:
            cache_file(repo).write_bytes(saved)


def assert_same_as_full_read(repo: GitRepo):
    cached = read(repo)
    assert cached == full_read(repo)
    assert json.loads(cache_file(repo).read_text())["head"] == repo.git("rev-parse", "HEAD")
    return cached


def test_a_new_commit_reads_only_the_new_commits(repo):
    read(repo)
    data = json.loads(cache_file(repo).read_text())
    # Mark the cached text: if the next read kept it, it did not read the old commits again.
    marked = data["log"].replace("n1.md", "n1-marca.md")
    cache_file(repo).write_text(json.dumps({**data, "log": marked}))
    repo.commit("2026-05-05T10:00:00-05:00", {NEWS.format("n5"): "noticia 5"})
    _, dates = read(repo)
    assert "noticias/hacienda/n1-marca.md" in dates and "noticias/hacienda/n5.md" in dates
    cache_file(repo).write_text(json.dumps(data))  # the true cache again
    assert_same_as_full_read(repo)


def test_new_commits_give_the_figures_of_a_full_read(repo):
    read(repo)
    repo.commit("2026-05-05T10:00:00-05:00", {NEWS.format("n5"): "noticia 5"})
    repo.commit("2026-05-06T10:00:00-05:00", {"content/plan.yml": "plan"})  # no office
    repo.rename("2026-05-07T10:00:00-05:00", NEWS.format("n2"),
                "content/noticias/juridica/n2.md")
    updates, _ = assert_same_as_full_read(repo)
    assert updates[-1].office == "juridica" and len(updates) == 4 * 2 + 1 + 1
    assert_same_as_full_read(repo)  # nothing new: the cache as it is


def test_an_amended_commit_gives_the_figures_of_a_full_read(repo):
    read(repo)
    repo.git("commit", "-q", "--amend", "-m", "corregido", date="2026-06-20T10:00:00-05:00")
    updates, _ = assert_same_as_full_read(repo)
    assert max(update.date.isoformat() for update in updates) == "2026-06-20"


def test_a_reset_to_an_older_commit_gives_the_figures_of_a_full_read(repo):
    read(repo)
    repo.git("reset", "-q", "--hard", "HEAD~2")
    updates, _ = assert_same_as_full_read(repo)
    assert max(update.date.isoformat() for update in updates) == "2026-02-05"


def test_a_rebased_branch_gives_the_figures_of_a_full_read(repo):
    repo.git("checkout", "-q", "-b", "rama", "HEAD~2")
    repo.commit("2026-03-20T10:00:00-05:00", {"content/noticias/juridica/r.md": "rama"})
    read(repo)
    repo.git("rebase", "-q", "main", date="2026-07-01T10:00:00-05:00")
    updates, _ = assert_same_as_full_read(repo)
    assert {update.office for update in updates} == {"hacienda", "gobierno", "juridica"}


def test_a_branch_merged_and_dropped_gives_the_figures_of_a_full_read(repo):
    """Read on a branch, then on main after `merge -s ours` of it: git leaves the branch's
    commits out of main's history (it follows the parent whose files are kept)."""
    repo.git("checkout", "-q", "-b", "rama")
    repo.commit("2026-05-10T10:00:00-05:00", {"content/noticias/juridica/r.md": "rama"})
    read(repo)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "-s", "ours", "-m", "fusionar", "rama",
             date="2026-05-20T10:00:00-05:00")
    updates, _ = assert_same_as_full_read(repo)
    assert "juridica" not in {update.office for update in updates}


@pytest.mark.parametrize("damage", [
    b"", b"{", b"[]", b'{"version": 1}', "ñ".encode("latin-1"),
    b'{"version": 1, "head": "0000000000000000000000000000000000000000", "log": ""}',
])
def test_a_damaged_cache_gives_the_figures_of_a_full_read(repo, damage):
    read(repo)
    data = json.loads(cache_file(repo).read_text())
    if damage.startswith(b'{"version": 1, "head"'):
        damage = json.dumps({**data, "head": "0" * 40, "log": ""}).encode()
    cache_file(repo).write_bytes(damage)
    repo.commit("2026-05-05T10:00:00-05:00", {NEWS.format("n5"): "noticia 5"})
    assert_same_as_full_read(repo)


def test_a_cache_of_another_repository_is_not_used(repo, tmp_path):
    read(repo)
    other = GitRepo(tmp_path / "otro")
    other.commit("2026-01-05T10:00:00-05:00", {"content/noticias/gobierno/x.md": "x"})
    (other.root / ".cache").mkdir()
    shutil.copy(cache_file(repo), cache_file(other))
    assert [update.office for update in read(other)[0]] == ["gobierno"]


def test_an_unwritable_cache_only_costs_time(repo):
    (repo.root / ".cache").write_text("no es una carpeta")
    updates, _ = read(repo)
    assert len(updates) == 8
