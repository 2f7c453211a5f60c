"""Routes for running builds: jobs and the flow graph ``recipe.run()`` reads."""
from __future__ import annotations

from ..core.auth import ApiKey
from ..core.context import RequestContext
from ..core.evidence import client
from ..core.routing import RouteTable, Text
from .exceptions import ActivityNotFound
from .flow import Flow

routes = RouteTable()

# What EV-J01 leaves open in a job list item (its def and top-level fields are the documented ones).
LIST_ITEM_UNVERIFIED = ("stableState true for a finished job (the docs only abort the jobs where it is false); "
                        "targetPartition of a non-partitioned output (dropped); the id of a job building several "
                        "outputs (named after the first)")
# def.outputs in DSS's form outside the job lists: the same definition, but EV-J01 shows only the list item.
DEF_UNVERIFIED = "def.outputs in the list items' form (EV-J01 shows the job lists only)"


def initiator(key: ApiKey) -> str:
    """The DSS login a call acts as: ``admin`` for admin keys, else the key's label."""
    return "admin" if key.admin else (key.label or "api-key")


@routes.route("POST", "/projects/{pk}/jobs", access="write",
              evidence=client("dss/project.py", "DSSProject.start_job", "EV-J01", "EV-J02",
                              unverified=DEF_UNVERIFIED))
def start_job(ctx: RequestContext, pk: str):
    return ctx.instance.jobs.start(pk, ctx.json_object(), initiator(ctx.key)).full_def()


@routes.route("GET", "/projects/{pk}/jobs", access="read",
              evidence=client("dss/project.py", "DSSProject.list_jobs", "EV-J01", unverified=LIST_ITEM_UNVERIFIED))
def list_jobs(ctx: RequestContext, pk: str):
    ctx.instance.projects.get(pk)
    return [job.list_item() for job in ctx.instance.jobs.list(pk)]


@routes.route("GET", "/projects/{pk}/jobs/running", access="read",
              evidence=client("dss/project.py", "DSSProject.list_running_jobs", "EV-J01", "EV-J02",
                              unverified=LIST_ITEM_UNVERIFIED))
def list_running_jobs(ctx: RequestContext, pk: str):
    ctx.instance.projects.get(pk)
    return [job.list_item() for job in ctx.instance.jobs.list(pk, running_only=True)]


@routes.route("GET", "/jobs/running", access="any-key",
              evidence=client("dssclient.py", "DSSClient.list_running_jobs", "EV-J01", "EV-J02",
                              unverified=LIST_ITEM_UNVERIFIED))
def list_all_running_jobs(ctx: RequestContext):
    jobs = ctx.instance.jobs.list(running_only=True)
    return [job.list_item() for job in jobs if ctx.key.can(job.project.key, "read")]


@routes.route("GET", "/projects/{pk}/jobs/{job_id}", access="read",
              evidence=client("dss/job.py", "DSSJob.get_status", "EV-J01", "EV-J02", unverified=DEF_UNVERIFIED))
def get_job_status(ctx: RequestContext, pk: str, job_id: str):
    return ctx.instance.jobs.get(pk, job_id).status()


@routes.route("GET", "/projects/{pk}/jobs/{job_id}/log", access="read",
              evidence=client("dss/job.py", "DSSJob.get_log", "EV-J02", "EV-J03",
                              unverified="activity ids (EV-J03)"))
def get_job_log(ctx: RequestContext, pk: str, job_id: str):
    job = ctx.instance.jobs.get(pk, job_id)
    activity = ctx.arg("activity")
    if activity is not None and activity not in job.activities:
        raise ActivityNotFound(job_id, activity, list(job.activities))
    return Text(job.log_text(activity))


@routes.route("POST", "/projects/{pk}/jobs/{job_id}/abort", access="write",
              evidence=client("dss/job.py", "DSSJob.abort", "EV-J01"))
def abort_job(ctx: RequestContext, pk: str, job_id: str):
    job = ctx.instance.jobs.abort(pk, job_id)
    return {"jobId": job.id, "state": job.state, "aborted": job.aborted}


@routes.route("GET", "/projects/{pk}/flow/graph", access="read",
              evidence=client("dss/flow.py", "DSSProjectFlow.get_graph", "EV-J03",
                              unverified="the graph's shape (EV-J03)"))
def get_flow_graph(ctx: RequestContext, pk: str):
    return Flow(ctx.instance.projects.get(pk)).graph()
