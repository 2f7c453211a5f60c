"""Project git through the real dataikuapi client: status, commit, log, branches, tags, diff, reverts, rights."""
from datetime import UTC, datetime, timedelta

import pytest
from dataikuapi.utils import DataikuException
from dateutil.parser import isoparse

from .git_helpers import dss_head


def _project(dss, key="GITP", mode="EXPLICIT"):
    dss.client().create_project(key, key.title(), "admin", settings={"gitCommitMode": mode})
    return dss.client().get_project(key)


def _set_vars(project, **standard):
    project.set_variables({"standard": standard, "local": {}})


def test_explicit_mode_keeps_api_changes_uncommitted_until_commit(dss):
    project = _project(dss)
    git = project.get_project_git()
    status = git.get_status()
    assert status["clean"] and not status["hasUncommittedChanges"]
    assert status["currentBranch"] == "master" and status["remotes"] == []
    assert status["trackingCount"] == {"ahead": 0, "behind": 0}
    assert "head" not in status  # no HEAD SHA in DSS's status

    metadata = project.get_metadata()
    metadata["label"] = "Renamed"
    project.set_metadata(metadata)
    _set_vars(project, env="dev")
    status = git.get_status()
    assert not status["clean"] and status["hasUncommittedChanges"]
    assert status["modified"] == ["params.json"] and status["untracked"] == ["variables.json"]
    assert status["added"] == status["removed"] == status["conflicting"] == []

    git.commit("Rename and add variables")
    status = git.get_status()
    assert status["clean"] and not status["hasUncommittedChanges"]
    latest = git.log()["entries"][0]
    assert (latest["message"], latest["author"]) == ("Rename and add variables", "admin")
    assert set(latest) == {"commit", "author", "message", "timestamp"}


def test_auto_mode_commits_each_api_change(dss):
    project = _project(dss, mode="AUTO")
    git = project.get_project_git()
    _set_vars(project, env="dev")
    assert git.get_status()["clean"]
    assert len(git.log()["entries"]) == 2


def test_log_is_newest_first_with_paging_and_tz_timestamps(dss):
    project = _project(dss, mode="AUTO")
    git = project.get_project_git()
    for i in range(4):
        _set_vars(project, step=i)
    full = git.log()["entries"]
    assert len(full) == 5 and "nextCommit" not in git.log()
    assert [e["message"] for e in full][:2] == ["Updated variables of project GITP"] * 2
    assert full[-1]["message"] == "Created project GITP"
    pages, start = [], None
    while True:
        page = git.log(start_commit=start, count=2)
        pages.append(page["entries"])
        start = page.get("nextCommit")
        if start is None:
            break
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [e["commit"] for p in pages for e in p] == [e["commit"] for e in full]
    now = datetime.now(UTC)
    for entry in full:
        stamp = isoparse(entry["timestamp"])
        assert stamp.tzinfo is not None and now - timedelta(minutes=5) < stamp <= now + timedelta(seconds=1)
        assert datetime.fromisoformat(entry["timestamp"].split(".")[0])  # scripts cut at "." then parse
    assert [e["commit"] for e in git.log(path="variables.json")["entries"]] == [e["commit"] for e in full[:4]]


def test_log_rejects_bad_paging_arguments(dss):
    git = _project(dss).get_project_git()
    with pytest.raises(DataikuException, match="Invalid count: 0"):
        git.log(count=0)
    with pytest.raises(DataikuException, match="NotFoundException: Commit not found: startCommit 'deadbeef'"):
        git.log(start_commit="deadbeef")


def test_branches_create_switch_and_delete(dss):
    project = _project(dss, mode="AUTO")
    git = project.get_project_git()
    result = git.create_branch("feature")
    assert result["success"] is True and git.get_current_branch() == "feature"
    _set_vars(project, on="feature")
    assert git.list_branches() == ["feature", "master"]
    assert git.switch("master")["success"] is True
    assert project.get_variables()["standard"] == {}  # the work tree follows the branch
    with pytest.raises(DataikuException, match="Could not delete branch feature"):
        git.delete_branch("feature")  # not merged
    git.delete_branch("feature", force_delete=True)
    assert git.list_branches() == ["master"]


def test_branch_errors_name_the_problem(dss):
    git = _project(dss).get_project_git()
    with pytest.raises(DataikuException, match="Invalid branch name: 'bad..name'"):
        git.create_branch("bad..name")
    with pytest.raises(DataikuException, match="Branch master already exists"):
        git.create_branch("master")
    with pytest.raises(DataikuException, match="NotFoundException: Branch not found: nope"):
        git.switch("nope")
    with pytest.raises(DataikuException, match="Cannot delete the current branch master"):
        git.delete_branch("master")
    with pytest.raises(DataikuException, match="duplicateProject is not supported"):
        git.create_branch("copy", duplicate_project=True)


def test_create_branch_from_a_commit(dss):
    project = _project(dss, mode="AUTO")
    git = project.get_project_git()
    first = git.log()["entries"][-1]["commit"]
    _set_vars(project, x=1)
    git.create_branch("old", commit=first)
    assert dss_head(git) == first


def test_tags_lightweight_and_annotated(dss):
    project = _project(dss, mode="AUTO")
    git = project.get_project_git()
    first = dss_head(git)
    _set_vars(project, x=1)
    git.create_tag("v1", reference=first)
    git.create_tag("v2", message="Release 2")
    tags = {t["shortName"]: t for t in git.list_tags()}
    assert tags["v1"] == {"name": "refs/tags/v1", "shortName": "v1", "commit": first, "annotations": [],
                          "readOnly": False}
    assert tags["v2"]["commit"] == dss_head(git) and tags["v2"]["annotations"] == ["Release 2"]
    with pytest.raises(DataikuException, match="Tag v1 already exists"):
        git.create_tag("v1")
    git.delete_tag("v1")
    assert [t["shortName"] for t in git.list_tags()] == ["v2"]
    with pytest.raises(DataikuException, match="NotFoundException: Tag not found: v1"):
        git.delete_tag("v1")


def test_diff_of_working_copy_one_commit_and_a_range(dss):
    project = _project(dss)
    git = project.get_project_git()
    _set_vars(project, env="dev")
    working = git.diff()
    assert working["changedFiles"] == 1 and working["commitTo"] == {}
    entry = working["entries"][0]
    assert (entry["changeType"], entry["newPath"]) == ("ADD", "variables.json")
    assert entry["addedLines"] == working["addedLines"] > 0 and '"env": "dev"' in entry["diff"]
    git.commit("vars")
    head = dss_head(git)
    one = git.diff(commit_from=head)
    assert one["commitTo"]["commit"] == head and [e["newPath"] for e in one["entries"]] == ["variables.json"]
    _set_vars(project, env="prod")
    git.commit("prod")
    between = git.diff(commit_from=head, commit_to=dss_head(git))
    assert (between["addedLines"], between["removedLines"]) == (1, 1)
    assert between["entries"][0]["changeType"] == "MODIFY"
    with pytest.raises(DataikuException, match="commitTo needs commitFrom"):
        git.diff(commit_to=head)


def test_revert_commit_and_revert_to_revision(dss):
    project = _project(dss, mode="AUTO")
    git = project.get_project_git()
    _set_vars(project, v=1)
    one = dss_head(git)
    _set_vars(project, v=2)
    two = dss_head(git)
    conflicting = git.revert_commit(one)  # the file it added was changed since: conflict, aborted
    assert conflicting["success"] is False and "CONFLICT" in conflicting["output"]
    status = git.get_status()
    assert status["clean"] and dss_head(git) == two and project.get_variables()["standard"] == {"v": 2}
    assert git.revert_commit(two)["success"] is True
    assert project.get_variables()["standard"] == {"v": 1}
    assert git.revert_to_revision(git.log()["entries"][-1]["commit"])["success"] is True
    assert project.get_variables()["standard"] == {} and git.get_status()["clean"]
    assert git.log()["entries"][0]["message"].startswith("Reverted project to revision ")


def test_reset_to_head_drops_uncommitted_changes(dss):
    project = _project(dss)
    git = project.get_project_git()
    _set_vars(project, env="dev")
    metadata = project.get_metadata()
    metadata["label"] = "Changed"
    project.set_metadata(metadata)
    git.reset_to_head()
    assert git.get_status()["clean"]
    assert project.get_metadata()["label"] == "Gitp" and project.get_variables()["standard"] == {}


def test_commit_author_is_the_key_label(dss):
    _project(dss)
    key = dss.create_api_key(label="ci-bot", projects={"GITP": "write"})
    project = dss.client(api_key=key).get_project("GITP")
    _set_vars(project, by="bot")
    git = project.get_project_git()
    git.commit("by the bot")
    assert git.log()["entries"][0]["author"] == "ci-bot"
    with pytest.raises(DataikuException, match="Invalid commit message"):
        git.commit("")


def test_read_only_key_reads_but_cannot_write(dss):
    _project(dss)
    key = dss.create_api_key(label="viewer", projects={"GITP": "read"})
    git = dss.client(api_key=key).get_project("GITP").get_project_git()
    assert git.get_status()["clean"]
    for action in (git.push, git.fetch, lambda: git.commit("x"), lambda: git.create_branch("b"), git.reset_to_head,
                   lambda: git.set_remote("/tmp/x")):
        with pytest.raises(DataikuException, match="does not have write access to project GITP"):
            action()


def test_unknown_project_is_not_found(dss):
    git = dss.client().get_project("NOPE").get_project_git()
    with pytest.raises(DataikuException, match="NotFoundException: Project NOPE does not exist"):
        git.get_status()
    with pytest.raises(DataikuException, match="NotFoundException"):
        git.push()


def test_drop_and_rebuild_is_refused_clearly(dss):
    git = _project(dss).get_project_git()
    with pytest.raises(DataikuException, match="dropAndRebuild is not supported by the DSS emulator"):
        git.drop_and_rebuild(True)
