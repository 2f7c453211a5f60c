"""Control routes. They need the instance's admin key, like any admin call."""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.evidence import control
from ..core.faults import RouteFault
from ..core.routing import RouteTable
from .exceptions import InvalidSetting, MalformedRouteFault, RouteFaultWithoutEffect

routes = RouteTable(prefix="/__emulator__")


@routes.route("POST", "/reset", access="global-admin", evidence=control("forget all state of the instance"))
def reset(ctx: RequestContext):
    """Drop every project, key, bundle, deployment and fault of this instance."""
    ctx.instance.reset()


@routes.route("GET", "/state", access="global-admin",
              evidence=control("dump the instance's state for tests and the demo"))
def dump_state(ctx: RequestContext):
    return ctx.instance.dump_state()


@routes.route("POST", "/api-keys", access="global-admin",
              evidence=control("create an API key with the rights a test needs"))
def create_api_key(ctx: RequestContext):
    """Body ``{label, admin, projects: {KEY: read|write|admin}}``; answers the new key's secret once."""
    body = ctx.json_object()
    projects = body.get("projects") or {}
    if not isinstance(projects, dict):
        raise InvalidSetting("projects", projects, "projects must map project keys to access levels")
    key = ctx.instance.keys.create(label=str(body.get("label") or ""), admin=bool(body.get("admin")),
                                   projects=projects, key=body.get("key"))
    return {"key": key.key, "label": key.label, "admin": key.admin, "projects": key.projects}


@routes.route("POST", "/faults/routes", access="global-admin",
              evidence=control("make the next matching requests fail or wait"))
def add_route_fault(ctx: RequestContext):
    """Body ``{method, path, count, status?, delay?, message?}``: the next ``count`` matching requests fail or wait.

    ``path`` is a regular expression searched in the request path (e.g. ``/projects/P1/metadata$``).
    """
    body = ctx.json_object()
    try:
        fault = RouteFault(method=str(body.get("method", "*")).upper(), path_pattern=str(body["path"]),
                           remaining=int(body.get("count", 1)), status=body.get("status"),
                           delay=float(body.get("delay", 0)), message=str(body.get("message", "Injected fault")))
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedRouteFault(exc) from None
    if fault.status is None and not fault.delay:
        raise RouteFaultWithoutEffect()
    ctx.instance.route_faults.add(fault)
    return {"armed": ctx.instance.route_faults.as_list()}


@routes.route("POST", "/faults/futures", access="global-admin",
              evidence=control("make the next futures hang, or answer at once, or fail without an HTTP error"))
def future_faults(ctx: RequestContext):
    """Body ``{count?, immediate?, failedAsDead?}``: the next ``count`` futures never finish; the next ``immediate``
    ones answer their result at once without ``jobId``; ``failedAsDead`` answers failed futures
    ``{hasResult: false, alive: false, exception}`` instead of an HTTP error (see ``futures/models.py``)."""
    body = ctx.json_object()
    futures = ctx.instance.futures
    for name in ("count", "immediate"):
        value = body.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidSetting(name, value, f"{name} must be a non-negative integer")
    dead = body.get("failedAsDead", futures.failed_as_dead)
    if not isinstance(dead, bool):
        raise InvalidSetting("failedAsDead", dead, "failedAsDead must be true or false")
    if "count" in body:
        futures.hang_next = body["count"]
    if "immediate" in body:
        futures.immediate_next = body["immediate"]
    futures.failed_as_dead = dead
    return {"hangNext": futures.hang_next, "immediateNext": futures.immediate_next, "failedAsDead": dead}
