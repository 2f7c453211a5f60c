"""The deploy script end to end through ``main([...])``: emulated cluster, real git, tests.py in a pytest subprocess.

Pull-request runs (test mode on staging), re-runs, and what the sync check refuses.
"""
from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

import pytest
from dss_deploy.cli import ExitStatus

from .helpers import GIT_ENV, git, make_world


def expected_bundle_id(world, commit: str) -> str:
    """``b-`` + the commit's tree without ``.github`` computed independently (index minus .github, write-tree)."""
    index = world.tmp / "expected-index"
    env = dict(GIT_ENV, GIT_INDEX_FILE=str(index))
    def run(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=world.checkout, env=env, check=True, capture_output=True,
                              text=True).stdout.strip()
    run("read-tree", commit)
    run("rm", "-r", "-q", "--cached", "--ignore-unmatch", ".github")
    tree = run("write-tree")
    index.unlink()
    return "b-" + tree[:20]


def test_pr_run_exports_publishes_deploys_and_runs_the_starter_tests(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path, tests_py="starter")
    head = world.dss_head()
    bundle = expected_bundle_id(world, head)

    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output

    assert world.exported_ids() == [bundle]
    assert world.published_ids() == [bundle]
    assert world.deployments() == {"CHURN-on-staging": bundle}
    assert world.active_bundle("staging") == bundle
    assert world.active_bundle("prod") is None
    cases = {case.get("name"): case for case in ET.parse(world.junit()).getroot().iter("testcase")}
    assert "test_scenario[TEST_SMOKE]" in cases and not list(cases["test_scenario[TEST_SMOKE]"])  # passed
    summary = world.summary()
    for row in (f"| Bundle | `{bundle}` (exported) |", "| Deployment | `CHURN-on-staging` on infra `staging` |",
                "| Previous bundle | none |", "| Health | HEALTHY |",
                "| Tests | passed: 1 passed, 0 failed, 1 skipped |",
                f"| Commit | `{head}` |", "| Rollback | not needed |"):
        assert row in summary, summary
    record = world.project.list_exported_bundles()["bundles"][0]
    assert head in record["exportManifest"]["exportUserInfo"]["releaseNotes"]
    assert "    │ tests.py::test_scenario[TEST_SMOKE] PASSED" in world.output


def test_rerun_and_github_only_commit_reuse_bundle_publication_and_deployment(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    head = world.dss_head()
    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output
    bundle = world.exported_ids()[0]
    # The platform rewrites a workflow on GitHub: the PR head moves, DSS HEAD does not, the content is the same.
    pr_head = world.github_commit({".github/workflows/dss-pr.yml": "# updated by the platform\n"}, "Update workflow")

    assert world.run(capsys, "test", "staging", pr_head) == ExitStatus.OK, world.output
    assert "differs in .github/ only" in world.output
    assert "already exported (made from DSS commit" in world.output
    assert "already published on the Project Deployer: reused" in world.output
    assert "deployment CHURN-on-staging set to bundle" in world.output
    assert f"previously deployed: {bundle} (active on the automation node)" in world.output
    assert world.exported_ids() == [bundle] and world.published_ids() == [bundle]
    assert world.deployments() == {"CHURN-on-staging": bundle}
    assert f"| Previous bundle | `{bundle}` |" in world.summary()


def test_a_crash_between_export_and_publish_is_continued_by_the_rerun(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    head = world.dss_head()
    dss.control("design", "POST", "faults/routes", {"method": "POST", "path": "/bundles/[^/]+/publish$",
                                                    "count": 1, "status": 500, "message": "node restarted"})
    assert world.run(capsys, "test", "staging", head) == ExitStatus.ERROR
    assert "Publishing bundle" in world.output and "node restarted" in world.output
    assert len(world.exported_ids()) == 1 and world.published_ids() == [] and world.deployments() == {}

    assert world.run(capsys, "test", "staging", head) == ExitStatus.OK, world.output
    assert "reused" in world.output and "  ✓ published on the Project Deployer" in world.output
    assert len(world.exported_ids()) == 1 and world.published_ids() == world.exported_ids()


@pytest.mark.parametrize("case, expected", [
    ("dss-ahead-unpushed", "DSS is ahead: DSS HEAD"),
    ("dss-ahead-pushed", "DSS is ahead, it already holds newer commits"),
    ("github-ahead", "GitHub is ahead"),
    ("diverged", "the histories diverged"),
])
def test_out_of_sync_fails_and_deploys_nothing(dss, tmp_path, capsys, case, expected):
    world = make_world(dss, tmp_path)
    world.fetch()
    commit = git(world.checkout, "rev-parse", "origin/master")
    if case != "github-ahead":
        world.change_recipe(f"changed in DSS ({case})")
    if case == "dss-ahead-pushed":
        world.dss_push()  # the run for the older PR head is stale: a newer run tests the pushed commit
    if case == "github-ahead":
        commit = world.github_commit({"tests.py": "def test_edited_on_github():\n    pass\n"}, "Edit tests.py")
    if case == "diverged":  # a pull request from another branch, while DSS pushed its own change to master
        commit = world.github_commit({"tests.py": "def test_edited_on_github():\n    pass\n"}, "Edit tests.py",
                                     branch="hotfix", base="origin/master")
        world.dss_push()

    assert world.run(capsys, "test", "staging", commit) == ExitStatus.OUT_OF_SYNC, world.output
    assert expected in world.output and "Nothing was deployed" in world.output
    assert commit in world.output
    assert world.exported_ids() == [] and world.published_ids() == [] and world.deployments() == {}
    assert "out of sync" in world.summary()


def test_uncommitted_changes_in_explicit_mode_fail_the_sync_check(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path, project_key="FINANCE_REPORTS")
    head = world.dss_head()
    world.change_recipe("pending, not committed")
    assert world.dss_head() == head  # EXPLICIT mode: nothing committed

    assert world.run(capsys, "test", "staging", head) == ExitStatus.OUT_OF_SYNC, world.output
    assert "has uncommitted changes (recipes/compute_monthly_totals.py)" in world.output
    assert world.exported_ids() == [] and world.deployments() == {}


def test_deployment_update_failure_is_a_clear_error(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    dss.control("design", "POST", "faults/deployments", {"count": 1, "message": "connection remapping failed"})
    assert world.run(capsys, "test", "staging", world.dss_head()) == ExitStatus.DEPLOY_FAILED, world.output
    assert "Update of deployment CHURN-on-staging to bundle" in world.output
    assert "connection remapping failed" in world.output
    assert "| Health | ERROR |" in world.summary() and "| Tests | not run |" in world.summary()


def test_an_update_that_never_finishes_hits_the_timeout(dss, tmp_path, capsys):
    world = make_world(dss, tmp_path)
    dss.control("design", "POST", "faults/futures", {"count": 1})
    status = world.run(capsys, "test", "staging", world.dss_head(), "--timeout", "1")
    assert status == ExitStatus.DEPLOY_FAILED, world.output
    assert "did not finish within 1 s" in world.output and "deployment timed out" in world.summary()
