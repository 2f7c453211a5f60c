"""The connections a node offers. Activating a bundle checks that every connection its datasets need exists."""
from __future__ import annotations

import re
import threading
from pathlib import Path

from ..core.exceptions import AlreadyExists, InvalidArgument, NotFound
from ..core.storage import read_json, write_json

DEFAULT_CONNECTIONS = {"filesystem_managed": {"name": "filesystem_managed", "type": "Filesystem"}}
CONNECTION_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")


class Connections:
    """Connections of one node, persisted in ``connections.json``; a fresh node has ``filesystem_managed``."""

    def __init__(self, path: Path):
        self._path = path
        self._lock = threading.Lock()
        self._connections: dict[str, dict] = read_json(path, None) or dict(DEFAULT_CONNECTIONS)

    def list(self) -> list[dict]:
        with self._lock:
            return [dict(self._connections[name]) for name in sorted(self._connections)]

    def has(self, name: str) -> bool:
        return name in self._connections

    def add(self, name: object, conn_type: object = "Filesystem") -> dict:
        """Add a connection (fault injection: give a node back a connection)."""
        if not isinstance(name, str) or not CONNECTION_NAME_RE.match(name):
            raise InvalidArgument(f"Invalid connection name: {name!r}",
                                  f"name must use letters, digits, '_', '-' and '.', got {name!r}")
        if not isinstance(conn_type, str) or not conn_type:
            raise InvalidArgument(f"Invalid connection type: {conn_type!r} (type must be a non-empty string)")
        with self._lock:
            if name in self._connections:
                raise AlreadyExists(f"Connection {name} already exists")
            self._connections[name] = {"name": name, "type": conn_type}
            write_json(self._path, self._connections)
            return dict(self._connections[name])

    def remove(self, name: str) -> None:
        """Remove a connection (fault injection: make bundle activation fail on this node)."""
        with self._lock:
            if name not in self._connections:
                raise NotFound(f"Connection not found: {name}", f"This node has no connection named {name!r}")
            del self._connections[name]
            write_json(self._path, self._connections)
