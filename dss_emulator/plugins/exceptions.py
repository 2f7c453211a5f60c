"""Errors of the plugins area: each class carries its DSS-shaped message."""
from __future__ import annotations

from ..core.exceptions import AlreadyExists, InvalidInput, NotFound


class PluginNotFound(NotFound):
    def __init__(self, plugin_id: str):
        super().__init__(f"Plugin not found: {plugin_id}", f"No plugin {plugin_id} is installed on this node")


class PluginAlreadyExists(AlreadyExists):
    def __init__(self, plugin_id: str):
        super().__init__(f"Plugin {plugin_id} already exists")


class NotADevPlugin(InvalidInput):
    def __init__(self, plugin_id: str):
        super().__init__(f"Plugin {plugin_id} is not a development plugin",
                         f"plugin {plugin_id} is installed, only development plugins can be edited")


class InvalidPluginFilePath(InvalidInput):
    def __init__(self, rel: str):
        super().__init__(f"Invalid plugin file path: {rel[:300]!r}",
                         "a path relative to the plugin root, without '..', outside .git, with names of at most "
                         "255 bytes, is needed")


class PluginFileNotFound(NotFound):
    def __init__(self, plugin_id: str, rel: str):
        super().__init__(f"Plugin file not found: {plugin_id}/{rel}", f"plugin {plugin_id} has no file {rel}")


class PluginFileExists(AlreadyExists):
    """The path a folder, a move or a rename needs is taken (by a file, or by anything for a move)."""

    def __init__(self, plugin_id: str, rel: str):
        super().__init__(f"Plugin file already exists: {plugin_id}/{rel}",
                         f"plugin {plugin_id} already has a file or folder at {rel}")


class PluginJsonRequired(InvalidInput):
    """``plugin.json`` is the plugin itself: it is edited, never deleted or moved."""

    def __init__(self, plugin_id: str, action: str):
        super().__init__(f"Invalid plugin file path: plugin.json cannot be {action}",
                         f"plugin {plugin_id} needs its plugin.json at its root; edit it instead")
