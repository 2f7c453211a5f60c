"""Two runs on one deployment at once: never two successes, never a run reporting a bundle it did not leave active.

The run that loses the deployment to another one stops with exit 9 (superseded) and rolls nothing back; the other
run waits for the update in progress, then deploys and tests its own bundle.
"""
from __future__ import annotations

from dss_deploy.cli import ExitStatus

from ..deploy.helpers import make_world
from .deploy_world import (
    ACTIVATE,
    METADATA,
    PROBE_TESTS_PY,
    Spawned,
    fault,
    health,
    prod_with_a_second_bundle,
    publish,
    updates,
)


def test_a_run_whose_deployment_is_changed_during_its_update_is_superseded(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    first, second, merge = prod_with_a_second_bundle(world, capsys)
    fault(world, "prod", "POST", ACTIVATE, delay=3)  # the first run's update is still running when B starts

    a = Spawned(world, "redeploy", "prod", merge, "--bundle-id", second)
    a.wait_for("update started")
    b = world.run(capsys, "redeploy", "prod", merge, "--bundle-id", first)

    assert b == ExitStatus.OK, world.output
    assert "waiting for it to end" in world.output
    assert a.finish() == ExitStatus.SUPERSEDED, a.output
    assert f"was set to bundle {first} by another run after its update" in a.output
    assert "rollback to" not in a.output and "| Outcome |" not in a.summary()
    assert world.deployments()["CHURN-on-prod"] == first and world.active_bundle("prod") == first
    assert health(world, "CHURN-on-prod") == "HEALTHY"


def test_a_run_whose_bundle_is_replaced_during_its_tests_does_not_report_success(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path, tests_py=PROBE_TESTS_PY)
    first, second, merge = prod_with_a_second_bundle(world, capsys)
    fault(world, "prod", "GET", METADATA, delay=3)  # the first run's tests are slow (and pass)

    a = Spawned(world, "release", "prod", merge)
    a.wait_for("test_the_run_passes_the_project_key PASSED")
    b = world.run(capsys, "redeploy", "prod", merge, "--bundle-id", first)

    assert b == ExitStatus.OK, world.output
    assert a.finish() == ExitStatus.SUPERSEDED, a.output
    assert "tests passed" in a.output
    assert f"was set to bundle {first} by another run after its tests" in a.output
    assert "rollback to" not in a.output
    assert world.deployments()["CHURN-on-prod"] == first and world.active_bundle("prod") == first
    assert health(world, "CHURN-on-prod") == "HEALTHY"


def test_two_first_deployments_at_once_one_creates_the_other_is_superseded(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    first = publish(world, world.dss_head())
    merge = world.merge_to_prod()
    fault(world, "design", "POST", r"/project-deployer/deployments$", delay=4)  # A's create arrives late

    a = Spawned(world, "release", "prod", merge)
    a.wait_for("last bundle that passed tests on prod")  # A found no deployment and is creating it
    b = world.run(capsys, "release", "prod", merge)

    assert b == ExitStatus.OK, world.output
    assert a.finish() == ExitStatus.SUPERSEDED, a.output
    assert "Deployment CHURN-on-prod was created by another run while this one was creating it" in a.output
    assert world.deployments() == {"CHURN-on-prod": first} and world.active_bundle("prod") == first
    assert len(updates(world, "CHURN-on-prod")) == 1
