"""A key scoped to one project cannot leave it through git: no symbolic link or submodule is ever checked out, and
local-path remotes are allowed only under ``local_remote_roots``, never inside the emulator's data directory."""
import os
from pathlib import Path

import pytest
from dataikuapi.utils import DataikuException

from ..emulator.git_helpers import bare_remote, clone, commit_files, dss_head, run_git
from .emulator_process import Serve

PARAMS = {"name": "Churn", "owner": "admin", "tags": [], "settings": {"gitCommitMode": "AUTO"}}


@pytest.fixture
def world(dss, tmp_path):
    """CHURN (pushed to a bare remote, with a clone an attacker commits to) and OTHER; a key with write on CHURN."""
    admin = dss.client()
    admin.create_project("CHURN", "Churn", "admin")
    admin.create_project("OTHER", "Other", "admin")
    admin.get_project("OTHER").set_variables({"standard": {"secret": "other's"}, "local": {}})
    remote = bare_remote(tmp_path)
    git = admin.get_project("CHURN").get_project_git()
    git.set_remote(str(remote))
    assert git.push()["success"] is True
    key = dss.create_api_key("design", label="ci", projects={"CHURN": "write"})
    return {"dss": dss, "remote": remote, "work": clone(remote, tmp_path / "attacker"),
            "project": dss.client(api_key=key).get_project("CHURN"), "data": dss.server.instances["design"].root}


def _commit_link(work: Path, rel: str, target: str, message: str = "Add a link") -> str:
    """Commit (and push) a symbolic link ``rel -> target`` in the attacker's clone."""
    link = work / rel
    if link.exists() or link.is_symlink():
        run_git(work, "rm", "-q", "-r", rel)
    os.symlink(target, link)
    run_git(work, "add", "-A")
    run_git(work, "commit", "-q", "-m", message)
    run_git(work, "push", "-q", "origin", "HEAD")
    return run_git(work, "rev-parse", "HEAD")


def _links_in(tree: Path) -> list[str]:
    return [str(p.relative_to(tree)) for p in tree.rglob("*") if p.is_symlink()]


def _assert_untouched(world, head_before: str) -> None:
    tree = world["data"] / "projects" / "CHURN"
    assert _links_in(tree) == []
    git = world["project"].get_project_git()
    assert dss_head(git) == head_before and git.get_status()["clean"]
    assert "key" not in str(world["project"].get_variables()["standard"])


def test_a_link_to_the_keys_file_is_never_checked_out(world):
    project = world["project"]
    git = project.get_project_git()
    before = dss_head(git)
    _commit_link(world["work"], "variables.json", "../../keys.json")
    git.fetch()
    refused = "Refused to check out origin/master: 'variables.json' is a symbolic link"
    with pytest.raises(DataikuException, match=refused):
        git.reset_to_upstream()
    _assert_untouched(world, before)
    with pytest.raises(DataikuException, match="'variables.json' is a symbolic link"):
        git.pull()
    _assert_untouched(world, before)


def test_a_directory_link_to_another_project_is_never_checked_out(world):
    project = world["project"]
    git = project.get_project_git()
    before = dss_head(git)
    _commit_link(world["work"], "datasets", "../OTHER/datasets")
    with pytest.raises(DataikuException, match="'datasets' is a symbolic link"):
        git.pull()
    _assert_untouched(world, before)
    project.create_upload_dataset("planted")
    other = world["dss"].client().get_project("OTHER")
    assert [d["name"] for d in other.list_datasets()] == []
    assert [d["name"] for d in project.list_datasets()] == ["planted"]


def _fetched_link_commit(world) -> tuple[str, str]:
    """A commit with a link, then one removing it, on the remote's ``evil`` branch; fetched by CHURN."""
    work = world["work"]
    run_git(work, "checkout", "-q", "-b", "evil")
    with_link = _commit_link(work, "variables.json", "../../keys.json")
    run_git(work, "rm", "-q", "variables.json")
    run_git(work, "commit", "-q", "-m", "Remove the link")
    run_git(work, "push", "-q", "origin", "evil")
    world["project"].get_project_git().fetch()
    return with_link, run_git(work, "rev-parse", "HEAD")


@pytest.mark.parametrize("operation", ["switch", "create_branch", "revert_to_revision", "revert_commit"])
def test_every_checkout_refuses_a_fetched_link(world, operation):
    with_link, removal = _fetched_link_commit(world)
    git = world["project"].get_project_git()
    before = dss_head(git)
    calls = {"switch": lambda: git.switch("evil"),  # the remote branch's tip has no link, but its checkout is checked
             "create_branch": lambda: git.create_branch("mine", commit=with_link),
             "revert_to_revision": lambda: git.revert_to_revision(with_link),
             "revert_commit": lambda: git.revert_commit(removal)}  # reverting the removal would restore the link
    if operation == "switch":
        _commit_link(world["work"], "variables.json", "../../keys.json")
        git.fetch()
    with pytest.raises(DataikuException, match="'variables.json' is a symbolic link"):
        calls[operation]()
    _assert_untouched(world, before)
    assert git.get_status()["currentBranch"] == "master"


def test_a_submodule_is_never_checked_out(world):
    work = world["work"]
    sha = run_git(work, "rev-parse", "HEAD")
    run_git(work, "update-index", "--add", "--cacheinfo", f"160000,{sha},vendored")
    run_git(work, "commit", "-q", "-m", "A gitlink")
    run_git(work, "push", "-q", "origin", "HEAD")
    git = world["project"].get_project_git()
    before = dss_head(git)
    with pytest.raises(DataikuException, match="'vendored' is a submodule"):
        git.pull()
    _assert_untouched(world, before)


def test_content_without_links_still_comes_in(world):
    commit_files(world["work"], {"variables.json": {"env": "from-remote"}}, "Plain files")
    git = world["project"].get_project_git()
    assert git.pull()["success"] is True
    assert world["project"].get_variables()["standard"] == {"env": "from-remote"}


@pytest.mark.parametrize("url, reason", [
    ("{data}/projects/OTHER", "inside the emulator's data directory"),
    ("file://{data}/projects/OTHER/.git", "inside the emulator's data directory"),
    ("../OTHER", "inside the emulator's data directory"),
    ("/srv/elsewhere/repo.git", "must lie under one of the local_remote_roots"),
    ("ext::sh -c touch% /tmp/pwned", "Invalid remote url"),
    ("fd::3", "git remote helpers"),
    ("ftp://example.com/repo.git", "the scheme must be one of"),
])
def test_local_path_remotes_only_under_the_allowed_roots(world, url, reason):
    git = world["project"].get_project_git()
    with pytest.raises(DataikuException, match=reason):
        git.set_remote(url.format(data=world["data"]))
    assert git.get_remote() == str(world["remote"])
    plugin_remote = world["dss"].client()._perform_json  # the dev-plugin git extension applies the same rules
    world["dss"].control("design", "POST", "seed", {"sample": True})
    with pytest.raises(DataikuException, match=reason):
        plugin_remote("POST", "/plugins/dss-custom-connectors/git/remotes/origin",
                      body={"url": url.format(data=world["data"])})


def test_network_remotes_and_allowed_local_paths_are_accepted(world, tmp_path):
    git = world["project"].get_project_git()
    for url in ("https://github.com/acme/churn.git", "git@github.com:acme/churn.git", "ssh://git@host/x.git",
                str(tmp_path / "elsewhere.git"), f"file://{tmp_path}/other.git"):
        git.set_remote(url, name="extra")
        assert git.get_remote("extra") == url


def test_a_remote_is_checked_again_when_used(world):
    """A remote configured outside the API (here: written into .git/config) is refused at fetch, pull and push."""
    other = world["data"] / "projects" / "OTHER"
    refs_before = run_git(other, "for-each-ref")
    run_git(world["data"] / "projects" / "CHURN", "remote", "set-url", "origin", str(other))
    git = world["project"].get_project_git()
    for action in (git.fetch, git.pull, lambda: git.push("master")):
        with pytest.raises(DataikuException, match="inside the emulator's data directory"):
            action()
    assert git.list_branches(remote=True) == ["master", "origin/master"]  # nothing of OTHER was fetched
    assert run_git(other, "for-each-ref") == refs_before


def test_the_command_line_sets_the_allowed_roots(tmp_path):
    """``serve --local-remote-root DIR``: local paths under DIR are accepted, others refused; none without it."""
    allowed = tmp_path / "git"
    for options, accepted in (((), False), (("--local-remote-root", str(allowed)), True)):
        server = Serve(tmp_path / f"data-{accepted}", *options)
        try:
            git = server.client.create_project("CHURN", "Churn", "admin").get_project_git()
            with pytest.raises(DataikuException, match="must lie under one of the local_remote_roots"):
                git.set_remote(str(tmp_path / "elsewhere.git"))
            if accepted:
                git.set_remote(str(allowed / "churn.git"))
                assert git.get_remote() == str(allowed / "churn.git")
            else:
                with pytest.raises(DataikuException, match=r"local_remote_roots \(none configured\)"):
                    git.set_remote(str(allowed / "churn.git"))
        finally:
            server.stop()
