"""Errors of the control API (``/__emulator__``): each class carries its message. The control API is the emulator's
own (invented by design: no DSS source applies); the client shows the detailed message."""
from __future__ import annotations

from ..core.exceptions import InvalidArgument, InvalidInput

SEED_BODIES = 'expected {"sample": true} or {"synthetic": N, "offset": K}'


class InvalidField(InvalidInput):
    """A request field with a bad value; the detailed message is ``Invalid <name>: <value!r> (<rule>)``."""

    def __init__(self, name: str, value: object, rule: str):
        super().__init__(f"Invalid {name}: {value!r}", rule)


class InvalidSetting(InvalidArgument):
    """A bad value for one of the node's settings (API key grants, future faults); the detailed message is the rule
    alone, as these routes have always answered."""

    def __init__(self, name: str, value: object, rule: str):
        super().__init__(f"Invalid {name}: {value!r}", rule)


class MalformedRouteFault(InvalidArgument):
    def __init__(self, error: Exception):
        super().__init__(f"Invalid route fault: {error}", "expected {method, path, count, status?}")


class RouteFaultWithoutEffect(InvalidArgument):
    def __init__(self):
        super().__init__("Invalid route fault: give a status or a delay")


class InvalidSeedRequest(InvalidInput):
    def __init__(self, problem: str):
        super().__init__(f"Invalid seed request: {problem}", SEED_BODIES)
