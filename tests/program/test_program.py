"""The program under Pulumi mocks against the emulator: what it declares, and the policies it must keep."""
from __future__ import annotations

import json
import re
from importlib.metadata import version

import pytest

from components.github_requests import plan_budget
from components.settings import parse_settings
from components.workflow_files import (
    PLATFORM_COMMIT_MARKER,
    PLUGIN_STATUS_CHECK,
    PR_STATUS_CHECK,
    WorkflowContext,
    plugin_workflow_files,
    project_workflow_files,
    starter_tests_py,
)
from gitops_plan.mocks import MockRun
from gitops_plan.observe import secret_values
from gitops_plan.plan import to_document

from .conftest import SECRETS, SHA, Runner, create_projects, valid_config
from .schema_check import FULL_SCHEMA, SLICE_FILE, schema_problems, schema_slice

GH = "github:index/"
REPOSITORY = GH + "repository:Repository"
ENV_SECRET = GH + "actionsEnvironmentSecret:ActionsEnvironmentSecret"
ENV_VARIABLE = GH + "actionsEnvironmentVariable:ActionsEnvironmentVariable"
VARIABLE = GH + "actionsVariable:ActionsVariable"
ORG_VARIABLE = GH + "actionsOrganizationVariable:ActionsOrganizationVariable"
BRANCH = GH + "branch:Branch"
FILE = GH + "repositoryFile:RepositoryFile"
PROJECT = "dataiku-gitops:index:ProjectRepository"
PLUGIN = "dataiku-gitops:index:PluginRepository"
DYNAMIC = "pulumi-python:dynamic:Resource"
CERT = "-----BEGIN CERTIFICATE-----\nMIIBsecretcertbody\n-----END CERTIFICATE-----\n"


CONFIGURED = {"teams": '["42:push", "43:maintain"]', "productionReviewerUsers": "[101]",
              "productionReviewerTeams": "[202]", "clientCertificate": CERT, "requiredApprovals": "2"}


@pytest.fixture(scope="module")
def sample(dss_cluster) -> dict[str, MockRun]:
    """Mocked runs over the sample projects and dev plugin: default, CONFIGURED and organization-scope settings."""
    dss_cluster.reset()
    dss_cluster.control("design", "POST", "seed", {"sample": True})
    config = valid_config(dss_cluster)
    runs = {name: Runner()(parse_settings({**config, **overrides}))
            for name, overrides in (("default", {}), ("configured", CONFIGURED),
                                    ("user", {"ownerType": "user"}))}
    runs["settings"] = parse_settings({**config, **CONFIGURED})
    return runs


def _component(run: MockRun, name: str) -> list:
    return run.descendants(run.by_name(name).urn)


def _by_type(resources, token: str) -> list:
    return [r for r in resources if r.type == token]


def test_one_repository_per_project_and_dev_plugin(dss, settings_for, run):
    dss.control("design", "POST", "seed", {"sample": True})
    result = run(settings_for())
    assert sorted(r.inputs["name"] for r in result.of_type(REPOSITORY)) == [
        "dss-churn", "dss-finance-reports", "dss-plugin-dss-custom-connectors", "dss-sales-forecast"]
    assert sorted(r.name for r in result.of_type(PROJECT)) == [
        "dss-project-CHURN", "dss-project-FINANCE_REPORTS", "dss-project-SALES_FORECAST"]
    assert [r.name for r in result.of_type(PLUGIN)] == ["dss-plugin-dss-custom-connectors"]
    assert result.outputs["projects"]["CHURN"] == {
        "repository": "dss-churn", "url": "https://github.com/acme/dss-churn", "name": "Customer churn",
        "shortDesc": "Cleans the customer base and flags long-term customers."}
    assert result.outputs["plugins"] == {"dss-custom-connectors": {
        "repository": "dss-plugin-dss-custom-connectors",
        "url": "https://github.com/acme/dss-plugin-dss-custom-connectors", "label": "Custom connectors"}}
    assert run.requests == ["GET /dip/publicapi/projects/", "GET /dip/publicapi/plugins/"]


def test_filters_decide_which_projects_get_repositories(dss, settings_for, run):
    create_projects(dss, "SALES_EU", "SALES_TMP", "HR", tags={"SALES_EU": ["gitops"], "SALES_TMP": ["gitops"]})
    result = run(settings_for(includeProjects='["SALES_*"]', excludeProjects='["*_TMP"]', requiredTags='["gitops"]',
                              pluginRepositories="false", visibility="public", archiveOnDestroy="false"))
    [repo] = result.of_type(REPOSITORY)
    assert (repo.inputs["name"], repo.inputs["visibility"], repo.inputs["archiveOnDestroy"]) == (
        "dss-sales-eu", "public", False)
    assert run.requests == ["GET /dip/publicapi/projects/"]


def test_every_declared_input_matches_the_provider_schema(sample):
    checked = 0
    for name in ("default", "configured", "user"):
        for resource in sample[name].resources:
            if resource.type.startswith("github:") or resource.type == "pulumi:providers:github":
                assert schema_problems(resource.type, resource.inputs) == [], resource.urn
                checked += 1
    assert checked > 150
    assert schema_problems(REPOSITORY, {"name": "x", "visibilty": "private"})  # the checker does refuse typos
    assert schema_problems(ENV_SECRET, {"repository": "x", "environment": "e"})  # ... missing required inputs
    assert schema_problems(GH + "branch:Branch", {"repository": "x", "branch": 3})  # ... and wrong types


def test_repositories_are_explicitly_named_private_archived_on_destroy_and_auto_initialised(sample):
    for repo in sample["default"].of_type(REPOSITORY):
        assert repo.inputs["name"].startswith("dss-")
        assert repo.inputs["visibility"] == "private"
        assert repo.inputs["archiveOnDestroy"] is True
        assert repo.inputs["autoInit"] is True
        assert repo.inputs["allowSquashMerge"] is False and repo.inputs["deleteBranchOnMerge"] is False


def test_prod_is_the_protected_default_branch(sample):
    result = sample["configured"]
    for component, check in (("dss-project-CHURN", PR_STATUS_CHECK),
                             ("dss-plugin-dss-custom-connectors", PLUGIN_STATUS_CHECK)):
        children = _component(result, component)
        [default] = _by_type(children, GH + "branchDefault:BranchDefault")
        assert (default.inputs["branch"], default.inputs["rename"]) == ("prod", True)
        [protection] = _by_type(children, GH + "branchProtection:BranchProtection")
        assert protection.inputs["pattern"] == "prod"
        assert protection.inputs["allowsForcePushes"] is False and protection.inputs["allowsDeletions"] is False
        assert protection.inputs["requiredStatusChecks"] == [{"contexts": [check], "strict": False}]
        assert protection.inputs["requiredPullRequestReviews"][0]["requiredApprovingReviewCount"] == 2
        assert protection.inputs["repositoryId"].startswith("R_")  # the repository's node id


def test_environment_secrets_hold_only_their_own_stage(sample):
    result = sample["default"]
    children = _component(result, "dss-project-CHURN")
    secrets = {(s.inputs["environment"], s.inputs["secretName"]): s for s in _by_type(children, ENV_SECRET)}
    assert set(secrets) == {(env, name) for env in ("staging", "production")
                            for name in ("DSS_DESIGN_API_KEY", "DSS_AUTOMATION_API_KEY")}
    assert secrets[("production", "DSS_DESIGN_API_KEY")].inputs["value"] == SECRETS["prodDesignApiKey"]
    assert secrets[("production", "DSS_AUTOMATION_API_KEY")].inputs["value"] == SECRETS["prodAutomationApiKey"]
    assert secrets[("staging", "DSS_DESIGN_API_KEY")].inputs["value"] == SECRETS["stagingDesignApiKey"]
    assert secrets[("staging", "DSS_AUTOMATION_API_KEY")].inputs["value"] == SECRETS["stagingAutomationApiKey"]
    prod_values = {SECRETS["prodDesignApiKey"], SECRETS["prodAutomationApiKey"]}
    for secret in result.of_type(ENV_SECRET):
        assert "value" in secret.secret_inputs
    for secret in children:
        if secret.type == ENV_SECRET:
            assert (secret.inputs["value"] in prod_values) == (secret.inputs["environment"] == "production")
    assert not result.of_type(ENV_VARIABLE)  # settings are stage-named variables, not environment ones
    assert not result.of_type(GH + "actionsSecret:ActionsSecret")  # no repository-wide secret at all


def test_plugin_environments_hold_the_automation_keys_the_plugin_workflow_installs_with(sample):
    plugin = _component(sample["default"], "dss-plugin-dss-custom-connectors")
    secrets = {(s.inputs["environment"], s.inputs["secretName"]): s.inputs["value"]
               for s in _by_type(plugin, ENV_SECRET)}
    assert secrets == {("staging", "DSS_AUTOMATION_API_KEY"): SECRETS["stagingAutomationApiKey"],
                       ("production", "DSS_AUTOMATION_API_KEY"): SECRETS["prodAutomationApiKey"],
                       ("production", "DSS_STAGING_AUTOMATION_API_KEY"): SECRETS["stagingAutomationApiKey"]}
    [production] = [e for e in _by_type(plugin, GH + "repositoryEnvironment:RepositoryEnvironment")
                    if e.inputs["environment"] == "production"]
    assert production.inputs["deploymentBranchPolicy"]["protectedBranches"] is True


def test_no_secret_value_in_a_non_secret_input_or_in_the_outputs(sample):
    secrets = secret_values(sample["settings"])
    assert len(secrets) == 6  # design key, 4 CI keys, certificate
    for name in ("default", "configured", "user"):
        result = sample[name]
        for resource in result.resources:
            plain = json.dumps({k: v for k, v in resource.inputs.items() if k not in resource.secret_inputs})
            leaked = [s for s in secrets if s in plain]
            assert not leaked, f"{resource.urn} carries a secret in a non-secret input"
        assert not [s for s in secrets if s in json.dumps(result.outputs)]
    [remote] = _by_type(_component(sample["default"], "dss-project-CHURN"), DYNAMIC)
    assert {"api_key", "__provider"} <= remote.secret_inputs


def test_client_certificate_is_an_environment_secret_only_when_configured(sample):
    def certificates(result):
        return sorted(s.inputs["environment"] for s in result.of_type(ENV_SECRET)
                      if s.inputs["secretName"] == "DSS_CLIENT_CERTIFICATE")
    assert certificates(sample["default"]) == []
    assert certificates(sample["configured"]) == ["production"] * 4 + ["staging"] * 4  # 3 projects, 1 plugin


def test_production_accepts_only_protected_branches_and_has_the_reviewers(sample):
    result = sample["configured"]
    environments = {e.inputs["environment"]: e.inputs
                    for e in _by_type(_component(result, "dss-project-CHURN"),
                                      GH + "repositoryEnvironment:RepositoryEnvironment")}
    assert environments["production"]["deploymentBranchPolicy"] == {"protectedBranches": True,
                                                                     "customBranchPolicies": False}
    assert environments["production"]["reviewers"] == [{"users": [101], "teams": [202]}]
    assert environments["production"]["preventSelfReview"] is True
    assert environments["production"]["canAdminsBypass"] is False
    assert "deploymentBranchPolicy" not in environments["staging"] and "reviewers" not in environments["staging"]
    # prod is the only protected branch, so "protected branches only" means prod only
    assert {p.inputs["pattern"] for p in result.of_type(GH + "branchProtection:BranchProtection")} == {"prod"}
    assert all("reviewers" not in e.inputs
               for e in sample["default"].of_type(GH + "repositoryEnvironment:RepositoryEnvironment"))


def test_secrets_and_variables_are_replaced_delete_first(sample):
    for name, token in (("default", ENV_SECRET), ("user", VARIABLE), ("default", ORG_VARIABLE)):
        assert sample[name].of_type(token)
        assert all(r.delete_before_replace for r in sample[name].of_type(token)), token


def _settings_values(dss_cluster) -> dict[str, str]:
    return {"DSS_DESIGN_URL": dss_cluster.url("design"),
            "DSS_STAGING_AUTOMATION_URL": dss_cluster.url("staging"), "DSS_STAGING_INFRA_ID": "staging",
            "DSS_PROD_AUTOMATION_URL": dss_cluster.url("prod"), "DSS_PROD_INFRA_ID": "prod"}


def test_repository_scope_gives_every_project_repository_the_stage_named_settings(sample, dss_cluster):
    result = sample["user"]
    for component in result.of_type(PROJECT):
        variables = _by_type(result.descendants(component.urn), VARIABLE)
        assert {v.inputs["variableName"]: v.inputs["value"] for v in variables} == _settings_values(dss_cluster)
    assert not result.of_type(ORG_VARIABLE)
    plugin = _by_type(_component(result, "dss-plugin-dss-custom-connectors"), VARIABLE)
    assert {v.inputs["variableName"]: v.inputs["value"] for v in plugin} == _settings_values(dss_cluster)


def test_organization_scope_declares_the_settings_once_and_no_project_carries_one(sample, dss_cluster):
    result = sample["default"]
    organization = result.of_type(ORG_VARIABLE)
    assert {v.inputs["variableName"]: v.inputs["value"] for v in organization} == _settings_values(dss_cluster)
    assert all(v.inputs["visibility"] == "private" for v in organization)
    owned = {r.urn for c in result.of_type(PROJECT) + result.of_type(PLUGIN) for r in result.descendants(c.urn)}
    assert not owned & {v.urn for v in organization}  # stack level, not per project
    per_project = [r for r in result.resources if r.urn in owned and r.type in (VARIABLE, ENV_VARIABLE, ORG_VARIABLE)]
    assert per_project == []  # no production override, no copy of a shared setting


def test_the_workflows_read_exactly_the_variables_the_program_declares(sample):
    read = set()
    for f in _by_type(_component(sample["default"], "dss-project-CHURN"), FILE):
        read |= set(re.findall(r"\bvars\.(\w+)", f.inputs["content"]))
    for name in ("default", "user"):
        variables = sample[name].of_type(VARIABLE) + sample[name].of_type(ORG_VARIABLE)
        declared = {v.inputs["variableName"] for v in variables}
        assert declared | {"DSS_CA_BUNDLE"} == read, name  # DSS_CA_BUNDLE: declared only with caBundle (below)


CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBprivateca0123456789\n-----END CERTIFICATE-----"


@pytest.mark.parametrize("owner_type, token", [("organization", ORG_VARIABLE), ("user", VARIABLE)])
def test_a_ca_bundle_reaches_the_workflows_as_the_dss_ca_bundle_variable(dss_cluster, owner_type, token):
    dss_cluster.reset()
    dss_cluster.control("design", "POST", "seed", {"sample": True})
    result = Runner()(parse_settings({**valid_config(dss_cluster), "ownerType": owner_type, "caBundle": CA_PEM}))
    bundles = [v for v in result.of_type(token) if v.inputs["variableName"] == "DSS_CA_BUNDLE"]
    repositories = result.of_type(GH + "repository:Repository")
    assert len(bundles) == (1 if owner_type == "organization" else len(repositories)) and len(repositories) > 1
    assert {v.inputs["value"] for v in bundles} == {CA_PEM}
    workflow = next(f for f in result.of_type(FILE) if f.inputs["file"] == ".github/workflows/dss.yml")
    assert workflow.inputs["content"].count("ca-bundle: ${{ vars.DSS_CA_BUNDLE }}") == 3  # PR, release, manual


def test_files_are_written_one_after_the_other_and_tests_py_is_never_overwritten(sample):
    children = _component(sample["default"], "dss-project-CHURN")
    files = _by_type(children, FILE)
    assert [f.inputs["file"] for f in files] == [".github/workflows/dss.yml", "tests.py"]
    [default] = _by_type(children, GH + "branchDefault:BranchDefault")
    previous = default
    for written in files:
        assert previous.urn in written.dependencies, f"{written.name} does not wait for {previous.name}"
        assert written.inputs["branch"] == "prod"
        previous = written
    [protection] = _by_type(children, GH + "branchProtection:BranchProtection")
    assert files[-1].urn in protection.dependencies
    # every program commit carries the marker the release job skips, so the starter tests.py is not a release
    assert all(f.inputs["commitMessage"].startswith(PLATFORM_COMMIT_MARKER + " ") for f in files)
    managed, tests_py = files[:-1], files[-1]
    assert all(f.inputs["overwriteOnCreate"] is True and not f.ignore_changes for f in managed)
    assert tests_py.inputs["overwriteOnCreate"] is False
    assert "content" in tests_py.ignore_changes and tests_py.retain_on_delete


def test_files_are_the_rendered_templates(sample):
    ctx = WorkflowContext(dss_key="CHURN", repository="dss-churn", owner="acme",
                          deploy_action="acme/dataiku-gitops/deploy", deploy_action_ref=SHA)
    expected = {**project_workflow_files(ctx), "tests.py": starter_tests_py(ctx)}
    files = _by_type(_component(sample["default"], "dss-project-CHURN"), FILE)
    assert {f.inputs["file"]: f.inputs["content"] for f in files} == expected
    plugin_ctx = WorkflowContext(dss_key="dss-custom-connectors", repository="dss-plugin-dss-custom-connectors",
                                 owner="acme", deploy_action="acme/dataiku-gitops/deploy", deploy_action_ref=SHA)
    plugin_files = _by_type(_component(sample["default"], "dss-plugin-dss-custom-connectors"), FILE)
    assert {f.inputs["file"]: f.inputs["content"] for f in plugin_files} == plugin_workflow_files(plugin_ctx)


def test_dss_creates_dev_once_prod_holds_every_generated_file(sample, dss_cluster):
    children = _component(sample["default"], "dss-project-SALES_FORECAST")
    [remote] = _by_type(children, DYNAMIC)
    assert {k: remote.inputs[k] for k in ("project_key", "remote_url", "branch", "prod_branch", "design_url")} == {
        "project_key": "SALES_FORECAST", "remote_url": "git@github.com:acme/dss-sales-forecast.git",
        "branch": "dev", "prod_branch": "prod", "design_url": dss_cluster.url("design")}
    files = _by_type(children, FILE)
    assert files[-1].inputs["file"] == "tests.py" and files[-1].urn in remote.dependencies
    assert not _by_type(children, BRANCH)  # the onboarding pushes dev; the program does not create it


def test_a_plugin_repository_gets_dev_from_prod_after_its_workflows(sample):
    children = _component(sample["configured"], "dss-plugin-dss-custom-connectors")
    [dev] = _by_type(children, BRANCH)
    assert (dev.inputs["branch"], dev.inputs["sourceBranch"]) == ("dev", "prod")
    assert _by_type(children, FILE)[-1].urn in dev.dependencies
    [protection] = _by_type(children, GH + "branchProtection:BranchProtection")
    assert dev.urn in protection.dependencies
    assert not _by_type(children, DYNAMIC)


def test_every_child_belongs_to_its_component_and_teams_get_access(sample):
    result = sample["configured"]
    components = result.of_type(PROJECT) + result.of_type(PLUGIN)
    owned = {r.urn for c in components for r in result.descendants(c.urn)}
    stack_level = [r for r in result.resources if r.urn not in owned and r not in components]
    assert sorted(r.type for r in stack_level) == [ORG_VARIABLE] * 5 + ["pulumi:providers:github",
                                                                        "pulumi:pulumi:StackReference"]
    grants = _by_type(_component(result, "dss-project-CHURN"), GH + "teamRepository:TeamRepository")
    assert {(g.inputs["teamId"], g.inputs["permission"]) for g in grants} == {("42", "push"), ("43", "maintain")}
    [provider] = result.of_type("pulumi:providers:github")
    assert provider.inputs["owner"] == "acme"
    assert all(r.provider.startswith(provider.urn) for r in result.resources if r.type.startswith("github:index/"))


@pytest.mark.parametrize(("name", "per_project"), [("default", 12), ("user", 17)])
def test_resources_per_project(sample, name, per_project):
    assert len(_component(sample[name], "dss-project-CHURN")) == per_project


@pytest.mark.skipif(not FULL_SCHEMA.exists(), reason="../shared/pulumi-github-schema.json is not beside the repository")
def test_schema_slice_matches_the_full_provider_schema():
    assert version("pulumi_github") == "6.15.0"  # the schema's version
    assert json.loads(SLICE_FILE.read_text()) == schema_slice(json.loads(FULL_SCHEMA.read_text()))


def test_provider_settings_reach_the_github_provider(dss, settings_for, run):
    create_projects(dss, "ALPHA")
    [default] = run(settings_for()).of_type("pulumi:providers:github")
    assert {k: default.inputs.get(k) for k in ("writeDelayMs", "parallelRequests", "legacyClient", "cachePath")} == {
        "writeDelayMs": "1000", "parallelRequests": "false", "legacyClient": "true", "cachePath": None}
    [tuned] = run(settings_for(githubLegacyClient="false", githubCachePath="/var/cache/github",
                               githubWriteDelayMs="1500")).of_type("pulumi:providers:github")
    assert (tuned.inputs["legacyClient"], tuned.inputs["cachePath"], tuned.inputs["writeDelayMs"]) == (
        "false", "/var/cache/github", "1500")


def test_every_resource_the_program_declares_has_a_github_request_model(sample):
    for name in ("default", "configured", "user"):
        document = to_document(sample[name], sample["settings"], [])
        budget = plan_budget(document["resources"])
        assert budget.create.requests > 0 and budget.reconcile.requests == 0, name
