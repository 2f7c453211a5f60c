"""Installing and updating plugins from zip archives, and plugin code envs (recorded state).

An archive holds ``plugin.json`` at its root (or under one top folder, as GitHub's zips do). Installing checks it
names an ``id`` and a ``version``; updating also checks the id is the plugin's own. A plugin declares a code env with
``code-env/<language>/desc/desc.json`` (Dataiku's plugin layout); creating it records ``{envName, envLang,
deploymentMode, pythonInterpreter, pluginVersion}`` under ``plugins/code-envs/<id>.json``.
"""
from __future__ import annotations

import io
import json
import shutil
import zipfile

from ..core.clock import now_ms
from ..core.exceptions import NotFound, invalid
from ..core.storage import read_json, write_json
from .models import PLUGIN_ID_RE, Plugin, PluginsBackend

VERSION_MAX = 100


def read_archive(content: bytes) -> tuple[dict, dict[str, bytes]]:
    """``(plugin.json, files)`` of a plugin zip; DSS-shaped 400 naming the field when plugin.json is unusable."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = {m.filename: archive.read(m) for m in archive.infolist() if not m.is_dir()}
    except zipfile.BadZipFile:
        raise invalid("Invalid plugin archive: not a zip file") from None
    if "plugin.json" not in members:
        roots = {name.split("/", 1)[0] for name in members}
        if len(roots) == 1 and f"{next(iter(roots))}/plugin.json" in members:
            prefix = f"{next(iter(roots))}/"
            members = {name[len(prefix):]: data for name, data in members.items()}
    if "plugin.json" not in members:
        raise invalid("Invalid plugin archive: plugin.json is missing",
                              "the archive has no plugin.json at its root")
    try:
        desc = json.loads(members["plugin.json"])
    except ValueError as exc:
        raise invalid(f"Invalid plugin.json: {exc}") from None
    if not isinstance(desc, dict):
        raise invalid("Invalid plugin.json: expected a JSON object")
    plugin_id, version = desc.get("id"), desc.get("version")
    if not isinstance(plugin_id, str) or not PLUGIN_ID_RE.match(plugin_id):
        raise invalid(f"Invalid plugin.json id: {plugin_id!r}",
                              f"plugin.json id {plugin_id!r} must use lowercase letters, digits, '-' and '_'")
    if not isinstance(version, str) or not version.strip() or len(version) > VERSION_MAX:
        raise invalid(f"Invalid plugin.json version: {version!r}",
                              f"plugin.json of {plugin_id} needs a non-empty string version, got {version!r}")
    return desc, members


def code_env_language(files: dict[str, bytes]) -> str | None:
    """``python`` or ``R`` when the plugin declares a code env (``code-env/<lang>/desc/desc.json``)."""
    for lang in ("python", "R"):
        if f"code-env/{lang}/desc/desc.json" in files:
            return lang
    return None


class PluginInstaller:
    """Install / update from archives on one node, and the code envs of installed plugins."""

    def __init__(self, plugins: PluginsBackend):
        self.plugins = plugins
        self.code_envs = plugins.root / "code-envs"

    def install(self, content: bytes, login: str) -> dict:
        """A new plugin from ``content``; DSS refuses a plugin that is already installed (update it instead)."""
        desc, files = read_archive(content)
        plugin = self.plugins.install(desc["id"], files, dev=False, author=login)
        return {"pluginId": plugin.id, "version": desc["version"], "needsRestart": False}

    def update(self, plugin_id: str, content: bytes) -> dict:
        """Replace an installed plugin's files by the archive's; the archive must be that plugin."""
        plugin = self.plugins.get(plugin_id)
        if plugin.is_dev:
            raise invalid(f"Plugin {plugin_id} is a development plugin",
                                  f"plugin {plugin_id} is developed on this node; it cannot be updated from a zip")
        desc, files = read_archive(content)
        if desc["id"] != plugin_id:
            raise invalid(f"Invalid plugin.json id: {desc['id']!r}",
                                  f"the archive is plugin {desc['id']!r}, not {plugin_id!r}")
        with self.plugins.lock(plugin_id):
            staging = plugin.path.with_name(f".{plugin_id}.update")
            shutil.rmtree(staging, ignore_errors=True)
            for rel, data in files.items():
                target = self.plugins.inside(staging, rel)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            shutil.rmtree(plugin.path)
            staging.rename(plugin.path)
        return {"pluginId": plugin_id, "version": desc["version"], "needsRestart": False}

    # --- code envs -------------------------------------------------------------------------------------------
    def _declared_language(self, plugin: Plugin) -> str:
        files = {p.relative_to(plugin.path).as_posix(): b"" for p in plugin.path.rglob("desc.json")}
        lang = code_env_language(files)
        if lang is None:
            raise invalid(f"Plugin {plugin.id} has no code env",
                                  f"plugin {plugin.id} declares no code env (code-env/python/desc/desc.json)")
        return lang

    def code_env(self, plugin_id: str) -> dict | None:
        return read_json(self.code_envs / f"{plugin_id}.json", None)

    def create_code_env(self, plugin_id: str, body: dict) -> dict:
        """Record the plugin's code env; the future's result carries ``envName`` (EV-L02)."""
        plugin = self.plugins.get(plugin_id)
        lang = self._declared_language(plugin)
        interpreter = body.get("pythonInterpreter")
        if interpreter is not None and not (isinstance(interpreter, str) and interpreter.startswith("PYTHON")):
            raise invalid(f"Invalid pythonInterpreter: {interpreter!r}",
                                  f"pythonInterpreter must be like PYTHON311, got {interpreter!r}")
        record = {"envName": f"plugin_{plugin_id}_managed", "envLang": lang.upper(),
                  "deploymentMode": body.get("deploymentMode") or "PLUGIN_MANAGED",
                  "pythonInterpreter": interpreter, "conda": bool(body.get("conda")),
                  "pluginVersion": plugin.desc.get("version"), "updatedOn": now_ms()}
        with self.plugins.lock(plugin_id):
            write_json(self.code_envs / f"{plugin_id}.json", record)
        return {"envName": record["envName"], "messages": {"messages": [], "anyMessage": False}}

    def update_code_env(self, plugin_id: str) -> dict:
        """Bring the recorded code env to the installed plugin's version; it must have been created."""
        plugin = self.plugins.get(plugin_id)
        self._declared_language(plugin)
        with self.plugins.lock(plugin_id):
            record = self.code_env(plugin_id)
            if record is None:
                raise NotFound(f"Code env of plugin {plugin_id} not found",
                               f"plugin {plugin_id} has no code env on this node: create it first")
            record.update(pluginVersion=plugin.desc.get("version"), updatedOn=now_ms())
            write_json(self.code_envs / f"{plugin_id}.json", record)
        return {"envName": record["envName"], "messages": {"messages": [], "anyMessage": False}}
