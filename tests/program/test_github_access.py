"""What a first `pulumi up` in a real organization needs: DSS may push, the rename is awaited, removal keeps work.

Under Pulumi mocks against the emulator; every declared input is checked against the pulumi-github schema.
"""
from __future__ import annotations

import pytest

from components.settings import ConfigError

from .conftest import create_projects
from .schema_check import schema_problems

GH = "github:index/"
TEAM = GH + "teamRepository:TeamRepository"
DYNAMIC = "pulumi-python:dynamic:Resource"


def _children(result, component: str) -> list:
    return result.descendants(result.by_name(component).urn)


def _of(children, token: str) -> list:
    return [r for r in children if r.type == token]


def _valid(resources) -> None:
    for resource in resources:
        if resource.type.startswith("github:index/"):
            assert schema_problems(resource.type, resource.inputs) == [], resource.urn


def test_dss_push_team_is_granted_push_and_onboarding_waits_for_the_grant(dss, settings_for, run):
    create_projects(dss, "ALPHA")
    result = run(settings_for(dssPushTeam="77", teams='["42:pull"]', pluginRepositories="false"))
    children = _children(result, "dss-project-ALPHA")
    _valid(children)
    grants = {g.inputs["teamId"]: g for g in _of(children, TEAM)}
    assert {k: g.inputs["permission"] for k, g in grants.items()} == {"42": "pull", "77": "push"}
    [remote] = _of(children, DYNAMIC)
    assert grants["77"].urn in remote.dependencies


def test_a_push_team_already_in_teams_keeps_its_one_grant(dss, settings_for, run):
    create_projects(dss, "ALPHA")
    result = run(settings_for(dssPushTeam="42", teams='["42:maintain"]', pluginRepositories="false"))
    children = _children(result, "dss-project-ALPHA")
    [grant] = _of(children, TEAM)
    assert (grant.inputs["teamId"], grant.inputs["permission"]) == ("42", "maintain")
    assert grant.urn in _of(children, DYNAMIC)[0].dependencies


def test_no_push_team_means_no_extra_grant(dss, settings_for, run):
    create_projects(dss, "ALPHA")
    result = run(settings_for(pluginRepositories="false"))
    assert not result.of_type(TEAM)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"dssPushTeam": "-1"}, "dssPushTeam: must be a numeric team id, or 0 for none (got '-1')"),
    ({"dssPushTeam": "42", "teams": '["42:pull"]'},
     "dssPushTeam: team 42 is in teams with 'pull', but DSS pushes as it: give it push / maintain / admin there "
     "(got '42')"),
])
def test_a_push_team_dss_could_not_push_with_is_refused(settings_for, overrides, message):
    with pytest.raises(ConfigError) as raised:
        settings_for(**overrides)
    assert str(raised.value) == message


def test_the_default_branch_rename_is_awaited_before_the_first_file(dss, settings_for, run):
    dss.control("design", "POST", "seed", {"sample": True})
    result = run(settings_for())
    defaults = result.of_type(GH + "branchDefault:BranchDefault")
    assert len(defaults) == 4  # three projects and a dev plugin
    _valid(defaults)
    assert all(d.inputs["rename"] is True and d.inputs["waitForRename"] is True for d in defaults)


def test_removal_keeps_the_plugin_dev_branch_and_team_grants_and_deletes_the_secrets(dss, settings_for, run):
    dss.control("design", "POST", "seed", {"sample": True})
    result = run(settings_for(teams='["42:push"]', dssPushTeam="77"))
    plugin = _children(result, "dss-plugin-dss-custom-connectors")
    [dev] = _of(plugin, GH + "branch:Branch")
    assert dev.retain_on_delete
    for component in ("dss-project-CHURN", "dss-plugin-dss-custom-connectors"):
        grants = _of(_children(result, component), TEAM)
        assert len(grants) == 2 and all(g.retain_on_delete for g in grants)
    secrets = result.of_type(GH + "actionsEnvironmentSecret:ActionsEnvironmentSecret")
    assert secrets and not any(s.retain_on_delete for s in secrets)  # an archived repository holds no DSS key
    [repository] = [r for r in _children(result, "dss-project-CHURN") if r.type == GH + "repository:Repository"]
    assert repository.inputs["archiveOnDestroy"] is True and not repository.retain_on_delete
