"""Future routes, scoped like project routes: a future of a project needs read access to it (write to abort),
a future of no project an admin key; the list shows only the futures the key may read (inferred from DSS's
project permissions; DSS does not document who sees whose futures)."""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.evidence import client
from ..core.routing import RouteTable
from .models import Future

routes = RouteTable()


def _readable(ctx: RequestContext, future: Future) -> bool:
    return ctx.key.admin if future.project_key is None else ctx.key.can(future.project_key, "read")


def _require(ctx: RequestContext, job_id: str, access: str) -> None:
    future = ctx.instance.futures.get(job_id)
    if future.project_key is None:
        ctx.require_admin()
    else:
        ctx.require_project(future.project_key, access)


@routes.route("GET", "/futures/{job_id}", access="object-read",
              evidence=client("dss/future.py", "DSSFuture.get_state", "EV-F01", "EV-F03", "EV-F04", "EV-T06",
                              unverified="the state of a failed future, alive/aborted/progress (EV-F04)"))
def get_future(ctx: RequestContext, job_id: str):
    _require(ctx, job_id, "read")
    return ctx.instance.futures.state(job_id)


@routes.route("DELETE", "/futures/{job_id}", access="object-write", evidence=client("dss/future.py", "DSSFuture.abort"))
def abort_future(ctx: RequestContext, job_id: str):
    _require(ctx, job_id, "write")
    ctx.instance.futures.abort(job_id)


@routes.route("GET", "/futures", access="any-key", evidence=client("dssclient.py", "DSSClient.list_futures"))
def list_futures(ctx: RequestContext):
    return [f.state() for f in ctx.instance.futures.list() if not f.done and _readable(ctx, f)]
