"""A deployment's testing status, read from its automation node over HTTP with the real ``dataikuapi`` client.

Evidence: ``DSSProjectDeployerDeployment.get_testing_status(bundle_id)`` (dataikuapi 15.2, GET
``/project-deployer/deployments/{id}/testing-status``) answers a ``DSSTestingStatus`` — the same
``{nbTotalRanScenarios, nbScenariosPerOutcome}`` as the project-level testing status, which on an automation node
can be filtered on the runs made while a bundle was active (``DSSProject.get_testing_status`` docstring; EV-S02:
the Test Dashboard shows "the selected bundle" on an automation node; EV-S03: DSS 14.1 added test APIs on
deployments). Forwarding the deployed project's status with the same bundle filter is **inferred**.
"""
from __future__ import annotations

import requests
from dataikuapi import DSSClient
from dataikuapi.utils import DataikuException

from .exceptions import TestingStatusUnreadable

NO_RUN = {"nbTotalRanScenarios": 0, "nbScenariosPerOutcome": {}}


def testing_status(target: tuple[str, str], project_key: str, bundle_id: str | None) -> dict:
    """Testing status of ``project_key`` on the automation node at ``target`` (runs on ``bundle_id`` if given)."""
    url, api_key = target
    client = DSSClient(url, api_key)
    try:
        if project_key not in client.list_project_keys():
            return dict(NO_RUN)
        return client.get_project(project_key).get_testing_status(bundle_id).get_raw()
    except (DataikuException, requests.RequestException) as error:
        raise TestingStatusUnreadable(project_key, url, error) from None
