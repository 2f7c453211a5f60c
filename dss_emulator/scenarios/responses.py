"""Scenario routes: definitions (list, create, settings, payload, delete) and run time (run, trigger fires, runs and
their details, logs, abort, test status and reports).

Run ids are matched by their shape (the ``scenariorun`` path convertor) so that ``/scenarios/{sid}/payload`` and
friends are never taken for runs; literal segments (``testing-status``) win over ``{sid}`` (see ``core/app.py``).
"""
from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

from ..core.context import RequestContext
from ..core.evidence import client
from ..core.routing import Raw, RouteTable, Text
from ..jobs.responses import initiator
from . import report
from .exceptions import MissingTriggerFire, NotATestRun, StepNotRun

routes = RouteTable()


class _RunIdConvertor(Convertor):
    """Scenario run ids look like ``2024-05-01-10-30-00-123`` (``-2`` appended on a clash)."""

    regex = r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}(?:-\d+)?"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("scenariorun", _RunIdConvertor())


# --- definitions -----------------------------------------------------------------------------------------------
@routes.route("GET", "/projects/{pk}/scenarios", access="read",
              evidence=client("dss/project.py", "DSSProject.list_scenarios", "EV-S01", "EV-S04"))
def list_scenarios(ctx: RequestContext, pk: str):
    return ctx.instance.scenarios.list_scenarios(pk)


@routes.route("POST", "/projects/{pk}/scenarios", access="write",
              evidence=client("dss/project.py", "DSSProject.create_scenario", "EV-S01"))
def create_scenario(ctx: RequestContext, pk: str):
    return {"id": ctx.instance.scenarios.create_scenario(pk, ctx.json_object(), ctx.login)}


@routes.route("GET", "/projects/{pk}/scenarios/{sid}", access="read",
              evidence=client("dss/scenario.py", "DSSScenario.get_settings", "EV-S01"))
def get_scenario(ctx: RequestContext, pk: str, sid: str):
    return ctx.instance.scenarios.scenario(pk, sid)


@routes.route("PUT", "/projects/{pk}/scenarios/{sid}", access="write",
              evidence=client("dss/scenario.py", "DSSScenarioSettings.save", "EV-S01"))
def save_scenario(ctx: RequestContext, pk: str, sid: str):
    ctx.instance.scenarios.save_scenario(pk, sid, ctx.json_object(), ctx.login)


@routes.route("DELETE", "/projects/{pk}/scenarios/{sid}", access="write",
              evidence=client("dss/scenario.py", "DSSScenario.delete"))
def delete_scenario(ctx: RequestContext, pk: str, sid: str):
    ctx.instance.scenarios.delete_scenario(pk, sid, ctx.login)


@routes.route("GET", "/projects/{pk}/scenarios/{sid}/payload", access="read",
              evidence=client("dss/scenario.py", "DSSScenario.get_payload"))
def get_scenario_payload(ctx: RequestContext, pk: str, sid: str):
    return ctx.instance.scenarios.scenario_script(pk, sid)


@routes.route("PUT", "/projects/{pk}/scenarios/{sid}/payload", access="write",
              evidence=client("dss/scenario.py", "DSSScenario.set_payload"))
def save_scenario_payload(ctx: RequestContext, pk: str, sid: str):
    ctx.instance.scenarios.save_scenario_script(pk, sid, ctx.json_object().get("script"), ctx.login)


# --- runs ------------------------------------------------------------------------------------------------------


@routes.route("GET", "/projects/{pk}/scenarios/testing-status", access="read",
              evidence=client("dss/project.py", "DSSProject.get_testing_status", "EV-S01", "EV-S02",
                              unverified="fields beyond the client's two"))
def get_testing_status(ctx: RequestContext, pk: str):
    return report.testing_status(ctx.instance.scenario_runs.last_test_runs(pk, ctx.arg("bundleId")))


@routes.route("GET", "/projects/{pk}/scenarios/last-test-scenario-runs-report", access="read",
              evidence=client("dss/project.py", "DSSProject.get_last_test_scenario_runs_report", "EV-S02"))
def get_last_test_runs_report(ctx: RequestContext, pk: str):
    """JUnit XML of the last run of every test scenario."""
    runs = ctx.instance.scenario_runs.last_test_runs(pk, ctx.arg("bundleId"))
    return Raw(report.junit(pk, runs), "application/xml")


@routes.route("GET", "/projects/{pk}/scenarios/trigger/{sid}/{trigger_id}", access="read",
              evidence=client("dss/scenario.py", "DSSScenario.get_trigger_fire"))
def get_trigger_fire(ctx: RequestContext, pk: str, sid: str, trigger_id: str):
    return ctx.instance.scenario_runs.fire(pk, sid, trigger_id, ctx.arg("triggerRunId")).as_dict()


@routes.route("POST", "/projects/{pk}/scenarios/{sid}/run", access="write",
              evidence=client("dss/scenario.py", "DSSScenario.run", "EV-S05"))
def run_scenario(ctx: RequestContext, pk: str, sid: str):
    """Answers the trigger fire: ``trigger.id``, ``runId`` (of the fire) and ``cancelled``."""
    return ctx.instance.scenario_runs.run(pk, sid, ctx.json({}), initiator(ctx.key)).as_dict()


@routes.route("GET", "/projects/{pk}/scenarios/{sid}/get-run-for-trigger", access="read",
              evidence=client("dss/scenario.py", "DSSTriggerFire.get_scenario_run"))
def get_run_for_trigger(ctx: RequestContext, pk: str, sid: str):
    """``{}`` until the fire has led to a run, then ``{scenarioRun}``."""
    trigger_id, fire_id = ctx.arg("triggerId"), ctx.arg("triggerRunId")
    if not trigger_id or not fire_id:
        raise MissingTriggerFire()
    fire = ctx.instance.scenario_runs.fire(pk, sid, trigger_id, fire_id)
    return {"scenarioRun": fire.run.as_dict()} if fire.run else {}


@routes.route("GET", "/projects/{pk}/scenarios/{sid}/get-last-runs", access="read",
              evidence=client("dss/scenario.py", "DSSScenario.get_last_runs", "EV-S05", "EV-S07"))
def get_last_runs(ctx: RequestContext, pk: str, sid: str):
    runs = ctx.instance.scenario_runs.last_runs(pk, sid, ctx.int_arg("limit", 10), ctx.flag("onlyFinishedRuns"))
    return [r.as_dict() for r in runs]


@routes.route("GET", "/projects/{pk}/scenarios/{sid}/get-runs-by-date", access="read",
              evidence=client("dss/scenario.py", "DSSScenario.get_runs_by_date", "EV-S07"))
def get_runs_by_date(ctx: RequestContext, pk: str, sid: str):
    runs = ctx.instance.scenario_runs.runs_by_date(pk, sid, ctx.arg("fromDate"), ctx.arg("toDate"))
    return [r.as_dict() for r in runs]


@routes.route("GET", "/projects/{pk}/scenarios/{sid}/light", access="read",
              evidence=client("dss/scenario.py", "DSSScenario.get_status"))
def get_light_status(ctx: RequestContext, pk: str, sid: str):
    return ctx.instance.scenario_runs.light_status(pk, sid)


@routes.route("POST", "/projects/{pk}/scenarios/{sid}/abort", access="write",
              evidence=client("dss/scenario.py", "DSSScenario.abort", "EV-S05"))
def abort_scenario(ctx: RequestContext, pk: str, sid: str):
    ctx.instance.scenario_runs.abort(pk, sid)


@routes.route("GET", "/projects/{pk}/scenarios/{sid}/{run_id:scenariorun}", access="read",
              evidence=client("dss/scenario.py", "DSSScenarioRun.get_details", "EV-S05", "EV-S06", "EV-S07"))
def get_run_details(ctx: RequestContext, pk: str, sid: str, run_id: str):
    return ctx.instance.scenario_runs.get_run(pk, sid, run_id).details()


@routes.route("GET", "/projects/{pk}/scenarios/{sid}/{run_id:scenariorun}/log", access="read",
              evidence=client("dss/scenario.py", "DSSScenarioRun.get_log"))
def get_run_log(ctx: RequestContext, pk: str, sid: str, run_id: str):
    run = ctx.instance.scenario_runs.get_run(pk, sid, run_id)
    step_id = ctx.arg("stepId")
    if step_id is not None and step_id not in {s.step.get("id") for s in run.steps}:
        raise StepNotRun(sid, run_id, step_id)
    return Text(run.log_text(step_id))


@routes.route("GET", "/projects/{pk}/scenarios/{sid}/{run_id:scenariorun}/scenario-run-report", access="read",
              evidence=client("dss/scenario.py", "DSSScenarioRun.get_report", "EV-S01", "EV-S02"))
def get_run_report(ctx: RequestContext, pk: str, sid: str, run_id: str):
    """JUnit XML of one run of a test scenario."""
    run = ctx.instance.scenario_runs.get_run(pk, sid, run_id)
    if not run.marked_as_test:
        raise NotATestRun(pk, sid, run_id)
    return Raw(report.junit(pk, [run]), "application/xml")
