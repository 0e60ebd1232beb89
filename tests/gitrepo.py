"""Build small git repositories with backdated commits, for the indicator tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


class GitRepo:
    """A repository in `root` whose commits get the dates we choose."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, date: str | None = None) -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": "Oficina", "GIT_AUTHOR_EMAIL": "o@x.gov.co",
               "GIT_COMMITTER_NAME": "Oficina", "GIT_COMMITTER_EMAIL": "o@x.gov.co",
               "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.root)}
        if date:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
        result = subprocess.run(["git", *args], cwd=self.root, env=env, check=True,
                                capture_output=True, text=True)
        return result.stdout.strip()

    def commit(self, date: str, files: dict[str, str | None], message: str = "cambio") -> str:
        """Write (or, for None, delete) files and commit them at `date` (ISO 8601)."""
        for relpath, text in files.items():
            path = self.root / relpath
            if text is None:
                self.git("rm", "-q", relpath)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.git("add", relpath)
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date)
        return self.git("rev-parse", "HEAD")

    def rename(self, date: str, old: str, new: str) -> None:
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)
        self.git("commit", "-q", "-m", "renombrar", date=date)

    def import_folder(self, source: Path, target: str, date: str) -> None:
        shutil.copytree(source, self.root / target)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "contenido inicial", date=date)
