"""Routes for running builds: jobs and the flow graph ``recipe.run()`` reads."""
from __future__ import annotations

from ..core.auth import ApiKey
from ..core.context import RequestContext
from ..core.exceptions import NotFound
from ..core.routing import RouteTable, Text
from .flow import Flow

routes = RouteTable()


def initiator(key: ApiKey) -> str:
    """The DSS login a call acts as: ``admin`` for admin keys, else the key's label."""
    return "admin" if key.admin else (key.label or "api-key")


@routes.route("POST", "/projects/{pk}/jobs")
def start_job(ctx: RequestContext, pk: str):
    ctx.require_project(pk, "write")
    return ctx.instance.jobs.start(pk, ctx.json_object(), initiator(ctx.key)).full_def()


@routes.route("GET", "/projects/{pk}/jobs")
def list_jobs(ctx: RequestContext, pk: str):
    ctx.require_project(pk)
    ctx.instance.projects.get(pk)
    return [job.list_item() for job in ctx.instance.jobs.list(pk)]


@routes.route("GET", "/projects/{pk}/jobs/running")
def list_running_jobs(ctx: RequestContext, pk: str):
    ctx.require_project(pk)
    ctx.instance.projects.get(pk)
    return [job.list_item() for job in ctx.instance.jobs.list(pk, running_only=True)]


@routes.route("GET", "/jobs/running")
def list_all_running_jobs(ctx: RequestContext):
    jobs = ctx.instance.jobs.list(running_only=True)
    return [job.list_item() for job in jobs if ctx.key.can(job.project.key, "read")]


@routes.route("GET", "/projects/{pk}/jobs/{job_id}")
def get_job_status(ctx: RequestContext, pk: str, job_id: str):
    ctx.require_project(pk)
    return ctx.instance.jobs.get(pk, job_id).status()


@routes.route("GET", "/projects/{pk}/jobs/{job_id}/log")
def get_job_log(ctx: RequestContext, pk: str, job_id: str):
    ctx.require_project(pk)
    job = ctx.instance.jobs.get(pk, job_id)
    activity = ctx.arg("activity")
    if activity is not None and activity not in job.activities:
        raise NotFound(f"Activity not found: {activity}", f"Job {job_id} has no activity {activity!r} (it has "
                                                          f"{', '.join(job.activities) or 'none yet'})")
    return Text(job.log_text(activity))


@routes.route("POST", "/projects/{pk}/jobs/{job_id}/abort")
def abort_job(ctx: RequestContext, pk: str, job_id: str):
    ctx.require_project(pk, "write")
    job = ctx.instance.jobs.abort(pk, job_id)
    return {"jobId": job.id, "state": job.state, "aborted": job.aborted}


@routes.route("GET", "/projects/{pk}/flow/graph")
def get_flow_graph(ctx: RequestContext, pk: str):
    ctx.require_project(pk)
    return Flow(ctx.instance.projects.get(pk)).graph()
