"""The request model: per-resource costs, what is counted per project, and every declared type is modelled."""
from __future__ import annotations

import pytest

from components.github_requests import (
    EXISTENCE_CHECK,
    MODEL,
    Cost,
    UnmodelledResource,
    project_budget,
    resource_budget,
)

GH = "github:index/"


def _r(kind: str, **inputs) -> dict:
    return {"type": f"{GH}{kind[0].lower()}{kind[1:]}:{kind}", "inputs": inputs}


def test_topics_cost_two_writes_at_creation():
    assert resource_budget("Repository", {"name": "x"}).create == Cost(2, 2)
    assert resource_budget("Repository", {"name": "x", "topics": ["dataiku"]}).create == Cost(4, 2)


def test_a_project_without_a_declared_dss_grant_is_counted_with_one():
    bare = project_budget([_r("Repository", name="x")])
    assert bare.create == EXISTENCE_CHECK + MODEL["Repository"].create + MODEL["RepositoryDeployKey"].create
    granted = project_budget([_r("Repository", name="x"), _r("TeamRepository", teamId="7")])
    assert granted.create == EXISTENCE_CHECK + MODEL["Repository"].create + MODEL["TeamRepository"].create
    assert bare.reconcile == granted.reconcile == Cost()  # a no-change up without --refresh reads nothing


def test_an_unmodelled_github_resource_is_an_error_not_a_zero():
    with pytest.raises(UnmodelledResource, match="no GitHub request model for RepositoryRuleset"):
        project_budget([_r("RepositoryRuleset", name="x")])
