"""The connections a node offers (``/admin/connections``, EV-D06). Activating a bundle checks the connections its
datasets need, by name and type, after remapping (EV-C01..C05).

Uploaded-files datasets without ``params.uploadConnection`` live in the built-in ``uploads`` folder of the data
directory, which is not a connection and exists on every node (EV-D01..D03); the UI's label for it,
"Default (in DSS data dir.)" (EV-D04, unverified), in ``uploadConnection`` means the same.
"""
from __future__ import annotations

import threading
from pathlib import Path

from ..core.exceptions import InvalidValue
from ..core.storage import read_json, write_json
from .exceptions import ConnectionAlreadyExists, ConnectionFieldFixed, ConnectionNotFound, InvalidConnectionName

DEFAULT_UPLOAD_LOCATION = "Default (in DSS data dir.)"
USABLE_BY = ("ALL", "ALLOWED")
MAX_NAME = 200


def _definition(name: str, conn_type: str, params: dict | None = None, usable_by: str = "ALL",
                allowed_groups: list | None = None, description: str | None = None) -> dict:
    """A connection as ``GET /admin/connections`` lists it (fields of EV-D06)."""
    found = {"name": name, "type": conn_type, "params": dict(params or {}), "usableBy": usable_by,
             "allowedGroups": list(allowed_groups or []), "allowManagedDatasets": True, "allowManagedFolders": True,
             "allowWrite": True}
    if description:
        found["description"] = description
    return found


DEFAULT_CONNECTIONS = {"filesystem_managed": _definition("filesystem_managed", "Filesystem",
                                                         {"root": "${dip.home}/managed_datasets"})}


def check_name(name: object) -> str:
    """A connection name: any characters but ``/``, ``\\`` and control characters, spaces included (inferred)."""
    valid = isinstance(name, str) and name.strip() == name and 0 < len(name) <= MAX_NAME and \
        not any(c in "/\\" or ord(c) < 32 for c in name)
    if not valid:
        raise InvalidConnectionName(name, MAX_NAME)
    return name


def dataset_connection(dataset: dict) -> str | None:
    """The connection a dataset needs: ``params.connection``, or an uploaded dataset's ``params.uploadConnection``
    unless it is the built-in upload location (absent, or its UI label)."""
    params = dataset.get("params") or {}
    if params.get("connection"):
        return params["connection"]
    upload = params.get("uploadConnection")
    return upload if upload and upload != DEFAULT_UPLOAD_LOCATION else None


class Connections:
    """Connections of one node, persisted in ``connections.json``; a fresh node has ``filesystem_managed``."""

    def __init__(self, path: Path):
        self._path = path
        self._lock = threading.Lock()
        stored = read_json(path, None) or DEFAULT_CONNECTIONS
        self._connections: dict[str, dict] = {n: _definition(n, c["type"], c.get("params"), c.get("usableBy", "ALL"),
                                                             c.get("allowedGroups"), c.get("description"))
                                              for n, c in stored.items()}

    def list(self) -> list[dict]:
        with self._lock:
            return [dict(self._connections[name]) for name in sorted(self._connections)]

    def has(self, name: str) -> bool:
        return name in self._connections

    def type_of(self, name: str) -> str | None:
        found = self._connections.get(name)
        return found["type"] if found else None

    def get(self, name: str) -> dict:
        with self._lock:
            return dict(self._require(name))

    def add(self, name: object, conn_type: object = "Filesystem", params: object = None, usable_by: object = "ALL",
            allowed_groups: object = None, description: object = None) -> dict:
        """Create a connection (``POST /admin/connections``, or the control API)."""
        check_name(name)
        if not isinstance(conn_type, str) or not conn_type:
            raise InvalidValue("connection type", conn_type, "type must be a non-empty string")
        self._check_fields(params, usable_by, allowed_groups)
        with self._lock:
            if name in self._connections:
                raise ConnectionAlreadyExists(name)
            self._connections[name] = _definition(name, conn_type, params, usable_by, allowed_groups,
                                                  description if isinstance(description, str) else None)
            self._write()
            return dict(self._connections[name])

    def save(self, name: str, body: dict) -> None:
        """Save edited settings (``PUT /admin/connections/{name}``); name and type stay as they are."""
        with self._lock:
            current = self._require(name)
            for field in ("name", "type"):
                if body.get(field, current[field]) != current[field]:
                    raise ConnectionFieldFixed(name, field, current[field], body[field])
            updated = dict(current, **{k: v for k, v in body.items() if k in current or k == "description"})
            self._check_fields(updated["params"], updated["usableBy"], updated["allowedGroups"])
            self._connections[name] = updated
            self._write()

    def remove(self, name: str) -> None:
        """Delete a connection (``DELETE /admin/connections/{name}``, or the control API)."""
        with self._lock:
            self._require(name)
            del self._connections[name]
            self._write()

    def _require(self, name: str) -> dict:
        found = self._connections.get(name)
        if found is None:
            raise ConnectionNotFound(name)
        return found

    def _write(self) -> None:
        write_json(self._path, self._connections)

    @staticmethod
    def _check_fields(params: object, usable_by: object, allowed_groups: object) -> None:
        if params is not None and not isinstance(params, dict):
            raise InvalidValue("connection params", params, "params must be an object")
        if usable_by not in USABLE_BY:
            raise InvalidValue("usableBy", usable_by, f"expected one of {', '.join(USABLE_BY)}")
        if allowed_groups is not None and not isinstance(allowed_groups, list):
            raise InvalidValue("allowedGroups", allowed_groups, "allowedGroups must be a list")
