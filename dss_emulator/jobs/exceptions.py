"""Errors of the jobs area: each class carries its DSS-shaped message."""
from __future__ import annotations

from ..core.exceptions import InvalidArgument, NotFound


class JobNotFound(NotFound):
    def __init__(self, project_key: str, job_id: str):
        super().__init__(f"Job not found: {project_key}.{job_id}",
                         f"Job {job_id} does not exist in project {project_key}")


class ActivityNotFound(NotFound):
    def __init__(self, job_id: str, activity: str, activities: list[str]):
        super().__init__(f"Activity not found: {activity}",
                         f"Job {job_id} has no activity {activity!r} (it has {', '.join(activities) or 'none yet'})")


class InvalidJobDefinition(InvalidArgument):
    """A 400 whose detailed message (what the client shows) names the field, the value and the rule."""

    def __init__(self, message: str, rule: str):
        super().__init__(message, f"{message}: {rule}")
