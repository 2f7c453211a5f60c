"""Project git against a real bare remote: remotes, push, fetch, pull (rebase), reset to upstream, push faults."""
import pytest
from dataikuapi.utils import DataikuException

from .git_helpers import bare_remote, clone, commit_files, dss_head, run_git


def _project(dss, key="GITR", mode="AUTO"):
    dss.client().create_project(key, key.title(), "admin", settings={"gitCommitMode": mode})
    return dss.client().get_project(key)


def _set_vars(project, **standard):
    project.set_variables({"standard": standard, "local": {}})


def _pushed_project(dss, tmp_path):
    """A project whose master has been pushed to a fresh bare remote."""
    remote = bare_remote(tmp_path)
    project = _project(dss)
    project.get_project_git().set_remote(str(remote))
    assert project.get_project_git().push()["success"] is True
    return project, remote


def test_remote_get_set_remove(dss, tmp_path):
    git = _project(dss).get_project_git()
    assert git.get_remote() is None
    git.set_remote(str(tmp_path / "one.git"))
    assert git.get_remote() == str(tmp_path / "one.git")
    git.set_remote(f"file://{tmp_path}/two.git")
    assert git.get_remote() == f"file://{tmp_path}/two.git"
    git.set_remote(str(tmp_path / "backup.git"), name="backup")
    assert [r["name"] for r in git.get_status()["remotes"]] == ["backup", "origin"]
    git.remove_remote()
    git.remove_remote()  # already gone: no error
    assert git.get_remote() is None and git.get_remote("backup") == str(tmp_path / "backup.git")
    with pytest.raises(DataikuException, match="Invalid remote url: ''"):
        git.set_remote("")
    with pytest.raises(DataikuException, match="Invalid remote name: 'a b'"):
        git.set_remote("/x", name="a b")


def test_push_publishes_head_and_sets_upstream(dss, tmp_path):
    project, remote = _pushed_project(dss, tmp_path)
    git = project.get_project_git()
    status = git.get_status()
    assert run_git(remote, "rev-parse", "master") == dss_head(git)
    assert status["trackingCount"] == {"ahead": 0, "behind": 0}
    assert status["remotes"] == [{"name": "origin", "url": str(remote)}]
    _set_vars(project, env="dev")
    assert git.get_status()["trackingCount"] == {"ahead": 1, "behind": 0}
    result = git.push()
    assert result["success"] is True and isinstance(result["logs"], list) and "master" in result["output"]
    assert run_git(remote, "rev-parse", "master") == dss_head(git)
    assert git.list_branches(remote=True) == ["master", "origin/master"]


def test_push_of_a_new_branch_tracks_it(dss, tmp_path):
    project, remote = _pushed_project(dss, tmp_path)
    git = project.get_project_git()
    git.create_branch("feature")
    _set_vars(project, on="feature")
    assert git.push()["success"] is True
    assert run_git(remote, "rev-parse", "feature") == dss_head(git)
    assert git.get_status()["trackingCount"] == {"ahead": 0, "behind": 0}
    git.switch("master")
    git.delete_branch("origin/feature", remote=True, delete_remotely=True)
    assert run_git(remote, "branch", "--list", "feature") == ""
    assert "origin/feature" not in git.list_branches(remote=True)


def test_push_without_remote_is_an_error(dss):
    git = _project(dss).get_project_git()
    with pytest.raises(DataikuException, match="No remote configured.*set_remote"):
        git.push()
    with pytest.raises(DataikuException, match="No remote configured"):
        git.fetch()


def test_push_rejected_when_the_remote_moved(dss, tmp_path):
    project, remote = _pushed_project(dss, tmp_path)
    other = clone(remote, tmp_path / "other")
    theirs = commit_files(other, {"notes.txt": "theirs\n"}, "Someone else's change")
    _set_vars(project, env="dev")
    result = project.get_project_git().push()  # HTTP 200, success false
    assert result["success"] is False and "[rejected]" in result["output"] and "non-fast-forward" in result["output"]
    assert run_git(remote, "rev-parse", "master") == theirs


def test_push_fault_is_a_real_rejection_then_pull_and_push_recover(dss, tmp_path):
    project, remote = _pushed_project(dss, tmp_path)
    git = project.get_project_git()
    armed = dss.control("design", "POST", "faults/git-push", {"projectKey": "GITR", "count": 1})
    assert armed == {"projectKey": "GITR", "pendingPushRejections": 1}
    _set_vars(project, env="dev")
    rejected = git.push()
    assert rejected["success"] is False and "Push rejected (non-fast-forward)" in rejected["logs"][-1]
    assert run_git(remote, "log", "-1", "--format=%an", "master") == "someone-else"
    assert git.pull()["success"] is True
    assert git.push()["success"] is True  # the fault was used up
    assert run_git(remote, "rev-parse", "master") == dss_head(git)
    assert project.get_variables()["standard"] == {"env": "dev"}


def test_push_fault_control_validates_its_input(dss):
    _project(dss)
    with pytest.raises(Exception, match="404"):
        dss.control("design", "POST", "faults/git-push", {"projectKey": "NOPE", "count": 1})
    with pytest.raises(Exception, match="400"):
        dss.control("design", "POST", "faults/git-push", {"projectKey": "GITR", "count": -1})


def test_fetch_updates_tracking_count_and_pull_rebases(dss, tmp_path):
    project, remote = _pushed_project(dss, tmp_path)
    git = project.get_project_git()
    other = clone(remote, tmp_path / "other")
    commit_files(other, {"notes.txt": "theirs\n"}, "Their change")
    _set_vars(project, env="dev")
    assert git.get_status()["trackingCount"] == {"ahead": 1, "behind": 0}  # no fetch yet: DSS does not know
    fetched = git.fetch()
    assert fetched["success"] is True
    assert git.get_status()["trackingCount"] == {"ahead": 1, "behind": 1}
    assert git.pull()["success"] is True
    status = git.get_status()
    assert status["trackingCount"] == {"ahead": 1, "behind": 0} and status["clean"]
    assert [e["message"] for e in git.log(count=2)["entries"]] == ["Updated variables of project GITR", "Their change"]
    assert git.push()["success"] is True


def test_pull_conflict_aborts_and_leaves_the_project_as_it_was(dss, tmp_path):
    project, remote = _pushed_project(dss, tmp_path)
    git = project.get_project_git()
    other = clone(remote, tmp_path / "other")
    commit_files(other, {"variables.json": {"env": "theirs"}}, "Their variables")
    _set_vars(project, env="ours")
    before = dss_head(git)
    result = git.pull()
    assert result["success"] is False and "CONFLICT" in result["output"]
    status = git.get_status()
    assert dss_head(git) == before and status["clean"] and status["conflicting"] == []
    assert status["currentBranch"] == "master"
    assert project.get_variables()["standard"] == {"env": "ours"}


def test_reset_to_upstream_imports_a_project_from_its_remote(dss, tmp_path):
    remote = bare_remote(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    run_git(work, "init", "-q", "-b", "master")
    run_git(work, "remote", "add", "origin", str(remote))
    params = {"name": "Imported flow", "owner": "admin", "tags": ["imported"], "settings": {"gitCommitMode": "AUTO"}}
    recipe = {"type": "python", "params": {}, "inputs": {"main": {"items": [{"ref": "raw", "deps": []}]}},
              "outputs": {"main": {"items": [{"ref": "clean", "appendMode": False}]}}, "tags": []}
    dataset = {"type": "Filesystem", "managed": True, "formatType": "csv",
               "formatParams": {"separator": ",", "style": "excel", "charset": "utf8", "parseHeaderRow": True},
               "params": {"connection": "filesystem_managed", "path": "${projectKey}/clean"},
               "schema": {"columns": [{"name": "id", "type": "bigint"}], "userModified": False}, "tags": []}
    pushed = commit_files(work, {"params.json": params, "variables.json": {"env": "from-remote"},
                                 "recipes/compute_clean.json": recipe, "recipes/compute_clean.py": "print(1)\n",
                                 "datasets/clean.json": dataset}, "Project as another DSS wrote it")
    project = _project(dss, key="IMPORTED", mode="EXPLICIT")
    git = project.get_project_git()
    git.set_remote(str(remote))
    with pytest.raises(DataikuException, match="no fetched upstream"):
        git.reset_to_upstream()
    git.fetch()
    git.reset_to_upstream()
    status = git.get_status()
    assert dss_head(git) == pushed and status["clean"]
    assert status["trackingCount"] == {"ahead": 0, "behind": 0}
    assert project.get_metadata()["label"] == "Imported flow"
    assert project.get_variables()["standard"] == {"env": "from-remote"}
    assert [r["name"] for r in project.list_recipes(as_type="listitems")] == ["compute_clean"]
    assert [d["name"] for d in project.list_datasets(as_type="listitems")] == ["clean"]
    assert [e["message"] for e in git.log()["entries"]] == ["Project as another DSS wrote it"]
    commit_files(work, {"variables.json": {"env": "v2"}}, "Second version")
    git.fetch()
    assert git.get_status()["trackingCount"] == {"ahead": 0, "behind": 1}  # the branch now tracks origin/master
    assert git.pull()["success"] is True
    assert project.get_variables()["standard"] == {"env": "v2"}


def test_switch_to_a_remote_only_branch_tracks_it(dss, tmp_path):
    project, remote = _pushed_project(dss, tmp_path)
    git = project.get_project_git()
    other = clone(remote, tmp_path / "other")
    run_git(other, "checkout", "-q", "-b", "dev")
    theirs = commit_files(other, {"variables.json": {"env": "dev"}}, "Dev variables")
    git.fetch()
    assert git.list_branches(remote=True) == ["master", "origin/dev", "origin/master"]
    assert git.switch("dev")["success"] is True
    status = git.get_status()
    assert (status["currentBranch"], dss_head(git)) == ("dev", theirs)
    assert status["trackingCount"] == {"ahead": 0, "behind": 0}
    assert project.get_variables()["standard"] == {"env": "dev"}


def test_unreachable_remote_answers_success_false(dss, tmp_path):
    git = _project(dss).get_project_git()
    git.set_remote(str(tmp_path / "missing.git"))
    fetched = git.fetch()
    assert fetched["success"] is False and "missing.git" in fetched["output"]
    assert git.push()["success"] is False
