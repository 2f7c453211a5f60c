"""Deployment fault injection, each fault observed through the real dataikuapi client."""
import io
import zipfile

import pytest
import requests
from dataikuapi.utils import DataikuException

from .deploy_helpers import active_bundle, deploy, export_and_publish, make_project


def _published(dss, extra_connection: str | None = None):
    client = dss.client()
    project = make_project(client, extra_connection=extra_connection)
    export_and_publish(project, "v1")
    return client, project


def test_next_update_ends_in_error_then_recovers(dss):
    client, _ = _published(dss)
    deployment = client.get_projectdeployer().create_deployment("SHOP-on-staging", "SHOP", "staging", "v1")
    armed = dss.control("design", "POST", "faults/deployments", {"count": 1, "message": "disk full on staging"})
    assert armed["armed"] == [{"count": 1, "message": "disk full on staging"}]

    with pytest.raises(DataikuException, match="disk full on staging"):
        deployment.start_update().wait_for_result()
    status = deployment.get_status()
    assert status.get_health() == "ERROR"
    assert "disk full on staging" in status.get_health_messages()["messages"][0]["message"]
    update = deployment.get_update()
    assert update.status == "FAILED" and any("Update failed: disk full" in line for line in update.logs)
    assert active_bundle(dss.client("staging"), "SHOP") is None

    deployment.start_update().wait_for_result()  # the fault was consumed
    assert deployment.get_status().get_health() == "HEALTHY"
    assert [u.status for u in deployment.list_updates()] == ["FAILED", "SUCCESS"]


def test_fault_scoped_to_one_deployment(dss):
    client, _ = _published(dss)
    deployer = client.get_projectdeployer()
    staging = deployer.create_deployment("SHOP-on-staging", "SHOP", "staging", "v1")
    prod = deployer.create_deployment("SHOP-on-prod", "SHOP", "prod", "v1")
    dss.control("design", "POST", "faults/deployments", {"count": 2, "deploymentId": "SHOP-on-prod"})
    staging.start_update().wait_for_result()
    with pytest.raises(DataikuException, match="Injected deployment update failure"):
        prod.start_update().wait_for_result()
    assert staging.get_status().get_health() == "HEALTHY"
    assert prod.get_status().get_health() == "ERROR"
    assert dss.control("design", "GET", "faults/deployments")["armed"][0]["count"] == 1


def test_bad_fault_requests_are_refused(dss):
    with pytest.raises(requests.HTTPError, match="400"):
        dss.control("design", "POST", "faults/deployments", {"count": 0})
    with pytest.raises(requests.HTTPError, match="400"):
        dss.control("staging", "POST", "faults/deployments", {"count": 1})  # no deployer on automation nodes
    with pytest.raises(requests.HTTPError, match="404"):
        dss.control("staging", "DELETE", "connections/nope")


def test_missing_connection_fails_activation(dss):
    client, project = _published(dss, extra_connection="warehouse")
    deployment = client.get_projectdeployer().create_deployment("SHOP-on-staging", "SHOP", "staging", "v1")
    assert [c["name"] for c in dss.control("staging", "GET", "connections")["connections"]] == ["filesystem_managed"]
    with pytest.raises(DataikuException, match="ERR_BUNDLE_ACTIVATE_MISSING_CONNECTION: Connection warehouse is "
                                               "required by dataset.s. remote"):
        deployment.start_update().wait_for_result()
    assert deployment.get_status().get_health() == "ERROR"
    staging = dss.client("staging")
    assert active_bundle(staging, "SHOP") is None
    preload = staging.get_project("SHOP").preload_bundle("v1")
    assert preload["warning"] and preload["messages"][0]["code"] == "WARN_BUNDLE_PRELOAD_MISSING_CONNECTION"
    with pytest.raises(DataikuException, match="CodedException: ERR_BUNDLE_ACTIVATE_MISSING_CONNECTION"):
        staging.get_project("SHOP").activate_bundle("v1")  # the node itself refuses, not only the deployer

    dss.control("staging", "POST", "connections", {"name": "warehouse", "type": "PostgreSQL"})
    deployment.start_update().wait_for_result()
    assert active_bundle(staging, "SHOP") == "v1"
    assert deployment.get_status().get_health() == "HEALTHY"


def test_removing_the_managed_connection_breaks_the_next_deployment(dss):
    client, project = _published(dss)
    deploy(client, "SHOP", "v1")
    dss.control("staging", "DELETE", "connections/filesystem_managed")
    project.export_bundle("v2")
    project.publish_bundle("v2")
    with pytest.raises(DataikuException, match="Connection filesystem_managed is required by dataset.s. clean, raw"):
        deploy(client, "SHOP", "v2")
    assert active_bundle(dss.client("staging"), "SHOP") == "v1"  # the failed activation changed nothing


def test_update_future_that_never_finishes(dss):
    client, _ = _published(dss)
    deployment = client.get_projectdeployer().create_deployment("SHOP-on-staging", "SHOP", "staging", "v1")
    dss.control("design", "POST", "faults/futures", {"count": 1})
    future = deployment.start_update()
    assert future.peek_state()["hasResult"] is False
    assert future.get_state()["hasResult"] is False
    assert deployment.list_updates()[0].status == "RUNNING"
    with pytest.raises(DataikuException, match="An update of deployment SHOP-on-staging is already running"):
        deployment.start_update()
    assert deployment.get_status().get_health() == "OUT_OF_SYNC"
    assert active_bundle(dss.client("staging"), "SHOP") is None

    future.abort()  # the stuck update is given up; a new one may start
    assert deployment.list_updates()[0].status == "ABORTED"
    deployment.start_update().wait_for_result()
    assert active_bundle(dss.client("staging"), "SHOP") == "v1"


def test_a_crafted_archive_cannot_write_outside_the_project(dss, tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("export-manifest.json", '{"bundleId": "v1", "originalProjectKey": "EVIL"}')
        zf.writestr("project_config/params.json", "{}")
        zf.writestr("project_config/../../escape.txt", "x")
    with pytest.raises(DataikuException, match="unsafe member name 'project_config/../../escape.txt'"):
        dss.client("staging").create_project_from_bundle_archive(io.BytesIO(path.read_bytes()))
