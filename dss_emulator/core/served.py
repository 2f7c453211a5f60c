"""Which routes were served while a recording was open (e.g. while the deploy script ran against the emulator)."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

RouteKey = tuple[str, str]  # (method, declared route path)


class ServedRoutes:
    """Open recordings receive the ``(method, route path)`` of every request served; resets leave them open."""

    def __init__(self):
        self._lock = threading.Lock()
        self._open: list[set[RouteKey]] = []

    def record(self, method: str, route_path: str) -> None:
        with self._lock:
            for recording in self._open:
                recording.add((method, route_path))

    @contextmanager
    def recording(self, into: set[RouteKey] | None = None) -> Iterator[set[RouteKey]]:
        """Collect the routes served inside the ``with`` block into ``into`` (a new set by default)."""
        collected = set() if into is None else into
        with self._lock:
            self._open.append(collected)
        try:
            yield collected
        finally:
            with self._lock:
                self._open.remove(collected)
