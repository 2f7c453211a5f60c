"""Jobs backend: validate job definitions, run builds in background threads (one at a time per project)."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..core.clock import now_ms
from ..core.exceptions import DSSError
from ..projects.models import Project, ProjectsBackend
from . import data, runner
from .exceptions import InvalidJobDefinition, JobNotFound
from .flow import BUILD_TYPES, Flow, FlowError, FlowRecipe
from .job import Activity, Job, job_id_base

if TYPE_CHECKING:
    from ..instance import Instance

OUTPUT_TYPES = (None, "DATASET")


def _check_outputs(project: Project, outputs: object) -> list[str]:
    if not isinstance(outputs, list) or not outputs:
        raise InvalidJobDefinition(f"Invalid job definition: outputs must be a non-empty list, got {outputs!r}",
                                   "give outputs: [{type, id, projectKey, partition}]")
    targets = []
    for index, output in enumerate(outputs):
        if not isinstance(output, dict) or not isinstance(output.get("id"), str) or not output["id"]:
            raise InvalidJobDefinition(f"Invalid job output outputs[{index}]: {output!r}",
                                       f"outputs[{index}].id must name a dataset")
        if output.get("type") not in OUTPUT_TYPES:
            raise InvalidJobDefinition(f"Unsupported job output type outputs[{index}].type: {output.get('type')!r}",
                                       "the DSS emulator builds datasets only (type DATASET or null)")
        if output.get("projectKey") not in (None, project.key):
            raise InvalidJobDefinition(f"Invalid job output outputs[{index}].projectKey: {output.get('projectKey')!r}",
                                       f"a job of project {project.key} builds datasets of {project.key} only")
        if output.get("partition") not in (None, "", "NP"):
            raise InvalidJobDefinition(f"Invalid job output outputs[{index}].partition: {output.get('partition')!r}",
                                       "the DSS emulator has no partitioned datasets")
        project.get_object("datasets", output["id"])  # NotFound for an unknown dataset
        targets.append(output["id"])
    return targets


class JobsBackend:
    """The jobs of one instance, kept in memory (a job belongs to one incarnation of its project)."""

    def __init__(self, node: Instance):
        self._node = node  # read only through the named collaborators below
        self.timeout = 600.0  # seconds a Python recipe may run
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._run_locks: dict[str, threading.Lock] = {}

    # --- collaborators -----------------------------------------------------------------------------------
    @property
    def projects(self) -> ProjectsBackend:
        """The node's current projects (a reset replaces them)."""
        return self._node.projects

    def _record_error(self, where: str, exc: BaseException) -> None:
        """Keep an emulator bug for the test that caused it."""
        self._node.record_error(where, exc)

    def _retired(self) -> bool:
        """Whether a reset of the node has replaced this backend."""
        return self._node.jobs is not self

    # --- queries -----------------------------------------------------------------------------------------
    def _current(self, job: Job) -> bool:
        """Whether the job's project still exists as the same incarnation (not deleted, not reset)."""
        projects = self.projects
        return not self._retired() and projects.exists(job.project.key) and \
            projects.get(job.project.key) is job.project

    def get(self, project_key: str, job_id: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None or job.project.key != project_key or not self._current(job):
            raise JobNotFound(project_key, job_id)
        return job

    def list(self, project_key: str | None = None, running_only: bool = False) -> list[Job]:
        """Jobs newest first, of one project or all."""
        with self._lock:
            jobs = list(self._jobs.values())
        jobs = [j for j in jobs if (project_key is None or j.project.key == project_key) and self._current(j)
                and not (running_only and j.terminal)]
        return sorted(jobs, key=lambda j: j.created, reverse=True)

    # --- commands ----------------------------------------------------------------------------------------
    def start(self, project_key: str, definition: object, initiator: str,
              scenario: tuple[str, str] | None = None) -> Job:
        """Validate ``definition`` and start the job in the background."""
        project = self.projects.get(project_key)
        if not isinstance(definition, dict):
            raise InvalidJobDefinition("Invalid job definition",
                                       f"expected a JSON object, got {type(definition).__name__}")
        build_type = definition.get("type") or "NON_RECURSIVE_FORCED_BUILD"
        if build_type not in BUILD_TYPES:
            raise InvalidJobDefinition(f"Invalid job type: {build_type!r}",
                                       f"type must be one of {', '.join(BUILD_TYPES)}")
        targets = _check_outputs(project, definition.get("outputs"))
        definition = dict(definition, type=build_type)
        with self._lock:
            base = job_id_base(targets[0], now_ms())
            job_id, n = base, 1
            while job_id in self._jobs:
                n += 1
                job_id = f"{base}_{n}"
            job = Job(job_id, project, definition, initiator, scenario)
            self._jobs[job_id] = job
            run_lock = self._run_locks.setdefault(project_key, threading.Lock())
        job.log(f"Job {job_id} queued: {build_type} of {', '.join(targets)} (initiated by {initiator})")
        threading.Thread(target=self._run, args=(job, targets, run_lock), name=f"job-{job_id}", daemon=True).start()
        return job

    def abort(self, project_key: str, job_id: str) -> Job:
        """Abort a queued or running job (kills its Python process); a finished job is left as it is."""
        job = self.get(project_key, job_id)
        if not job.terminal:
            job.aborted = True
            job.execution.cancel()
            job.log("Abort requested", "WARN")
        return job

    # --- execution ---------------------------------------------------------------------------------------
    def _run(self, job: Job, targets: list[str], run_lock: threading.Lock) -> None:
        with run_lock:
            if job.aborted:
                job.log("Job aborted before it started", "WARN")
                job.finish("ABORTED", "Aborted")
                return
            job.state, job.start = "RUNNING", now_ms()
            try:
                self._build(job, targets)
            except (FlowError, DSSError) as exc:  # a cycle, or an object deleted while the job ran
                message = exc.detailed_message if isinstance(exc, DSSError) else str(exc)
                job.log(message, "ERROR")
                job.finish("FAILED", message)
            except Exception as exc:  # a deleted project mid-run is expected; anything else is an emulator bug
                if self._current(job):
                    self._record_error(f"job {job.id}", exc)
                job.log(f"Internal error: {exc}", "ERROR")
                job.finish("FAILED", f"Internal emulator error: {exc}")

    def _build(self, job: Job, targets: list[str]) -> None:
        project = job.project
        flow = Flow(project)
        plan = flow.plan(targets, job.definition["type"], lambda d: data.has_data(project, d),
                         lambda r: data.is_stale(project, r))
        steps = [(r, Activity(f"compute_{r.outputs[0] if r.outputs else r.name}_NP", r.name, r.type)) for r in plan]
        job.activities = {activity.id: activity for _, activity in steps}
        if not plan:
            job.log("Nothing to build: the datasets to build are up to date or have no recipe")
        for recipe, activity in steps:
            if job.aborted:
                job.log("Job aborted", "WARN")
                job.finish("ABORTED", "Aborted")
                return
            if not self._run_activity(job, recipe, activity):
                job.finish(activity.state, activity.failure)
                return
        job.log(f"Job {job.id} done")
        job.finish("DONE")

    def _run_activity(self, job: Job, recipe: FlowRecipe, activity: Activity) -> bool:
        project = job.project
        activity.state, activity.start = "RUNNING", now_ms()
        job.log(f"Run activity {activity.id}: {recipe.type} recipe {project.key}.{recipe.name}", activity=activity)
        if recipe.type == "python":
            code = project.read_text(f"recipes/{recipe.name}.py")
            if code is None:
                result = runner.RunResult(error=f"Code of recipe {recipe.name} not found (recipes/{recipe.name}.py)")
            else:
                result = runner.run_python(
                    project, code, name=recipe.name, recipe=recipe, timeout=self.timeout, execution=job.execution,
                    log=lambda line: job.raw_log(line, activity), may_install=lambda: self._current(job),
                    author=job.initiator)
        elif recipe.type == "sync":
            result = runner.run_sync(project, recipe, lambda line: job.log(line, activity=activity), job.initiator)
        else:
            result = runner.RunResult(error=f"Recipe type {recipe.type!r} of {recipe.name} is not supported by the "
                                            f"DSS emulator (python and sync recipes run)")
        activity.end = now_ms()
        if result.error:
            activity.state = "ABORTED" if result.aborted or job.aborted else "FAILED"
            activity.failure = result.error
            job.log(f"Activity {activity.id} {activity.state.lower()}: {result.error}", "ERROR", activity)
            return False
        data.record_build(project, recipe, job.id, activity.start, activity.end)
        activity.state = "DONE"
        job.log(f"Activity {activity.id} done, wrote {', '.join(result.written) or 'nothing'}", activity=activity)
        return True
