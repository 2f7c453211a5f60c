"""The sync check: DSS must hold exactly the commit under test, or the run fails (never a green no-op).

Two conditions, both read through the DSS project git API: no uncommitted changes (EXPLICIT commit mode, or files
DSS has not committed yet), and a HEAD whose content tree (see :mod:`gitrepo`) equals the commit under test's. DSS
HEAD is fetched into the local checkout to compute its tree; a HEAD GitHub does not have means DSS is ahead.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import OutOfSync, dss_call
from .gitrepo import LocalRepo

FILE_LISTS = ("added", "changed", "removed", "missing", "modified", "conflicting", "untracked")
SHOWN_FILES = 10


@dataclass(frozen=True)
class SyncState:
    """What the check saw: DSS HEAD, and whether it is the very commit under test or only the same content."""

    dss_head: str
    same_commit: bool


def uncommitted_files(status: dict) -> list[str]:
    return sorted({path for name in FILE_LISTS for path in status.get(name) or []})


def dss_head(project) -> str | None:
    """The newest commit of the DSS project's repository (None when it has none)."""
    with dss_call(f"Reading the git log of DSS project {project.project_key}"):
        entries = project.get_project_git().log(count=1).get("entries") or []
    return entries[0]["commit"] if entries else None


def require_clean(project) -> dict:
    """Fail when DSS has uncommitted changes; answer the git status."""
    with dss_call(f"Reading the git status of DSS project {project.project_key}"):
        status = project.get_project_git().get_status()
    if status.get("hasUncommittedChanges") or status.get("clean") is False:
        files = uncommitted_files(status)
        shown = ", ".join(files[:SHOWN_FILES]) + (f" and {len(files) - SHOWN_FILES} more"
                                                  if len(files) > SHOWN_FILES else "")
        raise OutOfSync(f"DSS project {project.project_key} has uncommitted changes ({shown or 'unlisted files'}): "
                        f"what DSS would bundle is not any git commit. Commit and push them in DSS (Version "
                        f"control); the pushed commit gets its own run. Nothing was deployed.")
    return status


def check_sync(project, repo: LocalRepo, commit: str, expected_tree: str) -> SyncState:
    """Pass when DSS is clean and its HEAD has ``expected_tree`` (the content of ``commit``), else raise OutOfSync."""
    status = require_clean(project)
    head = dss_head(project)
    if head is None:
        raise OutOfSync(f"DSS project {project.project_key} has no git commit yet; nothing to compare with {commit}")
    if head == commit:
        return SyncState(head, same_commit=True)
    available, why = repo.ensure_commit(head)
    if not available:
        ahead = (status.get("trackingCount") or {}).get("ahead")
        detail = f" (DSS counts {ahead} commit(s) not on its remote branch)" if ahead else ""
        raise OutOfSync(f"DSS is ahead: DSS HEAD {head} is not in the GitHub repository{detail}, so DSS holds "
                        f"changes that the commit under test {commit} does not have. Push from DSS (Version control "
                        f"→ Push); the push starts a new run for the new commit. Nothing was deployed. "
                        f"(git fetch: {why or 'commit not found'})")
    if repo.content_tree(head) == expected_tree:
        return SyncState(head, same_commit=False)
    raise OutOfSync(_explain_mismatch(repo, project.project_key, head, commit))


def _explain_mismatch(repo: LocalRepo, project_key: str, head: str, commit: str) -> str:
    """Say which side is ahead, reading ancestry from the full history (fetched if the checkout is shallow)."""
    if repo.is_shallow():
        repo.fetch(head, commit, full_history=True)
    prefix = f"DSS project {project_key} (HEAD {head}) and the commit under test {commit} hold different content"
    if repo.is_ancestor(head, commit):
        return (f"{prefix}: GitHub is ahead, {commit} has changes made outside DSS (for example tests.py edited on "
                f"GitHub). Pull them into DSS (Version control → Pull), then push from DSS. Nothing was deployed.")
    if repo.is_ancestor(commit, head):
        return (f"{prefix}: DSS is ahead, it already holds newer commits than {commit}. The run for the newest "
                f"pushed commit tests them. Nothing was deployed.")
    return (f"{prefix}: the histories diverged. Reconcile them (pull in DSS, resolve, push) so that DSS holds "
            f"exactly what the pull request contains. Nothing was deployed.")
