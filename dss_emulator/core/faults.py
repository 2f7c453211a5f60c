"""Route-level fault injection: make the next N matching requests fail or wait."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass


@dataclass
class RouteFault:
    method: str
    path_pattern: str
    remaining: int
    status: int | None = None
    delay: float = 0.0
    message: str = "Injected fault"

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and re.search(self.path_pattern, path) is not None


class RouteFaults:
    """Faults armed through the control API, consumed by matching requests."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[RouteFault] = []

    def add(self, fault: RouteFault) -> None:
        re.compile(fault.path_pattern)  # a bad pattern fails at arming time, not at matching time
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> RouteFault | None:
        """Consume and return the first armed fault matching this request, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and fault.matches(method, path):
                    fault.remaining -= 1
                    return fault
            return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def as_list(self) -> list[dict]:
        with self._lock:
            return [vars(f).copy() for f in self._faults if f.remaining > 0]
