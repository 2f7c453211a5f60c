"""Errors of the futures area: each class carries its DSS-shaped message."""
from __future__ import annotations

from ..core.exceptions import NotFound


class FutureNotFound(NotFound):
    def __init__(self, job_id: str):
        super().__init__(f"Future not found: {job_id}", f"No future with id {job_id}")
