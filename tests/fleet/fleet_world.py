"""A fleet in a real state, made once per module: every flag of the status command produced by what people and
pipelines really do — deploy-script runs, exports, publications and deployments through ``dataikuapi``, DSS git
commits and pushes, an injected deployment failure.

- CHURN (the demo's story): PR → staging, merge → prod, then a breaking change whose PR run fails its tests on
  staging. Flags: unhealthy (staging tests), staging-ahead.
- SALES_FORECAST: bundle s1 on staging; s2 exported later, deployed straight to prod; staging then pointed at s2
  without an update. Flags: untested-in-prod, out-of-sync, no-repository (no git remote).
- FINANCE_REPORTS (EXPLICIT commit mode): pushed once, then a commit not pushed and an edit not committed; its only
  deployment (staging) failed its update. Flags: unhealthy (ERROR), uncommitted, not-pushed, no-deployment.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..deploy.helpers import World, make_world
from ..emulator.git_helpers import run_git as git


@dataclass
class FleetWorld:
    world: World  # CHURN's GitOps world (keys, repositories)
    bundles: dict[str, str]  # name -> bundle id
    commits: dict[str, str]  # CHURN's DSS commits: tested (on prod), broken (on staging)
    finance_remote: Path


def _deploy(deployer, dep_id: str, key: str, infra: str, bundle: str) -> None:
    ids = [d.id for d in deployer.list_deployments()]
    if dep_id in ids:
        settings = deployer.get_deployment(dep_id).get_settings()
        settings.bundle_id = bundle
        settings.save()
        deployment = deployer.get_deployment(dep_id)
    else:
        deployment = deployer.create_deployment(dep_id, key, infra, bundle)
    future = deployment.start_update()
    try:
        future.wait_for_result()
    except Exception:  # a failed update is a state these tests want; the history records it
        pass


def _export_and_publish(project, bundle_id: str) -> str:
    project.export_bundle(bundle_id)
    project.publish_bundle(bundle_id)
    return bundle_id


def _edit_recipe(project, recipe: str, marker: str) -> None:
    settings = project.get_recipe(recipe).get_settings()
    settings.set_code(settings.get_code() + f"\n# {marker}\n")
    settings.save()


def build(dss, tmp: Path, capsys) -> FleetWorld:
    (tmp / "churn").mkdir()
    world = make_world(dss, tmp / "churn", tests_py="starter")
    first = world.dss_push()
    assert world.run(capsys, "test", "staging", first) == 0, world.output
    assert world.run(capsys, "release", "prod", world.merge_to_prod()) == 0, world.output
    project = world.project
    recipe = project.get_recipe("compute_customers_clean").get_settings()
    recipe.set_code(recipe.get_code().replace("> 0", "> 10_000"))  # drops every customer: TEST_SMOKE fails
    recipe.save()
    broken = world.dss_push()
    assert world.run(capsys, "test", "staging", broken) == 6, world.output

    design = dss.client("design")
    deployer = design.get_projectdeployer()
    sales = design.get_project("SALES_FORECAST")
    s1 = _export_and_publish(sales, "s1")
    _deploy(deployer, "SALES_FORECAST-on-staging", "SALES_FORECAST", "staging", s1)
    _edit_recipe(sales, "compute_sales_by_region", "a hotfix made straight for prod")
    s2 = _export_and_publish(sales, "s2")
    _deploy(deployer, "SALES_FORECAST-on-prod", "SALES_FORECAST", "prod", s2)
    settings = deployer.get_deployment("SALES_FORECAST-on-staging").get_settings()
    settings.bundle_id = s2  # saved, never updated: out of sync
    settings.save()

    finance = design.get_project("FINANCE_REPORTS")
    remote = tmp / "finance.git"
    remote.mkdir()
    git(remote, "init", "-q", "--bare", "-b", "master")
    finance_git = finance.get_project_git()
    finance_git.set_remote(str(remote))
    assert finance_git.push()["success"]
    f1 = _export_and_publish(finance, "f1")
    _edit_recipe(finance, "compute_monthly_totals", "committed, not pushed")
    finance_git.commit("Monthly totals: comment")
    _edit_recipe(finance, "compute_monthly_totals", "not committed")
    dss.control("design", "POST", "faults/deployments", {"count": 1, "deploymentId": "FINANCE_REPORTS-on-staging",
                                                          "message": "automation node refused the bundle"})
    _deploy(deployer, "FINANCE_REPORTS-on-staging", "FINANCE_REPORTS", "staging", f1)
    return FleetWorld(world, {"s1": s1, "s2": s2, "f1": f1}, {"tested": first, "broken": broken}, remote)
