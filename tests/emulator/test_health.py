"""Deployment health through the real client: ``monitoring`` lists the deployed project's scenarios by the outcome
of their last run with the active bundle, health follows from it, and the control API forces any health."""
import pytest
import requests

from .deploy_helpers import deploy, export_and_publish
from .run_helpers import python_step, seed_churn, set_steps, wait_until


def _run(project, scenario_id: str) -> str:
    """Run a scenario on the node and answer its outcome."""
    run = project.get_scenario(scenario_id).run_and_wait(no_fail=True)
    return run.get_info()["result"]["outcome"]


def test_monitoring_lists_scenarios_by_last_outcome_and_drives_health(dss):
    design_project = seed_churn(dss)
    set_steps(design_project, "REBUILD_ALL", [python_step("warn", "from dataiku.scenario import Scenario\n"
                                                                   "raise Exception('boom')\n")])
    export_and_publish(design_project, "v1")
    deployment = deploy(dss.client("design"), "CHURN", "v1")
    status = deployment.get_status()
    assert status.get_health() == "HEALTHY"
    assert status.get_heavy()["monitoring"] == {"hasScenarios": True, "hasActiveScenarios": False, "failed": [],
                                              "warning": [], "successful": [], "aborted": [], "running": []}

    staging_project = dss.client("staging").get_project("CHURN")
    assert _run(staging_project, "TEST_SMOKE") == "SUCCESS"
    monitoring = deployment.get_status().get_heavy()["monitoring"]
    assert monitoring["successful"] == ["TEST_SMOKE"] and monitoring["failed"] == []
    assert deployment.get_status().get_health() == "HEALTHY"

    assert _run(staging_project, "REBUILD_ALL") == "FAILED"
    status = deployment.get_status()
    assert status.get_heavy()["monitoring"]["failed"] == ["REBUILD_ALL"]
    assert status.get_health() == "UNHEALTHY"
    assert "REBUILD_ALL failed in their last run" in status.get_health_messages()["messages"][0]["message"]

    # A new bundle starts from its own runs: the failure of the previous bundle's run does not count.
    export_and_publish(design_project, "v2")
    deploy(dss.client("design"), "CHURN", "v2")
    assert deployment.get_status().get_health() == "HEALTHY"


def test_a_running_scenario_is_listed_as_running(dss):
    design_project = seed_churn(dss)
    set_steps(design_project, "REBUILD_ALL", [python_step("wait", "import time\ntime.sleep(30)\n")])
    export_and_publish(design_project, "v1")
    deployment = deploy(dss.client("design"), "CHURN", "v1")
    scenario = dss.client("staging").get_project("CHURN").get_scenario("REBUILD_ALL")
    scenario.run()
    wait_until(lambda: deployment.get_status().get_heavy()["monitoring"]["running"] == ["REBUILD_ALL"],
               what="REBUILD_ALL listed as running")
    assert deployment.get_status().get_health() == "HEALTHY"
    scenario.abort()


@pytest.mark.parametrize("health", ["WARNING", "UNKNOWN", "ERROR", "UNHEALTHY"])
def test_the_control_api_forces_a_deployment_health(dss, health):
    design_project = seed_churn(dss)
    export_and_publish(design_project, "v1")
    deployment = deploy(dss.client("design"), "CHURN", "v1")
    forced = dss.control("design", "POST", "faults/health", {"deploymentId": deployment.id, "health": health})
    assert forced == {"forced": {deployment.id: health}}
    status = deployment.get_status()
    assert status.get_health() == health
    assert f"forced to {health}" in status.get_health_messages()["messages"][0]["message"]
    dss.control("design", "POST", "faults/health", {"deploymentId": deployment.id, "health": None})
    assert deployment.get_status().get_health() == "HEALTHY"


def test_bad_health_faults_are_refused(dss):
    with pytest.raises(requests.HTTPError, match="400"):
        dss.control("design", "POST", "faults/health", {"deploymentId": "X", "health": "OUT_OF_SYNC"})
    with pytest.raises(requests.HTTPError, match="400"):
        dss.control("design", "POST", "faults/health", {"health": "ERROR"})
