"""Hostile or mistyped configuration: refused with one line naming the key and the value, before DSS is asked
anything; the onboarding provider refuses a dangerous git URL on its own too (defence in depth)."""
from __future__ import annotations

import json
import re

import pulumi
import pytest

from components.dss_remote import DssGitRemoteProvider
from components.settings import ConfigError, load_settings

from .program_helpers import PROJECT_ENV, one_line_error, plan_cli, secret_environment, settings

TEMPLATE_ALLOWED = "https://host/path, ssh://host/path, git@host:path or an absolute local path"
OPTION_HOST = "must name a host (and user) that git cannot read as an option"

BAD_REMOTES = [
    ("ext::sh -c touch% /tmp/pwned {repository}", f"must not use git's '<transport>::' syntax; use {TEMPLATE_ALLOWED}"),
    ("fd::{repository}", f"must not use git's '<transport>::' syntax; use {TEMPLATE_ALLOWED}"),
    ("--upload-pack=touch /tmp/pwned {repository}", "must not start with '-' (git would read it as an option)"),
    ("-oProxyCommand=x/{repository}", "must not start with '-' (git would read it as an option)"),
    ("file:///srv/git/{repository}.git", f"must be {TEMPLATE_ALLOWED} (scheme 'file' is not allowed)"),
    ("http://github.com/{owner}/{repository}.git", f"must be {TEMPLATE_ALLOWED} (scheme 'http' is not allowed)"),
    ("git@github.com:{owner}/{repository}.git --upload-pack=x", "must not contain spaces or control characters"),
    ("/srv/git/../../etc/{repository}", "must not contain '..' segments"),
    ("relative/{owner}/{repository}.git", f"must be {TEMPLATE_ALLOWED}"),
    ("ssh://-oProxyCommand=id/{owner}/{repository}.git", OPTION_HOST),
    ("ssh://-oProxyCommand=id@github.com/{repository}.git", OPTION_HOST),
    ("ssh://git:pw@github.com/{owner}/{repository}.git",
     "must not embed credentials (DSS uses its own git credentials)"),
]
GOOD_REMOTES = ["git@github.com:{owner}/{repository}.git", "ssh://git@github.com:22/{owner}/{repository}.git",
                "https://github.com/{owner}/{repository}.git", "/srv/git/{owner}/{repository}.git",
                "git@ghe.example.com:{owner}/{repository}", "ssh://git@[::1]:2222/{owner}/{repository}.git"]


@pytest.mark.parametrize(("template", "reason"), BAD_REMOTES, ids=[t for t, _ in BAD_REMOTES])
def test_a_dangerous_remote_template_is_refused(dss, template, reason):
    with pytest.raises(ConfigError) as caught:
        settings(dss, gitRemoteUrlTemplate=template)
    assert str(caught.value).startswith(f"gitRemoteUrlTemplate: {reason} (got ")


@pytest.mark.parametrize("template", GOOD_REMOTES)
def test_allowed_remote_templates_are_kept(dss, template):
    assert settings(dss, gitRemoteUrlTemplate=template).git_remote_url_template == template


def test_the_plan_refuses_an_ext_transport_with_one_line(dss):
    result = plan_cli("--design-url", dss.url("design"), "--set", "gitRemoteUrlTemplate=ext::sh -c id {repository}",
                      env=secret_environment(dss.admin_key("design")))
    assert one_line_error(result, 2) == (
        f"error: gitRemoteUrlTemplate: must not use git's '<transport>::' syntax; use {TEMPLATE_ALLOWED} "
        "(got 'ext::sh -c id {repository}')")


def _remote_props(dss, remote_url: str) -> dict:
    return {"project_key": "ALPHA", "remote_url": remote_url, "branch": "dev", "prod_branch": "prod",
            "design_url": dss.url("design"), "api_key": dss.admin_key("design")}


@pytest.mark.parametrize("remote_url", ["ext::sh -c id", "--upload-pack=touch /tmp/pwned", "file:///etc"])
def test_the_onboarding_provider_refuses_a_dangerous_url_before_any_dss_change(dss, remote_url):
    dss.client().create_project("ALPHA", "Alpha", "admin")
    git = dss.client().get_project("ALPHA").get_project_git()
    before = git.get_remote()
    provider = DssGitRemoteProvider()
    failures = provider.check({}, _remote_props(dss, remote_url)).failures
    assert [f.property for f in failures] == ["remote_url"]
    outs = provider.create(_remote_props(dss, remote_url)).outs  # recorded, not raised: other projects go on
    assert outs["pushed_commit"] is None
    assert re.match(r"DSS project ALPHA: remote_url must .*; nothing was changed \(got ", outs["failure"])
    assert git.get_remote() == before


@pytest.mark.parametrize("folder", ["../../etc", "ROOT/../../admin/users", "%2e%2e", "a b", "ROOT?x=1"])
def test_a_project_folder_that_is_no_folder_id_is_refused(dss, folder):
    with pytest.raises(ConfigError) as caught:
        settings(dss, projectFolder=folder)
    assert str(caught.value) == ("projectFolder: must be a DSS project folder id such as ROOT (letters, digits, "
                                 f"'_', '-'), or empty (got {folder!r})")


def test_the_plan_refuses_a_path_as_folder_before_discovery(dss):
    # nothing listens on port 9: had discovery started, the plan would stop with exit 1 "DSS discovery failed"
    result = plan_cli("--design-url", "http://127.0.0.1:9", "--set", "projectFolder=../../etc",
                      env=secret_environment(dss.admin_key("design")))
    assert one_line_error(result, 2) == ("error: projectFolder: must be a DSS project folder id such as ROOT "
                                         "(letters, digits, '_', '-'), or empty (got '../../etc')")


def test_a_misspelt_secret_variable_is_refused_with_a_suggestion(dss):
    env = secret_environment(dss.admin_key("design"))
    env[f"{PROJECT_ENV}DESIGNAPIKY"] = env.pop(f"{PROJECT_ENV}DESIGNAPIKEY")
    result = plan_cli("--design-url", dss.url("design"), env=env)
    assert one_line_error(result, 2) == (
        f"error: {PROJECT_ENV}DESIGNAPIKY: not the variable of any configuration key of dataiku-gitops, did you mean "
        f"{PROJECT_ENV}DESIGNAPIKEY (designApiKey)? See Pulumi.yaml for the keys (got [hidden])")
    assert dss.admin_key("design") not in result.stderr + result.stdout


def test_an_unknown_key_in_pulumi_config_is_refused_with_a_suggestion(dss):
    env = secret_environment(dss.admin_key("design"))
    env["PULUMI_CONFIG"] = json.dumps({"dataiku-gitops:maxDeletionPerRun": "0", "github:owner": "acme"})
    result = plan_cli("--design-url", dss.url("design"), env=env)
    assert one_line_error(result, 2) == ("error: maxDeletionPerRun: unknown configuration key, did you mean "
                                         "maxDeletionsPerRun? See Pulumi.yaml for the keys (got [hidden])")


def test_an_unknown_key_without_a_close_match_is_refused_too(monkeypatch):
    monkeypatch.setenv(f"{PROJECT_ENV}ZZZ", "1")
    with pytest.raises(ConfigError, match=rf"^{PROJECT_ENV}ZZZ: not the variable of any configuration key of "
                                          r"dataiku-gitops, see Pulumi.yaml for the keys \(got \[hidden\]\)$"):
        load_settings(pulumi.Config("dataiku-gitops"))


def test_other_namespaces_are_left_alone(dss, tmp_path):
    env = secret_environment(dss.admin_key("design"))
    env.update(PULUMI_CONFIG_GITHUB_TOKEN="x", PULUMI_CONFIG=json.dumps({"github:owner": "acme"}))
    result = plan_cli("--design-url", dss.url("design"), "--output", str(tmp_path / "plan.json"), env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "plan.json").read_text())["outputs"]["projects"] == {}


def test_malformed_pulumi_config_json_is_one_line(dss):
    env = secret_environment(dss.admin_key("design"))
    env["PULUMI_CONFIG"] = '{"dataiku-gitops:owner": "acme",'
    result = plan_cli("--design-url", dss.url("design"), env=env)
    assert one_line_error(result, 2) == "error: PULUMI_CONFIG: is not valid JSON (Expecting property name enclosed " \
                                        "in double quotes) (got [hidden])"


def test_an_invalid_url_is_one_line(dss):
    result = plan_cli("--design-url", "http://[::1", env=secret_environment(dss.admin_key("design")))
    assert one_line_error(result, 2) == ("error: designUrl: is not a valid URL (Invalid IPv6 URL) "
                                         "(got 'http://[::1')")


def test_an_unwritable_output_is_one_line(dss, tmp_path):
    target = tmp_path / "missing-dir" / "plan.json"
    result = plan_cli("--design-url", dss.url("design"), "--output", str(target),
                      env=secret_environment(dss.admin_key("design")))
    assert one_line_error(result, 2) == (f"error: --output: cannot write the plan: No such file or directory "
                                         f"(got {str(target)!r})")
    assert not target.parent.exists()
