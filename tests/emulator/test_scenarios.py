"""Scenario runs through the real dataikuapi client: run_and_wait passes or raises exactly as against DSS."""
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from dataikuapi.utils import DataikuException

from .deploy_helpers import deploy, export_and_publish
from .run_helpers import PAYING_CUSTOMERS, build_step, python_step, seed_churn, set_recipe_code, set_steps, wait_until

SLEEPING_STEP = "import time\nprint('sleeping', flush=True)\ntime.sleep(60)\n"


@pytest.fixture
def churn(dss):
    return seed_churn(dss)


def test_smoke_test_scenario_succeeds_and_reports_its_job(churn):
    scenario = churn.get_scenario("TEST_SMOKE")
    run = scenario.run_and_wait()

    assert run.outcome == "SUCCESS"
    assert run.get_info()["scenario"] == {"projectKey": "CHURN", "id": "TEST_SMOKE", "name": "Smoke test",
                                          "type": "step_based", "active": False, "markedAsTest": True, "tags": []}
    assert run.get_duration() > 0 and run.end_time >= run.start_time
    details = run.get_details()
    assert [(s["step"]["id"], s.outcome) for s in details.steps] == [("build_clean", "SUCCESS"),
                                                                      ("check_clean", "SUCCESS")]
    job_id = details.steps[0].job_ids[0]
    assert churn.get_job(job_id).get_status()["baseStatus"]["def"]["scenarioId"] == "TEST_SMOKE"
    assert len(list(churn.get_dataset("customers_clean").iter_rows())) == PAYING_CUSTOMERS
    assert [r.id for r in scenario.get_last_runs()] == [run.id]
    assert scenario.get_run(run.id).outcome == "SUCCESS"
    assert scenario.get_status().running is False
    log = run.get_log()
    assert f"Started job {job_id}" in log and "finished with outcome SUCCESS" in log
    assert "check_clean" in run.get_log(step_id="check_clean") and job_id not in run.get_log(step_id="check_clean")


def test_a_failing_build_step_fails_the_run_and_skips_the_next_steps(churn):
    set_recipe_code(churn, "compute_customers_clean", "raise RuntimeError('source system down')\n")
    with pytest.raises(DataikuException, match="^Scenario run returned status FAILED$"):
        churn.get_scenario("TEST_SMOKE").run_and_wait()

    run = churn.get_scenario("TEST_SMOKE").get_last_finished_run()
    details = run.get_details()
    assert [s["step"]["id"] for s in details.steps] == ["build_clean"]
    error = details.first_error_details
    assert "Error in Python process: At line 1: <class 'RuntimeError'>: source system down" in error["message"]
    item = details.steps[0]["additionalReportItems"][0]
    assert item["type"] == "JOB_EXECUTED" and item["outcome"] == "FAILED"
    assert "RuntimeError: source system down" in churn.get_job(item["jobId"]).get_log()


def test_a_failing_python_step_fails_the_run_with_its_traceback_in_the_log(churn):
    set_steps(churn, "TEST_SMOKE", [python_step("check", "import dataiku\nassert False, 'no rows'\n")])
    run = churn.get_scenario("TEST_SMOKE").run_and_wait(no_fail=True)
    assert run.outcome == "FAILED"
    assert "AssertionError: no rows" in run.get_log(step_id="check")
    assert run.get_details().first_error_details["message"] == \
        "Error in Python process: At line 2: <class 'AssertionError'>: no rows"


def test_a_warning_step_gives_a_warning_run_which_run_and_wait_refuses(churn):
    set_steps(churn, "TEST_SMOKE", [
        python_step("warn", "from dataiku import scenario\nscenario.warn('only 3 rows')\n"),
        python_step("after", "print('still runs after a warning')\n"),
    ])
    with pytest.raises(DataikuException, match="^Scenario run returned status WARNING$"):
        churn.get_scenario("TEST_SMOKE").run_and_wait()
    run = churn.get_scenario("TEST_SMOKE").get_last_finished_run()
    assert run.outcome == "WARNING"
    assert [s.outcome for s in run.get_details().steps] == ["WARNING", "SUCCESS"]
    assert "Warning: only 3 rows" in run.get_log()


def test_run_conditions_choose_the_steps_that_run(churn):
    set_steps(churn, "TEST_SMOKE", [
        python_step("fails", "raise SystemExit(3)\n"),
        python_step("skipped", "print('not run')\n"),
        python_step("cleanup", "print('cleanup')\n", runConditionType="RUN_ALWAYS"),
    ])
    run = churn.get_scenario("TEST_SMOKE").run_and_wait(no_fail=True)
    steps = run.get_details().steps
    assert [(s["step"]["id"], s.outcome) for s in steps] == [("fails", "FAILED"), ("cleanup", "SUCCESS")]
    assert steps[0]["result"]["thrown"]["message"] == "Error in Python process: Python process exited with code 3"


def test_a_build_step_of_an_unknown_dataset_fails(churn):
    set_steps(churn, "TEST_SMOKE", [build_step("build", "nope"),
                                    build_step("smart", "customers_copy", "RECURSIVE_BUILD")])
    run = churn.get_scenario("TEST_SMOKE").run_and_wait(no_fail=True)
    steps = run.get_details().steps
    assert [(s["step"]["id"], s.outcome) for s in steps] == [("build", "FAILED")]
    assert steps[0]["result"]["thrown"]["message"] == "dataset nope does not exist in project CHURN"


def test_run_parameters_reach_the_steps(churn):
    set_steps(churn, "TEST_SMOKE", [python_step("params", (
        "from dataiku.scenario import Scenario\n"
        "params = Scenario().get_trigger_params()\n"
        "assert params == {'threshold': 5}, params\n"))])
    assert churn.get_scenario("TEST_SMOKE").run_and_wait(params={"threshold": 5}).outcome == "SUCCESS"
    assert churn.get_scenario("TEST_SMOKE").run_and_wait(params={"threshold": 6}, no_fail=True).outcome == "FAILED"


def test_abort_stops_the_running_step(churn):
    set_steps(churn, "TEST_SMOKE", [python_step("sleep", SLEEPING_STEP), python_step("never", "print('x')\n")])
    scenario = churn.get_scenario("TEST_SMOKE")
    run = scenario.run().wait_for_scenario_run()
    wait_until(lambda: "sleeping" in run.get_log(), what="the step to start")
    assert scenario.get_status().running is True
    assert scenario.get_current_run().id == run.id
    scenario.abort()
    with pytest.raises(DataikuException, match="^Scenario run returned status ABORTED$"):
        run.wait_for_completion()
    assert [s.outcome for s in run.get_details().steps] == ["ABORTED"]
    assert scenario.get_status().running is False


def test_abort_stops_the_job_of_a_build_step(churn):
    set_recipe_code(churn, "compute_customers_clean", SLEEPING_STEP)
    scenario = churn.get_scenario("TEST_SMOKE")
    run = scenario.run().wait_for_scenario_run()
    job_id = wait_until(lambda: [j.job_id for j in churn.list_running_jobs()], what="the job to start")[0]
    wait_until(lambda: "sleeping" in churn.get_job(job_id).get_log(), what="the recipe to start")
    scenario.abort()
    run.wait_for_completion(no_fail=True)
    assert run.outcome == "ABORTED"
    assert churn.get_job(job_id).get_status()["baseStatus"]["state"] == "ABORTED"


def test_a_second_run_while_one_is_running_is_cancelled(churn):
    set_steps(churn, "TEST_SMOKE", [python_step("sleep", SLEEPING_STEP)])
    scenario = churn.get_scenario("TEST_SMOKE")
    first = scenario.run()
    assert first.get_raw()["cancelled"] is False
    with pytest.raises(DataikuException, match="^Scenario run has been cancelled$"):
        scenario.run_and_wait()
    assert scenario.get_trigger_fire("manual", first.run_id).get_raw()["runId"] == first.run_id
    scenario.abort()
    first.wait_for_scenario_run().wait_for_completion(no_fail=True)


def test_custom_python_scenarios_run_their_script(churn):
    scenario = churn.create_scenario("Python check", "custom_python")
    settings = scenario.get_settings()
    settings.code = "import dataiku\nprint(dataiku.default_project_key())\n"
    settings.save()
    run = scenario.run_and_wait()
    assert "CHURN" in run.get_log()
    settings.code = "raise KeyError('missing')\n"
    settings.save()
    assert scenario.run_and_wait(no_fail=True).outcome == "FAILED"


def test_testing_status_and_junit_report_cover_the_last_run_of_each_test_scenario(churn):
    failing = churn.create_scenario("Failing test", "step_based", {"id": "TEST_FAILING", "markedAsTest": True,
                                                                   "params": {"steps": [python_step(
                                                                       "boom", "raise ValueError('boom')\n")]}})
    unmarked = churn.create_scenario("Named like a test", "step_based", {"id": "TEST_UNMARKED", "params": {
        "steps": [python_step("boom", "raise ValueError('boom')\n")]}})
    churn.get_scenario("TEST_SMOKE").run_and_wait(no_fail=True)
    failing.run_and_wait(no_fail=True)
    unmarked.run_and_wait(no_fail=True)  # the TEST_ prefix alone does not make a test scenario (EV-S04)
    churn.get_scenario("REBUILD_ALL").run_and_wait()  # not a test scenario: not counted
    assert unmarked.get_status().get_raw()["markedAsTest"] is False

    status = churn.get_testing_status()
    assert status.nb_total_ran_scenarios == 2
    assert status.nb_scenarios_per_outcome == {"SUCCESS": 1, "FAILED": 1}
    root = ET.fromstring(churn.get_last_test_scenario_runs_report().content)
    assert (root.get("tests"), root.get("failures")) == ("3", "1")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert sorted(suites) == ["TEST_FAILING", "TEST_SMOKE"]
    case = suites["TEST_FAILING"].find("testcase")
    assert case.get("classname") == "CHURN.TEST_FAILING"
    assert "ValueError: boom" in case.find("failure").text
    single = ET.fromstring(failing.get_last_finished_run().get_report().content)
    assert [s.get("name") for s in single.findall("testsuite")] == ["TEST_FAILING"]


def test_runs_by_date_and_run_lookups(churn):
    scenario = churn.get_scenario("REBUILD_ALL")
    run = scenario.run_and_wait()
    today, tomorrow = date.today(), date.today() + timedelta(days=1)
    assert [r.id for r in scenario.get_runs_by_date(today, tomorrow)] == [run.id]
    assert scenario.get_runs_by_date(tomorrow, tomorrow + timedelta(days=1)) == []
    with pytest.raises(DataikuException, match="fromDate must be a date YYYY-MM-DD, got 'yesterday'"):
        scenario.get_runs_by_date("yesterday")
    with pytest.raises(DataikuException, match="NotFoundException: Scenario REBUILD_ALL has no run 2000-01-01"):
        scenario.get_run("2000-01-01-00-00-00-000")
    assert run.get_info()["scenario"]["markedAsTest"] is False
    with pytest.raises(DataikuException, match="Reports are only available for test scenarios"):
        run.get_report()


def test_unknown_scenario_cannot_run(churn):
    with pytest.raises(DataikuException, match="NotFoundException"):
        churn.get_scenario("NOPE").run()


def test_running_a_scenario_needs_write_access(dss, churn):
    reader = dss.client(api_key=dss.create_api_key(label="viewer", projects={"CHURN": "read"})).get_project("CHURN")
    with pytest.raises(DataikuException, match="does not have write access to project CHURN"):
        reader.get_scenario("TEST_SMOKE").run()
    assert reader.get_scenario("TEST_SMOKE").get_last_runs() == []


def test_runs_on_an_automation_node_are_counted_per_active_bundle(dss, churn):
    export_and_publish(churn, "v1")
    deploy(dss.client(), "CHURN", "v1")
    staging = dss.client("staging").get_project("CHURN")
    assert staging.get_scenario("TEST_SMOKE").run_and_wait().outcome == "SUCCESS"
    assert len(list(staging.get_dataset("customers_clean").iter_rows())) == PAYING_CUSTOMERS
    assert staging.get_testing_status(bundle_id="v1").nb_scenarios_per_outcome == {"SUCCESS": 1}
    assert staging.get_testing_status(bundle_id="v0").nb_total_ran_scenarios == 0
    assert churn.get_testing_status().nb_total_ran_scenarios == 0  # the design node ran nothing
