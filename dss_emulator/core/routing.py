"""Route declaration: each area's ``responses.py`` registers handlers with ``@route``.

A handler is a plain (synchronous) function ``handler(ctx, **path_params)``; it runs in a worker thread,
so it may call git or the network. It returns a JSON-able value, ``None`` (answered as ``{}``), or a
:class:`Raw` / :class:`Text` response.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    handler: Callable
    auth: bool = True


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

    def route(self, method: str, path: str, auth: bool = True) -> Callable:
        """Register the decorated function for ``method`` on ``prefix + path`` (no trailing slash)."""
        def register(fn: Callable) -> Callable:
            self.routes.append(RouteSpec(method, self.prefix + path.rstrip("/"), fn, auth))
            return fn
        return register
