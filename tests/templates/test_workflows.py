"""What the generated workflows do, read from the parsed YAML: triggers, pins, environments, secrets, inputs."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from components.workflow_files import (
    CHECKOUT_ACTION,
    PLUGIN_STATUS_CHECK,
    PR_STATUS_CHECK,
    WorkflowContext,
    plugin_workflow_files,
    project_workflow_files,
)
from tests.templates.conftest import PLUGIN, PROJECT, PROJECT_MAIN

OWN_WORKFLOWS = sorted((Path(__file__).resolve().parents[2] / ".github" / "workflows").glob("*.yml"))
CONTEXTS = [PROJECT, PROJECT_MAIN]
SECRETS = {"DSS_DESIGN_API_KEY", "DSS_AUTOMATION_API_KEY", "DSS_CLIENT_CERTIFICATE"}
STAGE_VARIABLES = {"staging": {"DSS_DESIGN_URL", "DSS_STAGING_AUTOMATION_URL", "DSS_STAGING_INFRA_ID"},
                   "production": {"DSS_DESIGN_URL", "DSS_PROD_AUTOMATION_URL", "DSS_PROD_INFRA_ID"}}
ACTION_INPUTS = {"mode", "stage", "project-key", "commit-sha", "design-url", "design-api-key", "automation-url",
                 "automation-api-key", "infra-id", "bundle-id", "client-certificate"}
PR, RELEASE, ROLLBACK = (f".github/workflows/dss-{name}.yml" for name in ("pr", "release", "rollback"))
PLUGIN_PR, PLUGIN_RELEASE = ".github/workflows/plugin-pr.yml", ".github/workflows/plugin-release.yml"


def _load(text: str) -> dict:
    doc = yaml.safe_load(text)
    doc["on"] = doc.pop(True)  # YAML 1.1 reads the key `on` as a boolean
    return doc


def _workflows(ctx) -> dict[str, dict]:
    return {path: _load(text) for path, text in project_workflow_files(ctx).items()}


def _steps(doc: dict):
    for job in doc["jobs"].values():
        yield from job["steps"]


def _deploy_step(job: dict, ctx) -> dict:
    [step] = [s for s in job["steps"] if s.get("uses", "").startswith(ctx.deploy_action + "@")]
    return step


def _names(pattern: str, node) -> set[str]:
    return set(re.findall(pattern, yaml.safe_dump(node)))


def test_file_names_and_write_order():
    assert list(project_workflow_files(PROJECT)) == [PR, RELEASE, ROLLBACK]
    assert list(plugin_workflow_files(PLUGIN)) == [PLUGIN_PR, PLUGIN_RELEASE]


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: c.prod_branch)
def test_pr_workflow_tests_the_pr_head_on_staging(ctx):
    doc = _workflows(ctx)[PR]
    assert doc["on"] == {"pull_request": {"branches": [ctx.prod_branch]}}
    [job] = doc["jobs"].values()
    assert job["name"] == PR_STATUS_CHECK
    assert job["environment"] == "staging"
    step = _deploy_step(job, ctx)
    assert step["with"]["mode"] == "test" and step["with"]["stage"] == "staging"
    assert step["with"]["commit-sha"] == "${{ github.event.pull_request.head.sha }}"
    checkout = job["steps"][0]
    assert checkout["with"]["ref"] == "${{ github.event.pull_request.head.sha }}"


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: c.prod_branch)
def test_release_workflow_deploys_the_pushed_commit_to_production(ctx):
    doc = _workflows(ctx)[RELEASE]
    assert doc["on"] == {"push": {"branches": [ctx.prod_branch]}}
    [job] = doc["jobs"].values()
    assert job["environment"] == "production"
    step = _deploy_step(job, ctx)
    assert (step["with"]["mode"], step["with"]["stage"]) == ("release", "prod")
    assert step["with"]["commit-sha"] == "${{ github.sha }}"


def test_rollback_workflow_takes_a_bundle_and_a_mode():
    doc = _workflows(PROJECT)[ROLLBACK]
    inputs = doc["on"]["workflow_dispatch"]["inputs"]
    assert inputs["bundle-id"]["required"] is True and inputs["bundle-id"]["type"] == "string"
    assert inputs["mode"]["type"] == "choice" and inputs["mode"]["options"] == ["rollback", "redeploy"]
    validate, deploy = doc["jobs"]["validate"], doc["jobs"]["deploy"]
    assert "environment" not in validate and deploy["needs"] == "validate"
    assert deploy["environment"] == "production"
    step = _deploy_step(deploy, PROJECT)
    assert step["with"]["bundle-id"] == "${{ inputs.bundle-id }}" and step["with"]["mode"] == "${{ inputs.mode }}"
    assert step["with"]["stage"] == "prod"


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: c.prod_branch)
def test_deploy_action_is_pinned_to_the_given_sha_with_contract_inputs(ctx):
    for path, doc in _workflows(ctx).items():
        deploy_jobs = [job for job in doc["jobs"].values() if "environment" in job]
        assert deploy_jobs, path
        for job in deploy_jobs:
            step = _deploy_step(job, ctx)
            assert step["uses"] == f"{ctx.deploy_action}@{ctx.deploy_action_ref}"
            assert set(step["with"]) <= ACTION_INPUTS
            assert ("bundle-id" in step["with"]) == (path == ROLLBACK)


def test_every_action_is_pinned_by_full_sha():
    docs = list(_workflows(PROJECT).values()) + [_load(t) for t in plugin_workflow_files(PLUGIN).values()]
    uses = [step["uses"] for doc in docs for step in _steps(doc) if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses
    assert CHECKOUT_ACTION in uses


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: c.prod_branch)
def test_secrets_and_variables_are_exactly_the_contract_names_in_environment_jobs(ctx):
    for path, doc in _workflows(ctx).items():
        for name, job in doc["jobs"].items():
            secrets = _names(r"secrets\.(\w+)", job)
            if job.get("environment") in ("staging", "production"):
                assert secrets == SECRETS, (path, name)
                assert _names(r"vars\.(\w+)", job) == STAGE_VARIABLES[job["environment"]], (path, name)
            else:
                assert secrets == set(), (path, name)
                assert _names(r"vars\.(\w+)", job) == set(), (path, name)


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: c.prod_branch)
def test_the_pr_workflow_never_reads_a_prod_setting_and_release_rollback_never_a_staging_one(ctx):
    files = project_workflow_files(ctx)
    read = {path: set(re.findall(r"\bvars\.(\w+)", text)) for path, text in files.items()}
    assert read[PR] and not [v for v in read[PR] if "PROD" in v]
    for path in (RELEASE, ROLLBACK):
        assert read[path] and not [v for v in read[path] if "STAGING" in v]
    assert "DSS_PROJECT_KEY" not in "".join(files.values())  # the key is rendered, not a variable


@pytest.mark.parametrize("key", ["SALES_FORECAST", "NO", "true", "0123", "1e5", "null", "x-1"])
def test_the_project_key_is_rendered_as_a_string_in_every_deploy_step(key):
    ctx = WorkflowContext(dss_key=key, repository="dss-x", owner="acme-data", deploy_action=PROJECT.deploy_action,
                          deploy_action_ref=PROJECT.deploy_action_ref)
    for path, doc in _workflows(ctx).items():
        steps = [_deploy_step(job, ctx) for job in doc["jobs"].values() if "environment" in job]
        assert steps and all(step["with"]["project-key"] == key for step in steps), path


def test_plugin_workflows_use_no_secret():
    for text in plugin_workflow_files(PLUGIN).values():
        assert "secrets." not in text


def test_plugin_pr_check_reports_the_plugin_status_check():
    doc = _load(plugin_workflow_files(PLUGIN)[PLUGIN_PR])
    assert "pull_request" in doc["on"] and "pull_request_target" not in doc["on"]
    assert [job["name"] for job in doc["jobs"].values()] == [PLUGIN_STATUS_CHECK]


def test_no_expression_inside_run_scripts():
    texts = list(project_workflow_files(PROJECT).values()) + list(plugin_workflow_files(PLUGIN).values())
    texts += [path.read_text() for path in OWN_WORKFLOWS]
    runs = [step["run"] for text in texts for step in _steps(_load(text)) if "run" in step]
    assert runs  # rollback validation, plugin checks
    assert not [run for run in runs if "${{" in run]


def test_permissions_are_empty_by_default_and_minimal_per_job():
    docs = {**_workflows(PROJECT), **{p: _load(t) for p, t in plugin_workflow_files(PLUGIN).items()}}
    for path, doc in docs.items():
        assert doc["permissions"] == {}, path
        for name, job in doc["jobs"].items():
            writes = {scope for scope, level in job["permissions"].items() if level != "read"}
            assert writes == ({"contents"} if path == PLUGIN_RELEASE else set()), (path, name)
            assert job["timeout-minutes"] > 0


def test_checkouts_do_not_persist_credentials():
    docs = list(_workflows(PROJECT).values()) + [_load(t) for t in plugin_workflow_files(PLUGIN).values()]
    checkouts = [step for doc in docs for step in _steps(doc) if step.get("uses") == CHECKOUT_ACTION]
    assert len(checkouts) == 5
    assert all(step["with"]["persist-credentials"] is False for step in checkouts)


def test_deployments_are_serialised_per_repository_and_stage():
    docs = _workflows(PROJECT)
    groups = {path: doc["concurrency"] for path, doc in docs.items()}
    assert groups[PR]["group"] == "dss-deploy-${{ github.repository }}-staging"
    assert groups[RELEASE]["group"] == groups[ROLLBACK]["group"] == "dss-deploy-${{ github.repository }}-prod"
    assert all(group["cancel-in-progress"] is False for group in groups.values())


def test_rendering_is_deterministic_and_names_the_project():
    first, second = project_workflow_files(PROJECT), project_workflow_files(PROJECT)
    assert first == second
    assert all(text.startswith("# Managed by dataiku-gitops for DSS project SALES_FORECAST") for text in first.values())
