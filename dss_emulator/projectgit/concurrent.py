"""The ``git-push`` fault: someone else pushes to the remote branch just before the project does.

The emulator clones the remote into a temporary bare repository, adds an empty commit on top of the branch (a
root commit when the branch does not exist there yet) authored by ``someone-else``, and pushes it. The project's
own push is then rejected by git itself, and the remote's history shows the commit that caused the rejection.
A later ``pull`` (rebase) followed by ``push`` succeeds, since the injected commit changes no file.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from .repo import ActionLog, Repo

AUTHOR = "someone-else"
MESSAGE = "Concurrent push by someone else (injected by the DSS emulator's git-push fault)"


def simulate_concurrent_push(repo: Repo, remote: str, branch: str) -> ActionLog:
    """Move ``branch`` on ``remote`` ahead by one empty commit; what went wrong is in the answer, not raised."""
    log = ActionLog()
    url = repo.remotes()[remote]
    with tempfile.TemporaryDirectory(prefix="dss-emulator-push-fault-") as tmp:
        # cloned from the project's directory so that a relative remote path resolves as for the project
        if not repo.run(log, "clone", "--bare", "--quiet", url, tmp):
            return log.fail("git-push fault: could not clone the remote")
        other = Repo(Path(tmp), author=AUTHOR)
        parent = other.out("rev-parse", "--verify", "-q", f"refs/heads/{branch}^{{commit}}")
        tree = other.out("rev-parse", f"{parent}^{{tree}}") if parent else \
            other.git("hash-object", "-t", "tree", "-w", "--stdin", input="").stdout.strip()
        sha = other.git("commit-tree", tree, *(["-p", parent] if parent else []), "-m", MESSAGE).stdout.strip()
        if not other.run(log, "push", "--quiet", "origin", f"{sha}:refs/heads/{branch}"):
            return log.fail("git-push fault: could not push the concurrent commit")
    return log
