"""Plugin routes: list, settings, download, dev-plugin contents, and the dev-plugin git extension.

Emulator extensions (DSS's public API has no plugin git; these mirror the project git routes):

* ``GET /plugins/{id}/git/status``: ``{currentBranch, remotes: [{name, url}], clean, hasUncommittedChanges, head}``
* ``GET /plugins/{id}/git/remotes/{name}``: ``{name, url}``, or ``{}`` when there is no such remote
* ``POST /plugins/{id}/git/remotes/{name}`` body ``{url}``; ``DELETE`` the same path removes the remote
* ``POST /plugins/{id}/git/actions/push?branchName=b``: ``{success, logs, output}`` (a rejected push is
  ``success: false``)

Listing plugins needs any valid key; everything else needs an admin key, as plugin development does in DSS.
"""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.routing import Raw, RouteTable

routes = RouteTable()


@routes.route("GET", "/plugins")
def list_plugins(ctx: RequestContext):
    return [plugin.list_item() for plugin in ctx.instance.plugins.list()]


@routes.route("GET", "/plugins/{plugin_id}/settings")
def get_plugin_settings(ctx: RequestContext, plugin_id: str):
    ctx.require_admin()
    return ctx.instance.plugins.settings(plugin_id, ctx.arg("projectKey"))


@routes.route("POST", "/plugins/{plugin_id}/settings")
def save_plugin_settings(ctx: RequestContext, plugin_id: str):
    ctx.require_admin()
    ctx.instance.plugins.save_settings(plugin_id, ctx.json_object(), ctx.arg("projectKey"))


@routes.route("GET", "/plugins/{plugin_id}/download")
def download_plugin(ctx: RequestContext, plugin_id: str):
    ctx.require_admin()
    return Raw(ctx.instance.plugins.archive(plugin_id), "application/zip")


@routes.route("GET", "/plugins/{plugin_id}/contents")
def list_plugin_files(ctx: RequestContext, plugin_id: str):
    ctx.require_admin()
    return ctx.instance.plugins.tree(plugin_id)


@routes.route("GET", "/plugins/{plugin_id}/contents/{path:path}")
def get_plugin_file(ctx: RequestContext, plugin_id: str, path: str):
    ctx.require_admin()
    return Raw(ctx.instance.plugins.read_file(plugin_id, path))


@routes.route("POST", "/plugins/{plugin_id}/contents/{path:path}")
def put_plugin_file(ctx: RequestContext, plugin_id: str, path: str):
    ctx.require_admin()
    ctx.instance.plugins.write_file(plugin_id, path, ctx.body, ctx.login)


# --- emulator extension: git of development plugins ----------------------------------------------------------
@routes.route("GET", "/plugins/{plugin_id}/git/status")
def get_plugin_git_status(ctx: RequestContext, plugin_id: str):
    ctx.require_admin()
    return ctx.instance.plugin_git.status(plugin_id)


@routes.route("GET", "/plugins/{plugin_id}/git/remotes/{name}")
def get_plugin_remote(ctx: RequestContext, plugin_id: str, name: str):
    ctx.require_admin()
    return ctx.instance.plugin_git.get_remote(plugin_id, name)


@routes.route("POST", "/plugins/{plugin_id}/git/remotes/{name}")
def set_plugin_remote(ctx: RequestContext, plugin_id: str, name: str):
    ctx.require_admin()
    return ctx.instance.plugin_git.set_remote(plugin_id, name, ctx.json_object().get("url"))


@routes.route("DELETE", "/plugins/{plugin_id}/git/remotes/{name}")
def remove_plugin_remote(ctx: RequestContext, plugin_id: str, name: str):
    ctx.require_admin()
    return ctx.instance.plugin_git.remove_remote(plugin_id, name)


@routes.route("POST", "/plugins/{plugin_id}/git/actions/push")
def push_plugin(ctx: RequestContext, plugin_id: str):
    ctx.require_admin()
    return ctx.instance.plugin_git.push(plugin_id, ctx.arg("branchName"), ctx.login)
