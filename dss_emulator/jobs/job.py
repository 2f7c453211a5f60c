"""One job: its definition, state, activities and log, and the wire shapes the client reads."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from ..core.clock import now_ms
from ..projects.models import Project
from .runner import Execution

TERMINAL_STATES = ("DONE", "FAILED", "ABORTED")


def log_line(level: str, logger: str, message: str) -> str:
    """A line in DSS's job log format."""
    stamp = time.strftime("%Y/%m/%d-%H:%M:%S", time.localtime()) + f".{int(time.time() * 1000) % 1000:03d}"
    return f"[{stamp}] [{level}] [{logger}] - {message}"


def job_id_base(dataset: str, ms: int) -> str:
    """A job id of DSS's form, ``build_<dataset>_NP_<local time>.<ms>`` (EV-J01:
    ``build_cat_train_hdfs_NP_2015-09-28T09-17-37.455``); the emulator has no partitions, hence always ``NP``.
    Unverified: which output names a job that builds several, and how DSS keeps two ids of one millisecond apart."""
    return f"build_{dataset}_NP_{time.strftime('%Y-%m-%dT%H-%M-%S', time.localtime(ms / 1000))}.{ms % 1000:03d}"


def wire_output(output: dict, project_key: str) -> dict:
    """A ``def.outputs`` item as DSS answers it (EV-J01: ``{targetDataset, targetDatasetProjectKey, targetPartition,
    type}``) from one the client sent (``{id, type, projectKey, partition}``); no partition is dropped (null)."""
    return {"targetDataset": output["id"], "targetDatasetProjectKey": output.get("projectKey") or project_key,
            "targetPartition": output.get("partition") or None, "type": output.get("type") or "DATASET"}


@dataclass
class Activity:
    """The run of one recipe inside a job (DSS names it ``compute_<output>_NP``)."""

    id: str
    recipe: str
    recipe_type: str
    state: str = "NOT_STARTED"
    start: int = 0
    end: int = 0
    failure: str | None = None
    log: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = {"activityId": self.id, "recipeName": self.recipe, "recipeType": self.recipe_type,
                "state": self.state, "startTime": self.start, "endTime": self.end}
        if self.failure:
            data["firstFailure"] = {"message": self.failure}
        return data


class Job:
    """A build job. Its log holds the job's own lines and every activity's output, in order."""

    def __init__(self, job_id: str, project: Project, definition: dict, initiator: str,
                 scenario: tuple[str, str] | None = None):
        self.id = job_id
        self.project = project
        self.definition = definition
        self.initiator = initiator
        self.scenario_id, self.scenario_run_id = scenario or (None, None)
        self.created = now_ms()
        self.start = 0
        self.end = 0
        self.state = "NOT_STARTED"
        self.failure: str | None = None
        self.activities: dict[str, Activity] = {}
        self.aborted = False
        self.execution = Execution()
        self.finished = threading.Event()
        self._log: list[tuple[str | None, str]] = []
        self._lock = threading.Lock()

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    def log(self, message: str, level: str = "INFO", activity: Activity | None = None) -> None:
        self.raw_log(log_line(level, "dku.flow.activity" if activity else "dku.flow.job", message), activity)

    def raw_log(self, line: str, activity: Activity | None = None) -> None:
        with self._lock:
            self._log.append((activity.id if activity else None, line))

    def log_text(self, activity: str | None = None) -> str:
        with self._lock:
            lines = [line for owner, line in self._log if activity is None or owner == activity]
        return "\n".join(lines) + ("\n" if lines else "")

    def finish(self, state: str, failure: str | None = None) -> None:
        self.state = state
        self.failure = failure
        self.end = now_ms()
        self.finished.set()

    # --- wire shapes -------------------------------------------------------------------------------------
    def full_def(self) -> dict:
        """The job's ``def``: the definition it was started with, its outputs in DSS's form (EV-J01)."""
        outputs = [wire_output(o, self.project.key) for o in self.definition["outputs"]]
        data = dict(self.definition, outputs=outputs, id=self.id, name=self.id, projectKey=self.project.key,
                    initiator=self.initiator, initiationTimestamp=self.created,
                    triggeredFrom="SCENARIO" if self.scenario_id else "API")
        if self.scenario_id:
            data.update(scenarioId=self.scenario_id, scenarioRunId=self.scenario_run_id)
        return data

    def status(self) -> dict:
        """``GET /projects/{pk}/jobs/{id}``: the waiter reads ``baseStatus.state``."""
        activities = list(self.activities.values())
        counts = {s: sum(1 for a in activities if a.state == s) for s in ("DONE", "FAILED", "ABORTED", "RUNNING",
                                                                          "NOT_STARTED")}
        base = {"def": self.full_def(), "state": self.state, "jobInitTime": self.created,
                "jobStartTime": self.start, "jobEndTime": self.end, "warningsCount": 0,
                "activities": {a.id: a.as_dict() for a in activities}}
        if self.failure:
            base["failure"] = {"message": self.failure}
        return {"projectKey": self.project.key, "jobId": self.id, "baseStatus": base,
                "globalState": {"done": counts["DONE"], "failed": counts["FAILED"], "aborted": counts["ABORTED"],
                                "running": counts["RUNNING"], "notStarted": counts["NOT_STARTED"],
                                "warning": 0, "total": len(activities)}}

    def list_item(self) -> dict:
        """An item of the job lists (``DSSJobListItem``, EV-J01): times are 0 until set; ``stableState`` is true
        once the job can no longer change (inferred: the docs' abort example aborts the jobs where it is false)."""
        return {"projectKey": self.project.key, "jobId": self.id, "def": self.full_def(), "state": self.state,
                "stableState": self.terminal, "startTime": self.start, "endTime": self.end, "warningsCount": 0,
                "initiator": self.initiator, "scenarioId": self.scenario_id, "scenarioRunId": self.scenario_run_id}
