"""Plugins of a node: ``plugins/installed/<id>`` and development plugins ``plugins/dev/<id>``, each a git repository.

A plugin directory holds ``plugin.json`` (``{id, version, meta: {label, description, author, tags, ...}}``) and its
components (``python-lib/``, ``python-connectors/`` ...). Settings live outside the plugin, in
``plugins/settings/<id>.json`` (``{"instance": {...}, "projects": {KEY: {...}}}``).
"""
from __future__ import annotations

import io
import re
import shutil
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..core.exceptions import invalid
from ..core.gitcmd import git
from ..core.storage import read_json, write_json
from ..projects import recovery
from ..projects.models import write_file
from .exceptions import InvalidPluginFilePath, NotADevPlugin, PluginAlreadyExists, PluginNotFound

PLUGIN_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")


def default_settings() -> dict:
    """Instance-level settings of a plugin that nobody configured yet."""
    return {"config": {}, "codeEnvName": None, "presets": [], "parameterSets": [],
            "accessibleParameterSetDescs": [], "permissions": [], "defaultPermission": {"admin": False}}


@dataclass(frozen=True)
class Plugin:
    id: str
    path: Path
    is_dev: bool

    @property
    def desc(self) -> dict:
        return read_json(self.path / "plugin.json", {}) or {}

    def list_item(self) -> dict:
        """What ``client.list_plugins()`` answers for this plugin."""
        desc = self.desc
        meta = desc.get("meta") or {}
        return {"id": self.id, "version": desc.get("version", "0.0.0"), "isDev": self.is_dev,
                "meta": {"label": meta.get("label", self.id), "description": meta.get("description", ""),
                         "author": meta.get("author", ""), "tags": list(meta.get("tags", [])),
                         "icon": meta.get("icon", "icon-puzzle-piece")}}


class PluginsBackend:
    """Installed and development plugins; development plugins are committed git repositories."""

    def __init__(self, root: Path):
        """``root``: the instance's data directory (plugins live in its ``plugins`` folder)."""
        self.root = root / "plugins"
        self._building = self.root / ".building"  # plugins are built here, then renamed into place
        shutil.rmtree(self._building, ignore_errors=True)  # what a crash during an install left
        self._lock = threading.Lock()
        self._locks: dict[str, threading.RLock] = {}

    # --- lookup ----------------------------------------------------------------------------------------------
    def _dir(self, plugin_id: str, dev: bool) -> Path:
        return self.root / ("dev" if dev else "installed") / plugin_id

    def list(self) -> list[Plugin]:
        found = []
        for dev in (False, True):
            folder = self._dir("", dev)
            if folder.is_dir():
                found.extend(Plugin(p.name, p, dev) for p in folder.iterdir() if (p / "plugin.json").is_file())
        return sorted(found, key=lambda p: p.id)

    def get(self, plugin_id: str) -> Plugin:
        for dev in (True, False):
            path = self._dir(plugin_id, dev)
            if PLUGIN_ID_RE.match(plugin_id) and (path / "plugin.json").is_file():
                return Plugin(plugin_id, path, dev)
        raise PluginNotFound(plugin_id)

    def get_dev(self, plugin_id: str) -> Plugin:
        plugin = self.get(plugin_id)
        if not plugin.is_dev:
            raise NotADevPlugin(plugin_id)
        return plugin

    def lock(self, plugin_id: str) -> threading.RLock:
        with self._lock:
            return self._locks.setdefault(plugin_id, threading.RLock())

    # --- creation --------------------------------------------------------------------------------------------
    def install(self, plugin_id: str, files: dict[str, str | bytes | dict], dev: bool = False,
                author: str = "admin") -> Plugin:
        """Create a plugin from ``files`` (``plugin.json`` included); a dev plugin is a committed git repo.

        Built aside and renamed into place once complete: a crash never leaves a half-installed plugin."""
        if not isinstance(plugin_id, str) or not PLUGIN_ID_RE.match(plugin_id):
            raise invalid(f"Invalid plugin id: {plugin_id!r}",
                          "a plugin id uses lowercase letters, digits, '-' and '_'")
        if "plugin.json" not in files:
            raise invalid(f"Invalid plugin {plugin_id}: plugin.json is missing")
        with self.lock(plugin_id):
            if any((self._dir(plugin_id, d) / "plugin.json").is_file() for d in (True, False)):
                raise PluginAlreadyExists(plugin_id)
            path = self._dir(plugin_id, dev)
            building = recovery.aside(self._building, "", plugin_id)
            try:
                building.mkdir(parents=True)
                for rel, content in files.items():
                    write_file(self.inside(building, rel), content)
                if dev:
                    git(building, "init", "-q", "--template=", "-b", "master")
                    git(building, "add", "-A", author=author)
                    git(building, "commit", "-q", "-m", f"Created plugin {plugin_id}", author=author)
                shutil.rmtree(path, ignore_errors=True)
                path.parent.mkdir(parents=True, exist_ok=True)
                building.rename(path)
            finally:
                shutil.rmtree(building, ignore_errors=True)
            return Plugin(plugin_id, path, dev)

    # --- settings --------------------------------------------------------------------------------------------
    def _settings_path(self, plugin_id: str) -> Path:
        return self.root / "settings" / f"{plugin_id}.json"

    def settings(self, plugin_id: str, project_key: str | None = None) -> dict:
        """Instance-level settings, or the project-level ones of ``project_key``."""
        self.get(plugin_id)
        stored = read_json(self._settings_path(plugin_id), {}) or {}
        if project_key:
            return stored.get("projects", {}).get(project_key) or {"presets": [], "accessibleParameterSetDescs": [],
                                                                   "parameterSets": []}
        return stored.get("instance") or default_settings()

    def save_settings(self, plugin_id: str, body: dict, project_key: str | None = None) -> None:
        self.get(plugin_id)
        for key in ("presets", "parameterSets", "accessibleParameterSetDescs", "permissions"):
            if key in body and not isinstance(body[key], list):
                raise invalid(f"Invalid plugin settings {key}: expected a list, got {body[key]!r}")
        with self.lock(plugin_id):
            stored = read_json(self._settings_path(plugin_id), {}) or {}
            if project_key:
                stored.setdefault("projects", {})[project_key] = body
            else:
                stored["instance"] = body
            write_json(self._settings_path(plugin_id), stored)

    # --- files -----------------------------------------------------------------------------------------------
    @staticmethod
    def inside(root: Path, rel: str) -> Path:
        """``root / rel``, refusing paths that leave the plugin or touch its ``.git``."""
        parts = [p for p in rel.replace("\\", "/").split("/") if p not in ("", ".")]
        if not parts or ".." in parts or parts[0] == ".git" or "\0" in rel or \
                any(len(part.encode()) > 255 for part in parts):
            raise InvalidPluginFilePath(rel)
        return root.joinpath(*parts)

    def archive(self, plugin_id: str) -> bytes:
        """The plugin as a zip (what ``download_plugin_stream`` returns), without its git metadata."""
        plugin = self.get(plugin_id)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(plugin.path.rglob("*")):
                rel = path.relative_to(plugin.path)
                if path.is_file() and rel.parts[0] != ".git":
                    archive.write(path, rel.as_posix())
        return buffer.getvalue()
