"""Future routes."""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.routing import RouteTable

routes = RouteTable()


@routes.route("GET", "/futures/{job_id}")
def get_future(ctx: RequestContext, job_id: str):
    return ctx.instance.futures.state(job_id)


@routes.route("DELETE", "/futures/{job_id}")
def abort_future(ctx: RequestContext, job_id: str):
    ctx.instance.futures.abort(job_id)


@routes.route("GET", "/futures")
def list_futures(ctx: RequestContext):
    return [f.state() for f in ctx.instance.futures.list() if not f.done]
