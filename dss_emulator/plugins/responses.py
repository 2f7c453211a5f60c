"""Plugin routes: list, install / update from zip, code envs, settings, download, dev-plugin contents, and the
dev-plugin git extension.

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
from ..core.evidence import client, extension, sample
from ..core.routing import Raw, RouteTable

routes = RouteTable()
PLUGIN_GIT = extension("development plugins are git repositories (docs: plugins/reference/git-editor) but DSS "
                       "has no public API for their git; these routes mirror the project git routes", "EV-L04")


@routes.route("GET", "/plugins", access="any-key",
              evidence=client("dssclient.py", "DSSClient.list_plugins", "EV-L05", "EV-T04"))
def list_plugins(ctx: RequestContext):
    return [plugin.list_item() for plugin in ctx.instance.plugins.list()]


INSTALL_ANSWER = "the answer's fields (the client ignores it; pluginId / version are the emulator's)"


@routes.route("POST", "/plugins/actions/installFromZip", access="global-admin",
              evidence=client("dssclient.py", "DSSClient.install_plugin_from_archive", "EV-L01", "EV-L02",
                              unverified=INSTALL_ANSWER + "; refusing an already installed plugin is inferred"))
def install_plugin_from_zip(ctx: RequestContext):
    return ctx.instance.plugin_installer.install(ctx.file().content, ctx.login)


@routes.route("POST", "/plugins/actions/future/installFromZip", access="global-admin",
              evidence=client("dssclient.py", "DSSClient.start_install_plugin_from_archive", "EV-L03",
                              unverified=INSTALL_ANSWER))
def start_install_plugin_from_zip(ctx: RequestContext):
    content, login = ctx.file().content, ctx.login
    return ctx.instance.futures.start(lambda f: ctx.instance.plugin_installer.install(content, login),
                                      {"type": "PLUGIN_INSTALL"}).state()


@routes.route("POST", "/plugins/{plugin_id}/actions/updateFromZip", access="global-admin",
              evidence=client("dss/plugin.py", "DSSPlugin.update_from_zip", "EV-L01", "EV-L03",
                              unverified=INSTALL_ANSWER))
def update_plugin_from_zip(ctx: RequestContext, plugin_id: str):
    return ctx.instance.plugin_installer.update(plugin_id, ctx.file().content)


@routes.route("POST", "/plugins/{plugin_id}/actions/future/updateFromZip", access="global-admin",
              evidence=client("dss/plugin.py", "DSSPlugin.start_update_from_zip", "EV-L03",
                              unverified=INSTALL_ANSWER))
def start_update_plugin_from_zip(ctx: RequestContext, plugin_id: str):
    content = ctx.file().content
    return ctx.instance.futures.start(lambda f: ctx.instance.plugin_installer.update(plugin_id, content),
                                      {"type": "PLUGIN_UPDATE", "pluginId": plugin_id}).state()


@routes.route("POST", "/plugins/{plugin_id}/code-env/actions/create", access="global-admin",
              evidence=client("dss/plugin.py", "DSSPlugin.create_code_env", "EV-L02", "EV-L07",
                              unverified="the env name plugin_<id>_managed and the recorded fields"))
def create_plugin_code_env(ctx: RequestContext, plugin_id: str):
    body = ctx.json_object()
    ctx.instance.plugins.get(plugin_id)  # 404 before a future is started
    return ctx.instance.futures.start(lambda f: ctx.instance.plugin_installer.create_code_env(plugin_id, body),
                                      {"type": "PLUGIN_CODE_ENV_CREATE", "pluginId": plugin_id}).state()


@routes.route("POST", "/plugins/{plugin_id}/code-env/actions/update", access="global-admin",
              evidence=client("dss/plugin.py", "DSSPlugin.update_code_env", "EV-L02",
                              unverified="the answer's fields and the recorded state"))
def update_plugin_code_env(ctx: RequestContext, plugin_id: str):
    ctx.instance.plugins.get(plugin_id)
    return ctx.instance.futures.start(lambda f: ctx.instance.plugin_installer.update_code_env(plugin_id),
                                      {"type": "PLUGIN_CODE_ENV_UPDATE", "pluginId": plugin_id}).state()


@routes.route("GET", "/plugins/{plugin_id}/settings", access="global-admin",
              evidence=client("dss/plugin.py", "DSSPlugin.get_settings", "EV-F02", "EV-L02"))
def get_plugin_settings(ctx: RequestContext, plugin_id: str):
    return ctx.instance.plugins.settings(plugin_id, ctx.arg("projectKey"))


@routes.route("POST", "/plugins/{plugin_id}/settings", access="global-admin",
              evidence=client("dss/plugin.py", "DSSPluginSettingsBase.save", "EV-L02"))
def save_plugin_settings(ctx: RequestContext, plugin_id: str):
    ctx.instance.plugins.save_settings(plugin_id, ctx.json_object(), ctx.arg("projectKey"))


@routes.route("GET", "/plugins/{plugin_id}/download", access="global-admin",
              evidence=client("dssclient.py", "DSSClient.download_plugin_stream", "EV-L01"))
def download_plugin(ctx: RequestContext, plugin_id: str):
    return Raw(ctx.instance.plugins.archive(plugin_id), "application/zip")


TREE_VALUES = ("the values (the field names are sourced): mimeType guessed from the name, inode/directory for a "
               "folder; size 0 for a folder; children [] for a file; hasData true for a file; readOnly true on an "
               "installed plugin; lastModified in epoch ms")
IDE_PLUGIN_API = ("Dataiku's IDE integrations: dss-integration-vscode src/api/plugin.ts L34-80, "
                  "dss-integration-pycharm DSSClient.java L141-167")


@routes.route("GET", "/plugins/{plugin_id}/contents", access="global-admin",
              evidence=client("dss/plugin.py", "DSSPlugin.list_files", "EV-L05", unverified=TREE_VALUES))
def list_plugin_files(ctx: RequestContext, plugin_id: str):
    return ctx.instance.plugin_contents.tree(plugin_id)


@routes.route("GET", "/plugins/{plugin_id}/contents/{path:path}", access="global-admin",
              evidence=client("dss/plugin.py", "DSSPlugin.get_file", "EV-L05"))
def get_plugin_file(ctx: RequestContext, plugin_id: str, path: str):
    return Raw(ctx.instance.plugin_contents.read_file(plugin_id, path))


@routes.route("POST", "/plugins/{plugin_id}/contents/{path:path}", access="global-admin",
              evidence=client("dss/plugin.py", "DSSPlugin.put_file", "EV-L04", "EV-L05"))
def put_plugin_file(ctx: RequestContext, plugin_id: str, path: str):
    ctx.instance.plugin_contents.write_file(plugin_id, path, ctx.body, ctx.login)


@routes.route("DELETE", "/plugins/{plugin_id}/contents/{path:path}", access="global-admin",
              evidence=sample(IDE_PLUGIN_API, "EV-L04", "EV-L05",
                              unverified="refusing to delete plugin.json is inferred; the answer is empty"))
def delete_plugin_file(ctx: RequestContext, plugin_id: str, path: str):
    ctx.instance.plugin_contents.delete(plugin_id, path, ctx.login)


@routes.route("POST", "/plugins/{plugin_id}/folders/{path:path}", access="global-admin",
              evidence=sample(IDE_PLUGIN_API, "EV-L05",
                              unverified="an existing folder is accepted (inferred); the answer is empty"))
def create_plugin_folder(ctx: RequestContext, plugin_id: str, path: str):
    ctx.instance.plugin_contents.make_folder(plugin_id, path)


@routes.route("GET", "/plugins/{plugin_id}/details/{path:path}", access="global-admin",
              evidence=sample(IDE_PLUGIN_API, "EV-L05", unverified=TREE_VALUES))
def get_plugin_file_details(ctx: RequestContext, plugin_id: str, path: str):
    return ctx.instance.plugin_contents.details(plugin_id, path)


@routes.route("POST", "/plugins/{plugin_id}/contents-actions/rename", access="global-admin",
              evidence=client("dss/plugin.py", "DSSPlugin.rename_file", "EV-L04", "EV-L05",
                              unverified="refusing a taken name is inferred"))
def rename_plugin_file(ctx: RequestContext, plugin_id: str):
    body = ctx.json_object()
    ctx.instance.plugin_contents.rename(plugin_id, body.get("oldPath"), body.get("newName"), ctx.login)


@routes.route("POST", "/plugins/{plugin_id}/contents-actions/move", access="global-admin",
              evidence=client("dss/plugin.py", "DSSPlugin.move_file", "EV-L04",
                              unverified="refusing a taken path is inferred; EV-L05 does not list this route"))
def move_plugin_file(ctx: RequestContext, plugin_id: str):
    body = ctx.json_object()
    ctx.instance.plugin_contents.move(plugin_id, body.get("oldPath"), body.get("newPath"), ctx.login)


# --- emulator extension: git of development plugins ----------------------------------------------------------
@routes.route("GET", "/plugins/{plugin_id}/git/status", access="global-admin",
              evidence=PLUGIN_GIT)
def get_plugin_git_status(ctx: RequestContext, plugin_id: str):
    return ctx.instance.plugin_git.status(plugin_id)


@routes.route("GET", "/plugins/{plugin_id}/git/remotes/{name}", access="global-admin",
              evidence=PLUGIN_GIT)
def get_plugin_remote(ctx: RequestContext, plugin_id: str, name: str):
    return ctx.instance.plugin_git.get_remote(plugin_id, name)


@routes.route("POST", "/plugins/{plugin_id}/git/remotes/{name}", access="global-admin",
              evidence=PLUGIN_GIT)
def set_plugin_remote(ctx: RequestContext, plugin_id: str, name: str):
    return ctx.instance.plugin_git.set_remote(plugin_id, name, ctx.json_object().get("url"))


@routes.route("DELETE", "/plugins/{plugin_id}/git/remotes/{name}", access="global-admin",
              evidence=PLUGIN_GIT)
def remove_plugin_remote(ctx: RequestContext, plugin_id: str, name: str):
    return ctx.instance.plugin_git.remove_remote(plugin_id, name)


@routes.route("POST", "/plugins/{plugin_id}/git/actions/push", access="global-admin",
              evidence=PLUGIN_GIT)
def push_plugin(ctx: RequestContext, plugin_id: str):
    return ctx.instance.plugin_git.push(plugin_id, ctx.arg("branchName"), ctx.login)
