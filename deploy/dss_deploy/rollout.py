"""Deploy a bundle to the stage's deployment, test it, and keep production on a tested bundle whatever happens.

- The last bundle that passed tests on the stage is read from DSS (:mod:`testrecord`) before anything changes; it
  is the rollback target, so a run killed mid-way never loses it.
- A release of the bundle that is already active, healthy and tested is a successful no-op: no update is made.
- This run's bundle must still be configured (and active) before its update, after it, and after its tests; when
  another run changed the deployment meanwhile this run fails with :class:`Superseded` and rolls nothing back.
- In a release, any failure after the deployment was pointed at the new bundle and before its tests passed (a
  failed or timed-out update, bad health, failed tests, tests that cannot run, an unexpected error) rolls back.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import requests
from dataikuapi.utils import DataikuException

from . import deployer, testrecord
from .errors import DeployError, RollbackFailed, Superseded, TestsFailed, TestsFailedRolledBack
from .tests_runner import run_tests

if TYPE_CHECKING:
    from .pipeline import Run


@dataclass(frozen=True)
class Target:
    """Where a failed release goes back to, and why that bundle."""

    bundle_id: str | None
    reason: str


def deploy_and_test(ctx: Run, bundle_id: str) -> None:
    """Point the (project, infra) deployment at the bundle, update it, test it; roll back a failed release."""
    s, reporter, summary = ctx.settings, ctx.reporter, ctx.summary
    reporter.step(f"deploy {bundle_id} to infra {s.infra_id} ({s.stage})")
    found, deployed_key = deployer.find_deployment(ctx.deployer, s.project_key, s.infra_id, s.deployment_id)
    deployed_key = deployed_key or s.project_key
    active = deployer.active_bundle(ctx.automation, found, deployed_key)
    summary.previous_bundle = active.bundle_id
    reporter.info(f"previously deployed: {active.bundle_id or 'nothing'} ({active.source})")
    passed, why = testrecord.read(ctx.automation, deployed_key) if active.bundle_id else (None, "nothing deployed")
    reporter.info(f"last bundle that passed tests on {s.stage}: "
                  + (f"{passed.bundle_id} ({passed.describe()})" if passed else f"unknown ({why})"))
    if s.mode == "release" and already_done(ctx, found, active, passed, bundle_id):
        return
    target = rollback_target(active, passed, bundle_id, s.stage)
    if s.mode == "release":
        reporter.info(f"rollback target if this release fails: {target.bundle_id or 'none'} ({target.reason})")
    deployment = deployer.point_at(ctx.deployer, found, s.deployment_id, s.project_key, s.infra_id, bundle_id)
    summary.deployment_id = deployment.id
    reporter.ok(f"deployment {deployment.id} {'set to' if found else 'created with'} bundle {bundle_id}")
    try:
        deployer.require_ours(ctx.automation, deployment, deployed_key, bundle_id, "before its update",
                              check_node=False)
        deployer.update(deployment, bundle_id, s.timeout, ctx.budget, reporter.info)
        deployer.require_ours(ctx.automation, deployment, deployed_key, bundle_id, "after its update")
        summary.health, messages = deployer.check_health(deployment, s.stage)
        for message in messages:
            reporter.info(message)
        reporter.ok(f"updated: deployment {deployment.id} is {summary.health}")
        test(ctx, bundle_id)
        deployer.require_ours(ctx.automation, deployment, deployed_key, bundle_id, "after its tests")
    except Superseded:
        summary.health = summary.health or deployer.health_or_none(deployment)
        raise
    except Exception as exc:  # any failure between pointing the deployment at the bundle and passed tests
        summary.health = summary.health or deployer.health_or_none(deployment)
        if s.mode == "release":
            roll_back(ctx, deployment, target, bundle_id, exc)
        raise
    record_pass(ctx, deployed_key, bundle_id)
    summary.outcome = "deployed and tested"


def already_done(ctx: Run, deployment, active: deployer.Active, passed: testrecord.Passed | None,
                 bundle_id: str) -> bool:
    """True (and reported) when the bundle is configured, active, healthy and tested: nothing to deploy."""
    if deployment is None or not active.from_node or active.bundle_id != bundle_id:
        return False
    if passed is None or passed.bundle_id != bundle_id:
        ctx.reporter.info(f"bundle {bundle_id} is active but has no passed tests recorded on {ctx.settings.stage}: "
                          f"deploying and testing it again")
        return False
    if deployer.configured_bundle(deployment) != bundle_id or deployer.running_update(deployment) is not None:
        return False
    health = deployer.health_or_none(deployment)
    if health not in deployer.REQUIRED_HEALTH[ctx.settings.stage]:
        return False
    summary = ctx.summary
    summary.deployment_id, summary.health = deployment.id, health
    summary.tests_result = f"not run: {passed.describe()}"
    summary.outcome = "already deployed and tested"
    ctx.reporter.ok(f"bundle {bundle_id} is already the active, {health} bundle of deployment {deployment.id} and "
                    f"its tests passed there ({passed.describe()}): nothing to do, no update made")
    return True


def rollback_target(active: deployer.Active, passed: testrecord.Passed | None, bundle_id: str,
                    stage: str) -> Target:
    """The last bundle that passed tests on the stage; else the active one (no record); never ``bundle_id``."""
    if passed is not None and passed.bundle_id != bundle_id:
        return Target(passed.bundle_id, f"the last bundle that passed tests on {stage}")
    if active.bundle_id is not None and active.bundle_id != bundle_id:
        return Target(active.bundle_id, f"{active.source}; no passed tests recorded for another bundle")
    return Target(None, f"no earlier bundle ({active.source})")


def test(ctx: Run, bundle_id: str) -> None:
    """Run tests.py against the stage; raise :class:`TestsFailed` unless it passed."""
    s, summary = ctx.settings, ctx.summary
    ctx.reporter.step(f"tests: {s.tests_file} on {s.stage} ({s.automation_url}, project {s.project_key})")
    result = run_tests(s, ctx.tls, ctx.reporter, ctx.environ)
    summary.tests, summary.tests_result = result.counts, result.describe()
    counts = f" ({result.counts.describe()})" if result.counts else ""
    if result.passed:
        ctx.reporter.ok(f"tests passed{counts}; JUnit report {s.junit_file}")
        return
    raise TestsFailed(f"tests.py {result.describe()} on {s.stage} with bundle {bundle_id}{counts}; see the output "
                      f"above and {s.junit_file}")


def record_pass(ctx: Run, deployed_key: str, bundle_id: str) -> None:
    """Record the passed bundle in DSS; a failure to record is a warning (the next run falls back)."""
    try:
        passed = testrecord.write(ctx.automation, deployed_key, bundle_id, ctx.settings.commit_sha,
                                  ctx.settings.run_url)
    except (DataikuException, requests.RequestException) as exc:
        ctx.reporter.warn(f"Could not record in DSS that bundle {bundle_id} passed its tests (local variable "
                          f"{testrecord.VARIABLE} of project {deployed_key} on the automation node): "
                          f"{type(exc).__name__}. A later failed release rolls back to the active bundle instead.",
                          "Test record not written")
        return
    ctx.reporter.ok(f"recorded on the automation node: {bundle_id} {passed.describe()}")


def roll_back(ctx: Run, deployment, target: Target, bundle_id: str, cause: Exception) -> None:
    """Release failed in prod: deploy the rollback target again and raise what happened."""
    s, summary = ctx.settings, ctx.summary
    if not isinstance(cause, DeployError):
        cause = DeployError(f"internal error after the update, please report it: {type(cause).__name__}: {cause}")
    if target.bundle_id is None:
        summary.rollback = f"not possible: {target.reason}"
        ctx.reporter.warn(f"No rollback: {summary.rollback}", "No rollback")
        raise cause
    ctx.reporter.step(f"rollback to {target.bundle_id}")
    try:
        deployer.point_at(ctx.deployer, deployment, s.deployment_id, s.project_key, s.infra_id, target.bundle_id)
        deployer.update(deployment, target.bundle_id, s.timeout, ctx.budget, ctx.reporter.info)
        health, _ = deployer.check_health(deployment, s.stage)
    except DeployError as exc:
        summary.rollback = f"FAILED, back to {target.bundle_id}: {exc}"
        summary.health = deployer.health_or_none(deployment)
        raise RollbackFailed(f"{cause} — and the rollback to {target.bundle_id} failed too: {exc}. Production "
                             f"needs attention: run the rollback workflow with a known good bundle.") from None
    summary.health = f"{health} (after the rollback)"
    summary.rollback = f"rolled back to `{target.bundle_id}` ({health})"
    ctx.reporter.ok(f"deployment {deployment.id} is back on {target.bundle_id} ({health})")
    if isinstance(cause, TestsFailed):
        raise TestsFailedRolledBack(f"{cause}; production was rolled back to {target.bundle_id}") from None
    raise type(cause)(f"{cause}; production was rolled back to {target.bundle_id}") from None
