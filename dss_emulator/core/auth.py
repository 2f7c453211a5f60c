"""API keys: how the client sends them, and what each key may do."""
from __future__ import annotations

import base64
import secrets
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .exceptions import Forbidden, InvalidArgument, Unauthenticated
from .storage import read_json, write_json

ACCESS_LEVELS = ("read", "write", "admin")


@dataclass
class ApiKey:
    """A key is either admin (everything) or scoped to projects with an access level each."""

    key: str
    label: str = ""
    admin: bool = False
    projects: dict[str, str] = field(default_factory=dict)

    def can(self, project_key: str, access: str) -> bool:
        if self.admin:
            return True
        granted = self.projects.get(project_key)
        return granted is not None and ACCESS_LEVELS.index(granted) >= ACCESS_LEVELS.index(access)

    def public_dict(self) -> dict:
        """The key's description without its secret."""
        data = asdict(self)
        data["key"] = self.key[:4] + "…"
        return data


def key_from_headers(headers) -> str | None:
    """Extract the API key the way DSS accepts it: Basic ``key:`` or ``:key``, Bearer, or the API ticket header."""
    ticket = headers.get("x-dku-apiticket")
    if ticket:
        return ticket
    auth = headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    if scheme.lower() == "basic" and value:
        try:
            user, _, password = base64.b64decode(value.strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        return user or password or None  # the client's key:"" form, or the documented "":key (EV-T03)
    return None


class KeyStore:
    """The instance's API keys, persisted in ``keys.json``; the configured admin key always works."""

    def __init__(self, path: Path, admin_key: str):
        self._path = path
        self._lock = threading.Lock()
        self._admin = ApiKey(admin_key, "admin key from the emulator configuration", admin=True)
        self._keys = {k: ApiKey(**v) for k, v in (read_json(path, {}) or {}).items()}

    def authenticate(self, key: str | None) -> ApiKey:
        """Return the key's rights, or raise 401 for a missing or unknown key."""
        if not key:
            raise Unauthenticated("No API key provided", "Provide an API key with HTTP Basic (user name or password) "
                                                        "or as a Bearer token")
        if secrets.compare_digest(key, self._admin.key):
            return self._admin
        found = self._keys.get(key)
        if found is None:
            raise Unauthenticated("Invalid API key", "The API key is not known to this DSS instance")
        return found

    def create(self, label: str = "", admin: bool = False, projects: dict[str, str] | None = None,
               key: str | None = None) -> ApiKey:
        """Create a key (random unless given) with the rights asked for."""
        projects = dict(projects or {})
        for project_key, access in projects.items():
            if access not in ACCESS_LEVELS:
                raise InvalidArgument(f"Invalid access level for project {project_key}: {access!r}",
                                      f"projects.{project_key} must be one of {', '.join(ACCESS_LEVELS)}")
        new = ApiKey(key or secrets.token_urlsafe(24), label, admin, projects)
        with self._lock:
            self._keys[new.key] = new
            write_json(self._path, {k: asdict(v) for k, v in self._keys.items()})
        return new

    def list(self) -> list[ApiKey]:
        return list(self._keys.values())


def require(key: ApiKey, project_key: str, access: str = "read") -> None:
    """Raise 403 unless ``key`` has ``access`` on ``project_key``."""
    if not key.can(project_key, access):
        raise Forbidden(f"Access denied to project {project_key}",
                        f"The API key does not have {access} access to project {project_key}")


def require_admin(key: ApiKey) -> None:
    if not key.admin:
        raise Forbidden("Administrator rights required", "This call needs an admin API key")


def authorize(key: ApiKey, access: str, path_params: dict) -> None:
    """Enforce a route's declared access level (see ``routing.ACCESS_LEVELS``)."""
    if access == "global-admin":
        require_admin(key)
    elif access in ("read", "write", "admin"):
        require(key, path_params["pk"], access)
    # "any-key": authenticated is enough; "object-*": the handler checks once it has found the object
