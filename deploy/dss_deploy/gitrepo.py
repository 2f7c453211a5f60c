"""The local git checkout: content-tree identity of commits, and fetching the commits DSS points at.

The *content tree* of a commit is its git tree with the top-level ``.github/`` entry removed: workflow files are
written to GitHub by the platform, never by DSS, so they must not make DSS and GitHub look different. Two commits
with the same content tree hold the same DSS project, whatever their history.
"""
from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

from .errors import GitError, UsageError

EXCLUDED_TOP_LEVEL = frozenset({".github"})
GIT_TIMEOUT = 300


class LocalRepo:
    """Real git in the checkout at ``path``; network commands talk to ``remote`` (with ``token`` if given)."""

    def __init__(self, path: Path, remote: str = "origin", token: str | None = None):
        self.path = path
        self.remote = remote
        self._token = token
        if self._run("rev-parse", "--is-inside-work-tree").returncode != 0:
            raise UsageError(f"Invalid --repo-dir {str(path)!r}: not a git checkout (run actions/checkout first)")

    # --- plumbing -------------------------------------------------------------------------------------------
    def _env(self, network: bool) -> dict[str, str]:
        env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
        if network and self._token:
            # The checkout keeps no credentials (persist-credentials: false): hand the token to this one git
            # process through its environment, never through argv.
            count = int(env.get("GIT_CONFIG_COUNT", "0") or 0)
            basic = base64.b64encode(f"x-access-token:{self._token}".encode()).decode()
            env.update({"GIT_CONFIG_COUNT": str(count + 1), f"GIT_CONFIG_KEY_{count}": "http.extraheader",
                        f"GIT_CONFIG_VALUE_{count}": f"AUTHORIZATION: basic {basic}"})
        return env

    def _run(self, *args: str, input: str | None = None, network: bool = False) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(["git", *args], cwd=self.path, env=self._env(network), input=input,
                                  capture_output=True, text=True, timeout=GIT_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GitError(f"git {args[0]} failed: {exc}") from None

    def git(self, *args: str, input: str | None = None) -> str:
        """Stdout of a git command that must succeed."""
        proc = self._run(*args, input=input)
        if proc.returncode != 0:
            raise GitError(f"git {' '.join(args)} failed in {self.path}: {proc.stderr.strip() or proc.stdout}")
        return proc.stdout

    def git_bytes(self, *args: str) -> bytes:
        """Binary stdout of a local git command that must succeed (``git archive``)."""
        try:
            proc = subprocess.run(["git", *args], cwd=self.path, env=self._env(False), capture_output=True,
                                  timeout=GIT_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GitError(f"git {args[0]} failed: {exc}") from None
        if proc.returncode != 0:
            raise GitError(f"git {' '.join(args)} failed in {self.path}: {proc.stderr.decode(errors='replace')}")
        return proc.stdout

    # --- commits --------------------------------------------------------------------------------------------
    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def has_commit(self, sha: str) -> bool:
        return self._run("cat-file", "-e", f"{sha}^{{commit}}").returncode == 0

    def has_tree(self, sha: str) -> bool:
        return self._run("cat-file", "-e", f"{sha}^{{tree}}").returncode == 0

    def is_shallow(self) -> bool:
        return self.git("rev-parse", "--is-shallow-repository").strip() == "true"

    def fetch(self, *shas: str, full_history: bool = False) -> tuple[bool, str]:
        """Fetch commits by SHA from the remote: ``(success, git's message)``."""
        depth = []
        if self.is_shallow():
            depth = ["--unshallow"] if full_history else ["--depth=1"]
        proc = self._run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", *depth, self.remote, *shas,
                         network=True)
        return proc.returncode == 0, (proc.stderr or proc.stdout).strip()

    def ensure_commit(self, sha: str) -> tuple[bool, str]:
        """Make ``sha`` available locally (fetching it if needed): ``(available, why not)``."""
        if self.has_commit(sha):
            return True, ""
        ok, message = self.fetch(sha)
        return (ok and self.has_commit(sha)), message

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return self._run("merge-base", "--is-ancestor", ancestor, descendant).returncode == 0

    def content_tree(self, sha: str) -> str:
        """The SHA of ``sha``'s tree without its top-level ``.github`` entry (written with ``git mktree``)."""
        listing = self.git("ls-tree", "-z", f"{sha}^{{commit}}")
        kept = [entry for entry in listing.split("\0")
                if entry and entry.split("\t", 1)[1] not in EXCLUDED_TOP_LEVEL]
        return self.git("mktree", "-z", input="".join(f"{entry}\0" for entry in kept)).strip()
