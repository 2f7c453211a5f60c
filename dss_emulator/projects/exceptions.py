"""Errors of the projects area: each class carries its DSS-shaped message."""
from __future__ import annotations

from ..core.exceptions import AlreadyExists, InvalidArgument, NotFound


class ProjectNotFound(NotFound):
    def __init__(self, key: str):
        super().__init__(f"Project not found: {key}", f"Project {key} does not exist")


class ProjectAlreadyExists(AlreadyExists):
    def __init__(self, key: str):
        super().__init__(f"Project {key} already exists", f"A project with key {key} already exists")


class InvalidProjectKey(InvalidArgument):
    """``what``: the kind of key (a published project's key follows the same rule); ``field``: its name."""

    def __init__(self, key: object, field: str = "projectKey", what: str = "project key"):
        super().__init__(f"Invalid {what}: {key!r}",
                         f"{field} must start with an uppercase letter and contain only A-Z, 0-9 and _, got {key!r}")


class InvalidObjectName(InvalidArgument):
    def __init__(self, kind: str, name: object):
        super().__init__(f"Invalid {kind} name: {name!r}",
                         f"A {kind} name uses letters, digits, '_', '-' and '.' only, got {name!r}")


class ObjectNotFound(NotFound):
    """A dataset, recipe or scenario (``kind`` is the folder name: ``datasets``, …) missing from a project."""

    def __init__(self, project_key: str, kind: str, name: str):
        singular = kind.rstrip("s")
        super().__init__(f"{singular.capitalize()} not found: {project_key}.{name}",
                         f"{singular} {name} does not exist in project {project_key}")
