"""Running the steps of a scenario: ``build_flowitem`` (a job) and ``custom_python`` (code with the shim)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.exceptions import DSSError
from ..jobs import runner
from .run import ScenarioRun, StepRun, thrown

if TYPE_CHECKING:
    from ..jobs.models import JobsBackend

JOB_OUTCOMES = {"DONE": "SUCCESS", "FAILED": "FAILED", "ABORTED": "ABORTED"}
DEFAULT_RUN_STATUSES = ("SUCCESS", "WARNING")


def should_run(step: dict, status: str) -> bool:
    """Whether a step runs given the scenario's outcome so far (DSS's default: unless a step failed)."""
    condition = step.get("runConditionType") or "RUN_IF_STATUS_MATCH"
    if condition == "RUN_ALWAYS":
        return True
    if condition == "DISABLED":
        return False
    if condition == "RUN_IF_STATUS_MATCH":
        return status in (step.get("runConditionStatuses") or DEFAULT_RUN_STATUSES)
    raise ValueError(f"Unsupported runConditionType {condition!r} of step {step.get('id')!r} (the DSS emulator "
                     f"knows RUN_IF_STATUS_MATCH, RUN_ALWAYS and DISABLED)")


def run_step(jobs: JobsBackend, run: ScenarioRun, step_run: StepRun, script: str | None = None) -> None:
    """Run one step to its end; ``script`` is the code of a custom_python scenario's single step."""
    kind = step_run.step.get("type")
    params = step_run.step.get("params") or {}
    if kind == "build_flowitem":
        _build(jobs, run, step_run, params)
    elif kind == "custom_python":
        _python(jobs, run, step_run, script if script is not None else params.get("script"))
    else:
        step_run.finish("FAILED", f"Step type {kind!r} is not supported by the DSS emulator (build_flowitem and "
                                  f"custom_python steps run)")


def _build_definition(params: dict) -> dict:
    builds = params.get("builds")
    if not isinstance(builds, list) or not builds:
        raise ValueError(f"Invalid params.builds of build step: expected a non-empty list, got {builds!r}")
    outputs = []
    for index, item in enumerate(builds):
        item_type = item.get("type", "DATASET") if isinstance(item, dict) else None
        if item_type != "DATASET":
            raise ValueError(f"Unsupported params.builds[{index}].type {item_type!r} (the DSS emulator builds "
                             f"datasets only)")
        outputs.append({"type": "DATASET", "id": item.get("itemId"), "projectKey": item.get("projectKey"),
                        "partition": None})
    return {"type": params.get("jobType") or "RECURSIVE_BUILD", "outputs": outputs, "refreshHiveMetastore": False,
            "autoUpdateSchemaBeforeEachRecipeRun": False}


def _build(jobs: JobsBackend, run: ScenarioRun, step_run: StepRun, params: dict) -> None:
    try:
        job = jobs.start(run.project.key, _build_definition(params), run.fire.initiator,
                                  scenario=(run.scenario_id, run.id))
    except (ValueError, DSSError) as exc:
        message = exc.detailed_message if isinstance(exc, DSSError) else str(exc)
        run.log(f"Could not start the build: {message}", "ERROR", step_run)
        step_run.finish("FAILED", message)
        return
    run.job = job
    run.log(f"Started job {job.id} ({job.definition['type']})", step=step_run)
    if run.aborted:  # abort() came while the job was being started
        jobs.abort(run.project.key, job.id)
    job.finished.wait()
    outcome = JOB_OUTCOMES[job.state]
    item = {"type": "JOB_EXECUTED", "jobId": job.id, "jobType": job.definition["type"], "outcome": outcome,
            "start": job.start, "end": job.end}
    if job.failure and outcome != "SUCCESS":
        item["thrown"] = thrown(job.failure)
    step_run.report_items.append(item)
    if outcome == "SUCCESS":
        run.log(f"Job {job.id} done", step=step_run)
        step_run.finish("SUCCESS")
    else:
        run.log(f"Job {job.id} {job.state.lower()}: {job.failure}", "ERROR", step_run)
        step_run.finish(outcome, f"Job {job.id} {job.state.lower()}: {job.failure}")


def _python(jobs: JobsBackend, run: ScenarioRun, step_run: StepRun, script: object) -> None:
    if not isinstance(script, str):
        step_run.finish("FAILED", f"Invalid params.script of step {step_run.step.get('id')!r}: expected Python "
                                  f"code, got {script!r}")
        return
    run.execution = runner.Execution()
    if run.aborted:
        run.execution.cancel()
    projects = jobs.projects
    result = runner.run_python(
        run.project, script, name=str(step_run.step.get("id") or "step"), execution=run.execution,
        log=lambda line: run.raw_log(line, step_run),
        timeout=jobs.timeout, trigger_params=run.fire.params, author=run.fire.initiator,
        may_install=lambda: projects.exists(run.project.key) and projects.get(run.project.key) is run.project)
    if result.error:
        run.log(f"Step failed: {result.error}", "ERROR", step_run)
        step_run.finish("ABORTED" if result.aborted else "FAILED", result.error)
    elif result.warnings:
        step_run.warnings = result.warnings
        for warning in result.warnings:
            run.log(f"Warning: {warning}", "WARN", step_run)
        step_run.finish("WARNING")
    else:
        step_run.finish("SUCCESS")
