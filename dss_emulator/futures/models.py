"""Futures run in background threads.

A finished future answers ``{hasResult: true, alive: false, result}`` (``result`` dropped when null, EV-T06). How
DSS answers a *failed* future is unverified (EV-F04): by default it answers the error as an HTTP error, the only
failure the client's ``wait_for_result`` can see; with ``failed_as_dead`` it answers ``{hasResult: false,
alive: false, exception}`` instead, the shape a robust poller must also end on. ``immediate_next`` makes the next
futures answer their result at once, without ``jobId`` (EV-F01: DSS does so when the work is quick).
"""
from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.exceptions import DSSError
from .exceptions import FutureAborted, FutureCrashed, FutureNotFound


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
    immediate: bool = False
    progress: list[str] = field(default_factory=list)
    finished: threading.Event = field(default_factory=threading.Event)

    def state(self, failed_as_dead: bool = False) -> dict:
        """The wire state; a failure is raised unless ``failed_as_dead``."""
        running_time = int((time.time() - self.started) * 1000)
        base = {"payload": self.payload, "runningTime": running_time, "aborted": self.aborted,
                "progress": {"states": [{"name": s} for s in self.progress]}}
        if not self.immediate:
            base["jobId"] = self.job_id
        if not self.done:
            return dict(base, hasResult=False, alive=True)
        if self.error is None:
            return dict(base, hasResult=True, alive=False, result=self.result)
        if not failed_as_dead:
            raise self.error
        return dict(base, hasResult=False, alive=False, exception=self.error.as_dict())


class FuturesBackend:
    """The futures of one instance, with fault injection: ``hang_next`` futures never finish, ``immediate_next``
    ones answer their result at once, and ``failed_as_dead`` changes how failures are answered."""

    def __init__(self, record_error: Callable[[str, BaseException], None]):
        """``record_error(where, exc)`` keeps an emulator bug met by a future's work (the node's error log)."""
        self._lock = threading.Lock()
        self._futures: dict[str, Future] = {}
        self.hang_next = 0
        self.immediate_next = 0
        self.failed_as_dead = False
        self._record_error = record_error

    def start(self, work: Callable[[Future], Any], payload: dict, project_key: str | None = None) -> Future:
        """Run ``work(future)`` in a thread; its return value becomes the result, a DSSError the failure.

        ``project_key`` scopes the future: only keys with access to that project see or abort it."""
        with self._lock:
            future = Future(uuid.uuid4().hex[:12], payload, project_key)
            if self.hang_next > 0:
                self.hang_next -= 1
                future.hangs = True
            elif self.immediate_next > 0:
                self.immediate_next -= 1
                future.immediate = True
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
                future.error = FutureCrashed(exc)
            future.done = True
            future.finished.set()

        threading.Thread(target=run, name=f"future-{future.job_id}", daemon=True).start()
        return future

    def get(self, job_id: str) -> Future:
        future = self._futures.get(job_id)
        if future is None:
            raise FutureNotFound(job_id)
        return future

    def answer(self, future: Future) -> dict:
        """What a request about ``future`` answers; the start of an immediate one waits for its end (call it with
        no lock held: the work may need them)."""
        if future.immediate:
            future.finished.wait()
        return future.state(self.failed_as_dead)

    def state(self, job_id: str) -> dict:
        return self.answer(self.get(job_id))

    def abort(self, job_id: str) -> None:
        future = self.get(job_id)
        future.aborted = True
        if not future.done:
            future.error = FutureAborted(job_id)
            future.done = True
            future.finished.set()

    def list(self) -> list[Future]:
        return list(self._futures.values())
