"""The emulator's table of contents: every area's routes, in one list."""
from __future__ import annotations

from .admin.responses import routes as admin_routes
from .bundles.responses import routes as bundles_routes
from .control.deploy_faults import routes as deploy_fault_routes
from .control.git_faults import routes as git_fault_routes
from .control.responses import routes as control_routes
from .control.seed import routes as seed_routes
from .core.routing import RouteSpec
from .deployer.responses import routes as deployer_routes
from .futures.responses import routes as futures_routes
from .jobs.responses import routes as jobs_routes
from .objects.responses import routes as objects_routes
from .plugins.responses import routes as plugins_routes
from .projectgit.responses import routes as project_git_routes
from .projects.responses import routes as projects_routes
from .scenarios.responses import routes as scenario_run_routes

ROUTE_TABLES = [
    admin_routes,
    projects_routes,
    futures_routes,
    bundles_routes,
    deployer_routes,
    jobs_routes,
    scenario_run_routes,
    objects_routes,
    plugins_routes,
    control_routes,
    deploy_fault_routes,
    seed_routes,
    project_git_routes,
    git_fault_routes,
]


def all_routes() -> list[RouteSpec]:
    return [spec for table in ROUTE_TABLES for spec in table.routes]
