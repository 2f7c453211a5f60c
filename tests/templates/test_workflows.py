"""What the generated workflows do, read from the parsed YAML: triggers, job conditions, pins, environments,
secrets, inputs, concurrency."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from components.workflow_files import (
    PLATFORM_COMMIT_MARKER,
    PLUGIN_STATUS_CHECK,
    PLUGIN_WORKFLOW,
    PR_STATUS_CHECK,
    PROJECT_WORKFLOW,
    WorkflowContext,
    action_pins,
    plugin_workflow_files,
    project_workflow_files,
)
from tests.templates.conftest import PLUGIN, PROJECT, PROJECT_MAIN

OWN_WORKFLOWS = sorted((Path(__file__).resolve().parents[2] / ".github" / "workflows").glob("*.yml"))
CONTEXTS = [PROJECT, PROJECT_MAIN]
SECRETS = {"DSS_DESIGN_API_KEY", "DSS_AUTOMATION_API_KEY", "DSS_CLIENT_CERTIFICATE"}
SHARED_VARIABLES = {"DSS_DESIGN_URL", "DSS_CA_BUNDLE"}  # the CAs are the same for every node
STAGE_VARIABLES = {"staging": SHARED_VARIABLES | {"DSS_STAGING_AUTOMATION_URL", "DSS_STAGING_INFRA_ID"},
                   "production": SHARED_VARIABLES | {"DSS_PROD_AUTOMATION_URL", "DSS_PROD_INFRA_ID"}}
ACTION_INPUTS = {"mode", "stage", "project-key", "commit-sha", "design-url", "design-api-key", "automation-url",
                 "automation-api-key", "infra-id", "bundle-id", "client-certificate", "ca-bundle"}
PR_ONLY = "github.event_name == 'pull_request'"
PUSH_ONLY = "github.event_name == 'push'"
MANUAL_ONLY = "github.event_name == 'workflow_dispatch'"
CHECKOUT = action_pins()["actions/checkout"].split(" #")[0]


def _load(text: str) -> dict:
    doc = yaml.safe_load(text)
    doc["on"] = doc.pop(True)  # YAML 1.1 reads the key `on` as a boolean
    return doc


def _project(ctx) -> dict:
    [(path, text)] = project_workflow_files(ctx).items()
    assert path == PROJECT_WORKFLOW
    return _load(text)


def _plugin() -> dict:
    [(path, text)] = plugin_workflow_files(PLUGIN).items()
    assert path == PLUGIN_WORKFLOW
    return _load(text)


def _steps(doc: dict):
    for job in doc["jobs"].values():
        yield from job["steps"]


def _deploy_step(job: dict, ctx) -> dict:
    [step] = [s for s in job["steps"] if s.get("uses", "").startswith(ctx.deploy_action + "@")]
    return step


def _names(pattern: str, node) -> set[str]:
    return set(re.findall(pattern, yaml.safe_dump(node)))


def test_one_workflow_file_per_repository():
    assert list(project_workflow_files(PROJECT)) == [".github/workflows/dss.yml"]
    assert list(plugin_workflow_files(PLUGIN)) == [".github/workflows/dss-plugin.yml"]


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: c.prod_branch)
def test_triggers_and_the_job_each_event_runs(ctx):
    doc = _project(ctx)
    assert doc["on"]["pull_request"] == {"branches": [ctx.prod_branch]}
    assert doc["on"]["push"] == {"branches": [ctx.prod_branch], "paths-ignore": [".github/**"]}
    assert set(doc["on"]) == {"pull_request", "push", "workflow_dispatch"}
    conditions = {name: job["if"] for name, job in doc["jobs"].items()}
    assert conditions == {
        "staging-tests": PR_ONLY,
        "release": f"{PUSH_ONLY} && !startsWith(github.event.head_commit.message, '{PLATFORM_COMMIT_MARKER}')",
        "validate": MANUAL_ONLY, "manual-deploy": MANUAL_ONLY}


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: c.prod_branch)
def test_pr_job_tests_the_pr_head_on_staging_under_the_required_check_name(ctx):
    job = _project(ctx)["jobs"]["staging-tests"]
    assert job["name"] == PR_STATUS_CHECK
    assert job["environment"] == "staging"
    step = _deploy_step(job, ctx)
    assert step["with"]["mode"] == "test" and step["with"]["stage"] == "staging"
    assert step["with"]["commit-sha"] == "${{ github.event.pull_request.head.sha }}"
    assert job["steps"][0]["with"]["ref"] == "${{ github.event.pull_request.head.sha }}"


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: c.prod_branch)
def test_release_job_deploys_the_pushed_commit_to_production(ctx):
    job = _project(ctx)["jobs"]["release"]
    assert job["environment"] == "production"
    step = _deploy_step(job, ctx)
    assert (step["with"]["mode"], step["with"]["stage"]) == ("release", "prod")
    assert step["with"]["commit-sha"] == "${{ github.sha }}"


def test_manual_jobs_take_a_bundle_and_a_mode_and_validate_first():
    doc = _project(PROJECT)
    inputs = doc["on"]["workflow_dispatch"]["inputs"]
    assert inputs["bundle-id"]["required"] is True and inputs["bundle-id"]["type"] == "string"
    assert inputs["mode"]["type"] == "choice" and inputs["mode"]["options"] == ["rollback", "redeploy"]
    validate, deploy = doc["jobs"]["validate"], doc["jobs"]["manual-deploy"]
    assert "environment" not in validate and deploy["needs"] == "validate"
    assert deploy["environment"] == "production"
    step = _deploy_step(deploy, PROJECT)
    assert step["with"]["bundle-id"] == "${{ inputs.bundle-id }}" and step["with"]["mode"] == "${{ inputs.mode }}"
    assert step["with"]["stage"] == "prod"


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: c.prod_branch)
def test_deploy_action_is_pinned_to_the_given_sha_with_contract_inputs(ctx):
    deploy_jobs = {name: job for name, job in _project(ctx)["jobs"].items() if "environment" in job}
    assert set(deploy_jobs) == {"staging-tests", "release", "manual-deploy"}
    for name, job in deploy_jobs.items():
        step = _deploy_step(job, ctx)
        assert step["uses"] == f"{ctx.deploy_action}@{ctx.deploy_action_ref}"
        assert set(step["with"]) <= ACTION_INPUTS
        assert ("bundle-id" in step["with"]) == (name == "manual-deploy")


def test_every_action_is_pinned_by_full_sha():
    uses = [step["uses"] for doc in (_project(PROJECT), _plugin()) for step in _steps(doc) if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses
    assert CHECKOUT in uses


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: c.prod_branch)
def test_each_job_reads_only_its_own_stage(ctx):
    for name, job in _project(ctx)["jobs"].items():
        secrets = _names(r"secrets\.(\w+)", job)
        if "environment" in job:
            assert secrets == SECRETS, name
            assert _names(r"vars\.(\w+)", job) == STAGE_VARIABLES[job["environment"]], name
        else:
            assert secrets == set() and _names(r"vars\.(\w+)", job) == set(), name
    assert "DSS_PROJECT_KEY" not in project_workflow_files(ctx)[PROJECT_WORKFLOW]  # rendered, not a variable


@pytest.mark.parametrize("key", ["SALES_FORECAST", "NO", "true", "0123", "1e5", "null", "x-1"])
def test_the_project_key_is_rendered_as_a_string_in_every_deploy_step(key):
    ctx = WorkflowContext(dss_key=key, repository="dss-x", owner="acme-data", deploy_action=PROJECT.deploy_action,
                          deploy_action_ref=PROJECT.deploy_action_ref)
    steps = [_deploy_step(job, ctx) for job in _project(ctx)["jobs"].values() if "environment" in job]
    assert len(steps) == 3 and all(step["with"]["project-key"] == key for step in steps)


def test_plugin_workflow_jobs_hold_their_environment_and_report_the_plugin_status_check():
    doc = _plugin()
    assert set(doc["on"]) == {"pull_request", "push"}
    assert doc["on"]["push"] == {"branches": [PLUGIN.prod_branch], "paths-ignore": [".github/**"]}
    assert {name: (job["name"], job["if"]) for name, job in doc["jobs"].items()} == {
        "check": (PLUGIN_STATUS_CHECK, PR_ONLY), "release": ("dss-plugin-release", PUSH_ONLY)}
    check, release = doc["jobs"]["check"], doc["jobs"]["release"]
    assert (check["environment"], release["environment"]) == ("staging", "production")
    action = f"{PLUGIN.deploy_action}/plugin@{PLUGIN.deploy_action_ref}"
    [pr_install] = [s["with"] for s in check["steps"] if s.get("uses") == action]
    [release_install] = [s["with"] for s in release["steps"] if s.get("uses") == action]
    assert (pr_install["mode"], pr_install["stage"], pr_install["plugin-id"]) == ("test", "staging", PLUGIN.dss_key)
    assert pr_install["automation-url"] == "${{ vars.DSS_STAGING_AUTOMATION_URL }}"
    assert (release_install["mode"], release_install["stage"]) == ("release", "prod")
    assert release_install["automation-url"] == "${{ vars.DSS_PROD_AUTOMATION_URL }}"
    assert release_install["staging-api-key"] == "${{ secrets.DSS_STAGING_AUTOMATION_API_KEY }}"
    assert "DSS_STAGING_AUTOMATION_API_KEY" not in str(check)  # the PR job holds only staging's own key
    # the GitHub release is published only after prod installed and tested the plugin
    assert [s.get("uses", s.get("name")) for s in release["steps"]][1:] == [
        action, "Publish plugin.json's version as a GitHub release"]
    # and its asset is the archive the deploy action installed on prod, not a rebuild
    assert release_install["archive-file"] == release["steps"][2]["env"]["INSTALLED"]
    assert "git archive" not in release["steps"][2]["run"] and '"$INSTALLED"' in release["steps"][2]["run"]


def test_no_expression_inside_run_scripts():
    texts = [*project_workflow_files(PROJECT).values(), *plugin_workflow_files(PLUGIN).values()]
    texts += [path.read_text() for path in OWN_WORKFLOWS]
    runs = [step["run"] for text in texts for step in _steps(_load(text)) if "run" in step]
    assert runs  # rollback validation, plugin checks
    assert not [run for run in runs if "${{" in run]


def test_permissions_are_empty_by_default_and_minimal_per_job():
    for doc, writer in ((_project(PROJECT), None), (_plugin(), "release")):
        assert doc["permissions"] == {}
        for name, job in doc["jobs"].items():
            writes = {scope for scope, level in job["permissions"].items() if level != "read"}
            assert writes == ({"contents"} if name == writer else set()), name
            assert job["timeout-minutes"] > 0


def test_checkouts_do_not_persist_credentials():
    checkouts = [step for doc in (_project(PROJECT), _plugin()) for step in _steps(doc)
                 if step.get("uses") == CHECKOUT]
    assert len(checkouts) == 5
    assert all(step["with"]["persist-credentials"] is False for step in checkouts)


def test_each_job_has_its_own_concurrency_group():
    jobs = _project(PROJECT)["jobs"]
    assert jobs["staging-tests"]["concurrency"] == {"group": "dss-deploy-${{ github.repository }}-staging",
                                                    "cancel-in-progress": False}
    prod = {"group": "dss-deploy-${{ github.repository }}-prod", "cancel-in-progress": False}
    assert jobs["release"]["concurrency"] == jobs["manual-deploy"]["concurrency"] == prod
    assert "concurrency" not in _project(PROJECT) and "concurrency" not in _plugin()  # never workflow-wide
    plugin = _plugin()["jobs"]
    assert plugin["check"]["concurrency"] == {"group": "dss-plugin-${{ github.repository }}-staging",
                                              "cancel-in-progress": False}  # an install: never cut half-way
    assert plugin["release"]["concurrency"]["cancel-in-progress"] is False


def test_rendering_is_deterministic_and_names_the_project():
    first, second = project_workflow_files(PROJECT), project_workflow_files(PROJECT)
    assert first == second
    assert all(text.startswith("# Managed by dataiku-gitops for DSS project SALES_FORECAST") for text in first.values())
