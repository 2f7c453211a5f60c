"""Futures run in background threads; a failed future answers an HTTP error, as the client expects."""
from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.exceptions import DSSError, NotFound


@dataclass
class Future:
    job_id: str
    payload: dict
    project_key: str | None = None  # who may see it: keys reading this project (admin keys only when None)
    started: float = field(default_factory=time.time)
    result: Any = None
    error: DSSError | None = None
    done: bool = False
    aborted: bool = False
    hangs: bool = False
    progress: list[str] = field(default_factory=list)

    def state(self) -> dict:
        running_time = int((time.time() - self.started) * 1000)
        base = {"jobId": self.job_id, "payload": self.payload, "runningTime": running_time,
                "aborted": self.aborted, "progress": {"states": [{"name": s} for s in self.progress]}}
        if self.done:
            return dict(base, hasResult=True, alive=False, result=self.result)
        return dict(base, hasResult=False, alive=True)


class FuturesBackend:
    """The futures of one instance. ``hang_next`` makes the next N futures never finish (fault injection)."""

    def __init__(self, instance):
        self._lock = threading.Lock()
        self._futures: dict[str, Future] = {}
        self.hang_next = 0
        self._record_error = instance.record_error

    def start(self, work: Callable[[Future], Any], payload: dict, project_key: str | None = None) -> Future:
        """Run ``work(future)`` in a thread; its return value becomes the result, a DSSError the failure.

        ``project_key`` scopes the future: only keys with access to that project see or abort it."""
        with self._lock:
            future = Future(uuid.uuid4().hex[:12], payload, project_key)
            if self.hang_next > 0:
                self.hang_next -= 1
                future.hangs = True
            self._futures[future.job_id] = future
        if future.hangs:
            return future

        def run():
            try:
                future.result = work(future)
            except DSSError as error:
                future.error = error
            except Exception as exc:  # an emulator bug: fail the future and keep the error for the test
                self._record_error(f"future {future.job_id}", exc)
                future.error = DSSError(f"Internal emulator error in future: {exc}")
            future.done = True

        threading.Thread(target=run, name=f"future-{future.job_id}", daemon=True).start()
        return future

    def get(self, job_id: str) -> Future:
        future = self._futures.get(job_id)
        if future is None:
            raise NotFound(f"Future not found: {job_id}", f"No future with id {job_id}")
        return future

    def state(self, job_id: str) -> dict:
        """The wire state; a future that ended in error answers that error (the client's only failure path)."""
        future = self.get(job_id)
        if future.done and future.error is not None:
            raise future.error
        return future.state()

    def abort(self, job_id: str) -> None:
        future = self.get(job_id)
        future.aborted = True
        if not future.done:
            future.error = DSSError(f"Future {job_id} was aborted")
            future.done = True

    def list(self) -> list[Future]:
        return list(self._futures.values())
