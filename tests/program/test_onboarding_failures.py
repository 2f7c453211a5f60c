"""One failing project does not stop the fleet: its onboarding failure is recorded, reported, and retried.

The program runs under Pulumi mocks with its onboarding resources really created (their dynamic provider runs
against the emulator), each project's "GitHub repository" being a local bare repository; BETA's prod holds a file
that conflicts with DSS's history, so its rebase really fails.
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path

from components.dss_remote import DssGitRemoteProvider
from components.program import design_client, run_program
from gitops_plan.mocks import run_mocked

from .conftest import create_projects
from .test_dss_remote import bare, github_with_generated_files
from .test_dss_remote import git as run_git

DYNAMIC = "pulumi-python:dynamic:Resource"


def _conflicting_prod(tmp_path: Path, remote: Path) -> None:
    work = tmp_path / f"work-{remote.name}"
    run_git(tmp_path, "clone", "-q", str(remote), str(work))
    (work / "params.json").write_text("{}\n")  # the path of a DSS project file, other content
    run_git(work, "add", "-A")
    run_git(work, "commit", "-q", "-m", "conflicting")
    run_git(work, "push", "-q", "origin", "HEAD:prod")


def test_a_failing_onboarding_leaves_the_other_projects_going_and_is_reported(dss, settings_for, tmp_path,
                                                                                caplog):
    create_projects(dss, "ALPHA", "BETA", "GAMMA")
    github = tmp_path / "github"
    (github / "acme").mkdir(parents=True)
    for name in ("dss-alpha.git", "dss-gamma.git"):
        github_with_generated_files(tmp_path, bare(github / "acme", name))
    _conflicting_prod(tmp_path, bare(github / "acme", "dss-beta.git"))
    settings = settings_for(pluginRepositories="false",
                            gitRemoteUrlTemplate=f"{github}/{{owner}}/{{repository}}.git")
    with caplog.at_level(logging.WARNING), design_client(settings) as client:
        result = run_mocked(functools.partial(run_program, settings, client), apply_dynamic=True)

    failures = result.outputs["onboardingFailures"]
    assert list(failures) == ["BETA"]
    assert failures["BETA"].startswith("DSS project BETA: rebase dev onto origin/prod failed: ")
    assert sorted(result.outputs["projects"]) == ["ALPHA", "BETA", "GAMMA"]
    for key, name in (("ALPHA", "dss-alpha.git"), ("GAMMA", "dss-gamma.git")):
        pushed = dss.client().get_project(key).get_project_git().log(count=1)["entries"][0]["commit"]
        assert run_git(github / "acme" / name, "rev-parse", "refs/heads/dev") == pushed
    assert run_git(github / "acme" / "dss-beta.git", "for-each-ref", "--format=%(refname)") == "refs/heads/prod"
    assert any("onboarding of DSS project BETA failed, retried next run: DSS project BETA: rebase" in r.getMessage()
               for r in caplog.records if r.levelno == logging.WARNING)
    assert settings.design_api_key.get_secret_value() not in str(failures)


def test_no_failure_gives_an_empty_report(dss, settings_for, tmp_path):
    create_projects(dss, "ALPHA")
    github = tmp_path / "github"
    (github / "acme").mkdir(parents=True)
    github_with_generated_files(tmp_path, bare(github / "acme", "dss-alpha.git"))
    settings = settings_for(pluginRepositories="false",
                            gitRemoteUrlTemplate=f"{github}/{{owner}}/{{repository}}.git")
    with design_client(settings) as client:
        result = run_mocked(functools.partial(run_program, settings, client), apply_dynamic=True)
    assert result.outputs["onboardingFailures"] == {}
    [remote] = result.of_type(DYNAMIC)
    assert remote.inputs["project_key"] == "ALPHA"


def test_a_recorded_failure_is_retried_by_the_next_run():
    provider = DssGitRemoteProvider()
    props = {"project_key": "BETA", "remote_url": "/r.git", "branch": "dev", "prod_branch": "prod",
             "design_url": "http://127.0.0.1:9", "api_key": "k"}
    failed = {**props, "pushed_commit": None, "failure": "DSS project BETA: push dev failed: rejected"}
    assert provider.diff("BETA", failed, props).changes is True
    assert provider.diff("BETA", {**failed, "failure": None, "pushed_commit": "abc"}, props).changes is False
