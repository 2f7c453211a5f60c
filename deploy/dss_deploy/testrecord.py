"""The last bundle whose tests passed on a stage, kept by DSS on the automation node, readable by any later run.

The record is a *local* variable of the deployed project on the automation node. Local variables "are not part of
the bundles for this project" (dataikuapi ``DSSProject.get_variables`` docstring), so activating another bundle
does not carry or replace them; the record lives where the deployed bundle lives, and needs nothing but the
automation key every run already has. It is written only after a bundle's tests passed, so a run killed after its
update (or during its tests) leaves the previous record in place: the next run knows that the active bundle is
untested and which bundle to roll back to.

Inferred, not evidenced: that a Project Deployer update keeps local variables it does not set itself. When the
record is missing or unreadable, runs fall back to the bundle active on the node (and say so).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import requests
from dataikuapi.utils import DataikuException

VARIABLE = "dataikuGitopsLastPassed"


@dataclass(frozen=True)
class Passed:
    """A bundle whose tests passed: when, for which commit, in which run (if known)."""

    bundle_id: str
    commit: str | None
    tested_on: str | None
    run_url: str | None

    def describe(self) -> str:
        where = f" in {self.run_url}" if self.run_url else ""
        return f"tests passed on {self.tested_on or 'an unknown date'}{where}"


def read(automation_client, project_key: str) -> tuple[Passed | None, str | None]:
    """``(record, None)``, or ``(None, why)`` when there is none or it cannot be read."""
    try:
        local = (automation_client.get_project(project_key).get_variables().get("local") or {})
    except (DataikuException, requests.RequestException) as exc:
        return None, f"cannot read it ({type(exc).__name__})"
    value = local.get(VARIABLE)
    if not isinstance(value, dict) or not isinstance(value.get("bundleId"), str) or not value["bundleId"]:
        return None, "none recorded yet"
    return Passed(value["bundleId"], value.get("commit"), value.get("testedOn"), value.get("run")), None


def write(automation_client, project_key: str, bundle_id: str, commit: str, run_url: str | None) -> Passed:
    """Record that ``bundle_id`` passed its tests now (raises the client's or the transport's error)."""
    tested_on = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    value = {"bundleId": bundle_id, "commit": commit, "testedOn": tested_on, "run": run_url}
    automation_client.get_project(project_key).update_variables({VARIABLE: value}, type="local")
    return Passed(bundle_id, commit, tested_on, run_url)
