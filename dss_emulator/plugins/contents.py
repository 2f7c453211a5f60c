"""Files of a plugin, as Dataiku's plugin editor and IDE integrations see them (EV-L05).

A contents-tree item is ``{name, path, mimeType, size, children, hasData, readOnly, lastModified}``. The field names
are sourced; their values are the emulator's: ``mimeType`` guessed from the name (``inode/directory`` for a
folder), ``size`` in bytes (0 for a folder), ``children`` empty for a file, ``hasData`` true for a file,
``readOnly`` true on an installed plugin, ``lastModified`` in epoch milliseconds (EV-P03's form).

Only development plugins are edited; every edit of a file is a commit in the plugin's repository (EV-L04). An empty
folder is on disk only, as git does not track folders.
"""
from __future__ import annotations

import json
import mimetypes
import shutil
from pathlib import Path

from ..core.exceptions import invalid
from ..core.gitcmd import git
from ..projects.models import write_file
from .exceptions import PluginFileExists, PluginFileNotFound, PluginJsonRequired
from .models import Plugin, PluginsBackend

FOLDER_MIME_TYPE = "inode/directory"
FILE_MIME_TYPE = "application/octet-stream"  # a name with no known type
MIME_TYPES = mimetypes.MimeTypes()  # Python's own table only: the same answer whatever the machine's mime.types


def item(plugin: Plugin, path: Path) -> dict:
    """The contents-tree item of ``path`` (a file or a folder of ``plugin``), a folder with its children."""
    folder = path.is_dir()
    stat = path.stat()
    if folder:
        mime_type, size = FOLDER_MIME_TYPE, 0
        children = [item(plugin, child) for child in sorted(path.iterdir()) if child.name != ".git"]
    else:
        mime_type, size, children = MIME_TYPES.guess_type(path.name)[0] or FILE_MIME_TYPE, stat.st_size, []
    return {"name": path.name, "path": path.relative_to(plugin.path).as_posix(), "mimeType": mime_type,
            "size": size, "children": children, "hasData": not folder, "readOnly": not plugin.is_dev,
            "lastModified": int(stat.st_mtime * 1000)}


def check_plugin_json(plugin_id: str, content: bytes) -> None:
    """A new ``plugin.json`` must stay a JSON object with the plugin's own id."""
    try:
        desc = json.loads(content)
    except ValueError as exc:
        raise invalid(f"Invalid plugin.json: {exc}") from None
    if not isinstance(desc, dict) or desc.get("id") != plugin_id:
        raise invalid(f"Invalid plugin.json: id must stay {plugin_id!r}")


class PluginContents:
    """List, read and edit the files of the plugins of one node."""

    def __init__(self, plugins: PluginsBackend):
        self.plugins = plugins

    def _existing(self, plugin: Plugin, rel: str) -> Path:
        path = self.plugins.inside(plugin.path, rel)
        if not path.exists():
            raise PluginFileNotFound(plugin.id, rel)
        return path

    @staticmethod
    def _check_folders(plugin: Plugin, path: Path) -> None:
        """Refuse ``path`` when one of its folders inside the plugin is a file."""
        for folder in path.parents:
            if folder == plugin.path:
                return
            if folder.exists() and not folder.is_dir():
                raise PluginFileExists(plugin.id, folder.relative_to(plugin.path).as_posix())

    def _commit(self, plugin: Plugin, message: str, author: str) -> None:
        git(plugin.path, "add", "-A", author=author)
        if not git(plugin.path, "diff", "--cached", "--quiet", check=False).ok:
            git(plugin.path, "commit", "-q", "-m", message, author=author)

    def tree(self, plugin_id: str) -> list[dict]:
        """``list_files()``: the items of the plugin's root folder, folders with their children."""
        plugin = self.plugins.get(plugin_id)
        return item(plugin, plugin.path)["children"]

    def details(self, plugin_id: str, rel: str) -> dict:
        """The item of one file or folder."""
        plugin = self.plugins.get(plugin_id)
        return item(plugin, self._existing(plugin, rel))

    def read_file(self, plugin_id: str, rel: str) -> bytes:
        plugin = self.plugins.get(plugin_id)
        path = self.plugins.inside(plugin.path, rel)
        if not path.is_file():
            raise PluginFileNotFound(plugin_id, rel)
        return path.read_bytes()

    def write_file(self, plugin_id: str, rel: str, content: bytes, author: str = "admin") -> None:
        """``put_file`` on a development plugin: the file is written and committed in the plugin's repository."""
        plugin = self.plugins.get_dev(plugin_id)
        path = self.plugins.inside(plugin.path, rel)
        if path == plugin.path / "plugin.json":
            check_plugin_json(plugin_id, content)
        with self.plugins.lock(plugin_id):
            if path.is_dir():
                raise invalid(f"Invalid plugin file path: {rel!r} is a directory")
            self._check_folders(plugin, path)
            write_file(path, content)
            self._commit(plugin, f"Edited {rel} in plugin {plugin_id}", author)

    def delete(self, plugin_id: str, rel: str, author: str = "admin") -> None:
        """Delete a file or a whole folder, committed; ``plugin.json`` is the plugin itself and stays."""
        plugin = self.plugins.get_dev(plugin_id)
        with self.plugins.lock(plugin_id):
            path = self._existing(plugin, rel)
            if path == plugin.path / "plugin.json":
                raise PluginJsonRequired(plugin_id, "deleted")
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            self._commit(plugin, f"Deleted {rel} in plugin {plugin_id}", author)

    def make_folder(self, plugin_id: str, rel: str) -> None:
        """Create a folder (and its parents); an existing folder is fine, an existing file is refused."""
        plugin = self.plugins.get_dev(plugin_id)
        path = self.plugins.inside(plugin.path, rel)
        with self.plugins.lock(plugin_id):
            if path.exists() and not path.is_dir():
                raise PluginFileExists(plugin_id, rel)
            self._check_folders(plugin, path)
            path.mkdir(parents=True, exist_ok=True)

    def move(self, plugin_id: str, old: object, new: object, author: str = "admin", field: str = "newPath") -> None:
        """Move a file or folder to the free path ``new`` (``rename_file`` / ``move_file``), committed."""
        plugin = self.plugins.get_dev(plugin_id)
        if not isinstance(old, str):
            raise invalid(f"Invalid oldPath: {old!r}", "the path of a file or folder of the plugin is needed")
        if not isinstance(new, str):
            raise invalid(f"Invalid {field}: {new!r}", "a path relative to the plugin root is needed")
        with self.plugins.lock(plugin_id):
            source = self._existing(plugin, old)
            target = self.plugins.inside(plugin.path, new)
            if source == plugin.path / "plugin.json":
                raise PluginJsonRequired(plugin_id, "moved")
            if target.exists() or target.is_symlink():
                raise PluginFileExists(plugin_id, new)
            if source in target.parents:
                raise invalid(f"Invalid {field}: {new!r}", f"a folder cannot move into itself ({old!r})")
            self._check_folders(plugin, target)
            target.parent.mkdir(parents=True, exist_ok=True)
            source.rename(target)
            self._commit(plugin, f"Moved {old} to {new} in plugin {plugin_id}", author)

    def rename(self, plugin_id: str, old: object, new_name: object, author: str = "admin") -> None:
        """Rename a file or folder in its own folder: ``new_name`` is a name, not a path."""
        if not isinstance(new_name, str) or not new_name.strip() or "/" in new_name or "\\" in new_name \
                or new_name in (".", ".."):
            raise invalid(f"Invalid newName: {new_name!r}", "a file or folder name, without '/', is needed")
        if not isinstance(old, str):
            raise invalid(f"Invalid oldPath: {old!r}", "the path of a file or folder of the plugin is needed")
        parent = old.replace("\\", "/").strip("/").rpartition("/")[0]
        self.move(plugin_id, old, f"{parent}/{new_name}" if parent else new_name, author, field="newName")
