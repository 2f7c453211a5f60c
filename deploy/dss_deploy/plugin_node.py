"""A plugin on one automation node, through the real DSS API: installed version, install or update from a zip,
its code env, and the record of the content trees whose tests passed there.

Install: ``DSSClient.install_plugin_from_archive`` (new plugin) or ``DSSPlugin.update_from_zip`` (EV-L01..L03).
Code env: ``DSSPlugin.create_code_env`` (then ``settings.set_code_env(envName)``) or ``update_code_env``, both
futures polled against the run's deadline (EV-L02, EV-L07). The record is an instance variable
(``DSSClient.get_global_variables``): ``dataikuGitopsPlugins = {id: {version, contentTree, passedTrees, ...}}``.
"""
from __future__ import annotations

import io
import time

from dataikuapi import DSSClient

from .errors import DeployFailed, DeployTimeout, dss_call
from .plugin_archive import PluginArchive
from .transport import RequestBudget

RECORD_VARIABLE = "dataikuGitopsPlugins"
PASSED_KEPT = 50
POLL_SECONDS = 0.5


def installed_version(client: DSSClient, plugin_id: str, node: str) -> str | None:
    """The version the node reports for the plugin (``list_plugins``), None when it is not installed."""
    with dss_call(f"Listing the plugins of {node}"):
        items = client.list_plugins()
    return next((str(p.get("version")) for p in items if p.get("id") == plugin_id), None)


def install(client: DSSClient, archive: PluginArchive, node: str, present: bool) -> str:
    """Install the archive, or update the plugin from it when the node has it; answer what was done."""
    what = "update" if present else "install"
    with dss_call(f"Plugin {archive.plugin_id} {what} on {node}", DeployFailed):
        if present:
            client.get_plugin(archive.plugin_id).update_from_zip(io.BytesIO(archive.data))
        else:
            client.install_plugin_from_archive(io.BytesIO(archive.data))
    return "updated" if present else "installed"


def _wait(future, what: str, budget: RequestBudget, timeout: int) -> dict:
    """Poll ``future`` until it has a result, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    with budget.until(deadline):
        while True:
            state = future.get_state()
            if state.get("hasResult"):
                return state.get("result") or {}
            if not state.get("alive", True):
                raise DeployFailed(f"{what} ended without a result")
            if time.monotonic() + POLL_SECONDS > deadline:
                raise DeployTimeout(f"{what} did not finish within {timeout} s (--timeout)")
            time.sleep(POLL_SECONDS)


def ensure_code_env(client: DSSClient, plugin_id: str, node: str, budget: RequestBudget, timeout: int) -> str:
    """Update the plugin's code env when its settings name one, else create it and set it; answer its name."""
    plugin = client.get_plugin(plugin_id)
    with dss_call(f"Code env of plugin {plugin_id} on {node}", DeployFailed):
        settings = plugin.get_settings()
        current = settings.get_raw().get("codeEnvName")
        if current:
            _wait(plugin.update_code_env(), f"Updating code env {current} of plugin {plugin_id} on {node}", budget,
                  timeout)
            return f"{current} (updated)"
        result = _wait(plugin.create_code_env(), f"Creating the code env of plugin {plugin_id} on {node}", budget,
                       timeout)
        name = result.get("envName")
        if not name:
            raise DeployFailed(f"Creating the code env of plugin {plugin_id} on {node} answered no envName")
        settings.set_code_env(name)
        settings.save()
        return f"{name} (created)"


def read_record(client: DSSClient, plugin_id: str, node: str) -> dict:
    """What earlier runs recorded for the plugin on this node (``{}`` when nothing)."""
    with dss_call(f"Reading the instance variables of {node}"):
        variables = client.get_global_variables()
    record = (variables.get(RECORD_VARIABLE) or {}).get(plugin_id)
    return record if isinstance(record, dict) else {}


def record_passed(client: DSSClient, archive: PluginArchive, commit: str, node: str) -> None:
    """Record that ``archive``'s content passed its tests on this node (the installed, released content)."""
    with dss_call(f"Recording the passed plugin on {node}"):
        variables = client.get_global_variables()
        records = variables.get(RECORD_VARIABLE)
        records = records if isinstance(records, dict) else {}
        old = records.get(archive.plugin_id) if isinstance(records.get(archive.plugin_id), dict) else {}
        passed = [t for t in old.get("passedTrees", []) if t != archive.content_tree][-(PASSED_KEPT - 1):]
        records[archive.plugin_id] = {"version": archive.version, "contentTree": archive.content_tree,
                                      "commit": commit, "passedOn": int(time.time() * 1000),
                                      "passedTrees": passed + [archive.content_tree]}
        variables[RECORD_VARIABLE] = records
        variables.save()
