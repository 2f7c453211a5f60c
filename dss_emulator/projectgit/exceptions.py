"""Errors of the project git area: each class carries its DSS-shaped message."""
from __future__ import annotations

from ..core.exceptions import AlreadyExists, Conflict, NotFound, NotImplementedRoute


class BranchAlreadyExists(AlreadyExists):
    def __init__(self, project_key: str, name: str):
        super().__init__(f"Branch {name} already exists", f"Branch {name} already exists in {project_key}")


class BranchNotFound(NotFound):
    def __init__(self, project_key: str, name: str):
        super().__init__(f"Branch not found: {name}", f"Branch not found: {name} in project {project_key}")


class UnknownBranch(NotFound):
    """A branch to switch to that is neither local nor fetched from a remote."""

    def __init__(self, name: str):
        super().__init__(f"Branch not found: {name}",
                         f"Branch not found: {name} (neither local nor fetched from a remote)")


class NotALocalBranch(NotFound):
    def __init__(self, name: str):
        super().__init__(f"Branch not found: {name}", f"Branch not found: branchName {name!r} is not a local branch")


class RemoteBranchNotFound(NotFound):
    def __init__(self, remote: str, name: str):
        super().__init__(f"Remote branch not found: {remote}/{name}",
                         f"Remote branch not found: {remote}/{name} (fetch first to see remote branches)")


class RemoteBranchNotDeleted(Conflict):
    def __init__(self, remote: str, name: str, output: str):
        super().__init__(f"Could not delete branch {name} on remote {remote}",
                         f"Could not delete branch {name} on remote {remote}: {output}")


class BranchNotDeleted(Conflict):
    def __init__(self, name: str, output: str):
        super().__init__(f"Could not delete branch {name}", f"Could not delete branch {name}: {output}")


class CurrentBranchNotDeletable(Conflict):
    def __init__(self, name: str):
        super().__init__(f"Cannot delete the current branch {name}",
                         f"Cannot delete the current branch {name}: switch to another branch first")


class TagAlreadyExists(AlreadyExists):
    def __init__(self, project_key: str, name: str):
        super().__init__(f"Tag {name} already exists", f"Tag {name} already exists in project {project_key}")


class TagNotFound(NotFound):
    def __init__(self, project_key: str, name: str):
        super().__init__(f"Tag not found: {name}", f"Tag not found: {name} in project {project_key}")


class NoFetchedUpstream(Conflict):
    def __init__(self, branch: str, known: str):
        super().__init__(f"Branch {branch} has no fetched upstream",
                         f"Branch {branch} has no fetched upstream: set a remote and fetch first "
                         f"(remote branches known: {known})")


class DetachedHead(Conflict):
    def __init__(self):
        super().__init__("HEAD is detached", "HEAD is detached: the project's repository is not on a branch")


class CommitNotFound(NotFound):
    def __init__(self, field_name: str, rev: str):
        super().__init__(f"Commit not found: {rev}",
                         f"Commit not found: {field_name} {rev!r} does not name a commit of this project")


class NoRemote(Conflict):
    def __init__(self):
        super().__init__("No remote configured for this project's git repository",
                         "No remote configured for this project's git repository: set one with set_remote(url)")


class AmbiguousRemote(Conflict):
    def __init__(self, names: list[str]):
        super().__init__(f"Several remotes and none is 'origin': {', '.join(names)}")


class DuplicateProjectUnsupported(NotImplementedRoute):
    def __init__(self):
        super().__init__("duplicateProject is not supported by the DSS emulator",
                         "duplicateProject is not supported by the DSS emulator: it would create a new project; "
                         "call create_branch without duplicate_project")


class DropAndRebuildUnsupported(NotImplementedRoute):
    def __init__(self, project_key: str):
        super().__init__("dropAndRebuild is not supported by the DSS emulator",
                         "dropAndRebuild is not supported by the DSS emulator: wiping the git history of "
                         f"project {project_key} is out of its scope")
