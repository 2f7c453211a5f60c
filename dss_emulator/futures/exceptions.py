"""Errors of the futures area: each class carries its DSS-shaped message."""
from __future__ import annotations

from ..core.exceptions import DSSError, NotFound


class FutureNotFound(NotFound):
    def __init__(self, job_id: str):
        super().__init__(f"Future not found: {job_id}", f"No future with id {job_id}")


class FutureAborted(DSSError):
    """The failure of a future aborted before it finished (``DSSFuture.abort``)."""

    def __init__(self, job_id: str):
        super().__init__(f"Future {job_id} was aborted")


class FutureCrashed(DSSError):
    """An emulator bug met by a future's work (also recorded in the node's error log)."""

    def __init__(self, error: Exception):
        super().__init__(f"Internal emulator error in future: {error}")
