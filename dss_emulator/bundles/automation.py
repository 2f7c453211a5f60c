"""Bundles on an automation node: imported into projects, preloaded, activated into the project's work tree."""
from __future__ import annotations

import json
from pathlib import Path

from ..config import InstanceConfig
from ..core.clock import now_ms
from ..core.messages import info_messages, message
from ..core.storage import write_bytes
from ..plugins.models import PluginsBackend
from ..projects.exceptions import InvalidProjectKey, ProjectAlreadyExists
from ..projects.models import Project, ProjectsBackend
from .archive import BundleArchive, required_connections
from .connections import Connections
from .exceptions import (
    ActiveBundleNotDeletable,
    BadConnectionType,
    BundleActivationError,
    BundleAlreadyImported,
    ConnectionProblems,
    ImportedBundleNotFound,
    InvalidBundleProjectKey,
    InvalidPermissionsPolicy,
    InvalidRemapping,
    InvalidScenariosActive,
    MissingConnection,
    NotAnAutomationNode,
)
from .records import BundleRecords

ACTIVE_STATE = "active-bundle"
PERMISSION_POLICIES = ("NONE", "READ_ONLY", "ALL")
PLUGIN_TYPE_PREFIXES = ("CustomCode_", "CustomPython_", "Custom_")


def connection_remapping(remapping: object) -> dict[str, str]:
    """``{source: target}`` from ``{connections: [{source, target}, ...]}`` (deployment / infra settings shape)."""
    if remapping is None:
        return {}
    entries = remapping.get("connections") if isinstance(remapping, dict) else None
    if entries is None:
        entries = []
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("source"), str) and isinstance(e.get("target"), str) and
            e["source"] and e["target"] for e in entries):
        raise InvalidRemapping(entries)
    return {e["source"]: e["target"] for e in entries}


def _scenario_json(data: dict) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()


class ImportedBundles(BundleRecords):
    """Imported bundles per project (records in project state, archives under ``<node>/bundles/imported``).

    Collaborators: the node's ``config`` (name and role), its ``projects`` (a bundle can create one), the
    ``connections`` and the ``plugins`` activation checks."""

    kind, role, state_key = "imported", "automation", "bundles-imported"
    wrong_node, not_found = NotAnAutomationNode, ImportedBundleNotFound

    def __init__(self, config: InstanceConfig, root: Path, projects: ProjectsBackend, connections: Connections,
                 plugins: PluginsBackend):
        super().__init__(config, root)
        self.projects = projects
        self.connections = connections
        self.plugins = plugins

    def active(self, project: Project) -> dict | None:
        return project.read_state(ACTIVE_STATE)

    def import_bundle(self, project: Project, content: bytes, login: str, source: str) -> dict:
        """Store a bundle archive in ``project``; it stays inactive until activated."""
        self._require_role()
        archive = BundleArchive(content, source)
        with self._lock:
            records = self.list(project)
            if any(r["bundleId"] == archive.bundle_id for r in records):
                raise BundleAlreadyImported(project.key, archive.bundle_id)
            write_bytes(self._archive(project, archive.bundle_id), content)
            record = {"bundleId": archive.bundle_id, "projectKey": project.key,
                      "importState": {"importedOn": now_ms(), "importedBy": login},
                      "exportManifest": archive.manifest}
            self._save(project, records + [record])
            return record

    def create_project(self, content: bytes, login: str, source: str, permissions_policy: str | None) -> Project:
        """Create the bundle's project (key from its manifest) and import the bundle into it, not activated."""
        self._require_role()
        if permissions_policy is not None and permissions_policy not in PERMISSION_POLICIES:
            raise InvalidPermissionsPolicy(permissions_policy, PERMISSION_POLICIES)
        archive = BundleArchive(content, source)
        key = archive.project_key
        try:
            project = self.projects.create(self.projects.check_new_key(key), archive.params(), author=login,
                                           message=f"Created project {key} from bundle {archive.bundle_id}")
        except (InvalidProjectKey, ProjectAlreadyExists) as exc:
            raise InvalidBundleProjectKey(key, archive.bundle_id, self.config.name,
                                          isinstance(exc, ProjectAlreadyExists)) from None
        self.import_bundle(project, content, login, source)
        return project

    def connection_checks(self, archive: BundleArchive, remapping: object) -> list[BundleActivationError]:
        """Activation's connection checks (EV-C01..C05): each connection the bundle's datasets need, remapped
        (``{connections: [{source, target}]}``), must exist here with the type it had on the exporting node.

        Answers the problems found: :class:`MissingConnection` / :class:`BadConnectionType`.
        """
        remap = connection_remapping(remapping)
        exported_types = {c.get("name"): c.get("type") for c in archive.manifest.get("requiredConnections") or []
                          if isinstance(c, dict)}
        problems = []
        for needed in required_connections(archive.datasets(), exported_types.get):
            source, users = needed["name"], ", ".join(needed["usedBy"])
            target = remap.get(source, source)
            kind = self.connections.type_of(target)
            if kind is None:
                problems.append(MissingConnection(target, source, users, archive.bundle_id, self.config.name))
            elif needed.get("type") and kind != needed["type"]:
                problems.append(BadConnectionType(target, source, users, kind, needed["type"], archive.bundle_id,
                                                  self.config.name))
        return problems

    def preload(self, project: Project, bundle_id: str, remapping: object = None) -> dict:
        """Check what activation will need; connection problems are reported as warnings here."""
        self.get(project, bundle_id)
        archive = BundleArchive.from_path(self._archive(project, bundle_id))
        messages = [message("WARNING", problem.code.replace("ERR_BUNDLE_ACTIVATE", "WARN_BUNDLE_PRELOAD"),
                            "Connection problem", problem.text)
                    for problem in self.connection_checks(archive, remapping)]
        return info_messages(messages + self._plugin_warnings(archive.project_files(), bundle_id))

    def _plugin_warnings(self, files: dict[str, bytes], bundle_id: str) -> list[dict]:
        """A WARNING for a bundle whose recipes or datasets have a plugin type no installed plugin provides: DSS's
        pre-activation checks only warn about missing plugins (EV-C04), activation goes on.

        Inferred (no source documents the warning's code or message): a plugin component type is
        ``CustomCode_`` / ``CustomPython_`` / ``Custom_`` + ``<plugin id>-<component>``."""
        installed = [p.id for p in self.plugins.list()]
        missing = []
        for rel in sorted(files):
            folder, _, name = rel.partition("/")
            if folder not in ("recipes", "datasets") or "/" in name or not name.endswith(".json"):
                continue
            try:
                kind = json.loads(files[rel]).get("type") or ""
            except (ValueError, AttributeError):
                continue
            prefix = next((p for p in PLUGIN_TYPE_PREFIXES if kind.startswith(p)), None)
            component = kind[len(prefix):] if prefix else ""
            if prefix and not any(component == p or component.startswith((f"{p}-", f"{p}_")) for p in installed):
                missing.append(f"type {kind} of {folder[:-1]} {name[:-len('.json')]}")
        if not missing:
            return []
        return [message("WARNING", "WARN_BUNDLE_ACTIVATE_MISSING_PLUGIN", "Missing plugin",
                        f"Bundle {bundle_id} uses plugins that are not installed on node {self.config.name}: "
                        + "; ".join(missing))]

    def activate(self, project: Project, bundle_id: str, login: str, scenarios_active: dict | None,
                 remapping: object = None) -> dict:
        """Make ``bundle_id`` the project's content: files committed, dataset data copied, local variables kept."""
        self.get(project, bundle_id)
        if scenarios_active is not None and not isinstance(scenarios_active, dict):
            raise InvalidScenariosActive(scenarios_active)
        archive = BundleArchive.from_path(self._archive(project, bundle_id))
        problems = self.connection_checks(archive, remapping)
        if problems:
            raise ConnectionProblems(problems)
        files = archive.project_files()
        warnings = self._plugin_warnings(files, bundle_id)
        with project.lock, self._lock:
            previous = self.active(project)
            previous_files = set()
            if previous:
                old_path = self._archive(project, previous["bundleId"])
                if old_path.is_file():
                    previous_files = set(BundleArchive.from_path(old_path).project_files())
            for rel in previous_files - set(files):  # files of the old bundle that the new one dropped
                (project.tree / rel).unlink(missing_ok=True)
            for rel, content in files.items():
                write_bytes(project.tree / rel, self._scenario_state(project, rel, content, scenarios_active))
            project.invalidate()
            project.commit(f"Activated bundle {bundle_id}", author=login)
            data = archive.dataset_data()
            for name, content in data.items():
                write_bytes(project.dataset_data_file(name), content)
            state = {"bundleId": bundle_id, "activatedOn": now_ms(), "activatedBy": login}
            project.write_state(ACTIVE_STATE, state)
        messages = [message("SUCCESS", "INFO_BUNDLE_ACTIVATED", "Bundle activated",
                            f"Bundle {bundle_id} is now active in project {project.key}")]
        messages += [message("INFO", "INFO_BUNDLE_DATASET_DATA", "Dataset data loaded",
                             f"Data of dataset {name} was loaded from the bundle") for name in sorted(data)]
        return info_messages(messages + warnings)

    @staticmethod
    def _scenario_state(project: Project, rel: str, content: bytes, overrides: dict | None) -> bytes:
        """A scenario keeps its activation state across activations unless the caller overrides it."""
        if not (rel.startswith("scenarios/") and rel.endswith(".json") and rel.count("/") == 1):
            return content
        scenario_id = rel[len("scenarios/"):-len(".json")]
        current = project.read(rel)
        data = json.loads(content)
        if overrides and scenario_id in overrides:
            wanted = bool(overrides[scenario_id])
        elif current is not None and "active" in current:
            wanted = bool(current["active"])
        else:
            return content
        return content if data.get("active") == wanted else _scenario_json(dict(data, active=wanted))

    def delete(self, project: Project, bundle_id: str) -> None:
        with self._lock:
            self.get(project, bundle_id)
            active = self.active(project)
            if active and active["bundleId"] == bundle_id:
                raise ActiveBundleNotDeletable(project.key, bundle_id)
            self._save(project, [r for r in self.list(project) if r["bundleId"] != bundle_id])
            self._archive(project, bundle_id).unlink(missing_ok=True)
