"""Project git routes (``project.get_project_git()``): reads need project read access, actions need write.

Commits are authored by the caller's DSS login (``ctx.login``: ``admin`` for an admin key, else the key's label).
"""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.exceptions import InvalidArgument
from ..core.routing import RouteTable
from ..projects.models import Project

routes = RouteTable()
GIT = "/projects/{pk}/git"


def _project(ctx: RequestContext, pk: str, access: str) -> Project:
    ctx.require_project(pk, access)
    return ctx.instance.projects.get(pk)


def _required_arg(ctx: RequestContext, name: str) -> str:
    value = ctx.arg(name)
    if not value:
        raise InvalidArgument(f"Missing query parameter {name}")
    return value


@routes.route("GET", GIT + "/status")
def get_status(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.status(_project(ctx, pk, "read"))


@routes.route("GET", GIT + "/actions/log")
def log(ctx: RequestContext, pk: str):
    project = _project(ctx, pk, "read")
    return ctx.instance.project_git.log(project, ctx.arg("startCommit"), ctx.int_arg("count", 1000), ctx.arg("path"))


@routes.route("GET", GIT + "/actions/diff")
def diff(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.diff(_project(ctx, pk, "read"), ctx.arg("commitFrom"), ctx.arg("commitTo"))


@routes.route("POST", GIT + "/actions/commit")
def commit(ctx: RequestContext, pk: str):
    project = _project(ctx, pk, "write")
    return ctx.instance.project_git.commit(project, ctx.json_object().get("message"), ctx.login)


@routes.route("POST", GIT + "/actions/push")
def push(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.push(_project(ctx, pk, "write"), ctx.arg("branchName"), ctx.login)


@routes.route("POST", GIT + "/actions/pullRebase")
def pull_rebase(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.pull(_project(ctx, pk, "write"), ctx.arg("branchName"), ctx.login)


@routes.route("POST", GIT + "/actions/fetch")
def fetch(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.fetch(_project(ctx, pk, "write"), ctx.login)


@routes.route("GET", GIT + "/remotes/{name}")
def get_remote(ctx: RequestContext, pk: str, name: str):
    return ctx.instance.project_git.get_remote(_project(ctx, pk, "read"), name)


@routes.route("POST", GIT + "/remotes/{name}")
def set_remote(ctx: RequestContext, pk: str, name: str):
    project = _project(ctx, pk, "write")
    return ctx.instance.project_git.set_remote(project, name, ctx.json_object().get("url"))


@routes.route("DELETE", GIT + "/remotes/{name}")
def remove_remote(ctx: RequestContext, pk: str, name: str):
    return ctx.instance.project_git.remove_remote(_project(ctx, pk, "write"), name)


@routes.route("GET", GIT + "/branches")
def list_branches(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.branches(_project(ctx, pk, "read"), ctx.flag("remote"))


@routes.route("POST", GIT + "/branches")
def create_branch(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.create_branch(_project(ctx, pk, "write"), ctx.json_object(), ctx.login)


@routes.route("POST", GIT + "/actions/switchBranch")
def switch_branch(ctx: RequestContext, pk: str):
    project = _project(ctx, pk, "write")
    return ctx.instance.project_git.switch_branch(project, _required_arg(ctx, "branchName"), ctx.login)


@routes.route("GET", GIT + "/current-branch")
def current_branch(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.current_branch(_project(ctx, pk, "read"))


@routes.route("POST", GIT + "/actions/deleteBranch")
def delete_branch(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.delete_branch(_project(ctx, pk, "write"), ctx.json_object(), ctx.login)


@routes.route("GET", GIT + "/tags")
def list_tags(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.tags(_project(ctx, pk, "read"))


@routes.route("POST", GIT + "/tags")
def create_tag(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.create_tag(_project(ctx, pk, "write"), ctx.json_object(), ctx.login)


@routes.route("POST", GIT + "/actions/deleteTag")
def delete_tag(ctx: RequestContext, pk: str):
    project = _project(ctx, pk, "write")
    return ctx.instance.project_git.delete_tag(project, ctx.json_object().get("name"), ctx.login)


@routes.route("POST", GIT + "/actions/revertToRevision")
def revert_to_revision(ctx: RequestContext, pk: str):
    project = _project(ctx, pk, "write")
    return ctx.instance.project_git.revert_to_revision(project, _required_arg(ctx, "commit"), ctx.login)


@routes.route("POST", GIT + "/actions/revertCommit")
def revert_commit(ctx: RequestContext, pk: str):
    project = _project(ctx, pk, "write")
    return ctx.instance.project_git.revert_commit(project, _required_arg(ctx, "commit"), ctx.login)


@routes.route("POST", GIT + "/actions/resetToLocalHeadState")
def reset_to_head(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.reset_to_head(_project(ctx, pk, "write"), ctx.login)


@routes.route("POST", GIT + "/actions/resetToRemoteHeadState")
def reset_to_upstream(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.reset_to_upstream(_project(ctx, pk, "write"), ctx.login)


@routes.route("POST", GIT + "/actions/dropAndRebuild")
def drop_and_rebuild(ctx: RequestContext, pk: str):
    return ctx.instance.project_git.drop_and_rebuild(_project(ctx, pk, "admin"))
