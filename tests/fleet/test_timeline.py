"""The page's timeline geometry over 30 days (DSS's update history cannot be aged for real in a test: these facts
are what ``collect`` reads, with times spread over weeks)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dss_deploy.fleet.facts import Deployment, Project, Update
from dss_deploy.fleet.render_html import LEFT, RIGHT, WIDTH, timeline

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def churn() -> Project:
    staging = Deployment("CHURN-on-staging", "staging", "b3", "HEALTHY", tests={"FAILED": 1}, updates=(
        Update(ago(40), "SUCCESS", "b0"), Update(ago(20), "SUCCESS", "b1"), Update(ago(12), "FAILED", "b2"),
        Update(ago(11), "SUCCESS", "b2"), Update(ago(2), "SUCCESS", "b3")))
    prod = Deployment("CHURN-on-prod", "prod", "b2", "HEALTHY", updates=(
        Update(ago(35), "SUCCESS", "b0"), Update(ago(18), "SUCCESS", "b1"), Update(ago(9), "SUCCESS", "b2")))
    return Project("CHURN", "Customer churn", staging=staging, prod=prod)


def test_bars_show_what_ran_when_and_marks_show_updates_in_the_window():
    t = timeline(churn(), NOW, 30)
    staging = [b for b in t["bars"] if b.title.startswith("staging")]
    assert [b.label for b in staging] == ["b0", "b1", "b2", "b3"]
    assert staging[0].x == LEFT  # b0 ran before the window opened: its bar starts at the window's edge
    assert staging[-1].x + staging[-1].width == WIDTH - RIGHT  # b3 runs now
    assert all(a.x + a.width == b.x for a, b in zip(staging, staging[1:], strict=False))
    titles = [m.title for m in t["marks"]]
    assert len(titles) == 4 + 2  # updates older than 30 days (b0's) are not marked
    assert [m.failed for m in t["marks"]].count(True) == 1 and "FAILED, bundle b2" in titles[1]


def test_a_bundle_has_one_colour_on_both_lanes_and_bundles_differ():
    t = timeline(churn(), NOW, 30)
    colour = {}
    for bar in t["bars"]:
        colour.setdefault(bar.label, set()).add(bar.color)
    assert all(len(c) == 1 for c in colour.values())
    assert len({next(iter(c)) for c in colour.values()}) == 4
