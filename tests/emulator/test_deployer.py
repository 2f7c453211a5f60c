"""The Project Deployer through the real dataikuapi client: infras, published projects, deployments, updates."""
import io

import pytest
from dataikuapi.utils import DataikuException

from .deploy_helpers import active_bundle, deploy, export_and_publish, make_project


def test_infras_stages_and_masked_admin_key(dss):
    deployer = dss.client().get_projectdeployer()
    assert sorted(i.id for i in deployer.list_infras()) == ["prod", "staging"]
    status = deployer.get_infra("staging").get_status().get_raw()
    assert status["infraBasicInfo"]["stage"] == "staging"
    assert status["infraBasicInfo"]["automationNodeUrl"] == dss.url("staging")
    assert {"id": "production", "desc": ""} in deployer.list_stages()

    settings = deployer.get_infra("staging").get_settings()
    raw = settings.get_raw()
    assert raw["adminApiKeyIsMasked"] is True
    assert dss.admin_key("staging") not in str(raw)
    raw["governCheckPolicy"] = "WARN"
    settings.save()  # the masked key is sent back: the stored key is kept
    assert deployer.get_infra("staging").get_settings().get_raw()["governCheckPolicy"] == "WARN"
    make_project(dss.client())
    export_and_publish(dss.client().get_project("SHOP"), "v1")
    deploy(dss.client(), "SHOP", "v1")  # still reaches the node with the real key
    assert active_bundle(dss.client("staging"), "SHOP") == "v1"

    raw["governCheckPolicy"] = "SOMETIMES"
    with pytest.raises(DataikuException, match="Invalid governCheckPolicy: 'SOMETIMES'"):
        settings.save()


def test_create_infra_without_a_node_fails_updates_clearly(dss):
    client = dss.client()
    deployer = client.get_projectdeployer()
    deployer.create_infra("lab", "Test")
    with pytest.raises(DataikuException, match="Infra lab already exists"):
        deployer.create_infra("lab", "Test")
    export_and_publish(make_project(client), "v1")
    deployment = deployer.create_deployment("SHOP-on-lab", "SHOP", "lab", "v1")
    with pytest.raises(DataikuException, match="Infra lab has no automation node"):
        deployment.start_update().wait_for_result()
    assert deployment.get_status().get_health() == "ERROR"

    settings = deployer.get_infra("lab").get_settings()  # point it at a node by URL and key
    settings.get_raw().update(automationNodeUrl=dss.url("prod"), adminApiKey=dss.admin_key("prod"))
    settings.save()
    assert deployer.get_infra("lab").get_settings().get_raw()["adminApiKeyIsMasked"] is True
    deployment.start_update().wait_for_result()
    assert active_bundle(dss.client("prod"), "SHOP") == "v1"
    assert deployment.get_status().get_health() == "HEALTHY"


def test_deploy_to_staging_then_update_history(dss):
    client = dss.client()
    export_and_publish(make_project(client), "v1")
    deployer = client.get_projectdeployer()
    deployment = deployer.create_deployment("SHOP-on-staging", "SHOP", "staging", "v1")
    status = deployment.get_status()
    assert status.get_health() == "OUT_OF_SYNC"
    assert status.get_light()["neverEverDeployed"] is True
    assert "never been updated" in status.get_health_messages()["messages"][0]["message"]

    future = deployment.start_update()
    result = future.wait_for_result()
    assert result["bundleId"] == "v1" and result["deploymentId"] == "SHOP-on-staging"
    assert deployment.get_status().get_health() == "HEALTHY"
    staging = dss.client("staging")
    assert active_bundle(staging, "SHOP") == "v1"
    assert [d["name"] for d in staging.get_project("SHOP").list_datasets()] == ["clean", "raw"]

    [listed] = deployment.list_updates()
    assert listed.status == "SUCCESS"
    update = deployment.get_update()
    assert update.status == "SUCCESS" and update.requester == "admin"
    assert update.end_time >= update.start_time
    assert any("creating it from bundle v1" in line for line in update.logs)
    assert listed.get_full_update().get_raw()["bundleId"] == "v1"

    light = deployer.list_deployments(as_objects=False)[0]
    assert light["deploymentBasicInfo"]["bundleId"] == "v1" and light["neverEverDeployed"] is False
    assert [d.id for d in deployer.get_infra("staging").get_status().get_deployments()] == ["SHOP-on-staging"]
    assert [d.id for d in deployer.get_project("SHOP").get_status().get_deployments("staging")] == \
        ["SHOP-on-staging"]


def test_second_bundle_then_rollback(dss):
    client = dss.client()
    project = make_project(client)
    export_and_publish(project, "v1")
    deployment = deploy(client, "SHOP", "v1")
    project.create_dataset("extra", "Filesystem", params={"connection": "filesystem_managed", "path": "extra"})
    export_and_publish(project, "v2")

    settings = deployment.get_settings()
    settings.bundle_id = "v2"
    settings.save()
    status = deployment.get_status()
    assert status.get_health() == "OUT_OF_SYNC"  # configured, not applied yet
    assert "bundle v1 deployed, v2 configured" in status.get_health_messages()["messages"][0]["message"]
    deployment.start_update().wait_for_result()
    staging = dss.client("staging")
    assert active_bundle(staging, "SHOP") == "v2"
    assert "extra" in [d["name"] for d in staging.get_project("SHOP").list_datasets()]

    settings = deployment.get_settings()
    settings.bundle_id = "v1"  # rollback: the previous bundle, already imported on the node
    settings.save()
    deployment.start_update().wait_for_result()
    assert active_bundle(staging, "SHOP") == "v1"
    assert "extra" not in [d["name"] for d in staging.get_project("SHOP").list_datasets()]
    assert deployment.get_status().get_health() == "HEALTHY"
    assert [b["bundleId"] for b in staging.get_project("SHOP").list_imported_bundles()["bundles"]] == ["v1", "v2"]
    assert any("already imported" in line for line in deployment.get_update().logs)
    assert [u.status for u in deployment.list_updates()] == ["SUCCESS"] * 3


def test_activation_on_the_node_behind_the_deployers_back_is_out_of_sync(dss):
    client = dss.client()
    project = make_project(client)
    export_and_publish(project, "v1")
    export_and_publish(project, "v2")
    deployment = deploy(client, "SHOP", "v2")
    deploy(client, "SHOP", "v1")
    deploy(client, "SHOP", "v2")
    dss.client("staging").get_project("SHOP").activate_bundle("v1")
    status = deployment.get_status()
    assert status.get_health() == "OUT_OF_SYNC"
    assert "active bundle of project SHOP is v1, not v2" in status.get_health_messages()["messages"][0]["message"]


def test_deployment_creation_errors(dss):
    client = dss.client()
    export_and_publish(make_project(client), "v1")
    deployer = client.get_projectdeployer()
    deployer.create_deployment("SHOP-on-staging", "SHOP", "staging", "v1")
    with pytest.raises(DataikuException, match="already has a deployment with id SHOP-on-staging"):
        deployer.create_deployment("SHOP-on-staging", "SHOP", "prod", "v1")
    with pytest.raises(DataikuException, match="has no infra 'moon'"):
        deployer.create_deployment("d2", "SHOP", "moon", "v1")
    with pytest.raises(DataikuException, match="has no published project NOPE"):
        deployer.create_deployment("d2", "NOPE", "staging", "v1")
    with pytest.raises(DataikuException, match="Published project SHOP has no bundle v9"):
        deployer.create_deployment("d2", "SHOP", "prod", "v9")
    with pytest.raises(DataikuException, match="deploymentId must use letters.*got 'bad id'"):
        deployer.create_deployment("bad id", "SHOP", "prod", "v1")
    with pytest.raises(DataikuException, match="already deploys to project SHOP on infra staging"):
        deployer.create_deployment("d2", "SHOP", "staging", "v1")
    settings = deployer.get_deployment("SHOP-on-staging").get_settings()
    settings.get_raw()["infraId"] = "prod"
    with pytest.raises(DataikuException, match="Cannot change infraId of deployment SHOP-on-staging"):
        settings.save()
    assert [d.id for d in deployer.list_deployments()] == ["SHOP-on-staging"]


def test_deployed_project_key_may_differ_from_the_published_one(dss):
    client = dss.client()
    export_and_publish(make_project(client), "v1")
    deployer = client.get_projectdeployer()
    deployment = deployer.create_deployment("shop-copy", "SHOP", "prod", "v1", deployed_project_key="SHOP_COPY")
    deployment.start_update().wait_for_result()
    assert active_bundle(dss.client("prod"), "SHOP_COPY") == "v1"
    assert deployment.get_status().get_health() == "HEALTHY"


def test_published_projects_upload_download_and_delete(dss):
    client = dss.client()
    project = make_project(client)
    project.export_bundle("v1")
    with project.get_exported_bundle_archive_stream("v1") as stream:
        archive = stream.content
    deployer = client.get_projectdeployer()
    deployer.upload_bundle(io.BytesIO(archive))  # the bundle's own project key
    deployer.upload_bundle(io.BytesIO(archive), project_key="OTHER")
    assert [p.id for p in deployer.list_projects()] == ["OTHER", "SHOP"]
    published = deployer.get_project("SHOP")
    with published.get_bundle_stream("v1") as stream:
        assert stream.content == archive
    with pytest.raises(DataikuException, match="was already published to project SHOP"):
        deployer.upload_bundle(io.BytesIO(archive))
    with pytest.raises(DataikuException, match="is not a zip file"):
        deployer.upload_bundle(io.BytesIO(b"nope"))
    # a published project's key follows the project key rule; the error names the field the caller sent
    rule = "must start with an uppercase letter and contain only A-Z, 0-9 and _, got 'bad-key'"
    with pytest.raises(DataikuException, match=f"IllegalArgumentException: projectKey {rule}"):
        deployer.upload_bundle(io.BytesIO(archive), project_key="bad-key")
    with pytest.raises(DataikuException, match=f"IllegalArgumentException: publishedProjectKey {rule}"):
        deployer.create_project("bad-key")

    deployment = deployer.create_deployment("SHOP-on-staging", "SHOP", "staging", "v1")
    with pytest.raises(DataikuException, match="deployment SHOP-on-staging is set to deploy it"):
        published.delete_bundle("v1")
    with pytest.raises(DataikuException, match="Cannot delete published project SHOP"):
        published.delete()
    disable_and_delete(deployment)
    published.delete_bundle("v1")
    assert published.get_status().get_bundles() == []
    published.delete()
    assert [p.id for p in deployer.list_projects()] == ["OTHER"]
    with pytest.raises(DataikuException, match="Published project SHOP already exists|has no published project"):
        deployer.get_project("SHOP").get_settings()


def test_published_project_settings_and_governance_status(dss):
    client = dss.client()
    export_and_publish(make_project(client), "v1")
    deployer = client.get_projectdeployer()
    settings = deployer.get_project("SHOP").get_settings()
    settings.get_raw()["name"] = "The shop"
    settings.save()
    assert deployer.get_project("SHOP").get_status().get_raw()["projectBasicInfo"]["name"] == "The shop"
    deployment = deployer.create_deployment("SHOP-on-staging", "SHOP", "staging", "v1")
    assert deployer.get_project("SHOP").get_project_standards_report("v1") is None  # not evaluated
    governance = deployment.get_governance_status()
    assert governance["error"] is False and "no Govern node" in governance["messages"][0]["message"]
    with pytest.raises(DataikuException, match="Project Deployer runs on the design node; staging"):
        dss.client("staging").get_projectdeployer().list_deployments()


def test_deployer_writes_need_an_admin_key(dss):
    export_and_publish(make_project(dss.client()), "v1")
    key = dss.create_api_key("design", label="reader", projects={"SHOP": "read"})
    deployer = dss.client(api_key=key).get_projectdeployer()
    assert [p.id for p in deployer.list_projects()] == ["SHOP"]
    with pytest.raises(DataikuException, match="UnauthorizedException"):
        deployer.create_deployment("SHOP-on-staging", "SHOP", "staging", "v1")


def disable_and_delete(deployment) -> None:
    """A deployment goes only once disabled (``enabled: false``) and updated since (EV-X07)."""
    with pytest.raises(DataikuException, match="Cannot delete deployment SHOP-on-staging: it is enabled"):
        deployment.delete()
    settings = deployment.get_settings()
    assert settings.get_raw()["enabled"] is True
    settings.get_raw()["enabled"] = False
    settings.save()
    with pytest.raises(DataikuException, match="it was disabled but not updated since"):
        deployment.delete()
    deployment.start_update().wait_for_result()
    deployment.delete()


def test_a_disabled_deployment_update_deploys_nothing_and_then_it_may_go(dss):
    client = dss.client()
    export_and_publish(make_project(client), "v1")
    deployment = client.get_projectdeployer().create_deployment("SHOP-on-staging", "SHOP", "staging", "v1")
    settings = deployment.get_settings()
    settings.get_raw()["enabled"] = "no"
    with pytest.raises(DataikuException, match="Invalid enabled: 'no'"):
        settings.save()
    disable_and_delete(deployment)
    assert active_bundle(dss.client("staging"), "SHOP") is None
    assert client.get_projectdeployer().list_deployments() == []


def _scheduled_scenario(project, name: str):
    """A scenario of ``project`` running its automatic triggers (one every 5 minutes)."""
    scenario = project.create_scenario(name, "step_based")
    settings = scenario.get_settings()
    settings.active = True
    settings.add_periodic_trigger(every_minutes=5)
    settings.save()
    return scenario


def _auto_triggers(project) -> dict:
    """Per scenario id, as the client reads them: (runs its automatic triggers, each trigger's own active flag)."""
    return {s.id: (s.get_settings().active, [t["active"] for t in s.get_settings().raw_triggers])
            for s in project.list_scenarios(as_type="objects")}


def test_disable_automatic_triggers_turns_every_scenario_off_at_the_update(dss):
    client = dss.client()
    design_project = make_project(client)
    _scheduled_scenario(design_project, "NIGHTLY")
    export_and_publish(design_project, "v1")
    deployment = deploy(client, "SHOP", "v1")
    staging_project = dss.client("staging").get_project("SHOP")
    assert _auto_triggers(staging_project) == {"NIGHTLY": (True, [True])}
    _scheduled_scenario(staging_project, "LOCAL_WATCH")  # an automation-local scenario

    settings = deployment.get_settings()
    settings.get_raw()["disableAutomaticTriggers"] = "yes"
    with pytest.raises(DataikuException, match="Invalid disableAutomaticTriggers: 'yes'"):
        settings.save()
    settings.get_raw().update(disableAutomaticTriggers=True, scenariosToActivate={"NIGHTLY": True})
    settings.save()
    assert _auto_triggers(staging_project) == {"LOCAL_WATCH": (True, [True]), "NIGHTLY": (True, [True])}
    deployment.start_update().wait_for_result()
    assert _auto_triggers(staging_project) == {"LOCAL_WATCH": (False, [True]), "NIGHTLY": (False, [True])}
    assert staging_project.get_scenario("NIGHTLY").get_status().get_raw()["active"] is False
    assert "Automatic triggers of scenario LOCAL_WATCH disabled (disableAutomaticTriggers)" in \
        "\n".join(deployment.get_update().logs)
    status = deployment.get_status()
    assert status.get_health() == "HEALTHY" and status.get_heavy()["monitoring"]["hasActiveScenarios"] is False

    settings = deployment.get_settings()
    settings.get_raw()["disableAutomaticTriggers"] = False
    settings.save()
    deployment.start_update().wait_for_result()
    assert _auto_triggers(staging_project) == {"LOCAL_WATCH": (False, [True]), "NIGHTLY": (True, [True])}
