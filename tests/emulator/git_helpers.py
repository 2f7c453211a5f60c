"""Real git on the test side: bare remotes, clones, commits by 'someone else'."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

# The environment test-side git runs with: no inherited GIT_* variables, no user config, a fixed author.
GIT_ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
GIT_ENV.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0",
             "GIT_AUTHOR_NAME": "tester", "GIT_AUTHOR_EMAIL": "tester@example.com",
             "GIT_COMMITTER_NAME": "tester", "GIT_COMMITTER_EMAIL": "tester@example.com"})


def run_git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` and return its stripped stdout; fail loudly with git's output."""
    proc = subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True)
    assert proc.returncode == 0, f"git {' '.join(args)} failed: {proc.stdout}{proc.stderr}"
    return proc.stdout.strip()


def bare_remote(tmp_path: Path, name: str = "remote.git") -> Path:
    path = tmp_path / name
    path.mkdir()
    run_git(path, "init", "-q", "--bare", "-b", "master")
    return path


def clone(remote: Path, dest: Path) -> Path:
    run_git(remote.parent, "clone", "-q", str(remote), str(dest))
    return dest


def commit_files(work: Path, files: dict[str, str | dict], message: str, push: bool = True) -> str:
    """Write files in a clone, commit them (and push the current branch); return the new SHA."""
    for rel, content in files.items():
        path = work / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
    run_git(work, "add", "-A")
    run_git(work, "commit", "-q", "-m", message)
    if push:
        run_git(work, "push", "-q", "origin", "HEAD")
    return run_git(work, "rev-parse", "HEAD")


def dss_head(git) -> str:
    """The HEAD commit of a DSS project, read from its git log (git status carries no commit)."""
    return git.log(count=1)["entries"][0]["commit"]
