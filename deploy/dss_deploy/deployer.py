"""One deployment per (project, infra): found or created, pointed at a bundle, updated, waited for, checked.

``DSSFuture.wait_for_result`` never times out, so updates are polled here with a deadline. An update that another
run (or a killed run) started is waited for, then this run's update starts. What is really active is read from the
automation node itself; the deployment's settings are the fallback when the node cannot be read.

Fields read here and their evidence (/work/shared/dss-evidence.md): ``activeBundleState.bundleId`` of a project on
an automation node (EV-P04), deployment settings ``bundleId`` (EV-X06), health values (EV-X05), futures'
``hasResult`` (EV-F01). Inferred: an update's ``status`` in the update history (EV-X08 gives the history, the
client gives ``status``, not its values) reads ``RUNNING`` while it runs; a future that answers
``{hasResult: false, alive: false}`` has ended without a result (EV-F04: no evidence for failed futures).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from dataikuapi.utils import DataikuException
from tenacity import RetryError, Retrying, retry_if_exception_type, retry_if_result, stop_after_delay, wait_exponential

from .errors import DeployFailed, DeployTimeout, Superseded, dss_call
from .transport import RequestBudget

REQUIRED_HEALTH = {"staging": {"HEALTHY"}, "prod": {"HEALTHY", "WARNING", "UNKNOWN"}}
POLL_MAX_SECONDS = 5.0
RUNNING = "RUNNING"


@dataclass(frozen=True)
class Active:
    """The bundle active on the automation node (or configured, when the node cannot be read), and the source."""

    bundle_id: str | None
    source: str
    from_node: bool = False


def find_deployment(deployer, published_key: str, infra_id: str, default_id: str):
    """``(deployment, deployed project key)`` of the project on ``infra_id``, ``(None, None)`` if there is none.

    Several deployments on the infra is an error, not a guess (unless one has the default id).
    """
    with dss_call(f"Listing the deployments of published project {published_key}"):
        statuses = deployer.list_projects(as_objects=False)
    status = next((s for s in statuses if s["projectBasicInfo"]["id"] == published_key), None)
    found = {d["id"]: d for d in (status or {}).get("deployments", []) if d.get("infraId") == infra_id}
    if not found:
        return None, None
    if len(found) > 1 and default_id not in found:
        raise DeployFailed(f"Published project {published_key} has several deployments on infra {infra_id} "
                           f"({', '.join(sorted(found))}): keep one (or name one {default_id}) so the target is "
                           f"unambiguous")
    chosen = found[default_id] if default_id in found else found[min(found)]
    return deployer.get_deployment(chosen["id"]), chosen.get("deployedProjectKey")


def _project_item(items: list[dict], deployed_key: str) -> dict | None:
    return next((p for p in items if p.get("projectKey") == deployed_key), None)


def _active_of(item: dict) -> str | None:
    return (item.get("activeBundleState") or {}).get("bundleId")


def node_active_bundle(automation_client, deployed_key: str) -> str | None:
    """The bundle active in ``deployed_key`` on the automation node (None: no project or no active bundle)."""
    with dss_call(f"Listing the projects of the automation node (to read the active bundle of {deployed_key})"):
        item = _project_item(automation_client.list_projects(), deployed_key)
    return None if item is None else _active_of(item)


def active_bundle(automation_client, deployment, deployed_key: str) -> Active:
    """The bundle active in ``deployed_key`` before this run changes anything."""
    try:
        items = automation_client.list_projects()
    except (DataikuException, requests.RequestException) as exc:
        if deployment is None:
            return Active(None, f"automation node unreadable ({type(exc).__name__}) and no deployment yet")
        with dss_call(f"Reading the settings of deployment {deployment.id}"):
            bundle = deployment.get_settings().bundle_id
        return Active(bundle, f"deployment settings (automation node unreadable: {type(exc).__name__})")
    item = _project_item(items, deployed_key)
    if item is None:
        return Active(None, f"project {deployed_key} does not exist on the automation node yet", True)
    active = _active_of(item)
    return Active(active, "active on the automation node" if active else "no active bundle on the automation node",
                  True)


def configured_bundle(deployment) -> str:
    with dss_call(f"Reading the settings of deployment {deployment.id}", DeployFailed):
        return deployment.get_settings().bundle_id


def point_at(deployer, deployment, default_id: str, published_key: str, infra_id: str, bundle_id: str):
    """Create the deployment at ``bundle_id``, or set its ``bundleId`` (saved only when it changes)."""
    if deployment is None:
        with dss_call(f"Creating deployment {default_id} on infra {infra_id}", DeployFailed):
            try:
                return deployer.create_deployment(default_id, published_key, infra_id, bundle_id)
            except DataikuException:
                if find_deployment(deployer, published_key, infra_id, default_id)[0] is None:
                    raise
        raise Superseded(f"Deployment {default_id} was created by another run while this one was creating it; "
                         f"nothing was deployed by this run. Re-run it once the other run has finished.")
    with dss_call(f"Setting bundle {bundle_id} in deployment {deployment.id}", DeployFailed):
        settings = deployment.get_settings()
        if settings.bundle_id != bundle_id:
            settings.bundle_id = bundle_id
            settings.save()
    return deployment


def require_ours(automation_client, deployment, deployed_key: str, bundle_id: str, when: str,
                 check_node: bool = True) -> None:
    """Fail with :class:`Superseded` unless the deployment (and the node) still hold ``bundle_id``."""
    configured = configured_bundle(deployment)
    if configured != bundle_id:
        raise Superseded(f"Deployment {deployment.id} was set to bundle {configured} by another run {when}; this "
                         f"run's bundle {bundle_id} is not the one deployed. Nothing was rolled back: the other run "
                         f"owns the deployment now.")
    if check_node:
        active = node_active_bundle(automation_client, deployed_key)
        if active != bundle_id:
            raise Superseded(f"Bundle {active} is active in project {deployed_key} on the automation node {when}, "
                             f"not this run's bundle {bundle_id}: another update replaced it. Nothing was rolled "
                             f"back.")


def running_update(deployment) -> dict | None:
    """The deployment's last update if it is still running (None: idle, never updated, or history unreadable)."""
    try:
        last = deployment.get_update().get_raw()
    except (DataikuException, requests.RequestException):
        return None
    return last if last.get("status") == RUNNING else None


def start_update(deployment, timeout: int, budget: RequestBudget, say: Callable[[str], None]):
    """Start an update of the deployment; first wait (at most ``timeout`` seconds) for one already running."""
    deadline = time.monotonic() + timeout
    with budget.until(deadline), dss_call(f"Starting the update of deployment {deployment.id}", DeployFailed):
        running = running_update(deployment)
        if running is None:
            try:
                return deployment.start_update()
            except DataikuException:
                running = running_update(deployment)  # another run started one meanwhile: wait for it
                if running is None:
                    raise
        say(f"an update of deployment {deployment.id} is already running (started by "
            f"{running.get('requester', 'someone')}): waiting for it to end, at most {timeout} s")
        try:
            Retrying(stop=stop_after_delay(max(0.0, deadline - time.monotonic())),
                     wait=wait_exponential(multiplier=0.2, max=POLL_MAX_SECONDS),
                     retry=retry_if_result(lambda update: update is not None))(running_update, deployment)
        except RetryError:
            raise DeployTimeout(f"An update of deployment {deployment.id} started by another run is still running "
                                f"after {timeout} s; this run did not start its own. Look at the deployment's "
                                f"update log in the Project Deployer, or raise --timeout.") from None
        say("the running update ended: starting this run's update from the deployment's current state")
        return deployment.start_update()


def update(deployment, bundle_id: str, timeout: int, budget: RequestBudget, say: Callable[[str], None]) -> None:
    """Run an update of the deployment and wait for it, at most ``timeout`` seconds (plus one running before)."""
    what = f"Update of deployment {deployment.id} to bundle {bundle_id}"
    future = start_update(deployment, timeout, budget, say)
    if future.state and future.state.get("hasResult"):
        return
    say(f"update started (future {future.job_id})")
    deadline = time.monotonic() + timeout
    retrying = Retrying(
        stop=stop_after_delay(timeout),
        wait=wait_exponential(multiplier=0.2, max=POLL_MAX_SECONDS),
        retry=retry_if_result(lambda state: not state.get("hasResult") and state.get("alive", True) is not False)
        | retry_if_exception_type((requests.ConnectionError, requests.Timeout)),  # until the deadline
    )
    try:
        with budget.until(deadline), dss_call(what, DeployFailed):
            state = retrying(future.peek_state)
            if not state.get("hasResult"):  # the future died without a result: its full state says why
                state = future.get_state()
                if not state.get("hasResult"):
                    raise DeployFailed(f"{what} ended without a result (future {future.job_id}"
                                       f"{_failure_detail(state)}). Look at the deployment's update log in the "
                                       f"Project Deployer.")
    except RetryError:
        raise DeployTimeout(f"{what} did not finish within {timeout} s (future {future.job_id} may still be "
                            f"running; the next update of this deployment waits for it). Look at the deployment's "
                            f"update log in the Project Deployer, or raise --timeout.") from None


def _failure_detail(state: dict) -> str:
    """What a dead future's state says about its failure (no evidence for the fields: EV-F04)."""
    detail = state.get("exception") or state.get("error") or {}
    if isinstance(detail, dict):
        detail = detail.get("message") or ""
    return f": {detail}" if detail else ""


def check_health(deployment, stage: str) -> tuple[str, list[str]]:
    """Health after an update and its messages; fail unless the stage accepts it."""
    with dss_call(f"Reading the status of deployment {deployment.id}", DeployFailed):
        status = deployment.get_status()
        health = status.get_health()
        messages = [f"{m.get('severity')}: {m.get('message')}"
                    for m in (status.get_health_messages() or {}).get("messages", [])]
    if health not in REQUIRED_HEALTH[stage]:
        allowed = " or ".join(sorted(REQUIRED_HEALTH[stage]))
        raise DeployFailed(f"Deployment {deployment.id} is {health} after the update ({stage} requires {allowed})"
                           + (": " + "; ".join(messages) if messages else ""))
    return health, messages


def health_or_none(deployment) -> str | None:
    """The deployment's health for the report, or None when it cannot be read (never raises)."""
    try:
        return deployment.get_status().get_health()
    except (DataikuException, requests.RequestException, KeyError):
        return None
