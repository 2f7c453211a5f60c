"""The deploy script's health gates against each health the Project Deployer can answer, forced through the
emulator's control API: staging accepts only HEALTHY; prod accepts HEALTHY, WARNING and UNKNOWN."""
from __future__ import annotations

from dss_deploy.cli import ExitStatus

from .helpers import make_world

REFUSED = ExitStatus.DEPLOY_FAILED


def force(dss, deployment_id: str, health: str | None) -> None:
    dss.control("design", "POST", "faults/health", {"deploymentId": deployment_id, "health": health})


def test_staging_accepts_only_healthy(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    head = world.dss_head()
    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output
    for health in ("WARNING", "UNKNOWN", "ERROR", "UNHEALTHY"):
        force(dss, "CHURN-on-staging", health)
        assert world.run(capsys, "test", "staging", head) == REFUSED, (health, world.output)
        assert f"Deployment CHURN-on-staging is {health} after the update (staging requires HEALTHY)" in world.output
        assert f"forced to {health}" in world.output
        assert f"| Health | {health} |" in world.summary() and "| Tests | not run |" in world.summary()
    force(dss, "CHURN-on-staging", None)
    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output


def test_prod_accepts_warning_and_unknown_but_not_error_or_unhealthy(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    head = world.dss_head()
    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output
    bundle = world.exported_ids()[0]
    merge = world.merge_to_prod()
    assert world.run(capsys, "release", "prod", merge) == ExitStatus.OK, world.output
    for health, expected in (("WARNING", ExitStatus.OK), ("UNKNOWN", ExitStatus.OK), ("ERROR", REFUSED),
                             ("UNHEALTHY", REFUSED)):
        force(dss, "CHURN-on-prod", health)
        status = world.run(capsys, "redeploy", "prod", merge, "--bundle-id", bundle)
        assert status == expected, (health, world.output)
        assert f"| Health | {health} |" in world.summary()
        if expected == REFUSED:
            assert (f"Deployment CHURN-on-prod is {health} after the update (prod requires HEALTHY or UNKNOWN or "
                    f"WARNING)") in world.output
        else:
            assert f"updated: deployment CHURN-on-prod is {health}" in world.output


def test_an_update_whose_future_dies_without_result_fails_with_its_error(dss, tmp_path, capsys):
    """The emulator answers the failed update's future ``{hasResult: false, alive: false, exception}`` (the shape
    real DSS may use, EV-F04): the run ends at once as a failed deployment, not as a timeout."""
    world = make_world(dss, tmp_path)
    dss.control("design", "POST", "faults/futures", {"failedAsDead": True})
    dss.control("design", "POST", "faults/deployments", {"count": 1, "message": "disk full on staging"})
    assert world.run(capsys, "test", "staging", world.dss_head(), "--timeout", "300") == REFUSED, world.output
    assert "ended without a result" in world.output and "disk full on staging" in world.output
    assert "did not finish within" not in world.output
