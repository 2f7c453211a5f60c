"""Published projects of the Project Deployer: a key, settings, and the bundles (``packages``) published to it."""
from __future__ import annotations

import threading
from pathlib import Path

from ..bundles.archive import BundleArchive
from ..bundles.common import archive_file, archive_folder
from ..core.clock import now_ms
from ..core.exceptions import InvalidValue
from ..core.storage import read_json, write_bytes, write_json
from ..projects.models import PROJECT_KEY_RE
from .exceptions import (
    IdFixed,
    InvalidPublishedKey,
    PackageAlreadyExists,
    PackageNotFound,
    PublishedProjectAlreadyExists,
    PublishedProjectNotFound,
)


def check_published_key(key: object, field: str = "publishedProjectKey") -> str:
    if not isinstance(key, str) or not PROJECT_KEY_RE.match(key):
        raise InvalidPublishedKey(key, field)
    return key


class PublishedProjects:
    """State in ``<node>/deployer/projects/<KEY>.json``; archives in ``<node>/bundles/published/<KEY>``."""

    def __init__(self, root: Path):
        """``root``: the node's data directory."""
        self._dir = root / "deployer" / "projects"
        self._archives = archive_folder(root, "published")
        self._lock = threading.RLock()
        self._dir.mkdir(parents=True, exist_ok=True)
        self._projects: dict[str, dict] = {p.stem: read_json(p) for p in sorted(self._dir.glob("*.json"))}

    def _save(self, project: dict) -> None:
        write_json(self._dir / f"{project['id']}.json", project)

    def keys(self) -> list[str]:
        with self._lock:
            return sorted(self._projects)

    def get(self, key: str) -> dict:
        project = self._projects.get(key)
        if project is None:
            raise PublishedProjectNotFound(key)
        return project

    def exists(self, key: str) -> bool:
        return key in self._projects

    def create(self, key: object, owner: str) -> dict:
        key = check_published_key(key)
        with self._lock:
            if key in self._projects:
                raise PublishedProjectAlreadyExists(key)
            project = {"id": key, "name": key, "owner": owner, "permissions": [], "basicImageInfo": {},
                       "createdOn": now_ms(), "packages": []}
            self._projects[key] = project
            self._save(project)
            return project

    def package(self, key: str, bundle_id: str) -> dict:
        for package in self.get(key)["packages"]:
            if package["id"] == bundle_id:
                return package
        raise PackageNotFound(key, bundle_id)

    def archive_path(self, key: str, bundle_id: str) -> Path:
        self.package(key, bundle_id)
        return archive_file(self._archives, key, bundle_id)

    def add_bundle(self, key: str | None, source: Path | bytes, login: str, design_info: dict) -> dict:
        """Publish a bundle archive to ``key`` (default: the bundle's project key), creating the project if missing."""
        content = source if isinstance(source, bytes) else source.read_bytes()
        archive = BundleArchive(content, "published bundle" if isinstance(source, bytes) else source.name)
        key = check_published_key(key or archive.project_key, "projectKey")
        with self._lock:
            project = self._projects.get(key) or self.create(key, login)
            if any(p["id"] == archive.bundle_id for p in project["packages"]):
                raise PackageAlreadyExists(key, archive.bundle_id)
            manifest = archive.manifest
            package = {"id": archive.bundle_id, "publishedOn": now_ms(), "publishedBy": login,
                       "designNodeInfo": {"projectKey": archive.project_key, "nodeId": manifest.get("designNodeId"),
                                          "url": design_info.get("url")},
                       "exportUserInfo": manifest.get("exportUserInfo")}
            write_bytes(archive_file(self._archives, key, archive.bundle_id), content)
            project["packages"].append(package)
            self._save(project)
            return package

    def delete_bundle(self, key: str, bundle_id: str) -> None:
        with self._lock:
            path = self.archive_path(key, bundle_id)
            project = self.get(key)
            project["packages"] = [p for p in project["packages"] if p["id"] != bundle_id]
            self._save(project)
            path.unlink(missing_ok=True)

    def delete(self, key: str) -> None:
        with self._lock:
            self.get(key)
            del self._projects[key]
            (self._dir / f"{key}.json").unlink(missing_ok=True)
            for path in (self._archives / key).glob("*.zip"):
                path.unlink()

    def settings(self, key: str) -> dict:
        project = self.get(key)
        return {k: project[k] for k in ("id", "name", "owner", "permissions", "basicImageInfo")}

    def save_settings(self, key: str, body: dict) -> None:
        with self._lock:
            project = self.get(key)
            if body.get("id", key) != key:
                raise IdFixed("published project", key, body.get("id"))
            if "permissions" in body and not isinstance(body["permissions"], list):
                raise InvalidValue("permissions", body["permissions"], "permissions must be a list")
            for field in ("name", "owner", "permissions", "basicImageInfo"):
                if field in body:
                    project[field] = body[field]
            self._save(project)
