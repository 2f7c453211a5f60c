"""Project Deployer deployments (a published project's bundle on an infra), their updates and health."""
from __future__ import annotations

import copy
import re
import threading
import time
from pathlib import Path

from ..bundles.archive import BundleArchive
from ..bundles.common import check_bundle_id
from ..config import InstanceConfig
from ..core.clock import now_ms
from ..core.exceptions import DSSError, InvalidValue
from ..core.messages import message
from ..core.storage import read_json, write_json
from ..futures.exceptions import FutureNotFound
from ..futures.models import Future, FuturesBackend
from .exceptions import (
    DeploymentAlreadyExists,
    DeploymentEnabled,
    DeploymentFieldFixed,
    DeploymentNotFound,
    DeploymentTargetTaken,
    DeploymentUpdating,
    DisabledNotUpdated,
    InfraInUse,
    InjectedUpdateFailure,
    InvalidDeploymentId,
    MissingDeploymentField,
    NeverUpdated,
    NotADeployerNode,
    PackageInUse,
    PublishedProjectInUse,
    UpdateAlreadyRunning,
    UpdateNotFound,
)
from .infras import Infras, PeerLookup, check_container_settings
from .projects import PublishedProjects, check_published_key
from .updates import HEALTH_SEVERITY, DeploymentFaults, effective_remapping, empty_monitoring, probe, run_update

DEPLOYMENT_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$")
FIXED_FIELDS = ("id", "infraId", "publishedProjectKey")


def _new_settings(dep_id: str, infra_id: str, published_key: str, bundle_id: str, deployed_key: str,
                  folder_id: str | None) -> dict:
    return {"id": dep_id, "infraId": infra_id, "publishedProjectKey": published_key, "bundleId": bundle_id,
            "deployedProjectKey": deployed_key, "projectFolderId": folder_id, "tags": [],
            "bundleContainerSettings": {
                "remapping": {"connections": [], "codeEnvs": []},
                "codeEnvsBehavior": {"importTimeMode": "INSTALL_IF_MISS", "envImportSpecificationMode": "SPECIFIED"}},
            "localVariables": {}, "scenariosToActivate": {}, "disableAutomaticTriggers": False, "enabled": True}


class Deployments:
    """Deployments in ``<node>/deployer/deployments/<id>.json``: settings, applied settings, update history.

    Collaborators: the ``infras`` and published ``projects`` they deploy, the armed ``faults``, and the node's
    ``futures`` (an update runs as one)."""

    def __init__(self, root: Path, infras: Infras, projects: PublishedProjects, faults: DeploymentFaults,
                 futures: FuturesBackend):
        self.infras, self.projects, self.faults, self.futures = infras, projects, faults, futures
        self._dir = root / "deployer" / "deployments"
        self._dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._deps: dict[str, dict] = {p.stem: read_json(p) for p in sorted(self._dir.glob("*.json"))}

    def _save(self, dep: dict) -> None:
        write_json(self._dir / f"{dep['settings']['id']}.json", dep)

    def ids(self) -> list[str]:
        with self._lock:
            return sorted(self._deps)

    def get(self, dep_id: str) -> dict:
        dep = self._deps.get(dep_id)
        if dep is None:
            raise DeploymentNotFound(dep_id)
        return dep

    def where(self, **match) -> list[dict]:
        """Deployments whose settings have the given values (e.g. ``infraId="staging"``)."""
        with self._lock:
            return [d for _, d in sorted(self._deps.items())
                    if all(d["settings"].get(k) == v for k, v in match.items())]

    # --- create / settings / delete -------------------------------------------------------------------------
    def _check_target(self, settings: dict, dep_id: str) -> None:
        """Valid target; a second deployment of one project on one infra is refused (unverified: kept because two
        deployments overwriting one automation project is never what a user wants)."""
        check_published_key(settings["deployedProjectKey"], "deployedProjectKey")
        check_bundle_id(settings["bundleId"])
        self.projects.package(settings["publishedProjectKey"], settings["bundleId"])
        for other in self.where(infraId=settings["infraId"], deployedProjectKey=settings["deployedProjectKey"]):
            if other["settings"]["id"] != dep_id:
                raise DeploymentTargetTaken(other["settings"]["id"], settings["deployedProjectKey"],
                                            settings["infraId"])

    def create(self, body: dict, login: str) -> dict:
        dep_id = body.get("deploymentId")
        if not isinstance(dep_id, str) or not DEPLOYMENT_ID_RE.match(dep_id):
            raise InvalidDeploymentId(dep_id)
        for field in ("publishedProjectKey", "infraId", "bundleId"):
            if not isinstance(body.get(field), str) or not body[field]:
                raise MissingDeploymentField(dep_id, field, body.get(field))
        self.infras.basic_info(body["infraId"])
        self.projects.get(body["publishedProjectKey"])
        settings = _new_settings(dep_id, body["infraId"], body["publishedProjectKey"], body["bundleId"],
                                 body.get("deployedProjectKey") or body["publishedProjectKey"],
                                 body.get("projectFolderId"))
        with self._lock:
            if dep_id in self._deps:
                raise DeploymentAlreadyExists(dep_id)
            self._check_target(settings, dep_id)
            dep = {"settings": settings, "createdOn": now_ms(), "createdBy": login, "lastModifiedBy": login,
                   "appliedSettings": None, "updates": []}
            self._deps[dep_id] = dep
            self._save(dep)
            return dep

    def save_settings(self, dep_id: str, body: dict, login: str) -> None:
        with self._lock:
            dep = self.get(dep_id)
            for field in FIXED_FIELDS:
                if field in body and body[field] != dep["settings"][field]:
                    raise DeploymentFieldFixed(dep_id, field, dep["settings"][field], body[field])
            for field, kind in (("localVariables", dict), ("scenariosToActivate", dict), ("tags", list),
                                ("enabled", bool), ("disableAutomaticTriggers", bool)):
                if field in body and not isinstance(body[field], kind):
                    raise InvalidValue(field, body[field], f"{field} must be a {kind.__name__}")
            settings = dict(dep["settings"], **body)
            check_container_settings(settings.get("bundleContainerSettings"))
            self._check_target(settings, dep_id)
            dep["settings"] = settings
            dep["lastModifiedBy"] = login
            self._save(dep)

    def delete(self, dep_id: str) -> None:
        """Only a deployment disabled (``enabled: false``) and updated since may go (EV-X07, weak evidence: the
        client's note may come from the API Deployer)."""
        with self._lock:
            dep = self.get(dep_id)
            if self._running(dep):
                raise DeploymentUpdating(dep_id)
            if dep["settings"].get("enabled", True) is not False:
                raise DeploymentEnabled(dep_id)
            if (dep["appliedSettings"] or {}).get("enabled", True) is not False:
                raise DisabledNotUpdated(dep_id)
            del self._deps[dep_id]
            (self._dir / f"{dep_id}.json").unlink(missing_ok=True)

    # --- updates --------------------------------------------------------------------------------------------
    def _status(self, update: dict) -> str:
        """An update's status; a RUNNING one whose future was aborted or lost is ABORTED."""
        if update["status"] != "RUNNING":
            return update["status"]
        try:
            future = self.futures.get(update["jobId"])
        except FutureNotFound:
            return "ABORTED"
        return "ABORTED" if future.done else "RUNNING"

    def _running(self, dep: dict) -> dict | None:
        return next((u for u in dep["updates"] if self._status(u) == "RUNNING"), None)

    def start_update(self, dep_id: str, login: str) -> Future:
        """Start updating the automation node to the deployment's current settings; answer the future."""
        with self._lock:
            dep = self.get(dep_id)
            running = self._running(dep)
            if running:
                raise UpdateAlreadyRunning(dep_id, running["jobId"])
            settings = copy.deepcopy(dep["settings"])
            ts = max([now_ms()] + [u["startTimestamp"] + 1 for u in dep["updates"]])
            update = {"startTimestamp": ts, "endTimestamp": None, "requester": login, "type": "UPDATE",
                      "status": "RUNNING", "bundleId": settings["bundleId"], "jobId": None, "error": None,
                      "deployedProjectKey": settings["deployedProjectKey"], "logs": {"lines": []}}
            dep["updates"].append(update)
            future = self.futures.start(
                lambda f: self._run(dep_id, ts, settings),
                {"type": "PROJECT_DEPLOYMENT_UPDATE", "deploymentId": dep_id, "bundleId": settings["bundleId"]},
                project_key=settings["publishedProjectKey"])
            update["jobId"] = future.job_id
            self._save(dep)
            return future

    def _run(self, dep_id: str, ts: int, settings: dict) -> dict:
        def log(line: str) -> None:
            self._edit_update(dep_id, ts, lambda u: u["logs"]["lines"].append(
                f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}"))

        log(f"Updating deployment {dep_id}: bundle {settings['bundleId']} of {settings['publishedProjectKey']} "
            f"to project {settings['deployedProjectKey']} on infra {settings['infraId']}")
        try:
            injected = self.faults.take(dep_id)
            if injected:
                raise InjectedUpdateFailure(injected)
            if settings.get("enabled", True) is False:  # inferred: a disabled deployment deploys nothing
                log("The deployment is disabled: nothing is deployed")
                self._edit_update(dep_id, ts, lambda u: u.update(status="SUCCESS", endTimestamp=now_ms()),
                                  applied=settings)
                return {"deploymentId": dep_id, "bundleId": settings["bundleId"], "disabled": True}
            archive = self.projects.archive_path(settings["publishedProjectKey"], settings["bundleId"])
            package = self.projects.package(settings["publishedProjectKey"], settings["bundleId"])
            remapping = effective_remapping(self.infras.remapping(settings["infraId"]),
                                            (settings.get("bundleContainerSettings") or {}).get("remapping"))
            result = run_update(self.infras.target(settings["infraId"]), settings, archive,
                                package["designNodeInfo"]["projectKey"], remapping, log)
        except Exception as error:
            text = error.message if isinstance(error, DSSError) else f"Internal emulator error: {error}"
            log(f"Update failed: {text}")
            self._edit_update(dep_id, ts, lambda u: u.update(status="FAILED", error=text, endTimestamp=now_ms()))
            raise
        self._edit_update(dep_id, ts, lambda u: u.update(status="SUCCESS", endTimestamp=now_ms()),
                          applied=settings)
        return dict(result, deploymentId=dep_id)

    def _edit_update(self, dep_id: str, ts: int, edit, applied: dict | None = None) -> None:
        with self._lock:
            dep = self._deps.get(dep_id)
            update = next((u for u in dep["updates"] if u["startTimestamp"] == ts), None) if dep else None
            if update is None:  # the deployment was deleted meanwhile
                return
            edit(update)
            if applied is not None:
                dep["appliedSettings"] = applied
            self._save(dep)

    def updates(self, dep_id: str) -> list[dict]:
        """The update history, oldest first, statuses resolved."""
        with self._lock:
            return [dict(copy.deepcopy(u), status=self._status(u)) for u in self.get(dep_id)["updates"]]

    def update(self, dep_id: str, ts: str | None = None) -> dict:
        updates = self.updates(dep_id)
        if not updates:
            raise NeverUpdated(dep_id)
        if ts is None:
            return updates[-1]
        found = next((u for u in updates if str(u["startTimestamp"]) == ts), None)
        if found is None:
            raise UpdateNotFound(dep_id, ts)
        return found

    # --- health ---------------------------------------------------------------------------------------------
    def health(self, dep_id: str) -> tuple[str, list[dict], dict]:
        """Health, messages and scenario monitoring: OUT_OF_SYNC until updated or after unapplied changes, ERROR
        after a failed update, else from the automation node (see :func:`probe`); a forced health wins."""
        dep = self.get(dep_id)
        settings = dep["settings"]
        forced = self.faults.forced_health(dep_id)
        if forced:
            severity = HEALTH_SEVERITY[forced]
            return forced, [message(severity, f"{severity}_DEPLOYMENT_FORCED_HEALTH", forced.title(),
                                    f"Health of deployment {dep_id} forced to {forced} by the emulator's control API")
                            ], empty_monitoring()
        updates = self.updates(dep_id)
        finished = [u for u in updates if u["status"] != "RUNNING"]
        notes = [message("INFO", "INFO_DEPLOYMENT_UPDATE_RUNNING", "Update running", "An update is running")
                 ] if len(finished) < len(updates) else []
        if not finished:
            text = f"Deployment {dep_id} has never been updated"
            return "OUT_OF_SYNC", notes + [message("WARNING", "WARN_DEPLOYMENT_NEVER_DEPLOYED", "Never deployed",
                                                   text)], empty_monitoring()
        last = finished[-1]
        if last["status"] != "SUCCESS":
            text = f"The last update ({last['status']}) failed: {last.get('error') or 'aborted'}"
            return "ERROR", notes + [message("ERROR", "ERR_DEPLOYMENT_UPDATE_FAILED", "Update failed", text)
                                     ], empty_monitoring()
        if dep["appliedSettings"] != settings:
            applied = dep["appliedSettings"] or {}
            text = (f"The settings changed since the last update (bundle {applied.get('bundleId')} deployed, "
                    f"{settings['bundleId']} configured); update the deployment")
            return "OUT_OF_SYNC", notes + [message("WARNING", "WARN_DEPLOYMENT_OUT_OF_SYNC", "Out of sync", text)
                                           ], empty_monitoring()
        try:
            target = self.infras.target(settings["infraId"])
        except DSSError as error:
            return "ERROR", notes + [message("ERROR", "ERR_DEPLOYMENT_INFRA", "Infra unusable", error.message)
                                     ], empty_monitoring()
        archive = BundleArchive.from_path(self.projects.archive_path(settings["publishedProjectKey"],
                                                                     settings["bundleId"]))
        health, text, monitoring = probe(target, settings["deployedProjectKey"], settings["bundleId"],
                                         archive.scenario_ids())
        severity = HEALTH_SEVERITY[health]
        return health, notes + [message(severity, f"{severity}_DEPLOYMENT_{health}", health.title(), text)], \
            monitoring


class DeployerBackend:
    """``instance.deployer``: infras, published projects, deployments and update fault injection.

    Collaborators: the node's ``config`` (name, role, configured infras), ``peer_lookup`` (the automation nodes of
    the same process) and ``futures``."""

    def __init__(self, config: InstanceConfig, root: Path, peer_lookup: PeerLookup | None, futures: FuturesBackend):
        """``root``: the node's data directory."""
        self.config = config
        self.infras = Infras(root, config.infras, peer_lookup)
        self.projects = PublishedProjects(root)
        self.faults = DeploymentFaults()
        self.deployments = Deployments(root, self.infras, self.projects, self.faults, futures)

    def require_design(self) -> None:
        if self.config.role != "design":
            raise NotADeployerNode(self.config.name)

    def delete_infra(self, infra_id: str) -> None:
        used = self.deployments.where(infraId=infra_id)
        if used:
            raise InfraInUse(infra_id, used[0]["settings"]["id"])
        self.infras.delete(infra_id)

    def delete_project(self, key: str) -> None:
        used = self.deployments.where(publishedProjectKey=key)
        if used:
            raise PublishedProjectInUse(key, used[0]["settings"]["id"])
        self.projects.delete(key)

    def delete_bundle(self, key: str, bundle_id: str) -> None:
        used = self.deployments.where(publishedProjectKey=key, bundleId=bundle_id)
        if used:
            raise PackageInUse(key, bundle_id, used[0]["settings"]["id"])
        self.projects.delete_bundle(key, bundle_id)
