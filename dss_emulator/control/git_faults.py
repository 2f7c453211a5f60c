"""Control route arming git faults (admin key required, like every control call)."""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.evidence import control
from ..core.routing import RouteTable
from .exceptions import InvalidField

routes = RouteTable(prefix="/__emulator__")


@routes.route("POST", "/faults/git-push", access="global-admin",
              evidence=control("make the next pushes of a project non-fast-forward"))
def arm_git_push_rejections(ctx: RequestContext):
    """Body ``{projectKey, count}``: the next ``count`` pushes of the project are rejected as non-fast-forward.

    The rejection is real: just before each of those pushes, a commit by ``someone-else`` is pushed onto the
    remote branch from a temporary clone (see ``projectgit/concurrent.py``). ``count: 0`` disarms.
    """
    body = ctx.json_object()
    project = ctx.instance.projects.get(str(body.get("projectKey")))
    count = body.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise InvalidField("count", count, "a non-negative integer")
    return {"projectKey": project.key,
            "pendingPushRejections": ctx.instance.project_git.arm_push_rejections(project.key, count)}
