"""A killed or interrupted release never strands production on an untested bundle: any later run knows the last
bundle that passed prod (recorded in DSS, on the automation node) and waits for an update still running."""
from __future__ import annotations

import signal

from dss_deploy.cli import ExitStatus
from dss_deploy.testrecord import VARIABLE

from ..deploy.helpers import make_world
from .deploy_world import ACTIVATE, METADATA, PROBE_TESTS_PY, Spawned, fault, health, prod_with_a_second_bundle


def test_sigkill_during_prod_tests_leaves_the_last_passed_bundle_as_rollback_target(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path, tests_py=PROBE_TESTS_PY)
    first, second, merge = prod_with_a_second_bundle(world, capsys)
    fault(world, "prod", "GET", METADATA, delay=5, status=500, message="prod is broken")  # fails, slowly

    killed = Spawned(world, "release", "prod", merge)
    killed.wait_for("test_the_run_passes_the_project_key PASSED")  # tests.py is running on prod
    killed.process.send_signal(signal.SIGKILL)
    assert killed.finish() == -signal.SIGKILL
    assert world.active_bundle("prod") == second  # what the kill left: prod on the untested bundle
    fault(world, "prod", "GET", METADATA, status=500, message="prod is still broken")

    status = world.run(capsys, "release", "prod", merge)
    assert status == ExitStatus.TESTS_FAILED_ROLLED_BACK, world.output
    assert f"last bundle that passed tests on prod: {first}" in world.output
    assert f"bundle {second} is active but has no passed tests recorded on prod" in world.output
    assert f"rollback target if this release fails: {first}" in world.output
    assert world.active_bundle("prod") == first and world.deployments()["CHURN-on-prod"] == first
    assert health(world, "CHURN-on-prod") == "HEALTHY"
    record = dss.client("prod").get_project("CHURN").get_variables()["local"][VARIABLE]
    assert record["bundleId"] == first  # still the last bundle that passed prod


def test_rerun_during_a_running_update_waits_for_it_then_deploys_and_tests(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    _, second, merge = prod_with_a_second_bundle(world, capsys)
    fault(world, "prod", "POST", ACTIVATE, delay=3)  # the update of the first run takes a while

    terminated = Spawned(world, "release", "prod", merge)
    terminated.wait_for("update started")
    terminated.process.send_signal(signal.SIGTERM)
    assert terminated.finish() == ExitStatus.TERMINATED, terminated.output
    assert "Nothing was rolled back now; the next run waits for any update still running" in terminated.output

    assert world.run(capsys, "release", "prod", merge) == ExitStatus.OK, world.output
    assert "is already running (started by admin): waiting for it to end" in world.output
    assert world.deployments()["CHURN-on-prod"] == second and world.active_bundle("prod") == second
    assert health(world, "CHURN-on-prod") == "HEALTHY"
    assert "| Tests | passed: 2 passed" in world.summary()


def test_unwritable_junit_path_is_refused_before_anything_is_deployed(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    first, _, merge = prod_with_a_second_bundle(world, capsys)
    (tmp_path / "not-a-dir").write_text("a file")

    status = world.run(capsys, "release", "prod", merge, "--junit-file", str(tmp_path / "not-a-dir" / "j.xml"))
    assert status == ExitStatus.USAGE, world.output
    assert "Invalid --junit-file" in world.output and "is not a writable directory" in world.output
    assert world.active_bundle("prod") == first and world.deployments()["CHURN-on-prod"] == first


def test_tests_that_cannot_run_after_the_prod_update_roll_back(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    first, second, merge = prod_with_a_second_bundle(world, capsys)
    reports = tmp_path / "reports"
    reports.mkdir()
    fault(world, "prod", "POST", ACTIVATE, delay=1)

    run = Spawned(world, "release", "prod", merge, "--junit-file", str(reports / "junit.xml"))
    run.wait_for("update started")
    reports.rmdir()
    reports.write_text("the JUnit directory became a file")  # checked at start; gone when tests.py is due
    assert run.finish() == ExitStatus.TESTS_FAILED_ROLLED_BACK, run.output
    assert "tests.py could not run: cannot write the JUnit report" in run.output
    assert f"rolled back to {first}" in run.output
    assert world.active_bundle("prod") == first and world.deployments()["CHURN-on-prod"] == first


def test_release_update_outlasting_the_timeout_is_rolled_back_once_it_ends(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    first, second, merge = prod_with_a_second_bundle(world, capsys)
    fault(world, "prod", "POST", ACTIVATE, delay=4)  # the update goes on after the run stops waiting

    status = world.run(capsys, "release", "prod", merge, "--timeout", "3")
    assert status == ExitStatus.DEPLOY_FAILED, world.output
    assert "did not finish within 3 s" in world.output
    assert "is already running (started by admin): waiting for it to end" in world.output
    assert f"rolled back to {first}" in world.output
    assert world.active_bundle("prod") == first and world.deployments()["CHURN-on-prod"] == first
    assert health(world, "CHURN-on-prod") == "HEALTHY"
