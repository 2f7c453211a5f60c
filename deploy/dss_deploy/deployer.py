"""One deployment per (project, infra): found or created, pointed at a bundle, updated, waited for, checked.

``DSSFuture.wait_for_result`` never times out, so updates are polled here with a deadline. The previously deployed
bundle is read before anything changes, from the automation node itself (what is really active), falling back to
the deployment's settings when the node cannot be read.
"""
from __future__ import annotations

from dataclasses import dataclass

import requests
from dataikuapi.utils import DataikuException
from tenacity import RetryError, Retrying, retry_if_exception_type, retry_if_result, stop_after_delay, wait_exponential

from .errors import DeployFailed, DeployTimeout, dss_call

REQUIRED_HEALTH = {"staging": {"HEALTHY"}, "prod": {"HEALTHY", "WARNING", "UNKNOWN"}}
POLL_MAX_SECONDS = 5.0


@dataclass(frozen=True)
class Previous:
    """The bundle active before this run's update, and where that fact comes from."""

    bundle_id: str | None
    source: str


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


def previous_bundle(automation_client, deployment, deployed_key: str) -> Previous:
    """The bundle active in ``deployed_key`` on the automation node before the update."""
    try:
        items = automation_client.list_projects()
    except (DataikuException, requests.RequestException) as exc:
        if deployment is None:
            return Previous(None, f"automation node unreadable ({type(exc).__name__}) and no deployment yet")
        with dss_call(f"Reading the settings of deployment {deployment.id}"):
            bundle = deployment.get_settings().bundle_id
        return Previous(bundle, f"deployment settings (automation node unreadable: {type(exc).__name__})")
    item = next((p for p in items if p.get("projectKey") == deployed_key), None)
    if item is None:
        return Previous(None, f"project {deployed_key} does not exist on the automation node yet")
    active = (item.get("activeBundleState") or {}).get("bundleId")
    return Previous(active, "active on the automation node" if active else "no active bundle on the automation node")


def point_at(deployer, deployment, default_id: str, published_key: str, infra_id: str, bundle_id: str):
    """Create the deployment at ``bundle_id``, or set its ``bundleId`` (saved only when it changes)."""
    if deployment is None:
        with dss_call(f"Creating deployment {default_id} on infra {infra_id}", DeployFailed):
            return deployer.create_deployment(default_id, published_key, infra_id, bundle_id)
    with dss_call(f"Setting bundle {bundle_id} in deployment {deployment.id}", DeployFailed):
        settings = deployment.get_settings()
        if settings.bundle_id != bundle_id:
            settings.bundle_id = bundle_id
            settings.save()
    return deployment


def update(deployment, bundle_id: str, timeout: int) -> None:
    """Run an update of the deployment and wait for it, at most ``timeout`` seconds."""
    what = f"Update of deployment {deployment.id} to bundle {bundle_id}"
    with dss_call(f"Starting the update of deployment {deployment.id}", DeployFailed):
        future = deployment.start_update()
    if future.state and future.state.get("hasResult"):
        return
    retrying = Retrying(
        stop=stop_after_delay(timeout),
        wait=wait_exponential(multiplier=0.2, max=POLL_MAX_SECONDS),
        retry=retry_if_result(lambda state: not state.get("hasResult"))
        | retry_if_exception_type(requests.ConnectionError),
    )
    try:
        with dss_call(what, DeployFailed):
            retrying(future.peek_state)
    except RetryError:
        raise DeployTimeout(f"{what} did not finish within {timeout} s (future {future.job_id} may still be "
                            f"running; the next update of this deployment waits for it or fails). Look at the "
                            f"deployment's update log in the Project Deployer, or raise --timeout.") from None


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
