"""Scenario runs backend: trigger fires, runs in background threads, their history, abort and test results.

Definitions are in :mod:`.definitions` (files of the project); this backend reads them when a run starts.
"""
from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from ..core.clock import now_ms
from ..core.exceptions import DSSError, InvalidArgument
from ..jobs.models import JobsBackend
from ..projects.models import Project, ProjectsBackend
from . import steps
from .exceptions import InvalidDate, ScenarioRunNotFound, TriggerFireNotFound
from .run import ScenarioRun, StepRun, TriggerFire, is_test, worst

if TYPE_CHECKING:
    from ..instance import Instance

SCRIPT_STEP = {"id": "script", "name": "Custom Python script", "type": "custom_python", "params": {}}


def _date_arg(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").strftime("%Y-%m-%d")
    except ValueError:
        raise InvalidDate(name, value) from None


class ScenarioRunsBackend:
    """The scenario runs of one instance, kept in memory (a run belongs to one incarnation of its project)."""

    def __init__(self, node: Instance):
        self._node = node  # read only through the named collaborators below
        self._lock = threading.Lock()
        self._fires: dict[str, TriggerFire] = {}
        self._runs: list[ScenarioRun] = []

    # --- collaborators -----------------------------------------------------------------------------------
    @property
    def projects(self) -> ProjectsBackend:
        """The node's current projects (a reset replaces them)."""
        return self._node.projects

    @property
    def jobs(self) -> JobsBackend:
        """The node's jobs: build steps start and abort jobs there."""
        return self._node.jobs

    def _active_bundle(self, project: Project) -> str | None:
        """The bundle active in ``project`` on an automation node (test runs are recorded per bundle)."""
        return (self._node.project_list_extras(project).get("activeBundleState") or {}).get("bundleId")

    def _record_error(self, where: str, exc: BaseException) -> None:
        """Keep an emulator bug for the test that caused it."""
        self._node.record_error(where, exc)

    def _retired(self) -> bool:
        """Whether a reset of the node has replaced this backend."""
        return self._node.scenario_runs is not self

    # --- lookups -----------------------------------------------------------------------------------------
    def _current(self, project: Project) -> bool:
        projects = self.projects
        return not self._retired() and projects.exists(project.key) and \
            projects.get(project.key) is project

    def _scenario(self, pk: str, sid: str) -> tuple[Project, dict]:
        project = self.projects.get(pk)
        return project, project.get_object("scenarios", sid)

    def runs(self, pk: str, sid: str | None = None) -> list[ScenarioRun]:
        """Runs of a scenario (or of every scenario of the project), newest first."""
        project = self.projects.get(pk)
        with self._lock:
            runs = [r for r in self._runs if r.project is project and (sid is None or r.scenario_id == sid)]
        return sorted(runs, key=lambda r: (r.start, r.id), reverse=True)

    def running_run(self, pk: str, sid: str) -> ScenarioRun | None:
        """The run in progress of a scenario, if any (what ``running`` means in lists and status)."""
        return next((r for r in self.runs(pk, sid) if r.outcome is None), None)

    def get_run(self, pk: str, sid: str, run_id: str) -> ScenarioRun:
        self._scenario(pk, sid)
        for run in self.runs(pk, sid):
            if run.id == run_id:
                return run
        raise ScenarioRunNotFound(pk, sid, run_id)

    def fire(self, pk: str, sid: str, trigger_id: str, fire_id: str | None) -> TriggerFire:
        fire = self._fires.get(fire_id or "")
        if fire is None or trigger_id != "manual" or fire.scenario_id != sid or fire.project.key != pk \
                or not self._current(fire.project):
            raise TriggerFireNotFound(pk, sid, trigger_id, fire_id)
        return fire

    def last_runs(self, pk: str, sid: str, limit: int, only_finished: bool) -> list[ScenarioRun]:
        self._scenario(pk, sid)
        if limit < 0:
            raise InvalidArgument(f"Invalid limit: {limit}", "limit must be a non-negative integer")
        return [r for r in self.runs(pk, sid) if not only_finished or r.outcome is not None][:limit]

    def runs_by_date(self, pk: str, sid: str, from_date: str | None, to_date: str | None) -> list[ScenarioRun]:
        """Runs started on or after ``from_date`` and before ``to_date`` (local dates)."""
        self._scenario(pk, sid)
        start, end = _date_arg("fromDate", from_date), _date_arg("toDate", to_date)
        return [r for r in self.runs(pk, sid)
                if (start is None or r.started_on() >= start) and (end is None or r.started_on() < end)]

    def light_status(self, pk: str, sid: str) -> dict:
        _, definition = self._scenario(pk, sid)
        running = self.running_run(pk, sid)
        return {"projectKey": pk, "id": sid, "name": definition.get("name", sid), "type": definition.get("type"),
                "active": bool(definition.get("active")), "markedAsTest": is_test(definition),
                "tags": list(definition.get("tags", [])), "running": running is not None,
                "start": running.start if running else 0, "runId": running.id if running else None, "nextRun": 0}

    def last_test_runs(self, pk: str, bundle_id: str | None = None) -> list[ScenarioRun]:
        """The last finished run of each test scenario (runs made while ``bundle_id`` was active, if given)."""
        project = self.projects.get(pk)
        result = []
        for sid, definition in project.objects("scenarios"):
            if not is_test(definition):
                continue
            finished = [r for r in self.runs(pk, sid) if r.outcome is not None
                        and (bundle_id is None or r.bundle_id == bundle_id)]
            if finished:
                result.append(finished[0])
        return result

    # --- commands ----------------------------------------------------------------------------------------
    def run(self, pk: str, sid: str, params: object, initiator: str) -> TriggerFire:
        """Fire the manual trigger; the run starts at once, or the fire is cancelled if a run is in progress."""
        project, definition = self._scenario(pk, sid)
        if not isinstance(params, dict):
            raise InvalidArgument(f"Invalid scenario run params: expected an object, got {params!r}")
        bundle_id = self._active_bundle(project)
        with self._lock:
            busy = any(r.project is project and r.scenario_id == sid and r.outcome is None for r in self._runs)
            fire = TriggerFire(uuid.uuid4().hex[:16], project, sid, params, initiator, cancelled=busy)
            self._fires[fire.id] = fire
            if busy:
                return fire
            fire.run = ScenarioRun(self._new_run_id(project, sid), fire, definition, bundle_id)
            self._runs.append(fire.run)
        threading.Thread(target=self._execute, args=(fire.run,), name=f"scenario-{pk}.{sid}", daemon=True).start()
        return fire

    def _new_run_id(self, project: Project, sid: str) -> str:
        base = time.strftime("%Y-%m-%d-%H-%M-%S") + f"-{now_ms() % 1000:03d}"
        taken = {r.id for r in self._runs if r.project is project and r.scenario_id == sid}
        run_id, n = base, 1
        while run_id in taken:
            n += 1
            run_id = f"{base}-{n}"
        return run_id

    def abort(self, pk: str, sid: str) -> None:
        """Abort the scenario's run in progress (its job or Python process too); nothing to do when idle."""
        self._scenario(pk, sid)
        run = self.running_run(pk, sid)
        if run is None:
            return
        run.aborted = True
        run.log("Abort requested", "WARN")
        run.execution.cancel()
        if run.job is not None and not run.job.terminal:
            try:
                self.jobs.abort(pk, run.job.id)
            except DSSError:  # the job's project is gone: the run ends anyway
                pass

    # --- execution ---------------------------------------------------------------------------------------
    def _execute(self, run: ScenarioRun) -> None:
        try:
            self._run_steps(run)
        except DSSError as exc:  # an object deleted while the run ran
            run.log(exc.detailed_message, "ERROR")
            run.finish("FAILED", exc.detailed_message)
        except Exception as exc:  # a deleted project mid-run is expected; anything else is an emulator bug
            if self._current(run.project):
                self._record_error(f"scenario run {run.scenario_id}/{run.id}", exc)
            run.log(f"Internal error: {exc}", "ERROR")
            run.finish("FAILED", f"Internal emulator error: {exc}")

    def _run_steps(self, run: ScenarioRun) -> None:
        definition = run.definition
        script = None
        if definition.get("type") == "custom_python":
            step_defs: object = [SCRIPT_STEP]
            script = run.project.read_text(f"scenarios/{run.scenario_id}.py") or ""
        else:
            step_defs = (definition.get("params") or {}).get("steps") or []
        run.log(f"Scenario {run.project.key}.{run.scenario_id} run {run.id} started by {run.fire.initiator}")
        if not isinstance(step_defs, list) or not all(isinstance(s, dict) for s in step_defs):
            run.log(f"Invalid params.steps: {step_defs!r}", "ERROR")
            run.finish("FAILED", "Invalid params.steps of the scenario: expected a list of step objects")
            return
        for index, step in enumerate(step_defs):
            if run.aborted:
                break
            step_run = StepRun(f"{run.id}-step{index}", step)
            try:
                if not steps.should_run(step, worst(s.outcome for s in run.steps)):
                    run.log(f"Step {step.get('id')} skipped (run condition)")
                    continue
            except ValueError as exc:
                run.steps.append(step_run)
                step_run.finish("FAILED", str(exc))
                continue
            run.steps.append(step_run)
            run.log(f"Run step {step.get('id')} ({step.get('type')}): {step.get('name', '')}", step=step_run)
            steps.run_step(self.jobs, run, step_run, script)
            run.log(f"Step {step.get('id')} finished with outcome {step_run.outcome}", step=step_run)
        outcome = "ABORTED" if run.aborted else worst(s.outcome for s in run.steps)
        error = next((s.error for s in run.steps if s.outcome == outcome and s.error), None)
        run.log(f"Scenario run {run.id} finished with outcome {outcome}")
        run.finish(outcome, error)
