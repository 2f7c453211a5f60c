"""A project's git work tree seen through real git: refs, remotes, upstreams, and checked user input."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.exceptions import InvalidArgument
from ..core.gitcmd import GitResult, git
from .exceptions import AmbiguousRemote, CommitNotFound, DetachedHead, NoRemote

REMOTE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_CREDENTIALS_RE = re.compile(r"(\w+://)[^/@\s]+@")
_TERMINAL_CODES_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def redact(text: str) -> str:
    """Hide credentials embedded in remote URLs (``https://user:token@host``) before text leaves the emulator."""
    return _CREDENTIALS_RE.sub(r"\1***@", text)


def check_revision(field_name: str, value: object) -> str:
    """A commit-ish given by the client: a non-empty string that git cannot mistake for an option."""
    if not isinstance(value, str) or not value.strip() or value.startswith("-") or any(c.isspace() for c in value):
        raise InvalidArgument(f"Invalid {field_name}: {value!r}",
                              f"Invalid {field_name}: {value!r} (expected a commit id or a ref name)")
    return value


def check_remote_name(value: object) -> str:
    if not isinstance(value, str) or not REMOTE_NAME_RE.match(value):
        raise InvalidArgument(f"Invalid remote name: {value!r}",
                              f"Invalid remote name: {value!r} (letters, digits, '.', '_' and '-' only)")
    return value


@dataclass
class ActionLog:
    """What a git action answers (``{success, logs, output}``): every command run, with its (redacted) output."""

    success: bool = True
    logs: list[str] = field(default_factory=list)
    output: str = ""

    def record(self, args: tuple[str, ...], result: GitResult) -> GitResult:
        text = _TERMINAL_CODES_RE.sub("", redact(result.output)).replace("\r", "\n")
        self.logs.append(redact("$ git " + " ".join(args)))
        self.logs.extend(line for line in text.splitlines() if line.strip())
        self.output = "\n".join(filter(None, [self.output, text]))
        return result

    def fail(self, message: str) -> ActionLog:
        self.success = False
        self.logs.append(message)
        self.output = "\n".join(filter(None, [self.output, message]))
        return self

    def as_dict(self) -> dict:
        return {"success": self.success, "logs": list(self.logs), "output": self.output}


class Repo:
    """Real git commands on one work tree, run as DSS user ``author``."""

    def __init__(self, tree: Path, author: str = "admin"):
        self.tree = tree
        self.author = author

    def git(self, *args: str, check: bool = True, input: str | None = None) -> GitResult:
        return git(self.tree, *args, author=self.author, check=check, input=input)

    def run(self, log: ActionLog, *args: str) -> bool:
        """Run git, recording the command and its output in ``log``; True when it succeeded."""
        return log.record(args, self.git(*args, check=False)).ok

    def out(self, *args: str) -> str | None:
        """Stdout of a git command that may legitimately fail (None then)."""
        result = self.git(*args, check=False)
        return result.stdout.strip() if result.ok else None

    # --- refs ---------------------------------------------------------------------------------------------
    def head(self) -> str | None:
        return self.out("rev-parse", "--verify", "-q", "HEAD")

    def current_branch(self) -> str | None:
        """The checked-out branch, or None on a detached HEAD."""
        return self.out("symbolic-ref", "--short", "-q", "HEAD") or None

    def require_branch(self) -> str:
        branch = self.current_branch()
        if branch is None:
            raise DetachedHead()
        return branch

    def resolve(self, field_name: str, rev: object) -> str:
        """The commit SHA ``rev`` names; 404 when it names nothing."""
        rev = check_revision(field_name, rev)
        sha = self.out("rev-parse", "--verify", "-q", f"{rev}^{{commit}}")
        if not sha:
            raise CommitNotFound(field_name, rev)
        return sha

    def ref_exists(self, ref: str) -> bool:
        return self.out("rev-parse", "--verify", "-q", ref) is not None

    def refs(self, prefix: str) -> list[str]:
        """Names under ``prefix`` (e.g. ``refs/heads/``), symbolic refs such as ``origin/HEAD`` excluded."""
        lines = self.git("for-each-ref", "--format=%(refname)%09%(symref)", prefix).stdout.splitlines()
        return [ref[len(prefix):] for ref, _, symref in (line.partition("\t") for line in lines) if not symref]

    def has_local_changes(self) -> bool:
        """True when anything (staged, unstaged or untracked, ignored files aside) differs from HEAD."""
        return bool(self.out("status", "--porcelain", "-uall"))

    # --- remotes and upstreams ----------------------------------------------------------------------------
    def remotes(self) -> dict[str, str]:
        """Remote name -> URL, as configured in ``.git/config``."""
        found = {}
        for line in (self.out("config", "--get-regexp", r"^remote\..*\.url$") or "").splitlines():
            key, _, url = line.partition(" ")
            found[key[len("remote."):-len(".url")]] = url
        return found

    def default_remote(self) -> str:
        """``origin`` (or the only remote); a DSS-style error when the project has no remote."""
        names = sorted(self.remotes())
        if "origin" in names or len(names) == 1:
            return "origin" if "origin" in names else names[0]
        if not names:
            raise NoRemote()
        raise AmbiguousRemote(names)

    def upstream(self, branch: str) -> tuple[str, str] | None:
        """``(remote, remote branch)`` that ``branch`` tracks: its configured upstream, else
        ``<default remote>/<branch>`` when that remote-tracking branch exists (right after set_remote + fetch)."""
        remote = self.out("config", "--get", f"branch.{branch}.remote")
        merge = self.out("config", "--get", f"branch.{branch}.merge")
        if remote and merge and merge.startswith("refs/heads/"):
            return remote, merge[len("refs/heads/"):]
        names = sorted(self.remotes())
        fallback = "origin" if "origin" in names else (names[0] if len(names) == 1 else None)
        if fallback is None or not self.ref_exists(f"refs/remotes/{fallback}/{branch}"):
            return None
        return fallback, branch

    def upstream_ref(self, branch: str) -> str | None:
        """The remote-tracking ref of ``branch``'s upstream, when it has been fetched."""
        up = self.upstream(branch)
        if up is None:
            return None
        ref = f"refs/remotes/{up[0]}/{up[1]}"
        return ref if self.ref_exists(ref) else None

    def set_upstream_if_missing(self, branch: str, remote: str, remote_branch: str) -> None:
        if self.out("config", "--get", f"branch.{branch}.merge") is None and \
                self.ref_exists(f"refs/remotes/{remote}/{remote_branch}"):
            self.git("branch", f"--set-upstream-to={remote}/{remote_branch}", branch)

    def operation_in_progress(self) -> str | None:
        """``rebase`` / ``revert`` when git stopped in the middle of one (to abort it)."""
        git_dir = self.tree / ".git"
        if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
            return "rebase"
        if (git_dir / "REVERT_HEAD").exists():
            return "revert"
        return None
