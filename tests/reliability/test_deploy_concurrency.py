"""Two runs on one deployment at once: never two successes, never a run reporting a bundle it did not leave active.

The run that loses the deployment to another one stops with exit 9 (superseded) and rolls nothing back; the other
run waits for the update in progress, then deploys and tests its own bundle.
"""
from __future__ import annotations

from dss_deploy.cli import ExitStatus

from ..deploy.helpers import make_world
from .deploy_world import ACTIVATE, SCENARIO_LIST, Spawned, fault, health, prod_with_a_second_bundle


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
    world = make_world(dss, tmp_path)
    first, second, merge = prod_with_a_second_bundle(world, capsys)
    fault(world, "prod", "GET", SCENARIO_LIST, delay=3)  # the first run's tests are slow (and pass)

    a = Spawned(world, "release", "prod", merge)
    a.wait_for("test_only_the_stage_credentials_reach_tests PASSED")
    b = world.run(capsys, "redeploy", "prod", merge, "--bundle-id", first)

    assert b == ExitStatus.OK, world.output
    assert a.finish() == ExitStatus.SUPERSEDED, a.output
    assert "tests passed" in a.output
    assert f"was set to bundle {first} by another run after its tests" in a.output
    assert "rollback to" not in a.output
    assert world.deployments()["CHURN-on-prod"] == first and world.active_bundle("prod") == first
    assert health(world, "CHURN-on-prod") == "HEALTHY"
