"""What exported and imported bundles share: their records live in the project's state (they go when the project
goes), their archives in ``<node>/bundles/<kind>``, and they exist on nodes of one role."""
from __future__ import annotations

import threading
from pathlib import Path

from ..config import InstanceConfig
from ..core.exceptions import BadRequest, NotFound
from ..projects.models import Project
from .common import archive_file, archive_folder


class BundleRecords:
    """Bundle records of the node's projects; subclasses name the ``kind``, the node ``role``, the project
    ``state_key`` and the errors for a node of the other role (``wrong_node``) and an unknown bundle (``not_found``)."""

    kind: str
    role: str
    state_key: str
    wrong_node: type[BadRequest]
    not_found: type[NotFound]

    def __init__(self, config: InstanceConfig, root: Path):
        """``config``: the node's (name and role); ``root``: its data directory."""
        self.config = config
        self.archives = archive_folder(root, self.kind)
        self._lock = threading.RLock()

    def _require_role(self) -> None:
        if self.config.role != self.role:
            raise self.wrong_node(self.config.name)

    def list(self, project: Project) -> list[dict]:
        """The project's bundle records, oldest first."""
        self._require_role()
        return project.read_state(self.state_key, [])

    def get(self, project: Project, bundle_id: str) -> dict:
        for record in self.list(project):
            if record["bundleId"] == bundle_id:
                return record
        raise self.not_found(project.key, bundle_id)

    def _save(self, project: Project, records: list[dict]) -> None:
        project.write_state(self.state_key, records)

    def _archive(self, project: Project, bundle_id: str) -> Path:
        return archive_file(self.archives, project.key, bundle_id)
