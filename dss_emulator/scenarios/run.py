"""Scenario runs as the client sees them: trigger fires, runs, step runs, their logs and outcomes."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from ..core.clock import now_ms
from ..jobs.job import log_line
from ..jobs.runner import Execution
from ..projects.models import Project

OUTCOMES = ("SUCCESS", "WARNING", "FAILED", "ABORTED")  # from best to worst
ERROR_CLASS = "com.dataiku.common.server.APIError$SerializedErrorException"


def worst(outcomes) -> str:
    """The worst of ``outcomes`` (SUCCESS when there are none)."""
    return max(outcomes, key=OUTCOMES.index, default="SUCCESS")


def thrown(message: str) -> dict:
    """An error as DSS serialises it in run results."""
    return {"clazz": ERROR_CLASS, "title": message, "message": message, "stack": "", "code": None}


def is_test(definition: dict) -> bool:
    """Test scenarios are those marked as test ("Test in DSS", EV-S01); the ``TEST_`` prefix is only a naming
    convention of Dataiku's CI sample (EV-S04)."""
    return bool(definition.get("markedAsTest"))


@dataclass
class StepRun:
    """The run of one step; ``outcome`` is None while it runs."""

    run_id: str
    step: dict
    start: int = field(default_factory=now_ms)
    end: int = 0
    outcome: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    report_items: list[dict] = field(default_factory=list)

    def finish(self, outcome: str, error: str | None = None) -> None:
        self.outcome, self.error, self.end = outcome, error, now_ms()

    def as_dict(self) -> dict:
        data = {"runId": self.run_id, "step": self.step, "start": self.start, "end": self.end,
                "additionalReportItems": list(self.report_items)}
        if self.outcome is not None:
            result = {"outcome": self.outcome, "type": "STEP_DONE", "start": self.start, "end": self.end}
            if self.error:
                result["thrown"] = thrown(self.error)
            if self.warnings:
                result["warnings"] = {"warnings": [{"message": w} for w in self.warnings]}
            data["result"] = result
        return data


class TriggerFire:
    """A request to run a scenario (``scenario.run()`` answers it); it leads to a run unless cancelled."""

    def __init__(self, fire_id: str, project: Project, scenario_id: str, params: dict, initiator: str,
                 cancelled: bool = False):
        self.id = fire_id
        self.project = project
        self.scenario_id = scenario_id
        self.params = params
        self.initiator = initiator
        self.cancelled = cancelled
        self.timestamp = now_ms()
        self.run: ScenarioRun | None = None

    def as_dict(self) -> dict:
        return {"projectKey": self.project.key, "scenarioId": self.scenario_id, "runId": self.id,
                "trigger": {"id": "manual", "type": "manual", "name": "API run", "active": True},
                "cancelled": self.cancelled, "params": self.params, "timestamp": self.timestamp,
                "triggerAuthCtx": {"userLogin": self.initiator}}


class ScenarioRun:
    """One run of a scenario: its steps run in a background thread; ``outcome`` is None while running."""

    def __init__(self, run_id: str, fire: TriggerFire, definition: dict, bundle_id: str | None):
        self.id = run_id
        self.fire = fire
        self.project = fire.project
        self.scenario_id = fire.scenario_id
        self.definition = definition
        self.bundle_id = bundle_id
        self.start = now_ms()
        self.end = 0
        self.outcome: str | None = None
        self.error: str | None = None
        self.steps: list[StepRun] = []
        self.aborted = False
        self.execution = Execution()  # the Python process of the current step, if any
        self.job = None  # the job of the current build step, if any
        self.finished = threading.Event()
        self._log: list[tuple[str | None, str]] = []
        self._lock = threading.Lock()

    @property
    def marked_as_test(self) -> bool:
        return is_test(self.definition)

    def log(self, message: str, level: str = "INFO", step: StepRun | None = None) -> None:
        self.raw_log(log_line(level, "dku.scenario.step" if step else "dku.scenario", message), step)

    def raw_log(self, line: str, step: StepRun | None = None) -> None:
        with self._lock:
            self._log.append((step.step.get("id") if step else None, line))

    def log_text(self, step_id: str | None = None) -> str:
        with self._lock:
            lines = [line for owner, line in self._log if step_id is None or owner == step_id]
        return "\n".join(lines) + ("\n" if lines else "")

    def finish(self, outcome: str, error: str | None = None) -> None:
        self.outcome, self.error, self.end = outcome, error, now_ms()
        self.finished.set()

    def as_dict(self) -> dict:
        """The ``scenarioRun`` the client reads (``result`` appears only once the run is over)."""
        d = self.definition
        data = {"runId": self.id, "start": self.start, "end": self.end, "projectKey": self.project.key,
                "scenario": {"projectKey": self.project.key, "id": self.scenario_id, "name": d.get("name"),
                             "type": d.get("type"), "active": bool(d.get("active")),
                             "markedAsTest": self.marked_as_test, "tags": list(d.get("tags", []))},
                "trigger": self.fire.as_dict(), "runAsUser": {"realUserLogin": self.fire.initiator,
                                                               "userLogin": self.fire.initiator},
                "variables": {}}
        if self.bundle_id:
            data["bundleId"] = self.bundle_id
        if self.outcome is not None:
            result = {"outcome": self.outcome, "type": "SCENARIO_DONE", "start": self.start, "end": self.end}
            if self.error:
                result["thrown"] = thrown(self.error)
            data["result"] = result
        return data

    def details(self) -> dict:
        return {"scenarioRun": self.as_dict(), "stepRuns": [s.as_dict() for s in self.steps]}

    def started_on(self) -> str:
        """The local date the run started on (``YYYY-MM-DD``)."""
        return time.strftime("%Y-%m-%d", time.localtime(self.start / 1000))
