"""Fixtures for the Pulumi program tests: a valid configuration against the emulator, and a mocked run."""
from __future__ import annotations

import functools

import pytest

from components.program import design_client, run_program
from components.settings import Settings, parse_settings
from gitops_plan.mocks import MockRun, run_mocked
from gitops_plan.observe import record_requests

SECRETS = {
    "stagingDesignApiKey": "staging-design-ci-secret-1",
    "stagingAutomationApiKey": "staging-automation-ci-secret-2",
    "prodDesignApiKey": "prod-design-ci-secret-3",
    "prodAutomationApiKey": "prod-automation-ci-secret-4",
}
SHA = "0123456789abcdef0123456789abcdef01234567"


def valid_config(handle) -> dict[str, str]:
    """Raw config values (as the engine passes them) of a valid stack pointing at the emulator ``handle``."""
    return {
        "owner": "acme", "designUrl": handle.url("design"), "designApiKey": handle.admin_key("design"),
        "stagingAutomationUrl": handle.url("staging"), "stagingInfraId": "staging",
        "prodAutomationUrl": handle.url("prod"), "prodInfraId": "prod",
        "deployActionRepository": "acme/dataiku-gitops", "deployActionRef": SHA, **SECRETS,
    }


@pytest.fixture
def config(dss) -> dict[str, str]:
    return valid_config(dss)


@pytest.fixture
def settings_for(config):
    """``settings_for(includeProjects='["A*"]', ...)``: the valid config with overrides, validated."""
    def make(**overrides) -> Settings:
        return parse_settings({**config, **overrides})
    return make


class Runner:
    """Runs the program under mocks and remembers the DSS requests of the last run."""

    def __init__(self):
        self.requests: list[str] = []

    def __call__(self, settings: Settings, previous: MockRun | dict | None = None) -> MockRun:
        outputs = previous.outputs if isinstance(previous, MockRun) else previous
        with design_client(settings) as client:
            self.requests = record_requests(client)
            return run_mocked(functools.partial(run_program, settings, client), owner=settings.owner,
                              previous_outputs=outputs)


@pytest.fixture
def run() -> Runner:
    return Runner()


def create_projects(dss, *keys: str, tags: dict[str, list[str]] | None = None) -> None:
    client = dss.client()
    for key in keys:
        client.create_project(key, key.title(), "admin", tags=(tags or {}).get(key, []))
