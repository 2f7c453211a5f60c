"""Releases to prod (the bundle the pull request tested), automatic rollback, and the manual rollback / redeploy."""
from __future__ import annotations

from dss_deploy.cli import ExitStatus

from .helpers import make_world, released, second_pr

SCENARIO_LIST = "/projects/CHURN/scenarios/?$"  # what the quick tests.py calls on the node


def test_release_deploys_the_bundle_the_pull_request_tested(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    bundle = released(world, capsys)

    assert "tested on staging, reused" in world.summary()
    assert "deploying it as is" in world.output and "  ✓ exported" not in world.output
    assert world.exported_ids() == [bundle] and world.published_ids() == [bundle]
    assert world.deployments() == {"CHURN-on-staging": bundle, "CHURN-on-prod": bundle}
    assert world.active_bundle("prod") == bundle
    assert "| Health | HEALTHY |" in world.summary() and "| Tests | passed: 2 passed" in world.summary()


def test_release_of_untested_content_fails_unless_explicitly_allowed(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    merge = world.merge_to_prod()  # nothing was tested on staging for this content

    assert world.run(capsys, "release", "prod", merge) == ExitStatus.BUNDLE_REJECTED, world.output
    assert "no pull request run deployed and tested this content on staging" in world.output
    assert world.exported_ids() == [] and world.deployments() == {}

    assert world.run(capsys, "release", "prod", merge, "--allow-untested-export") == ExitStatus.OK, world.output
    assert "::warning" not in world.output  # annotations only inside GitHub Actions
    assert "was never tested on staging" in world.output
    assert "NOT tested on staging" in world.summary()
    assert world.deployments() == {"CHURN-on-prod": world.exported_ids()[0]}


def test_failed_prod_tests_roll_back_to_the_previous_bundle(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    first = released(world, capsys)
    second, merge = second_pr(world, capsys)
    dss.control("prod", "POST", "faults/routes", {"method": "GET", "path": SCENARIO_LIST, "count": 1,
                                                  "status": 500, "message": "prod is broken"})

    status = world.run(capsys, "release", "prod", merge, env=world.environ("prod", GITHUB_ACTIONS="true"))
    assert status == ExitStatus.TESTS_FAILED_ROLLED_BACK, world.output
    assert f"previously deployed: {first} (active on the automation node)" in world.output
    assert f"==> rollback to {first}" in world.output
    assert "::error title=Tests failed%2C rolled back::" in world.output
    assert world.deployments()["CHURN-on-prod"] == first and world.active_bundle("prod") == first
    assert world.active_bundle("staging") == second
    summary = world.summary()
    assert f"| Bundle | `{second}`" in summary and f"| Previous bundle | `{first}` |" in summary
    assert f"| Rollback | rolled back to `{first}` (HEALTHY) |" in summary
    assert "| Tests | failed (pytest exit status 1): 1 passed, 1 failed, 0 skipped |" in summary


def test_failed_prod_update_rolls_back_then_redeploy_and_rollback_modes(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    first = released(world, capsys)
    second, merge = second_pr(world, capsys)
    dss.control("design", "POST", "faults/deployments", {"count": 1, "deploymentId": "CHURN-on-prod"})

    assert world.run(capsys, "release", "prod", merge) == ExitStatus.DEPLOY_FAILED, world.output
    assert "Injected deployment update failure" in world.output and f"rolled back to {first}" in world.output
    assert world.deployments()["CHURN-on-prod"] == first and world.active_bundle("prod") == first

    assert world.run(capsys, "redeploy", "prod", merge, "--bundle-id", second) == ExitStatus.OK, world.output
    assert world.active_bundle("prod") == second and f"| Previous bundle | `{first}` |" in world.summary()
    assert world.run(capsys, "rollback", "prod", merge, "--bundle-id", first) == ExitStatus.OK, world.output
    assert world.active_bundle("prod") == first and world.deployments()["CHURN-on-prod"] == first

    status = world.run(capsys, "rollback", "prod", merge, "--bundle-id", "b-0000000000")
    assert status == ExitStatus.BUNDLE_REJECTED
    assert "Bundle b-0000000000 is not published for project CHURN" in world.output and second in world.output
    assert world.exported_ids() == [first, second]  # no run exported anything but the two pull requests


def test_release_of_the_active_tested_bundle_makes_no_deployer_update(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    bundle = released(world, capsys)
    deployment = world.design.get_projectdeployer().get_deployment("CHURN-on-prod")
    before = [u.get_raw() for u in deployment.list_updates()]
    # The platform rewrites a workflow on prod (a program commit): same content, so the same bundle.
    commit = world.github_commit({".github/workflows/release.yml": "# rewritten by the platform\n"}, "Platform",
                                 branch="prod")

    assert world.run(capsys, "release", "prod", commit) == ExitStatus.OK, world.output
    assert (f"bundle {bundle} is already the active, HEALTHY bundle of deployment CHURN-on-prod and its tests "
            f"passed there") in world.output and "nothing to do, no update made" in world.output
    assert [u.get_raw() for u in deployment.list_updates()] == before and len(before) == 1
    assert "==> tests:" not in world.output
    summary = world.summary()
    assert "### ✅ DSS release on prod: already deployed and tested" in summary
    assert "| Tests | not run: tests passed on " in summary and "| Health | HEALTHY |" in summary
