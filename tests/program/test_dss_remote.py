"""Onboarding: the dynamic provider, called directly against the emulator, pushes DSS's dev branch to a bare repo.

The "GitHub repository" is a local bare repository holding what the program leaves there before onboarding (prod
with the generated files, no dev); the remote URL is its path.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from components.dss_remote import DssGitRemoteProvider

from ..emulator.git_helpers import GIT_ENV
from ..emulator.git_helpers import run_git as git


def is_ancestor(repo: Path, older: str, newer: str) -> bool:
    return subprocess.run(["git", "merge-base", "--is-ancestor", older, newer], cwd=repo, env=GIT_ENV).returncode == 0


def bare(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.mkdir()
    git(path, "init", "-q", "--bare", "-b", "prod")
    return path


def github_with_generated_files(tmp_path: Path, remote: Path, *branches: str) -> str:
    """What the program leaves on GitHub before onboarding: prod holding the generated files (and ``branches``
    pointing at the same commit, to play a dev someone already pushed); return that commit."""
    work = tmp_path / f"gh-work-{remote.name}"
    git(tmp_path, "clone", "-q", str(remote), str(work))
    (work / ".github" / "workflows").mkdir(parents=True)
    (work / ".github" / "workflows" / "dss-pr.yml").write_text("name: DSS staging tests\n")
    (work / "tests.py").write_text("def test_nothing():\n    pass\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "dataiku-gitops: generated files")
    git(work, "push", "-q", "origin", *(f"HEAD:{b}" for b in ("prod", *branches)))
    return git(work, "rev-parse", "HEAD")


@pytest.fixture
def project(dss):
    dss.client().create_project("ALPHA", "Alpha", "admin")
    return dss.client().get_project("ALPHA")


def _props(dss, remote: Path | str, **overrides) -> dict:
    return {"project_key": "ALPHA", "remote_url": str(remote), "branch": "dev", "prod_branch": "prod",
            "design_url": dss.url("design"), "api_key": dss.admin_key("design"), **overrides}


def _failure(dss, remote: Path | str, **overrides) -> str:
    """The failure a create records (it does not raise: one project's failure must not stop the others)."""
    outs = DssGitRemoteProvider().create(_props(dss, remote, **overrides)).outs
    assert outs["pushed_commit"] is None
    return outs["failure"]


def test_create_rebases_the_project_onto_prod_and_creates_dev(dss, project, tmp_path):
    remote = bare(tmp_path, "dss-alpha.git")
    generated = github_with_generated_files(tmp_path, remote)
    outs = DssGitRemoteProvider().create(_props(dss, remote)).outs
    pushed = git(remote, "rev-parse", "refs/heads/dev")
    assert pushed == outs["pushed_commit"]
    assert outs == {"project_key": "ALPHA", "remote_url": str(remote), "branch": "dev", "prod_branch": "prod",
                    "design_url": dss.url("design"), "pushed_commit": pushed, "failure": None}  # no api_key
    # dev holds DSS's project files on top of prod's generated files: a pull request dev -> prod shares history
    assert git(remote, "merge-base", "refs/heads/dev", "refs/heads/prod") == generated
    files = git(remote, "ls-tree", "-r", "--name-only", pushed).splitlines()
    assert {"tests.py", ".github/workflows/dss-pr.yml", "params.json"} <= set(files)
    assert git(remote, "rev-parse", "refs/heads/prod") == generated  # prod untouched
    git_api = project.get_project_git()
    assert git_api.get_remote() == str(remote)
    assert git_api.get_current_branch() == "dev"
    assert git_api.log(count=1)["entries"][0]["commit"] == pushed  # DSS's own history is the rebased one


def test_after_onboarding_dss_pushes_go_to_dev_never_to_prod(dss, project, tmp_path):
    remote = bare(tmp_path, "dss-alpha.git")
    generated = github_with_generated_files(tmp_path, remote)
    onboarded = DssGitRemoteProvider().create(_props(dss, remote)).outs["pushed_commit"]
    project.set_variables({"standard": {"threshold": 3}, "local": {}})  # a change, auto-committed by DSS
    result = project.get_project_git().push()  # what a DSS user's Push does: the current branch, no name given
    assert result["success"] is True, result
    pushed = git(remote, "rev-parse", "refs/heads/dev")
    assert pushed != onboarded and is_ancestor(remote, onboarded, pushed)
    assert git(remote, "rev-parse", "refs/heads/prod") == generated


def test_a_dev_already_on_github_is_integrated(dss, project, tmp_path):
    remote = bare(tmp_path, "dss-alpha.git")
    existing = github_with_generated_files(tmp_path, remote, "dev")
    outs = DssGitRemoteProvider().create(_props(dss, remote)).outs
    pushed = git(remote, "rev-parse", "refs/heads/dev")
    assert pushed == outs["pushed_commit"]
    assert is_ancestor(remote, existing, pushed)  # a fast-forward of GitHub's dev
    assert {"tests.py", "params.json"} <= set(git(remote, "ls-tree", "-r", "--name-only", pushed).splitlines())
    assert git(remote, "rev-parse", "refs/heads/prod") == existing


def test_a_repository_without_prod_is_refused_and_nothing_is_pushed(dss, project, tmp_path):
    remote = bare(tmp_path, "dss-alpha.git")
    assert _failure(dss, remote) == (f"DSS project ALPHA: {remote} has neither a 'dev' nor a 'prod' branch to "
                                     "build on; nothing was pushed")
    assert git(remote, "for-each-ref") == ""


def test_a_conflicting_rebase_fails_with_dss_output_and_leaves_github_alone(dss, project, tmp_path):
    remote = bare(tmp_path, "dss-alpha.git")
    work = tmp_path / "gh-work"
    git(tmp_path, "clone", "-q", str(remote), str(work))
    (work / "params.json").write_text("{}\n")  # the same path as a DSS project file, other content
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "conflicting")
    git(work, "push", "-q", "origin", "HEAD:prod")
    outs = DssGitRemoteProvider().create(_props(dss, remote)).outs
    assert outs["failure"].startswith("DSS project ALPHA: rebase dev onto origin/prod failed: ")
    assert outs["pushed_commit"] is None
    assert git(remote, "for-each-ref", "--format=%(refname)") == "refs/heads/prod"


def test_update_repoints_the_remote_and_pushes_there(dss, project, tmp_path):
    provider = DssGitRemoteProvider()
    first, renamed = bare(tmp_path, "old.git"), bare(tmp_path, "new.git")
    github_with_generated_files(tmp_path, first)
    generated = github_with_generated_files(tmp_path, renamed)
    olds = provider.create(_props(dss, first)).outs
    news = _props(dss, renamed)
    diff = provider.diff("ALPHA", olds, news)
    assert diff.changes and diff.replaces == []
    outs = provider.update("ALPHA", olds, news).outs
    assert git(renamed, "rev-parse", "refs/heads/dev") == outs["pushed_commit"]
    assert git(renamed, "rev-parse", "refs/heads/prod") == generated
    assert project.get_project_git().get_remote() == str(renamed)


def test_check_and_diff_never_call_dss(tmp_path):
    provider = DssGitRemoteProvider()
    unreachable = {"project_key": "ALPHA", "remote_url": "/nowhere.git", "branch": "dev", "prod_branch": "prod",
                   "design_url": "http://127.0.0.1:9", "api_key": "k"}
    assert provider.check({}, unreachable).failures == []
    assert provider.diff("ALPHA", {**unreachable, "pushed_commit": "x"}, unreachable).changes is False
    replaced = provider.diff("ALPHA", unreachable, {**unreachable, "project_key": "BETA"})
    assert replaced.changes and replaced.replaces == ["project_key"]
    failures = provider.check({}, {**unreachable, "remote_url": ""}).failures
    assert [(f.property, f.reason) for f in failures] == [("remote_url", "remote_url must be a non-empty string")]


def test_delete_leaves_the_dss_project_alone(dss, project, tmp_path):
    remote = bare(tmp_path, "dss-alpha.git")
    github_with_generated_files(tmp_path, remote)
    provider = DssGitRemoteProvider()
    outs = provider.create(_props(dss, remote)).outs
    provider.delete("ALPHA", outs)
    assert project.get_project_git().get_remote() == str(remote)


def test_a_refused_step_fails_with_dss_answer_and_never_the_key(dss, project, tmp_path):
    caught = _failure(dss, tmp_path / "missing.git")
    assert caught.startswith("DSS project ALPHA: fetch failed: ")
    assert dss.admin_key("design") not in caught
    unauthorized = _failure(dss, bare(tmp_path, "x.git"), api_key="not-the-key-123")
    assert unauthorized.startswith("DSS project ALPHA: could not set the git remote: ")
    assert "Unauthorized" in unauthorized and "not-the-key-123" not in unauthorized


def test_a_local_dev_branch_that_is_not_current_is_not_switched_silently(dss, project, tmp_path):
    git_api = project.get_project_git()
    git_api.create_branch("dev")
    git_api.switch("master")
    assert _failure(dss, bare(tmp_path, "dss-alpha.git")) == (
        "DSS project ALPHA: its current branch is 'master' but a local branch 'dev' exists; switch the project to "
        "'dev' in DSS first")
    assert git_api.get_current_branch() == "master"
