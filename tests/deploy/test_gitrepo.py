"""Content-tree identity and fetching DSS's commits into a shallow checkout, on real git repositories."""
from __future__ import annotations

import pytest
from dss_deploy.bundles import bundle_id_for
from dss_deploy.errors import UsageError
from dss_deploy.gitrepo import LocalRepo

from .helpers import commit_files, git


@pytest.fixture
def remote(tmp_path):
    """A bare repository with two commits: project content, then a .github-only change."""
    bare = tmp_path / "remote.git"
    bare.mkdir()
    git(bare, "init", "-q", "--bare", "-b", "master")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(bare), str(work))
    commit_files(work, {"params.json": "{}", "recipes/r.py": "print(1)\n", "tests.py": "def test(): pass\n",
                        ".github/workflows/dss-pr.yml": "name: a\n"}, "content")
    commit_files(work, {".github/workflows/dss-pr.yml": "name: b\n"}, "platform update")
    return bare, work


def test_content_tree_ignores_github_and_only_github(remote):
    _, work = remote
    repo = LocalRepo(work)
    first, second = git(work, "rev-parse", "HEAD~1"), git(work, "rev-parse", "HEAD")
    assert repo.content_tree(first) == repo.content_tree(second)
    assert repo.content_tree(first) != git(work, "rev-parse", f"{first}^{{tree}}")
    git(work, "rm", "-q", "-r", ".github")
    git(work, "commit", "-q", "-m", "drop .github")
    assert repo.content_tree("HEAD") == git(work, "rev-parse", "HEAD^{tree}") == repo.content_tree(second)
    third = commit_files(work, {"recipes/r.py": "print(2)\n"}, "recipe change", push_to=None)
    assert repo.content_tree(third) != repo.content_tree(second)
    nested = commit_files(work, {"recipes/.github/x": "nested\n"}, "nested .github is content", push_to=None)
    assert repo.content_tree(nested) != repo.content_tree(third)
    assert bundle_id_for(repo.content_tree(third)) == "b-" + repo.content_tree(third)[:20]


def test_a_shallow_checkout_fetches_the_commits_it_lacks(remote, tmp_path):
    bare, work = remote
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{bare}", str(shallow))
    repo = LocalRepo(shallow)
    older = git(work, "rev-parse", "HEAD~1")
    assert repo.is_shallow() and not repo.has_commit(older)
    assert repo.ensure_commit(older) == (True, "")
    assert repo.content_tree(older) == repo.content_tree(repo.head())
    available, why = repo.ensure_commit("1" * 40)
    assert not available and "1111111111111111111111111111111111111111" in why
    assert not repo.is_ancestor(older, repo.head())  # the shallow history stops at HEAD
    repo.fetch(older, full_history=True)
    assert not repo.is_shallow() and repo.is_ancestor(older, repo.head())


def test_the_git_token_reaches_git_through_its_environment_only(remote, tmp_path, monkeypatch):
    _, work = remote
    calls = []
    import dss_deploy.gitrepo as gitrepo

    real_run = gitrepo.subprocess.run

    def spy(args, **kwargs):
        calls.append((args, kwargs["env"]))
        return real_run(args, **kwargs)

    monkeypatch.setattr(gitrepo.subprocess, "run", spy)
    repo = LocalRepo(work, token="ghs_secret_token_value")
    repo.fetch("HEAD")
    network = [(args, env) for args, env in calls if args[1] == "fetch"]
    assert network and all("ghs_secret_token_value" not in " ".join(args) for args, _ in calls)
    env = network[0][1]
    assert env["GIT_CONFIG_KEY_0"] == "http.extraheader" and env["GIT_CONFIG_VALUE_0"].startswith(
        "AUTHORIZATION: basic ")
    assert all("GIT_CONFIG_VALUE_0" not in env for args, env in calls if args[1] != "fetch")


def test_a_directory_that_is_not_a_checkout_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="not a git checkout"):
        LocalRepo(tmp_path)
