"""__main__.py as the Pulumi language host runs it: config read once, then the program through ``pulumi.run``."""
from __future__ import annotations

import runpy
from pathlib import Path

import pulumi
import pytest
from pulumi.runtime.mocks import set_mocks
from pulumi.runtime.settings import get_root_resource, set_root_resource
from pulumi.runtime.stack import Stack, run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components.settings import ConfigError, config_schema
from gitops_plan.mocks import ProgramMocks, RecordingMonitor

from .conftest import create_projects

MAIN = Path(__file__).resolve().parents[2] / "__main__.py"


def _run_main(config: dict[str, str], monitor: RecordingMonitor) -> dict:
    """Run __main__.py under mocks with this stack config; return the stack outputs."""
    set_root_resource(None)
    set_mocks(monitor.mocks, project="dataiku-gitops", stack="dev", monitor=monitor, organization="organization")
    set_root_resource(None)
    Stack()  # an open root stack, as the language host's run_in_stack makes (set_mocks' one is already finished)
    pulumi.runtime.set_all_config({f"dataiku-gitops:{k}": v for k, v in config.items()},
                                  [f"dataiku-gitops:{k}" for k, spec in config_schema().items() if spec.secret])
    outputs: dict = {}

    async def main() -> None:
        runpy.run_path(str(MAIN), run_name="__main__")
        program = get_root_resource()._take_async_program()  # what the language host awaits after the module
        outputs.update(await pulumi.Output.from_input(await program()).future())

    try:
        _sync_await(run_pulumi_func(main))
    finally:
        pulumi.runtime.set_all_config({})
    return outputs


def test_main_declares_the_repositories_from_the_stack_config(dss, config):
    create_projects(dss, "ALPHA")
    monitor = RecordingMonitor(ProgramMocks())
    outputs = _run_main(config, monitor)
    assert outputs == {"projects": {"ALPHA": {"repository": "dss-alpha", "url": "https://github.com/acme/dss-alpha",
                                              "name": "Alpha", "shortDesc": ""}},
                       "plugins": {}, "pendingRemoval": {"projects": {}, "plugins": {}}, "onboardingFailures": {},
                       "shard": "1/1", "waiting": {"projects": [], "plugins": []}}
    assert any(r.type == "dataiku-gitops:index:ProjectRepository" for r in monitor.declared)


def test_invalid_config_fails_before_any_resource_is_declared(dss, config):
    create_projects(dss, "ALPHA")
    monitor = RecordingMonitor(ProgramMocks())
    with pytest.raises(ConfigError, match=r"^deployActionRef: must be a full 40-character"):
        _run_main({**config, "deployActionRef": "v1"}, monitor)
    assert monitor.declared == []
