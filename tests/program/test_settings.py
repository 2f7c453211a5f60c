"""Configuration: Pulumi.yaml's schema, defaults, and one exact message per bad input (secrets never echoed)."""
from __future__ import annotations

import json

import pulumi
import pytest
import yaml

from components.settings import PROJECT_FILE, ConfigError, Settings, load_settings, parse_settings
from gitops_plan.observe import secret_values

BASE = {
    "owner": "acme", "designUrl": "https://dss.example.com:11200", "designApiKey": "design-key-secret",
    "stagingAutomationUrl": "https://staging.example.com", "stagingInfraId": "staging",
    "stagingDesignApiKey": "staging-design-secret", "stagingAutomationApiKey": "staging-automation-secret",
    "prodAutomationUrl": "https://prod.example.com", "prodInfraId": "prod",
    "prodDesignApiKey": "prod-design-secret", "prodAutomationApiKey": "prod-automation-secret",
    "deployActionRepository": "acme/dataiku-gitops", "deployActionRef": "0123456789abcdef0123456789abcdef01234567",
}
GLOB_CHARS = "(letters, digits, _ - * ? [ ] !)"
SHA_REASON = "must be a full 40-character lowercase hex commit SHA (tags and branches can move)"

BAD_INPUTS = [
    ({"designUrl": "ftp://dss"},
     "designUrl: must be an http(s) URL such as https://dss.example.com:11200 (got 'ftp://dss')"),
    ({"prodAutomationUrl": "prod.example.com"},
     "prodAutomationUrl: must be an http(s) URL such as https://dss.example.com:11200 (got 'prod.example.com')"),
    ({"designUrl": "https://admin:hunter2@dss"}, "designUrl: must not embed credentials (got 'https://***@dss')"),
    ({"owner": None}, "owner: is required (got nothing)"),
    ({"stagingAutomationApiKey": None}, "stagingAutomationApiKey: is required (got nothing)"),
    ({"designApiKey": "   "}, "designApiKey: is required (got [secret])"),
    ({"owner": "acme corp"},
     "owner: must be a GitHub user or organization name (letters, digits, single '-') (got 'acme corp')"),
    ({"includeProjects": '["[ABC"]'}, "includeProjects: '[ABC' is not a valid glob: unclosed '[' (got ['[ABC'])"),
    ({"excludeProjects": '["A B"]'}, f"excludeProjects: 'A B' is not a project key glob {GLOB_CHARS} (got ['A B'])"),
    ({"includeProjects": "SALES_*"}, "includeProjects: must be a JSON list (got 'SALES_*')"),
    ({"includeProjects": "[]"}, 'includeProjects: must list at least one glob ("*" = every project) (got [])'),
    ({"repositoryNameTemplate": "dss-{name}"},
     "repositoryNameTemplate: unknown placeholder {name}; use {key}, {key_lower} or {key_slug} (got 'dss-{name}')"),
    ({"repositoryNameTemplate": "static"},
     "repositoryNameTemplate: must contain {key}, {key_lower} or {key_slug}, else every project gets the same name "
     "(got 'static')"),
    ({"pluginRepositoryNameTemplate": "plugin {key}"},
     "pluginRepositoryNameTemplate: may only contain letters, digits, '.', '_', '-' around placeholders, not ' ' "
     "(got 'plugin {key}')"),
    ({"repositoryNameTemplate": "dss-{key"},
     "repositoryNameTemplate: is not a valid template: expected '}' before end of string (got 'dss-{key')"),
    ({"deployActionRef": "main"}, f"deployActionRef: {SHA_REASON} (got 'main')"),
    ({"deployActionRef": "0123456"}, f"deployActionRef: {SHA_REASON} (got '0123456')"),
    ({"deployActionRepository": "dataiku-gitops"},
     "deployActionRepository: must be '<owner>/<repository>' (got 'dataiku-gitops')"),
    ({"requiredApprovals": "-1"}, "requiredApprovals: must be between 0 and 6 (got '-1')"),
    ({"requiredApprovals": "two"}, "requiredApprovals: must be an integer (got 'two')"),
    ({"visibility": "secret"}, "visibility: must be 'private', 'internal' or 'public' (got 'secret')"),
    ({"maxDeletionsPerRun": "-3"}, "maxDeletionsPerRun: must be 0 or more (got '-3')"),
    ({"archiveOnDestroy": "maybe"}, "archiveOnDestroy: must be true or false (got 'maybe')"),
    ({"devBranch": "prod"}, "prodBranch: must differ from devBranch (got 'prod')"),
    ({"prodBranch": "a..b"},
     "prodBranch: must be a git branch name (letters, digits, '.', '_', '-', '/') (got 'a..b')"),
    ({"teams": '["devs:push"]'}, "teams: 'devs:push' must be '<numeric team id>:<permission>' (got ['devs:push'])"),
    ({"teams": '["42:write"]'},
     "teams: '42:write' has an unknown permission; use one of pull, triage, push, maintain, admin "
     "(got ['42:write'])"),
    ({"productionReviewerUsers": "[1, 2, 3, 4]", "productionReviewerTeams": "[5, 6, 7]"},
     "productionReviewerTeams: productionReviewerUsers and productionReviewerTeams hold at most 6 ids together "
     "(got [5, 6, 7])"),
    ({"productionReviewerUsers": '["alice"]'}, "productionReviewerUsers: item 0 must be an integer (got ['alice'])"),
    ({"clientCertificate": "not a pem"},
     "clientCertificate: must be a PEM certificate (-----BEGIN CERTIFICATE----- ...) (got [secret])"),
    ({"gitRemoteUrlTemplate": "git@github.com:{owner}/{repo}.git"},
     "gitRemoteUrlTemplate: unknown placeholder {repo}; use {owner} and {repository} "
     "(got 'git@github.com:{owner}/{repo}.git')"),
    ({"gitRemoteUrlTemplate": "https://ghp_token@github.com/{owner}/{repository}.git"},
     "gitRemoteUrlTemplate: must not embed credentials (DSS uses its own git credentials) "
     "(got 'https://***@github.com/{owner}/{repository}.git')"),
    ({"variableScope": "org"}, "variableScope: must be 'auto', 'organization' or 'repository' (got 'org')"),
    ({"ownerType": "user", "variableScope": "organization"},
     "variableScope: organization variables need an organization owner (ownerType is user); use repository or auto "
     "(got 'organization')"),
    ({"ownerType": "team"}, "ownerType: must be 'organization' or 'user' (got 'team')"),
    ({"shard": "0/4"}, "shard: must be \"i/n\" with whole numbers, e.g. \"1/1\" (one stack) or \"2/4\" (got '0/4')"),
    ({"shard": "5/4"}, "shard: index 5 is beyond the 4 shards; shards are numbered 1 to 4 (got '5/4')"),
    ({"shard": "1 of 4"}, "shard: must be \"i/n\" with whole numbers, e.g. \"1/1\" (one stack) or \"2/4\" "
                          "(got '1 of 4')"),
    ({"maxNewRepositoriesPerRun": "0"},
     "maxNewRepositoriesPerRun: must be 1 or more (new projects would never get a repository) (got '0')"),
    ({"designApiKy": "a-secret-typo"}, "designApiKy: unknown configuration key, did you mean designApiKey? See "
                                       "Pulumi.yaml for the keys "
                                       "(got [hidden])"),
    ({"requiredTags": '[""]'}, "requiredTags: tags must not be empty strings (got [''])"),
]


def _raw(**overrides) -> dict:
    raw = {**BASE, **overrides}
    return {k: v for k, v in raw.items() if v is not None}


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUTS, ids=[str(o) for o, _ in BAD_INPUTS])
def test_bad_input_fails_with_one_exact_message(overrides, message):
    with pytest.raises(ConfigError) as caught:
        parse_settings(_raw(**overrides))
    assert str(caught.value) == message
    for secret in ("design-key-secret", "staging-design-secret", "prod-automation-secret", "hunter2", "ghp_token",
                   "a-secret-typo"):
        assert secret not in str(caught.value)


def test_defaults_come_from_pulumi_yaml():
    settings = parse_settings(_raw())
    assert settings.visibility == "private"
    assert (settings.dev_branch, settings.prod_branch) == ("dev", "prod")
    assert settings.archive_on_destroy is True
    assert settings.include_projects == ("*",)
    assert settings.max_deletions_per_run == 5
    assert settings.required_approvals == 1
    assert settings.client_certificate is None
    assert settings.repository_name_template == "dss-{key_slug}"
    assert settings.deploy_action == "acme/dataiku-gitops/deploy"


def test_pulumi_yaml_declares_exactly_the_settings_fields_with_types_and_descriptions():
    project = yaml.safe_load(PROJECT_FILE.read_text())
    declared = project["config"]
    aliases = {field.alias for field in Settings.model_fields.values()}
    assert set(declared) == aliases
    assert all(spec.get("description") for spec in declared.values())
    assert all(spec["type"] in ("string", "integer", "boolean", "array") for spec in declared.values())
    secret_fields = {f.alias for f in Settings.model_fields.values() if "SecretStr" in str(f.annotation)}
    assert {k for k, spec in declared.items() if spec.get("secret")} == secret_fields
    assert declared["archiveOnDestroy"]["default"] is True
    assert declared["visibility"]["default"] == "private"


def test_typed_values_and_lists_are_accepted():
    settings = parse_settings(_raw(requiredApprovals=2, archiveOnDestroy=False, includeProjects=["SALES_*"],
                                   teams='["42:push"]', productionReviewerTeams="[7]"))
    assert settings.required_approvals == 2
    assert settings.archive_on_destroy is False
    assert settings.include_projects == ("SALES_*",)
    assert settings.team_grants[0].team_id == 42 and settings.team_grants[0].permission == "push"
    assert settings.production_reviewer_teams == (7,)


def test_secrets_stay_hidden_in_the_settings_repr():
    settings = parse_settings(_raw())
    assert "design-key-secret" not in repr(settings)
    assert settings.design_api_key.get_secret_value() == "design-key-secret"
    assert set(secret_values(settings)) >= {"design-key-secret", "prod-design-secret"}


def test_load_settings_reads_pulumi_config_including_secrets_and_catches_misspelt_keys():
    pulumi.runtime.set_all_config({f"dataiku-gitops:{k}": v for k, v in _raw().items()},
                                  ["dataiku-gitops:designApiKey"])
    try:
        settings = load_settings(pulumi.Config("dataiku-gitops"))
        assert settings.owner == "acme" and settings.design_api_key.get_secret_value() == "design-key-secret"
        pulumi.runtime.set_all_config({**{f"dataiku-gitops:{k}": v for k, v in _raw().items()},
                                       "dataiku-gitops:maxDeletionPerRun": json.dumps(50)})
        with pytest.raises(ConfigError, match="^maxDeletionPerRun: unknown configuration key"):
            load_settings(pulumi.Config("dataiku-gitops"))
    finally:
        pulumi.runtime.set_all_config({})
