"""The emulator's table of contents: every area's routes, in one list."""
from __future__ import annotations

from .admin.responses import routes as admin_routes
from .control.responses import routes as control_routes
from .core.routing import RouteSpec
from .futures.responses import routes as futures_routes
from .projects.responses import routes as projects_routes

ROUTE_TABLES = [
    admin_routes,
    projects_routes,
    futures_routes,
    control_routes,
]


def all_routes() -> list[RouteSpec]:
    return [spec for table in ROUTE_TABLES for spec in table.routes]
