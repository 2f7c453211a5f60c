"""Safe removal: a project gone from DSS leaves the declared set; failures and mass deletions are refused."""
from __future__ import annotations

import functools

import pytest

from components.deletion_guard import DeletionRefused, Managed, check
from components.discovery import DiscoveryError
from components.program import run_program
from gitops_plan.mocks import ProgramMocks, RecordingMonitor, run_mocked

from .conftest import create_projects

REPOSITORY = "github:index/repository:Repository"
# removal at once, whatever share of the projects goes (the grace period and holds: tests/reliability)
NO_GRACE = {"removalGraceRuns": "0", "removalGraceDays": "0", "removalMaxDropPercent": "100"}


def _names(run) -> list[str]:
    return sorted(r.inputs["name"] for r in run.of_type(REPOSITORY))


def test_a_project_deleted_from_dss_disappears_from_the_declared_set(dss, settings_for, run):
    create_projects(dss, "ALPHA", "BETA", "GAMMA")
    settings = settings_for(pluginRepositories="false", **NO_GRACE)
    first = run(settings)
    assert _names(first) == ["dss-alpha", "dss-beta", "dss-gamma"]
    dss.client().get_project("BETA").delete()
    second = run(settings, previous=first)
    assert _names(second) == ["dss-alpha", "dss-gamma"]
    assert sorted(second.outputs["projects"]) == ["ALPHA", "GAMMA"]
    assert not [r for r in second.resources if "BETA" in r.urn]


def test_discovery_failure_raises_before_anything_is_declared(dss, settings_for):
    create_projects(dss, "ALPHA")
    settings = settings_for()
    dss.control("design", "POST", "faults/routes", {"method": "GET", "path": "/plugins/?$", "count": 1,
                                                     "status": 503, "message": "maintenance"})
    monitor = RecordingMonitor(ProgramMocks())
    with pytest.raises(DiscoveryError, match="^DSS discovery failed: GET /plugins/ answered .*maintenance"):
        run_mocked(functools.partial(run_program, settings), monitor=monitor)
    assert monitor.declared == []


def test_empty_discovery_while_repositories_exist_is_refused(dss, settings_for, run):
    create_projects(dss, "ALPHA", "BETA")
    settings = settings_for(pluginRepositories="false", maxDeletionsPerRun="100")
    first = run(settings)
    for key in ("ALPHA", "BETA"):
        dss.client().get_project(key).delete()
    with pytest.raises(DeletionRefused) as caught:
        run(settings, previous=first)
    assert str(caught.value) == (
        "Refusing to run: DSS discovery kept no project while the last run managed 2 project repositories "
        "(dss-alpha, dss-beta). Check the DSS design node and the project filters; to remove every repository on "
        "purpose, run `pulumi destroy`.")


def test_a_filter_that_keeps_nothing_is_refused_too(dss, settings_for, run):
    create_projects(dss, "ALPHA")
    first = run(settings_for(pluginRepositories="false"))
    with pytest.raises(DeletionRefused, match="^Refusing to run: DSS discovery kept no project while the last run "
                                              r"managed 1 project repositories \(dss-alpha\)"):
        run(settings_for(pluginRepositories="false", includeProjects='["TYPO_*"]'), previous=first)


def test_more_deletions_than_allowed_are_refused(dss, settings_for, run):
    create_projects(dss, "ALPHA", "BETA", "GAMMA", "DELTA")
    first = run(settings_for(pluginRepositories="false"))
    for key in ("BETA", "GAMMA"):
        dss.client().get_project(key).delete()
    with pytest.raises(DeletionRefused) as caught:
        run(settings_for(pluginRepositories="false", maxDeletionsPerRun="1", **NO_GRACE), previous=first)
    assert str(caught.value) == (
        "Refusing to run: 2 repositories would be removed (dss-beta, dss-gamma), more than maxDeletionsPerRun=1. "
        "Check DSS discovery and the filters; to remove them on purpose, raise maxDeletionsPerRun for one run.")
    allowed = run(settings_for(pluginRepositories="false", maxDeletionsPerRun="2", **NO_GRACE), previous=first)
    assert _names(allowed) == ["dss-alpha", "dss-delta"]


def test_turning_plugin_repositories_off_counts_as_deletions(dss, settings_for, run):
    dss.control("design", "POST", "seed", {"sample": True})
    first = run(settings_for())
    with pytest.raises(DeletionRefused, match=r"^Refusing to run: 1 repositories would be removed "
                                              r"\(dss-plugin-dss-custom-connectors\), more than maxDeletionsPerRun=0"):
        run(settings_for(pluginRepositories="false", maxDeletionsPerRun="0", **NO_GRACE), previous=first)
    allowed = run(settings_for(pluginRepositories="false", maxDeletionsPerRun="1", **NO_GRACE), previous=first)
    assert allowed.outputs["plugins"] == {}


def test_the_first_run_of_an_empty_dss_declares_nothing(dss, settings_for, run):
    result = run(settings_for())
    assert result.outputs == {"projects": {}, "plugins": {}, "pendingRemoval": {"projects": {}, "plugins": {}},
                              "onboardingFailures": {}, "shard": "1/1", "waiting": {"projects": [], "plugins": []}}
    assert sorted(r.type for r in result.resources) == [
        "github:index/actionsOrganizationVariable:ActionsOrganizationVariable"] * 5 + [
        "pulumi:providers:github", "pulumi:pulumi:StackReference"]


def test_the_guard_reads_the_stack_outputs_it_wrote():
    previous = Managed.from_outputs({"A": {"repository": "dss-a", "url": "u"}}, None)
    assert check(previous, Managed(projects={"A": "dss-a-renamed"}), 0, True) == []  # a rename is not a removal
    with pytest.raises(DeletionRefused, match="previous stack output 'projects' is not a map"):
        Managed.from_outputs(["dss-a"], None)
