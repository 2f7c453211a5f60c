"""Removal is a decision, not an accident: a project missing from discovery stays declared (from the last run's
record) for a grace period and is listed as pending; a key that lost read access, or many projects going at once,
never removes anything."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from components import removal
from components.deletion_guard import DeletionRefused
from components.discovery import ABSENT, DiscoveryError

from .program_helpers import plan_cli, run, secret_environment, settings

REPOSITORY = "github:index/repository:Repository"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
T0_TEXT = "2026-12-01T09:00:00Z"


def _repositories(result) -> list[str]:
    return sorted(r.inputs["name"] for r in result.of_type(REPOSITORY))


def _inputs_under(result, key: str) -> dict[str, dict]:
    """Every resource of project ``key``'s component, by name, with its inputs (but the discovery key, which a
    test changes)."""
    component = result.by_name(f"dss-project-{key}")
    return {r.name: {k: v for k, v in r.inputs.items() if k != "api_key"}
            for r in [component, *result.descendants(component.urn)]}


def _scoped_key(dss, *projects: str) -> str:
    return dss.control("design", "POST", "api-keys", {"label": "discovery", "projects": dict.fromkeys(projects,
                                                                                                   "read")})["key"]


def _three_projects(dss) -> None:
    client = dss.client()
    for key in ("ALPHA", "BETA", "GAMMA"):
        client.create_project(key, f"{key.title()} project", "admin")


def test_a_key_that_loses_read_access_to_two_of_three_projects_removes_nothing(dss):
    _three_projects(dss)
    full = settings(dss, designApiKey=_scoped_key(dss, "ALPHA", "BETA", "GAMMA"), pluginRepositories="false")
    previous = run(full, now=T0)
    narrowed = settings(dss, designApiKey=_scoped_key(dss, "ALPHA"), pluginRepositories="false")
    for day in range(1, 6):  # far past the grace period: 5 runs over 5 days
        previous = run(narrowed, previous, now=T0 + timedelta(days=day))
        assert _repositories(previous) == ["dss-alpha", "dss-beta", "dss-gamma"]
    pending = previous.outputs["pendingRemoval"]["projects"]
    assert sorted(pending) == ["BETA", "GAMMA"]
    reason = ("2 of the 3 projects the last run managed went missing at once (more than removalMaxDropPercent=20%); "
              "nothing is removed while so")
    assert pending["BETA"] == {"repository": "dss-beta", "since": "2026-12-02T09:00:00Z", "runs": 5, "hold": "drop",
                               "reason": reason,
                               "status": f"pending removal since 2026-12-02T09:00:00Z: {reason} (missing in 5 runs)"}


def test_a_project_dss_answers_403_for_is_never_removed(dss):
    _three_projects(dss)
    lenient = {"pluginRepositories": "false", "removalMaxDropPercent": "100"}  # the 403 alone must hold it
    previous = run(settings(dss, designApiKey=_scoped_key(dss, "ALPHA", "BETA", "GAMMA"), **lenient), now=T0)
    before = _inputs_under(previous, "BETA")
    narrowed = settings(dss, designApiKey=_scoped_key(dss, "ALPHA", "GAMMA"), **lenient)
    for day in range(1, 6):
        previous = run(narrowed, previous, now=T0 + timedelta(days=day))
        assert _repositories(previous) == ["dss-alpha", "dss-beta", "dss-gamma"]
    assert previous.outputs["pendingRemoval"]["projects"]["BETA"]["reason"] == (
        "DSS answers 403 for it (the discovery key cannot read it); never removed while so")
    assert _inputs_under(previous, "BETA") == before  # declared from the last run's record, unchanged


def test_a_deleted_project_is_removed_only_after_the_grace_runs_and_days(dss):
    _three_projects(dss)
    config = settings(dss, pluginRepositories="false")  # defaults: 3 runs and 1 day
    previous = run(config, now=T0)
    dss.client().get_project("BETA").delete()
    for hours, runs in ((0, 1), (6, 2), (12, 3)):
        previous = run(config, previous, now=T0 + timedelta(hours=hours))
        assert _repositories(previous) == ["dss-alpha", "dss-beta", "dss-gamma"]
        assert previous.outputs["pendingRemoval"]["projects"]["BETA"] == {
            "repository": "dss-beta", "since": T0_TEXT, "runs": runs, "hold": None,
            "reason": "DSS answers 404 for it (deleted)",
            "status": f"pending removal since {T0_TEXT}: DSS answers 404 for it (deleted) (missing in {runs} "
                      f"run{'s' if runs > 1 else ''})"}
    previous = run(config, previous, now=T0 + timedelta(hours=18))  # 4 runs, but less than a day
    assert _repositories(previous) == ["dss-alpha", "dss-beta", "dss-gamma"]
    removed = run(config, previous, now=T0 + timedelta(hours=24))
    assert _repositories(removed) == ["dss-alpha", "dss-gamma"]
    assert removed.outputs["pendingRemoval"] == {"projects": {}, "plugins": {}}


def test_a_project_excluded_by_the_filters_is_pending_too_and_comes_back(dss):
    _three_projects(dss)
    previous = run(settings(dss, pluginRepositories="false"), now=T0)
    excluded = run(settings(dss, pluginRepositories="false", excludeProjects='["GAMMA"]'), previous, now=T0)
    assert excluded.outputs["pendingRemoval"]["projects"]["GAMMA"]["reason"] == (
        "excluded by the configuration (filters or folder)")
    back = run(settings(dss, pluginRepositories="false"), excluded, now=T0 + timedelta(days=3))
    assert back.outputs["pendingRemoval"]["projects"] == {}
    assert _repositories(back) == ["dss-alpha", "dss-beta", "dss-gamma"]


def test_turning_plugin_repositories_off_makes_them_pending_first(dss):
    dss.control("design", "POST", "seed", {"sample": True})
    previous = run(settings(dss), now=T0)
    off = run(settings(dss, pluginRepositories="false"), previous, now=T0)
    assert _repositories(off) == _repositories(previous)
    assert off.outputs["pendingRemoval"]["plugins"]["dss-custom-connectors"]["reason"] == (
        "no longer looked for (pluginRepositories is false)")


def test_deletions_in_successive_runs_do_not_add_up_to_a_drop(dss):
    _three_projects(dss)
    config = settings(dss, pluginRepositories="false", removalGraceRuns="1", removalGraceDays="0")
    previous = run(config, now=T0)
    dss.client().get_project("ALPHA").delete()
    previous = run(config, previous, now=T0)
    dss.client().get_project("BETA").delete()
    previous = run(config, previous, now=T0)  # 2 of 3 missing, one at a time: ALPHA's grace is over
    assert _repositories(previous) == ["dss-beta", "dss-gamma"]
    assert previous.outputs["pendingRemoval"]["projects"]["BETA"]["hold"] is None


def test_a_drop_stays_held_until_the_percentage_is_raised(dss):
    _three_projects(dss)
    previous = run(settings(dss, pluginRepositories="false"), now=T0)
    narrow = {"pluginRepositories": "false", "excludeProjects": '["BETA", "GAMMA"]', "removalGraceRuns": "0",
              "removalGraceDays": "0"}
    for _ in range(3):
        previous = run(settings(dss, **narrow), previous, now=T0)
        assert [p["hold"] for p in previous.outputs["pendingRemoval"]["projects"].values()] == ["drop", "drop"]
    decided = run(settings(dss, removalMaxDropPercent="70", **narrow), previous, now=T0)
    assert _repositories(decided) == ["dss-alpha"]


def test_an_unexpected_answer_about_a_missing_project_stops_the_run(dss):
    _three_projects(dss)
    previous = run(settings(dss, pluginRepositories="false"), now=T0)
    dss.client().get_project("BETA").delete()
    dss.control("design", "POST", "faults/routes", {"method": "GET", "path": "/projects/BETA$", "count": 1,
                                                     "status": 500, "message": "overloaded"})
    with pytest.raises(DiscoveryError, match=r"^DSS discovery failed: GET /projects/BETA answered HTTP 500; "
                                             "nothing was changed$"):
        run(settings(dss, pluginRepositories="false"), previous, now=T0)


def test_a_malformed_pending_output_is_refused():
    with pytest.raises(DeletionRefused, match="previous stack output 'pendingRemoval' is not a map"):
        removal.decide({"projects": {"A": {"repository": "dss-a"}}, "pendingRemoval": {"projects": {"A": "x"}}},
                       {"projects": set(), "plugins": set()}, {"projects": set(), "plugins": set()},
                       removal.RemovalPolicy(0, 0, 100), T0, lambda _key: ABSENT)


def test_the_plan_lists_pending_removals_and_removes_nothing(dss, tmp_path):
    _three_projects(dss)
    env = secret_environment(_scoped_key(dss, "ALPHA", "BETA", "GAMMA"))
    first = tmp_path / "first.json"
    assert plan_cli("--design-url", dss.url("design"), "--set", "pluginRepositories=false", "--output", str(first),
                    env=env).returncode == 0
    env = secret_environment(_scoped_key(dss, "ALPHA"))
    second = tmp_path / "second.json"
    result = plan_cli("--design-url", dss.url("design"), "--set", "pluginRepositories=false", "--previous",
                      str(first), "--output", str(second), env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    pending = lines[lines.index("pending removal (2)") + 1:][:2]
    assert [line.split(" pending removal since ")[0] for line in pending] == ["  project BETA (dss-beta)",
                                                                             "  project GAMMA (dss-gamma)"]
    assert all("went missing at once (more than removalMaxDropPercent=20%); nothing is removed while so "
               "(missing in 1 run)" in line for line in pending)
    assert "Changes against the previous plan: 0 to create, 0 to update, 0 to remove" in result.stdout
    assert sorted(json.loads(second.read_text())["outputs"]["pendingRemoval"]["projects"]) == ["BETA", "GAMMA"]
