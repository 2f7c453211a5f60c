"""Route declaration: each area's ``responses.py`` registers handlers with ``@routes.route``.

A route declares its method, path, access level (enforced by the app before the handler runs, see
:data:`ACCESS_LEVELS`) and its :class:`~.evidence.Evidence`. A handler is a plain (synchronous) function
``handler(ctx, **path_params)``; it runs in a worker thread, so it may call git or the network. It returns a
JSON-able value, ``None`` (answered as ``{}``), or a :class:`Raw` / :class:`Text` response.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .evidence import Evidence

ACCESS_LEVELS = {
    "any-key": "any valid API key (the answer may depend on the key's rights)",
    "read": "read access to the project named by {pk}",
    "write": "write access to the project named by {pk}",
    "admin": "admin access to the project named by {pk}",
    "global-admin": "an admin API key",
    "object-read": "read access to the project of the addressed object (a future, a published project, a "
                   "deployment), checked by the handler once the object is found; an admin key for objects of no "
                   "project",
    "object-write": "write access to the project of the addressed object, checked by the handler likewise",
}
PROJECT_ACCESS = ("read", "write", "admin")
PROJECT_PARAM = "pk"


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    handler: Callable
    access: str
    evidence: Evidence | None = None

    @property
    def area(self) -> str:
        """The emulator area serving the route (``bundles``, ``control``, …)."""
        return self.handler.__module__.split(".")[1]


@dataclass
class Raw:
    """A binary answer (bundle archives, file downloads)."""

    content: bytes
    media_type: str = "application/octet-stream"


@dataclass
class Text:
    """A plain-text answer (job and scenario logs)."""

    content: str


class RouteTable:
    """The routes of one area, in declaration order."""

    def __init__(self, prefix: str = "/dip/publicapi"):
        self.prefix = prefix
        self.routes: list[RouteSpec] = []

    def route(self, method: str, path: str, access: str, evidence: Evidence | None = None) -> Callable:
        """Register the decorated function for ``method`` on ``prefix + path`` (no trailing slash)."""
        if access not in ACCESS_LEVELS:
            raise ValueError(f"Invalid access level for {method} {path}: {access!r} (one of "
                             f"{', '.join(ACCESS_LEVELS)})")
        if access in PROJECT_ACCESS and "{" + PROJECT_PARAM + "}" not in path:
            raise ValueError(f"Access level {access!r} of {method} {path} needs a {{{PROJECT_PARAM}}} path parameter")

        def register(fn: Callable) -> Callable:
            self.routes.append(RouteSpec(method, self.prefix + path.rstrip("/"), fn, access, evidence))
            return fn
        return register
