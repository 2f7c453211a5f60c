"""Discovery against the emulator: O(1) requests, filters, and failures that raise instead of returning less."""
from __future__ import annotations

import pytest
from dataikuapi import DSSClient

from components.discovery import DiscoveryError, ProjectFilter, discover
from gitops_plan.observe import record_requests

from .conftest import create_projects


def _discover(client: DSSClient, project_filter: ProjectFilter | None = None, plugins: bool = True):
    sent = record_requests(client)
    return discover(client, project_filter or ProjectFilter(), plugins), sent


def test_sample_projects_and_dev_plugin_are_discovered(dss):
    dss.control("design", "POST", "seed", {"sample": True})
    inventory, sent = _discover(dss.client())
    assert [p.key for p in inventory.projects] == ["CHURN", "FINANCE_REPORTS", "SALES_FORECAST"]
    assert [p.id for p in inventory.plugins] == ["dss-custom-connectors"]
    assert "demo" in inventory.projects[0].tags
    assert sent == ["GET /dip/publicapi/projects/", "GET /dip/publicapi/plugins/"]


@pytest.mark.parametrize("count", [3, 40])
def test_request_count_does_not_grow_with_projects(dss, count):
    dss.control("design", "POST", "seed", {"synthetic": count})
    inventory, sent = _discover(dss.client(), ProjectFilter(folder="ROOT"))
    assert len(inventory.projects) == count
    assert sent == ["GET /dip/publicapi/projects/", "GET /dip/publicapi/project-folders/ROOT",
                    "GET /dip/publicapi/plugins/"]


def test_include_exclude_and_tag_filters(dss):
    create_projects(dss, "SALES_EU", "SALES_US", "SALES_TMP", "CHURN", "HR",
                    tags={"SALES_EU": ["gitops", "eu"], "SALES_US": ["gitops"], "CHURN": ["gitops"]})
    client = dss.client()
    keys = lambda f: [p.key for p in discover(client, f, False).projects]  # noqa: E731
    assert keys(ProjectFilter(include=("SALES_*",))) == ["SALES_EU", "SALES_TMP", "SALES_US"]
    assert keys(ProjectFilter(include=("SALES_*", "CHURN"), exclude=("*_TMP",))) == ["CHURN", "SALES_EU", "SALES_US"]
    assert keys(ProjectFilter(required_tags=("gitops",))) == ["CHURN", "SALES_EU", "SALES_US"]
    assert keys(ProjectFilter(required_tags=("gitops", "eu"))) == ["SALES_EU"]
    assert keys(ProjectFilter(include=("sales_*",))) == []  # globs are case-sensitive, like DSS keys
    assert keys(ProjectFilter(include=("SALES_[EU]?",))) == ["SALES_EU", "SALES_US"]


def test_folder_filter_keeps_the_folders_projects(dss):
    create_projects(dss, "ALPHA", "BETA")
    assert [p.key for p in discover(dss.client(), ProjectFilter(folder="ROOT"), False).projects] == ["ALPHA", "BETA"]
    only_alpha = ProjectFilter(folder="ROOT")
    inventory = discover(dss.client(api_key=dss.create_api_key(projects={"ALPHA": "read"})), only_alpha, False)
    assert [p.key for p in inventory.projects] == ["ALPHA"]


def test_installed_plugins_are_not_managed(dss):
    dss.control("staging", "POST", "seed", {"sample": True})  # automation node: the plugin is installed, not dev
    assert discover(dss.client("staging"), ProjectFilter(), True).plugins == ()


def test_plugins_are_not_listed_when_plugin_repositories_are_off(dss):
    dss.control("design", "POST", "seed", {"sample": True})
    inventory, sent = _discover(dss.client(), plugins=False)
    assert inventory.plugins == () and sent == ["GET /dip/publicapi/projects/"]


@pytest.mark.parametrize("path", ["/projects/?$", "/plugins/?$"])
def test_a_dss_error_raises_instead_of_returning_a_partial_list(dss, path):
    create_projects(dss, "ALPHA")
    dss.control("design", "POST", "faults/routes", {"method": "GET", "path": path, "count": 1, "status": 500,
                                                     "message": "backend down"})
    with pytest.raises(DiscoveryError) as caught:
        discover(dss.client(), ProjectFilter(), True)
    what = "GET /projects/" if "projects" in path else "GET /plugins/"
    assert str(caught.value).startswith(f"DSS discovery failed: {what} answered ")
    assert "backend down" in str(caught.value) and str(caught.value).endswith("nothing was changed")


def test_unknown_folder_raises(dss):
    create_projects(dss, "ALPHA")
    with pytest.raises(DiscoveryError, match=r"^DSS discovery failed: GET /project-folders/NOPE answered \S*"
                                             r"NotFoundException: No project folder NOPE"):
        discover(dss.client(), ProjectFilter(folder="NOPE"), False)


def test_bad_key_raises_without_echoing_it(dss):
    with pytest.raises(DiscoveryError) as caught:
        discover(dss.client(api_key="wrong-key-value"), ProjectFilter(), False)
    assert "UnauthorizedException" in str(caught.value) and "wrong-key-value" not in str(caught.value)


def test_unreachable_dss_raises():
    with pytest.raises(DiscoveryError, match=r"^DSS discovery failed: GET /projects/ could not reach DSS "
                                             r"\(ConnectionError"):
        discover(DSSClient("http://127.0.0.1:9", "some-key"), ProjectFilter(), False)


class _OddClient:
    """A DSS answering the wrong shapes (the emulator never does)."""

    def __init__(self, projects):
        self.projects = projects

    def list_projects(self):
        return self.projects


@pytest.mark.parametrize(("answer", "problem"), [
    ({"projectKey": "A"}, "answered dict, not a list"),
    ([{"name": "no key"}], "item 0 is malformed (projectKey must be a non-empty string, got None)"),
    ([{"projectKey": "A", "tags": [1]}], "item 0 is malformed (tags must be strings, got (1,))"),
])
def test_malformed_answers_raise(answer, problem):
    with pytest.raises(DiscoveryError) as caught:
        discover(_OddClient(answer), ProjectFilter(), False)
    assert str(caught.value) == f"DSS discovery failed: GET /projects/ {problem}; nothing was changed"
