"""What a deployment update does on the automation node, over HTTP with the real ``dataikuapi`` client.

Import the bundle (``create_project_from_bundle_archive`` when the project does not exist there yet, else
``import_bundle_from_stream`` unless it is already imported), then ``preload_bundle`` and ``activate_bundle``, then
apply the deployment's local variables and ``disableAutomaticTriggers``. Any error from the node ends the update in
error.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from dataikuapi import DSSClient
from dataikuapi.utils import DataikuException

from ..core.exceptions import InvalidValue
from .exceptions import NodeRefusedUpdate, NodeUnreachable


@dataclass
class UpdateFault:
    remaining: int
    deployment_id: str | None
    message: str


# the severity of the health message a deployment status answers, per health
HEALTH_SEVERITY = {"HEALTHY": "SUCCESS", "OUT_OF_SYNC": "WARNING", "WARNING": "WARNING", "UNKNOWN": "INFO",
                   "ERROR": "ERROR", "UNHEALTHY": "ERROR"}
FORCED_HEALTH = ("WARNING", "UNKNOWN", "ERROR", "UNHEALTHY")  # what the control API may force


class DeploymentFaults:
    """Fault injection: the next N updates (optionally of one deployment) end in ERROR; a deployment's health is
    forced to WARNING, UNKNOWN, ERROR or UNHEALTHY until cleared."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[UpdateFault] = []
        self._health: dict[str, str] = {}

    def arm(self, count: object, deployment_id: object = None, message: object = None) -> None:
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise InvalidValue("count", count, "count must be a positive integer")
        if deployment_id is not None and not isinstance(deployment_id, str):
            raise InvalidValue("deploymentId", deployment_id, "deploymentId must be a string")
        text = message if isinstance(message, str) and message else "Injected deployment update failure"
        with self._lock:
            self._faults.append(UpdateFault(count, deployment_id, text))

    def take(self, deployment_id: str) -> str | None:
        """Consume one armed fault matching ``deployment_id``; return its message."""
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and fault.deployment_id in (None, deployment_id):
                    fault.remaining -= 1
                    return fault.message
            return None

    def force_health(self, deployment_id: object, health: object) -> None:
        """Force the health of ``deployment_id`` (``None`` clears it)."""
        if not isinstance(deployment_id, str) or not deployment_id:
            raise InvalidValue("deploymentId", deployment_id, "deploymentId must be a string")
        if health is not None and health not in FORCED_HEALTH:
            raise InvalidValue("health", health, f"expected one of {', '.join(FORCED_HEALTH)} or null")
        with self._lock:
            if health is None:
                self._health.pop(deployment_id, None)
            else:
                self._health[deployment_id] = health

    def forced_health(self, deployment_id: str) -> str | None:
        with self._lock:
            return self._health.get(deployment_id)

    def as_list(self) -> list[dict]:
        with self._lock:
            return [{"count": f.remaining, "deploymentId": f.deployment_id, "message": f.message}
                    for f in self._faults if f.remaining > 0]

    def health_list(self) -> dict[str, str]:
        with self._lock:
            return dict(self._health)


def _report_lines(what: str, report: dict | None) -> list[str]:
    messages = (report or {}).get("messages") or []
    return [f"{what}: {m.get('severity')} {m.get('code')}: {m.get('message')}" for m in messages]


def effective_remapping(infra: dict | None, deployment: dict | None) -> dict:
    """Infra-level connection remapping overridden by the deployment's, per source (EV-C02, EV-C03: deployment-level
    remappings take precedence; applying the infra's at each update is DSS 13.5's option, taken as on: inferred)."""
    merged = {e["source"]: e for e in (infra or {}).get("connections") or []}
    merged.update({e["source"]: e for e in (deployment or {}).get("connections") or []})
    return {"connections": [{"source": s, "target": e["target"]} for s, e in sorted(merged.items())]}


def run_update(target: tuple[str, str], settings: dict, archive: Path, bundle_project_key: str, remapping: dict,
               log: Callable[[str], None]) -> dict:
    """Deploy ``settings['bundleId']`` (archive at ``archive``) to the node at ``target`` with the connection
    ``remapping``; return a report. The remapping travels in the preload and activate bodies (see
    ``bundles/responses.py``: an emulator-internal channel)."""
    url, api_key = target
    bundle_id = settings["bundleId"]
    project_key = settings["deployedProjectKey"]
    try:
        client = DSSClient(url, api_key)
        project = client.get_project(project_key)
        if project_key not in client.list_project_keys():
            with archive.open("rb") as fp:
                if project_key == bundle_project_key:
                    log(f"Project {project_key} does not exist on the automation node: creating it from bundle "
                        f"{bundle_id}")
                    client.create_project_from_bundle_archive(fp)
                else:
                    log(f"Project {project_key} does not exist on the automation node: creating it, then importing "
                        f"bundle {bundle_id} of project {bundle_project_key}")
                    client.create_project(project_key, project_key, "admin")
                    project.import_bundle_from_stream(fp)
        elif bundle_id in [b["bundleId"] for b in project.list_imported_bundles()["bundles"]]:
            log(f"Bundle {bundle_id} is already imported in project {project_key}")
        else:
            log(f"Importing bundle {bundle_id} into project {project_key}")
            with archive.open("rb") as fp:
                project.import_bundle_from_stream(fp)
        actions = f"/projects/{project_key}/bundles/imported/{bundle_id}/actions"
        for entry in remapping["connections"]:
            log(f"Connection {entry['source']} is remapped to {entry['target']}")
        log(f"Preloading bundle {bundle_id}")
        preload = client._perform_json("POST", f"{actions}/preload", body={"remapping": remapping})
        for line in _report_lines("preload", preload):
            log(line)
        log(f"Activating bundle {bundle_id}")
        report = client._perform_json("POST", f"{actions}/activate", body={
            "scenariosActiveOnActivation": settings.get("scenariosToActivate") or None, "remapping": remapping})
        for line in _report_lines("activation", report):
            log(line)
        local = settings.get("localVariables") or {}
        if local:
            variables = project.get_variables()
            variables["local"] = dict(variables.get("local") or {}, **local)
            project.set_variables(variables)
            log(f"Set local variables {', '.join(sorted(local))}")
        if settings.get("disableAutomaticTriggers"):
            disable_automatic_triggers(project, log)
    except DataikuException as error:
        raise NodeRefusedUpdate(error) from None
    except requests.RequestException as error:
        raise NodeUnreachable(url, error) from None
    log(f"Bundle {bundle_id} is active in project {project_key}")
    return {"bundleId": bundle_id, "deployedProjectKey": project_key, "activationReport": report}


def disable_automatic_triggers(project, log: Callable[[str], None]) -> None:
    """``disableAutomaticTriggers`` at update: "all automatic triggers can be disabled" (EV-X04), so no scenario of
    the deployed project runs by itself once the update is over, whatever ``scenariosToActivate`` says.

    Unverified (the docs name the option only): which flag DSS turns off and which scenarios it covers. The emulator
    turns off each scenario's ``active`` ("whether the scenario runs its automatic triggers" in the client), for
    the bundle's scenarios and automation-local ones alike (the robust reading of "all"), and keeps the triggers'
    own definitions; as any activation state, it stays off at later updates until ``scenariosToActivate`` or the
    scenario's settings turn it on (EV-S08)."""
    for scenario in project.list_scenarios(as_type="objects"):
        settings = scenario.get_settings()
        if settings.active:
            settings.active = False
            settings.save()
            log(f"Automatic triggers of scenario {scenario.id} disabled (disableAutomaticTriggers)")


MONITORING_LISTS = {"SUCCESS": "successful", "WARNING": "warning", "FAILED": "failed", "ABORTED": "aborted"}
RUNS_LOOKED_AT = 50


def empty_monitoring() -> dict:
    """``monitoring`` of a deployment status (EV-X05): scenarios listed by the outcome of their last run."""
    return {"hasScenarios": False, "hasActiveScenarios": False, "failed": [], "warning": [], "successful": [],
            "aborted": [], "running": []}


def scenario_monitoring(project, bundle_id: str, scenario_ids: list[str]) -> dict:
    """The bundle's scenarios (ids) on the node by the outcome of their last run made with ``bundle_id`` active.

    Inferred: only the bundle's own scenarios are listed (the Deployer knows them from the bundle; "Automation
    local" ones are not), and only runs made with the bundle active count (the Test Dashboard shows runs per bundle,
    EV-S02), so a new bundle starts without the failures of the previous one.
    """
    monitoring = empty_monitoring()
    monitoring["hasScenarios"] = bool(scenario_ids)
    for scenario_id in scenario_ids:
        scenario = project.get_scenario(scenario_id)
        if scenario.get_status().get_raw().get("active"):
            monitoring["hasActiveScenarios"] = True
        runs = scenario.get_last_runs(limit=RUNS_LOOKED_AT, only_finished_runs=False)
        last = next((r.run for r in runs if r.run.get("bundleId") == bundle_id), None)
        if last is None:
            continue
        outcome = (last.get("result") or {}).get("outcome")
        monitoring["running" if outcome is None else MONITORING_LISTS[outcome]].append(scenario_id)
    return monitoring


def health_from_monitoring(monitoring: dict, bundle_id: str, project_key: str) -> tuple[str, str]:
    """Inferred: a scenario whose last run failed makes the deployment UNHEALTHY, a warning or an abort WARNING."""
    if monitoring["failed"]:
        return "UNHEALTHY", f"Scenario(s) {', '.join(monitoring['failed'])} failed in their last run"
    if monitoring["warning"] or monitoring["aborted"]:
        names = ", ".join(monitoring["warning"] + monitoring["aborted"])
        return "WARNING", f"Scenario(s) {names} ended with a warning or were aborted in their last run"
    return "HEALTHY", f"Bundle {bundle_id} is active in project {project_key}"


def probe(target: tuple[str, str], project_key: str, bundle_id: str, scenario_ids: list[str]) -> tuple[str, str, dict]:
    """Health of a deployed project as seen on its automation node: ``(health, message, monitoring)``."""
    url, api_key = target
    client = DSSClient(url, api_key)
    try:
        items = client.list_projects()
        item = next((p for p in items if p.get("projectKey") == project_key), None)
        if item is None:
            return "OUT_OF_SYNC", f"Project {project_key} does not exist on the automation node", empty_monitoring()
        active = (item.get("activeBundleState") or {}).get("bundleId")
        if active != bundle_id:
            return ("OUT_OF_SYNC", f"The active bundle of project {project_key} is {active}, not {bundle_id}",
                    empty_monitoring())
        monitoring = scenario_monitoring(client.get_project(project_key), bundle_id, scenario_ids)
    except (DataikuException, requests.RequestException) as error:
        return "ERROR", f"Cannot read the automation node at {url}: {type(error).__name__}", empty_monitoring()
    health, text = health_from_monitoring(monitoring, bundle_id, project_key)
    return health, text, monitoring
