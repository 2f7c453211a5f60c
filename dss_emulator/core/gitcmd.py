"""Real git, run as a subprocess with a predictable environment."""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

_BASE_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
    # only these transports, whatever a remote URL says (no ``ext::`` commands, no ``fd::``)
    "GIT_ALLOW_PROTOCOL": "file:git:http:https:ssh",
}

# ``git rev-parse --local-env-vars``: inherited (e.g. from a git hook running the tests) they would redirect every
# command to another repository
_REPO_LOCAL_ENV = frozenset({
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE", "GIT_INDEX_FILE",
    "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX", "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE",
    "GIT_COMMON_DIR",
})


@dataclass
class GitResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def output(self) -> str:
        return (self.stdout + self.stderr).strip()


def _env(author: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _REPO_LOCAL_ENV}
    env.update(_BASE_ENV)
    env.update({
        "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": author,
        "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": author,
    })
    return env


def git_bytes(cwd: Path, *args: str, input: bytes | None = None) -> bytes:
    """Stdout of ``git args`` run in ``cwd``, as bytes (blob contents); raise on failure."""
    proc = subprocess.run(["git", *args], cwd=cwd, env=_env("admin"), capture_output=True, input=input)
    if proc.returncode != 0:
        raise GitError(args, GitResult(proc.returncode, "", proc.stderr.decode(errors="replace")))
    return proc.stdout


def git(cwd: Path, *args: str, author: str = "admin", check: bool = True, input: str | None = None) -> GitResult:
    """Run ``git args`` in ``cwd`` as DSS user ``author``; raise on failure when ``check``."""
    proc = subprocess.run(["git", *args], cwd=cwd, env=_env(author), capture_output=True, text=True, input=input)
    result = GitResult(proc.returncode, proc.stdout, proc.stderr)
    if check and not result.ok:
        raise GitError(args, result)
    return result


class GitError(RuntimeError):
    def __init__(self, args: tuple[str, ...], result: GitResult):
        super().__init__(f"git {' '.join(args)} failed ({result.returncode}): {result.output}")
        self.result = result
