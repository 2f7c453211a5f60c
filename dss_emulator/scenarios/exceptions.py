"""Errors of the scenarios area: each class carries its DSS-shaped message."""
from __future__ import annotations

from ..core.exceptions import AlreadyExists, InvalidArgument, NotFound


class ScenarioAlreadyExists(AlreadyExists):
    def __init__(self, project_key: str, scenario_id: str):
        super().__init__(f"Scenario {project_key}.{scenario_id} already exists")


class ScenarioRunNotFound(NotFound):
    def __init__(self, project_key: str, scenario_id: str, run_id: str):
        super().__init__(f"Scenario run not found: {project_key}.{scenario_id} {run_id}",
                         f"Scenario {scenario_id} has no run {run_id}")


class TriggerFireNotFound(NotFound):
    def __init__(self, project_key: str, scenario_id: str, trigger_id: str, fire_id: str | None):
        super().__init__(f"Trigger fire not found: {project_key}.{scenario_id} {trigger_id}/{fire_id}",
                         f"No fire of trigger {trigger_id} with run id {fire_id} for scenario {scenario_id}")


class MissingTriggerFire(InvalidArgument):
    def __init__(self):
        super().__init__("Missing triggerId or triggerRunId", "Both query parameters name the trigger fire")


class StepNotRun(InvalidArgument):
    def __init__(self, scenario_id: str, run_id: str, step_id: str):
        super().__init__(f"Invalid stepId: {step_id!r}",
                         f"Run {run_id} of scenario {scenario_id} ran no step {step_id!r}")


class NotATestRun(InvalidArgument):
    def __init__(self, project_key: str, scenario_id: str, run_id: str):
        super().__init__(f"Scenario {project_key}.{scenario_id} was not a test scenario when run {run_id} was "
                         "performed", "Reports are only available for test scenarios")


class InvalidDate(InvalidArgument):
    def __init__(self, name: str, value: str):
        super().__init__(f"Invalid {name}: {value!r}", f"{name} must be a date YYYY-MM-DD, got {value!r}")
