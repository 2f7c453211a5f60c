"""Project git backend: every operation runs real git on the project's work tree, serialised by ``Project.lock``.

The remote lives only in ``.git/config`` (as in DSS): setting it does not touch ``params.json``
(``settings.useRemoteGit`` stays as it is), so onboarding a project never adds a commit of its own or dirties an
EXPLICIT-mode project. Operations that change the work tree call ``project.invalidate()`` so the objects area reads
the new files.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..core.exceptions import InvalidArgument
from . import diff as diff_view
from . import views
from .concurrent import simulate_concurrent_push
from .exceptions import (
    BranchAlreadyExists,
    BranchNotDeleted,
    BranchNotFound,
    CurrentBranchNotDeletable,
    DropAndRebuildUnsupported,
    DuplicateProjectUnsupported,
    NoFetchedUpstream,
    NotALocalBranch,
    RemoteBranchNotDeleted,
    RemoteBranchNotFound,
    TagAlreadyExists,
    TagNotFound,
    UnknownBranch,
)
from .repo import ActionLog, Repo, check_remote_name, redact
from .safety import require_safe_tree

if TYPE_CHECKING:
    from ..projects.models import Project
    from .safety import RemotePolicy


def _check_ref_name(repo: Repo, kind: str, name: object, namespace: str) -> str:
    valid = isinstance(name, str) and name and not name.startswith("-") and \
        repo.git("check-ref-format", f"{namespace}{name}", check=False).ok
    if not valid:
        raise InvalidArgument(f"Invalid {kind} name: {name!r}",
                              f"Invalid {kind} name: {name!r} is not a valid git {kind} name")
    return name


class ProjectGitBackend:
    """Git actions of the instance's projects, plus the armed push rejections (fault injection)."""

    def __init__(self, remote_policy: RemotePolicy):
        self.remote_policy = remote_policy
        self._faults_lock = threading.Lock()
        self._push_rejections: dict[str, int] = {}

    @contextmanager
    def _reading(self, project: Project) -> Iterator[Repo]:
        with project.lock:
            yield Repo(project.tree)

    @contextmanager
    def _working(self, project: Project, author: str) -> Iterator[Repo]:
        """Hold the project's lock while git may change its work tree, then drop the project's cached files."""
        with project.lock:
            try:
                yield Repo(project.tree, author)
            finally:
                project.invalidate()

    # --- reads --------------------------------------------------------------------------------------------
    def status(self, project: Project) -> dict:
        with self._reading(project) as repo:
            return views.status(repo)

    def log(self, project: Project, start: str | None, count: int, path: str | None) -> dict:
        with self._reading(project) as repo:
            return views.log(repo, start, count, path)

    def diff(self, project: Project, commit_from: str | None, commit_to: str | None) -> dict:
        with self._reading(project) as repo:
            return diff_view.diff(repo, commit_from, commit_to)

    def branches(self, project: Project, remote: bool) -> list[str]:
        with self._reading(project) as repo:
            return views.branches(repo, remote)

    def current_branch(self, project: Project) -> dict:
        """``{name}``; ``{}`` on a detached HEAD (the client then answers None)."""
        with self._reading(project) as repo:
            branch = repo.current_branch()
            return {"name": branch} if branch else {}

    def tags(self, project: Project) -> list[dict]:
        with self._reading(project) as repo:
            return views.tags(repo)

    def get_remote(self, project: Project, name: str) -> dict:
        """``{name, url}``, or ``{}`` when no such remote (the client then answers None)."""
        with self._reading(project) as repo:
            url = repo.remotes().get(check_remote_name(name))
            return {"name": name, "url": url} if url is not None else {}

    # --- commits and remotes ------------------------------------------------------------------------------
    def commit(self, project: Project, message: object, author: str) -> dict:
        """Commit everything pending (untracked files included); ``commit`` is None when nothing changed."""
        if not isinstance(message, str) or not message.strip():
            raise InvalidArgument(f"Invalid commit message: {message!r}",
                                  f"Invalid commit message: {message!r} (message must be a non-empty string)")
        with self._working(project, author):
            return {"success": True, "commit": project.commit(message, author)}

    def set_remote(self, project: Project, name: str, url: object) -> dict:
        check_remote_name(name)
        if not isinstance(url, str) or not url.strip() or url.startswith("-") or any(c.isspace() for c in url):
            shown = redact(str(url))
            raise InvalidArgument(f"Invalid remote url: {shown!r}",
                                  f"Invalid remote url: {shown!r} (url must be a git URL or a path)")
        with self._working(project, "admin") as repo:
            self.remote_policy.check(url, repo.tree)
            repo.git("remote", "set-url" if name in repo.remotes() else "add", name, url)
            return {"name": name, "url": url}

    def remove_remote(self, project: Project, name: str) -> dict:
        """Remove the remote with its remote-tracking branches; removing an absent remote is a no-op."""
        with self._working(project, "admin") as repo:
            if check_remote_name(name) in repo.remotes():
                repo.git("remote", "remove", name)
            return {}

    def fetch(self, project: Project, author: str) -> dict:
        """``git fetch --all --prune``: updates what status compares with; an unreachable remote is success false."""
        with self._working(project, author) as repo:
            repo.default_remote()
            self.remote_policy.check_remotes(repo)
            log = ActionLog()
            log.success = repo.run(log, "fetch", "--all", "--prune")
            return log.as_dict()

    def push(self, project: Project, branch_name: str | None, author: str) -> dict:
        """Push a branch (default: the current one) and make it track the pushed branch.

        A rejection (e.g. non-fast-forward) answers ``success: false`` with git's output, as DSS does.
        """
        with self._working(project, author) as repo:
            branch = self._local_branch(repo, branch_name)
            upstream = repo.upstream(branch)
            remote, target = upstream or (repo.default_remote(), branch)
            self.remote_policy.check_remotes(repo, [remote])
            log = ActionLog()
            if self._take_push_rejection(project.key):
                fault = simulate_concurrent_push(repo, remote, target)
                if not fault.success:
                    log.logs.extend(fault.logs)
            log.success = repo.run(log, "push", "-u", remote, f"refs/heads/{branch}:refs/heads/{target}")
            if not log.success and "[rejected]" in log.output:
                log.fail(f"Push rejected (non-fast-forward): {remote}/{target} has commits this project does not "
                         "have; pull first")
            return log.as_dict()

    def pull(self, project: Project, branch_name: str | None, author: str) -> dict:
        """``git pull --rebase`` from the upstream (or ``branch_name`` of the default remote). A conflict aborts
        the rebase, leaving the tree as it was, and answers ``success: false``. Pulling sets no tracking: no
        evidence says DSS does."""
        with self._working(project, author) as repo:
            branch = repo.require_branch()
            upstream = repo.upstream(branch)
            remote = upstream[0] if upstream else repo.default_remote()
            source = _check_ref_name(repo, "branch", branch_name, "refs/heads/") if branch_name else (
                upstream[1] if upstream else branch)
            self.remote_policy.check_remotes(repo, [remote])
            log = ActionLog()
            # fetch, check what came, then rebase onto exactly that commit (``git pull --rebase`` in two steps)
            if not repo.run(log, "fetch", remote, source):
                return log.fail(f"Pull aborted: could not fetch {source} from {remote}").as_dict()
            fetched = repo.git("rev-parse", "FETCH_HEAD^{commit}").stdout.strip()
            require_safe_tree(repo, fetched, f"{remote}/{source}")
            if not repo.run(log, "rebase", "--no-autostash", fetched):
                self._abort_and_fail(repo, log, "Pull aborted")
            return log.as_dict()

    # --- branches and tags --------------------------------------------------------------------------------
    def create_branch(self, project: Project, body: dict, author: str) -> dict:
        """Create a branch (from ``commit`` or HEAD) and switch to it; ``{success, output}``."""
        if body.get("duplicateProject"):
            raise DuplicateProjectUnsupported()
        with self._working(project, author) as repo:
            name = _check_ref_name(repo, "branch", body.get("name"), "refs/heads/")
            if repo.ref_exists(f"refs/heads/{name}"):
                raise BranchAlreadyExists(project.key, name)
            start = [repo.resolve("commit", body["commit"])] if body.get("commit") else []
            require_safe_tree(repo, start[0] if start else "HEAD", f"commit {body.get('commit') or 'HEAD'}")
            log = ActionLog()
            log.success = repo.run(log, "checkout", "-q", "-b", name, *start)
            return {"success": log.success, "output": log.output}

    def switch_branch(self, project: Project, name: object, author: str) -> dict:
        """Check out a local branch, or create it tracking ``<remote>/<name>``; ``{success, messages, output}``."""
        with self._working(project, author) as repo:
            name = _check_ref_name(repo, "branch", name, "refs/heads/")
            log = ActionLog()
            if repo.ref_exists(f"refs/heads/{name}"):
                require_safe_tree(repo, f"refs/heads/{name}", f"branch {name}")
                log.success = repo.run(log, "checkout", "-q", name)
            else:
                remote = next((r for r in sorted(repo.remotes(), key=lambda r: r != "origin")
                               if repo.ref_exists(f"refs/remotes/{r}/{name}")), None)
                if remote is None:
                    raise UnknownBranch(name)
                require_safe_tree(repo, f"refs/remotes/{remote}/{name}", f"branch {remote}/{name}")
                log.success = repo.run(log, "checkout", "-q", "-b", name, "--track", f"{remote}/{name}")
            return {"success": log.success, "messages": log.logs, "output": log.output}

    def delete_branch(self, project: Project, body: dict, author: str) -> dict:
        """Delete a local branch, or a remote-tracking one (``<remote>/<branch>``, also on the remote when
        ``deleteRemotely``). Refusals (current branch, unmerged without ``forceDelete``) are errors."""
        with self._working(project, author) as repo:
            name = body.get("name")
            if not isinstance(name, str) or not name:
                raise InvalidArgument(f"Invalid branch name: {name!r}", f"Invalid branch name: {name!r}")
            log = ActionLog()
            if body.get("remote"):
                remote, _, short = name.partition("/")
                if remote not in repo.remotes():
                    remote, short = repo.default_remote(), name
                known = repo.ref_exists(f"refs/remotes/{remote}/{short}")
                if not known and not body.get("deleteRemotely"):
                    raise RemoteBranchNotFound(remote, short)
                if body.get("deleteRemotely"):
                    self.remote_policy.check_remotes(repo, [remote])
                if body.get("deleteRemotely") and not repo.run(log, "push", remote, "--delete", short):
                    raise RemoteBranchNotDeleted(remote, short, log.output)
                if known:
                    repo.run(log, "branch", "-q", "-d", "-r", f"{remote}/{short}")
                return log.as_dict()
            _check_ref_name(repo, "branch", name, "refs/heads/")
            if not repo.ref_exists(f"refs/heads/{name}"):
                raise BranchNotFound(project.key, name)
            if name == repo.current_branch():
                raise CurrentBranchNotDeletable(name)
            if not repo.run(log, "branch", "-q", "-D" if body.get("forceDelete") else "-d", name):
                raise BranchNotDeleted(name, log.output)
            return log.as_dict()

    def create_tag(self, project: Project, body: dict, author: str) -> dict:
        """A lightweight tag, or an annotated one when ``message`` is not empty."""
        with self._working(project, author) as repo:
            name = _check_ref_name(repo, "tag", body.get("name"), "refs/tags/")
            if repo.ref_exists(f"refs/tags/{name}"):
                raise TagAlreadyExists(project.key, name)
            sha = repo.resolve("reference", body.get("reference") or "HEAD")
            message = body.get("message") or ""
            if not isinstance(message, str):
                raise InvalidArgument(f"Invalid tag message: {message!r} (not a string)")
            repo.git("tag", *(["-a", "-m", message] if message.strip() else []), name, sha)
            return {"name": f"refs/tags/{name}", "shortName": name, "commit": sha}

    def delete_tag(self, project: Project, name: object, author: str) -> dict:
        with self._working(project, author) as repo:
            name = _check_ref_name(repo, "tag", name, "refs/tags/")
            if not repo.ref_exists(f"refs/tags/{name}"):
                raise TagNotFound(project.key, name)
            repo.git("tag", "-d", name)
            return {}

    # --- reverts and resets -------------------------------------------------------------------------------
    def revert_to_revision(self, project: Project, commit: object, author: str) -> dict:
        """A new commit whose content is that of ``commit``; refused (success false) when the tree is dirty."""
        with self._working(project, author) as repo:
            sha = repo.resolve("commit", commit)
            log = ActionLog()
            if repo.has_local_changes():
                return log.fail("The project has uncommitted changes: commit or reset them first").as_dict()
            require_safe_tree(repo, sha, f"revision {sha[:12]}")
            if repo.run(log, "read-tree", "--reset", "-u", sha):
                project.commit(f"Reverted project to revision {sha[:12]}", author)
            return log.as_dict()

    def revert_commit(self, project: Project, commit: object, author: str) -> dict:
        """``git revert`` of one commit; a conflict aborts the revert and answers success false."""
        with self._working(project, author) as repo:
            sha = repo.resolve("commit", commit)
            log = ActionLog()
            if repo.has_local_changes():
                return log.fail("The project has uncommitted changes: commit or reset them first").as_dict()
            for rev in (sha, *repo.git("rev-parse", f"{sha}^@").stdout.split()):  # a revert restores the parent's
                require_safe_tree(repo, rev, f"the revert of {sha[:12]}")
            if not repo.run(log, "revert", "--no-edit", sha):
                self._abort_and_fail(repo, log, "Revert aborted")
            return log.as_dict()

    def reset_to_head(self, project: Project, author: str) -> dict:
        """Drop uncommitted changes, untracked project files included (ignored files stay)."""
        with self._working(project, author) as repo:
            repo.git("reset", "-q", "--hard", "HEAD")
            repo.git("clean", "-q", "-fd")
            return {}

    def reset_to_upstream(self, project: Project, author: str) -> dict:
        """Hard reset the current branch to its upstream as last fetched (``<remote>/<branch>`` when no upstream is
        configured yet) and make it track it: with set_remote + fetch, this imports a project from a remote."""
        with self._working(project, author) as repo:
            branch = repo.require_branch()
            ref = repo.upstream_ref(branch)
            if ref is None:
                known = ", ".join(repo.refs("refs/remotes/")) or "none"
                raise NoFetchedUpstream(branch, known)
            require_safe_tree(repo, ref, ref[len("refs/remotes/"):])
            repo.git("reset", "-q", "--hard", ref)
            repo.git("clean", "-q", "-fd")
            repo.set_upstream_if_missing(branch, *repo.upstream(branch))
            return {"success": True}

    def drop_and_rebuild(self, project: Project) -> dict:
        raise DropAndRebuildUnsupported(project.key)

    # --- helpers and faults -------------------------------------------------------------------------------
    @staticmethod
    def _local_branch(repo: Repo, branch_name: str | None) -> str:
        if not branch_name:
            return repo.require_branch()
        name = _check_ref_name(repo, "branch", branch_name, "refs/heads/")
        if not repo.ref_exists(f"refs/heads/{name}"):
            raise NotALocalBranch(name)
        return name

    @staticmethod
    def _abort_and_fail(repo: Repo, log: ActionLog, what: str) -> None:
        operation = repo.operation_in_progress()
        if operation:
            repo.run(log, operation, "--abort")
            log.fail(f"{what}: conflicts; the {operation} was aborted and the work tree is unchanged")
        else:
            log.success = False

    def arm_push_rejections(self, project_key: str, count: int) -> int:
        """The next ``count`` pushes of the project are rejected for real (see ``concurrent.py``)."""
        with self._faults_lock:
            self._push_rejections[project_key] = count
            return count

    def _take_push_rejection(self, project_key: str) -> bool:
        with self._faults_lock:
            left = self._push_rejections.get(project_key, 0)
            if left > 0:
                self._push_rejections[project_key] = left - 1
            return left > 0
