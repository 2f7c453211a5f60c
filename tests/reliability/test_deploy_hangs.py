"""No DSS request waits forever: each has connect/read timeouts bounded by --timeout and by the deadline of the
wait it belongs to, and says so in one line when it fires."""
from __future__ import annotations

import socket

import pytest
from dss_deploy.cli import ExitStatus

from ..deploy.helpers import make_world
from .deploy_world import fault, health, prod_with_a_second_bundle


@pytest.mark.timeout(60)
def test_a_node_that_accepts_connections_and_never_answers_stops_the_run(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    with socket.socket() as silent:  # the kernel accepts connections into the backlog; nobody ever answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        status = world.run(capsys, "test", "staging", world.dss_head(), "--design-url", url, "--timeout", "2")
    assert status == ExitStatus.ERROR, world.output
    line = next(line for line in world.output.splitlines() if line.startswith("✗"))
    assert line.startswith(f"✗ Authenticating to the design node {url} with DSS_DESIGN_API_KEY failed: DSS did not "
                           f"answer in time (ReadTimeout: ")
    assert "read timeout=2.0" in line
    assert world.deployments() == {}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("path, expected", [
    (r"/project-deployer/deployments/CHURN-on-prod/status$",
     "Reading the status of deployment CHURN-on-prod failed: DSS did not answer in time (ReadTimeout"),
    (r"/futures/[^/]+$", "did not finish within 3 s"),
], ids=["deployment-status", "update-future"])
def test_a_delayed_call_after_the_prod_update_times_out_and_rolls_back(dss, tmp_path, capsys, path, expected):
    world = make_world(dss, tmp_path)
    first, _, merge = prod_with_a_second_bundle(world, capsys)
    fault(world, "design", "GET", path, delay=8)

    status = world.run(capsys, "release", "prod", merge, "--timeout", "3")
    assert status == ExitStatus.DEPLOY_FAILED, world.output
    assert expected in world.output and f"production was rolled back to {first}" in world.output
    assert world.active_bundle("prod") == first and world.deployments()["CHURN-on-prod"] == first
    assert health(world, "CHURN-on-prod") == "HEALTHY"



@pytest.mark.timeout(60)
def test_an_update_future_that_dies_without_a_result_is_a_failure_not_a_wait(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    first, _, merge = prod_with_a_second_bundle(world, capsys)
    dss.control("design", "POST", "faults/futures", {"failedAsDead": True})  # {hasResult: false, alive: false}
    dss.control("design", "POST", "faults/deployments", {"count": 1, "deploymentId": "CHURN-on-prod",
                                                         "message": "activation exploded"})

    status = world.run(capsys, "release", "prod", merge, "--timeout", "30")
    assert status == ExitStatus.DEPLOY_FAILED, world.output
    assert "to bundle b-" in world.output and "ended without a result (future " in world.output
    assert "activation exploded" in world.output and "did not finish within" not in world.output
    assert f"production was rolled back to {first}" in world.output
    assert world.active_bundle("prod") == first and world.deployments()["CHURN-on-prod"] == first
