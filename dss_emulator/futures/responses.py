"""Future routes."""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.evidence import client
from ..core.routing import RouteTable

routes = RouteTable()


@routes.route("GET", "/futures/{job_id}", access="any-key",
              evidence=client("dss/future.py", "DSSFuture.get_state", "EV-F01", "EV-F03", "EV-F04", "EV-T06",
                              unverified="the state of a failed future, alive/aborted/progress (EV-F04)"))
def get_future(ctx: RequestContext, job_id: str):
    return ctx.instance.futures.state(job_id)


@routes.route("DELETE", "/futures/{job_id}", access="any-key", evidence=client("dss/future.py", "DSSFuture.abort"))
def abort_future(ctx: RequestContext, job_id: str):
    ctx.instance.futures.abort(job_id)


@routes.route("GET", "/futures", access="any-key", evidence=client("dssclient.py", "DSSClient.list_futures"))
def list_futures(ctx: RequestContext):
    return [f.state() for f in ctx.instance.futures.list() if not f.done]
