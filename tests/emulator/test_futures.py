"""Futures as the client sees them: nulls dropped, a result at once without jobId, and the two answers to a failed
future (an HTTP error by default; ``{hasResult: false, alive: false, exception}`` when armed)."""
import pytest
import requests
from dataikuapi.utils import DataikuException

from .deploy_helpers import export_and_publish, make_project
from .run_helpers import wait_until


def _deployment(dss):
    client = dss.client()
    export_and_publish(make_project(client), "v1")
    return client.get_projectdeployer().create_deployment("SHOP-on-staging", "SHOP", "staging", "v1")


def _raw_future(dss, job_id: str) -> dict:
    resp = requests.get(f"{dss.url()}/dip/publicapi/futures/{job_id}", auth=(dss.admin_key(), ""), timeout=30)
    resp.raise_for_status()
    return resp.json()


def test_answers_carry_no_null_fields(dss):
    deployment = _deployment(dss)
    settings = deployment.get_settings().get_raw()
    assert "projectFolderId" not in settings  # not given at creation: null, so dropped
    infra = dss.client().get_projectdeployer().get_infra("staging").get_settings().get_raw()
    assert "automationNodeExternalUrl" not in infra
    future = deployment.start_update()
    future.wait_for_result()
    state = _raw_future(dss, future.job_id)
    assert state["hasResult"] is True and state["alive"] is False and None not in state.values()
    last = dss.client()._perform_json("GET", "/project-deployer/deployments/SHOP-on-staging/last-update")
    assert last["status"] == "SUCCESS" and "error" not in last  # no error: null, so dropped


def test_a_quick_future_answers_its_result_at_once_without_job_id(dss):
    deployment = _deployment(dss)
    dss.control("design", "POST", "faults/futures", {"immediate": 1})
    future = deployment.start_update()
    assert future.job_id is None and "jobId" not in future.state
    assert future.state["hasResult"] is True
    assert future.wait_for_result()["bundleId"] == "v1"  # the client takes the result from the first answer
    assert deployment.get_status().get_health() == "HEALTHY"


def test_a_failed_future_answers_an_http_error_by_default(dss):
    deployment = _deployment(dss)
    dss.control("design", "POST", "faults/deployments", {"count": 1, "message": "disk full"})
    future = deployment.start_update()
    with pytest.raises(DataikuException, match="disk full"):
        future.wait_for_result()
    with pytest.raises(DataikuException, match="disk full"):
        future.peek_state()


def test_a_failed_future_can_answer_dead_without_result(dss):
    deployment = _deployment(dss)
    armed = dss.control("design", "POST", "faults/futures", {"failedAsDead": True})
    assert armed == {"hangNext": 0, "immediateNext": 0, "failedAsDead": True}
    dss.control("design", "POST", "faults/deployments", {"count": 1, "message": "disk full"})
    future = deployment.start_update()
    wait_until(lambda: deployment.get_update().status == "FAILED", what="the update to fail")
    for state in (future.peek_state(), future.get_state()):
        assert state["hasResult"] is False and state["alive"] is False and "result" not in state
        assert "disk full" in state["exception"]["message"]
    assert not future.has_result()


def test_bad_future_faults_are_refused(dss):
    for body in ({"count": -1}, {"immediate": True}, {"failedAsDead": "yes"}):
        with pytest.raises(requests.HTTPError, match="400"):
            dss.control("design", "POST", "faults/futures", body)
