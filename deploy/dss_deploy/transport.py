"""DSS clients whose every HTTP request has a connect and a read timeout, bounded by the current deadline.

``dataikuapi`` sends its requests without a timeout, so a node that accepts connections and never answers would
hold a run forever. Each client's ``requests`` session gets an adapter that gives every request
``(connect, read)`` timeouts: at most :data:`CONNECT_SECONDS` to connect and ``--timeout`` to answer, and never
past the deadline of the wait in progress (an update, a rollback). A request with no time left fails at once.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from dataikuapi import DSSClient
from requests.adapters import HTTPAdapter

CONNECT_SECONDS = 10.0


class RequestBudget:
    """How long one request may take now: ``request_seconds``, cut at the innermost active deadline."""

    def __init__(self, request_seconds: float):
        self.request_seconds = float(request_seconds)
        self._deadlines: list[float] = []

    def remaining(self) -> float:
        """Seconds a request started now may take."""
        left = self.request_seconds
        if self._deadlines:
            left = min(left, self._deadlines[-1] - time.monotonic())
        return left

    def timeouts(self) -> tuple[float, float]:
        left = self.remaining()
        if left <= 0:
            raise requests.Timeout("no time left before the deadline of the current step")
        return min(CONNECT_SECONDS, left), left

    @contextmanager
    def until(self, deadline: float) -> Iterator[None]:
        """Within the block, no request outlives ``deadline`` (a ``time.monotonic()`` value)."""
        self._deadlines.append(min([deadline] + self._deadlines[-1:]))
        try:
            yield
        finally:
            self._deadlines.pop()


class TimeoutAdapter(HTTPAdapter):
    """Transport adapter that replaces the (missing) timeout of each request by the budget's."""

    def __init__(self, budget: RequestBudget):
        super().__init__()
        self.budget = budget

    def send(self, request, timeout=None, **kwargs):
        return super().send(request, timeout=self.budget.timeouts(), **kwargs)


def make_client(url: str, api_key: str, budget: RequestBudget, insecure_tls: bool,
                certificate: Path | None) -> DSSClient:
    """A ``DSSClient`` whose requests all follow ``budget``."""
    client = DSSClient(url, api_key=api_key, no_check_certificate=insecure_tls,
                       client_certificate=str(certificate) if certificate else None)
    adapter = TimeoutAdapter(budget)
    # DSSClient keeps its requests session in ``_session`` and exposes no timeout setting.
    client._session.mount("http://", adapter)
    client._session.mount("https://", adapter)
    return client
