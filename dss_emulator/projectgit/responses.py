"""Project git routes (``project.get_project_git()``): reads need project read access, actions need write.

Commits are authored by the caller's DSS login (``ctx.login``: ``admin`` for an admin key, else the key's label).
"""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.evidence import client
from ..core.exceptions import InvalidArgument
from ..core.routing import RouteTable
from ..projects.models import Project

routes = RouteTable()
GIT = "/projects/{pk}/git"


def _project(ctx: RequestContext, pk: str) -> Project:
    return ctx.instance.projects.get(pk)


def _required_arg(ctx: RequestContext, name: str) -> str:
    value = ctx.arg(name)
    if not value:
        raise InvalidArgument(f"Missing query parameter {name}")
    return value


@routes.route("GET", GIT + "/status", access="read",
              evidence=client("dss/project.py", "DSSProjectGit.get_status", "EV-G01", "EV-G07"))
def get_status(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.status(_project(ctx, pk))


@routes.route("GET", GIT + "/actions/log", access="read",
              evidence=client("dss/project.py", "DSSProjectGit.log", "EV-G08",
                              unverified="the timestamp format of log entries (EV-G08)"))
def log(ctx: RequestContext, pk: str):
    project = _project(ctx, pk)
    return ctx.instance.project_git.log(project, ctx.arg("startCommit"), ctx.int_arg("count", 1000), ctx.arg("path"))


@routes.route("GET", GIT + "/actions/diff", access="read", evidence=client("dss/project.py", "DSSProjectGit.diff"))
def diff(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.diff(_project(ctx, pk), ctx.arg("commitFrom"), ctx.arg("commitTo"))


@routes.route("POST", GIT + "/actions/commit", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.commit", "EV-P01"))
def commit(ctx: RequestContext, pk: str):
    project = _project(ctx, pk)
    return ctx.instance.project_git.commit(project, ctx.json_object().get("message"), ctx.login)


@routes.route("POST", GIT + "/actions/push", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.push", "EV-G02", "EV-G03",
                              unverified="the JSON of the reply beyond the client docstring (EV-G08)"))
def push(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.push(_project(ctx, pk), ctx.arg("branchName"), ctx.login)


@routes.route("POST", GIT + "/actions/pullRebase", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.pull", "EV-G02",
                              unverified="the JSON of the reply beyond the client docstring (EV-G08)"))
def pull_rebase(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.pull(_project(ctx, pk), ctx.arg("branchName"), ctx.login)


@routes.route("POST", GIT + "/actions/fetch", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.fetch", "EV-G02",
                              unverified="the JSON of the reply beyond the client docstring (EV-G08)"))
def fetch(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.fetch(_project(ctx, pk), ctx.login)


@routes.route("GET", GIT + "/remotes/{name}", access="read",
              evidence=client("dss/project.py", "DSSProjectGit.get_remote", "EV-G06"))
def get_remote(ctx: RequestContext, pk: str, name: str):
    return ctx.instance.project_git.get_remote(_project(ctx, pk), name)


@routes.route("POST", GIT + "/remotes/{name}", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.set_remote", "EV-G06"))
def set_remote(ctx: RequestContext, pk: str, name: str):
    project = _project(ctx, pk)
    return ctx.instance.project_git.set_remote(project, name, ctx.json_object().get("url"))


@routes.route("DELETE", GIT + "/remotes/{name}", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.remove_remote"))
def remove_remote(ctx: RequestContext, pk: str, name: str):
    return ctx.instance.project_git.remove_remote(_project(ctx, pk), name)


@routes.route("GET", GIT + "/branches", access="read",
              evidence=client("dss/project.py", "DSSProjectGit.list_branches", "EV-G04",
                              unverified="the JSON of branch lists (EV-G08)"))
def list_branches(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.branches(_project(ctx, pk), ctx.flag("remote"))


@routes.route("POST", GIT + "/branches", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.create_branch", "EV-G04"))
def create_branch(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.create_branch(_project(ctx, pk), ctx.json_object(), ctx.login)


@routes.route("POST", GIT + "/actions/switchBranch", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.switch", "EV-G04"))
def switch_branch(ctx: RequestContext, pk: str):
    project = _project(ctx, pk)
    return ctx.instance.project_git.switch_branch(project, _required_arg(ctx, "branchName"), ctx.login)


@routes.route("GET", GIT + "/current-branch", access="read",
              evidence=client("dss/project.py", "DSSProjectGit.get_current_branch", "EV-G04"))
def current_branch(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.current_branch(_project(ctx, pk))


@routes.route("POST", GIT + "/actions/deleteBranch", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.delete_branch"))
def delete_branch(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.delete_branch(_project(ctx, pk), ctx.json_object(), ctx.login)


@routes.route("GET", GIT + "/tags", access="read",
              evidence=client("dss/project.py", "DSSProjectGit.list_tags", "EV-G01", "EV-B05",
                              unverified="the JSON of tag lists (EV-G08)"))
def list_tags(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.tags(_project(ctx, pk))


@routes.route("POST", GIT + "/tags", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.create_tag", "EV-G01"))
def create_tag(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.create_tag(_project(ctx, pk), ctx.json_object(), ctx.login)


@routes.route("POST", GIT + "/actions/deleteTag", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.delete_tag"))
def delete_tag(ctx: RequestContext, pk: str):
    project = _project(ctx, pk)
    return ctx.instance.project_git.delete_tag(project, ctx.json_object().get("name"), ctx.login)


@routes.route("POST", GIT + "/actions/revertToRevision", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.revert_to_revision", "EV-G05"))
def revert_to_revision(ctx: RequestContext, pk: str):
    project = _project(ctx, pk)
    return ctx.instance.project_git.revert_to_revision(project, _required_arg(ctx, "commit"), ctx.login)


@routes.route("POST", GIT + "/actions/revertCommit", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.revert_commit", "EV-G05"))
def revert_commit(ctx: RequestContext, pk: str):
    project = _project(ctx, pk)
    return ctx.instance.project_git.revert_commit(project, _required_arg(ctx, "commit"), ctx.login)


@routes.route("POST", GIT + "/actions/resetToLocalHeadState", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.reset_to_head", "EV-G02"))
def reset_to_head(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.reset_to_head(_project(ctx, pk), ctx.login)


@routes.route("POST", GIT + "/actions/resetToRemoteHeadState", access="write",
              evidence=client("dss/project.py", "DSSProjectGit.reset_to_upstream", "EV-G02"))
def reset_to_upstream(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.reset_to_upstream(_project(ctx, pk), ctx.login)


@routes.route("POST", GIT + "/actions/dropAndRebuild", access="admin",
              evidence=client("dss/project.py", "DSSProjectGit.drop_and_rebuild"))
def drop_and_rebuild(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.drop_and_rebuild(_project(ctx, pk))
