"""Promotion across nodes: what the design node bundles is what the automation node runs.

Seeded CHURN is bundled, published and deployed to the staging automation node through the Deployer; the DSS-style
tests.py (tests/fixtures/dss_tests_py) then runs against the automation node. A recipe broken on the design node
and re-bundled breaks there too, and rolling the deployment back to the previous bundle repairs it.
"""
import json

from .deploy_helpers import active_bundle, deploy, export_and_publish
from .run_helpers import run_tests_py, seed_churn, set_recipe_code


def test_tests_py_passes_on_the_automation_node_then_a_broken_bundle_fails_and_rollback_repairs(dss, tmp_path):
    design_project = seed_churn(dss)
    design = dss.client("design")
    staging = dss.client("staging")

    export_and_publish(design_project, "v1")
    deploy(design, "CHURN", "v1")
    assert active_bundle(staging, "CHURN") == "v1"
    good = run_tests_py(dss, "staging", tmp_path)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "2 passed" in good.stdout

    set_recipe_code(design_project, "compute_customers_clean",
                    "import dataiku\nraise ValueError('broken on the design node')\n")
    export_and_publish(design_project, "v2")
    deploy(design, "CHURN", "v2")
    assert active_bundle(staging, "CHURN") == "v2"
    broken = run_tests_py(dss, "staging", tmp_path)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Job run did not finish. Status: FAILED" in broken.stdout
    assert staging.get_project("CHURN").list_jobs()[0]["state"] == "FAILED"

    deploy(design, "CHURN", "v1")
    assert active_bundle(staging, "CHURN") == "v1"
    repaired = run_tests_py(dss, "staging", tmp_path)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr


def test_the_design_node_is_untouched_by_tests_run_on_the_automation_node(dss, tmp_path):
    design_project = seed_churn(dss)
    export_and_publish(design_project, "v1")
    deploy(dss.client("design"), "CHURN", "v1")
    result = run_tests_py(dss, "staging", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert design_project.list_jobs() == []
    assert dss.client("staging").get_project("CHURN").list_jobs()


def test_each_export_is_tagged_and_no_bundle_package_or_deployment_json_carries_a_commit(dss):
    design_project = seed_churn(dss)
    design, staging = dss.client("design"), dss.client("staging")
    git_api = design_project.get_project_git()
    for bundle_id in ("v1", "v2"):
        set_recipe_code(design_project, "compute_customers_clean", f"import dataiku\n# {bundle_id}\n")
        head = git_api.log(count=1)["entries"][0]["commit"]
        export_and_publish(design_project, bundle_id)
        tag = {t["shortName"]: t for t in git_api.list_tags()}[f"dss-bundle-CHURN-{bundle_id}"]
        assert tag["commit"] == head
        assert tag["annotations"] == [f"Created Bundle for project CHURN: {bundle_id}"]
        deployment = deploy(design, "CHURN", bundle_id)

    deployer = design.get_projectdeployer()
    answers = [design_project.list_exported_bundles(), deployer.list_projects(as_objects=False),
               deployer.get_project("CHURN").get_settings().get_raw(), deployment.get_settings().get_raw(),
               deployment.get_status().get_health_messages(), deployer.list_deployments(as_objects=False),
               design._perform_json("GET", f"/project-deployer/deployments/{deployment.id}/last-update"),
               staging.list_projects(), staging.get_project("CHURN").list_imported_bundles()]
    assert "gitCommit" not in json.dumps(answers)
    assert active_bundle(staging, "CHURN") == "v2"


def test_the_samples_deploy_an_upload_on_the_default_location_and_a_remapped_connection(dss):
    dss.control("design", "POST", "seed", {"sample": True})
    design, staging = dss.client("design"), dss.client("staging")
    churn, sales = design.get_project("CHURN"), design.get_project("SALES_FORECAST")
    assert "uploadConnection" not in churn.get_dataset("customers_raw").get_settings().get_raw()["params"]
    assert sales.get_dataset("sales_by_region").get_settings().get_raw()["params"]["connection"] == "sales_dev"
    assert "sales_dev" in design.list_connections() and "sales_dev" not in staging.list_connections()
    infra = design.get_projectdeployer().get_infra("staging").get_settings().get_raw()
    assert infra["bundleContainerSettings"]["remapping"]["connections"] == [
        {"source": "sales_dev", "target": "filesystem_managed"}]

    for project in (churn, sales):
        export_and_publish(project, "v1")
        deploy(design, project.project_key, "v1")
        assert active_bundle(staging, project.project_key) == "v1"
    run = staging.get_project("SALES_FORECAST").get_scenario("TEST_REVENUE").run_and_wait()
    assert run.get_info()["result"]["outcome"] == "SUCCESS"
    log = design._perform_json("GET", "/project-deployer/deployments/SALES_FORECAST-on-staging/last-update")
    assert any("Connection sales_dev is remapped to filesystem_managed" in line for line in log["logs"]["lines"])
