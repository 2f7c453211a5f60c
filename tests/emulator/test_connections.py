"""Connections (``/admin/connections``), the built-in upload location, and the connection checks of activation:
names, types and remapping (infra-level and deployment-level), through the real dataikuapi client."""
import io

import pytest
from dataikuapi.utils import DataikuException

from .deploy_helpers import RAW_CSV, active_bundle, deploy, export_and_publish


def _upload_only_project(client, key: str = "UPL", upload_connection: str | None = None):
    """A project whose only dataset is an uploaded one, on the default location unless ``upload_connection``."""
    project = client.create_project(key, key.title(), "admin")
    if upload_connection is None:
        raw = project.create_upload_dataset("raw")
    else:
        raw = project.create_dataset("raw", "UploadedFiles", params={"uploadConnection": upload_connection})
    raw.uploaded_add_file(io.BytesIO(RAW_CSV.encode()), "raw.csv")
    settings = project.get_settings()
    settings.get_raw()["bundleExporterSettings"]["exportOptions"]["includedDatasetsData"] = [
        {"name": "raw", "type": "UploadedFiles"}]
    settings.save()
    return project


def _sql_project(client, connection: str = "sql-dev"):
    """A project with a dataset ``orders`` stored in ``connection``."""
    project = client.create_project("SQLP", "Sql project", "admin")
    project.create_dataset("orders", "PostgreSQL", params={"connection": connection, "table": "orders"})
    return project


def test_connections_are_listed_created_edited_and_deleted_through_the_client(dss):
    client = dss.client("staging")
    listed = client.list_connections()
    assert list(listed) == ["filesystem_managed"] and listed["filesystem_managed"].type == "Filesystem"
    assert listed["filesystem_managed"]["allowManagedDatasets"] is True

    connection = client.create_connection("Sales DB", "PostgreSQL", params={"host": "db", "db": "sales"})
    assert sorted(client.list_connections()) == ["Sales DB", "filesystem_managed"]
    assert client.list_connections_names("PostgreSQL") == ["Sales DB"]
    assert connection.get_info().get_type() == "PostgreSQL"
    settings = connection.get_settings()
    settings.get_raw()["params"]["db"] = "sales_v2"
    settings.save()
    assert client.get_connection("Sales DB").get_settings().get_raw()["params"] == {"host": "db", "db": "sales_v2"}

    with pytest.raises(DataikuException, match="Connection Sales DB already exists"):
        client.create_connection("Sales DB", "PostgreSQL")
    with pytest.raises(DataikuException, match="Invalid connection name: 'a/b'"):
        client.create_connection("a/b", "PostgreSQL")
    connection.delete()
    assert list(client.list_connections()) == ["filesystem_managed"]
    with pytest.raises(DataikuException, match="This call needs an admin API key"):
        dss.client("staging", dss.create_api_key("staging", label="ci")).list_connections()


@pytest.mark.parametrize("upload_connection", [None, "Default (in DSS data dir.)"])
def test_an_uploaded_dataset_on_the_default_location_deploys_without_any_connection(dss, upload_connection):
    design = dss.client("design")
    project = _upload_only_project(design, upload_connection=upload_connection)
    staging = dss.client("staging")
    staging.get_connection("filesystem_managed").delete()  # the default location is no connection
    export_and_publish(project, "v1")
    manifest = project.list_exported_bundles()["bundles"][0]["exportManifest"]
    assert manifest["requiredConnections"] == []

    deployment = deploy(design, "UPL", "v1")
    assert active_bundle(staging, "UPL") == "v1"
    assert deployment.get_status().get_health() == "HEALTHY"
    rows = list(staging.get_project("UPL").get_dataset("raw").iter_rows())
    assert rows == [[1, "alpha"], [2, "beta"]]


def test_an_uploaded_dataset_on_a_named_connection_needs_it(dss):
    design = dss.client("design")
    project = _upload_only_project(design, upload_connection="filesystem_managed")
    dss.client("staging").get_connection("filesystem_managed").delete()
    export_and_publish(project, "v1")
    with pytest.raises(DataikuException, match="ERR_BUNDLE_ACTIVATE_MISSING_CONNECTION: Connection "
                                               "filesystem_managed is required by dataset.s. raw"):
        deploy(design, "UPL", "v1")


def test_connection_types_are_compared_at_activation(dss):
    design, staging = dss.client("design"), dss.client("staging")
    design.create_connection("warehouse", "PostgreSQL")
    staging.create_connection("warehouse", "MySql")
    project = _sql_project(design, "warehouse")
    export_and_publish(project, "v1")
    with pytest.raises(DataikuException, match="ERR_BUNDLE_ACTIVATE_BAD_CONNECTION_TYPE: Connection warehouse used "
                                               "by dataset.s. orders is of type MySql on node staging, but bundle "
                                               "v1 needs a PostgreSQL connection"):
        deploy(design, "SQLP", "v1")
    assert active_bundle(staging, "SQLP") is None


def _set_deployment_remapping(deployment, pairs: list[tuple[str, str]]) -> None:
    settings = deployment.get_settings()
    settings.get_raw()["bundleContainerSettings"]["remapping"]["connections"] = [
        {"source": source, "target": target} for source, target in pairs]
    settings.save()


def test_deployment_remapping_requires_the_target_of_the_same_type(dss):
    design, staging = dss.client("design"), dss.client("staging")
    design.create_connection("sql-dev", "PostgreSQL")
    staging.create_connection("sql prod", "PostgreSQL")
    staging.create_connection("files", "Filesystem")
    export_and_publish(_sql_project(design), "v1")
    deployment = design.get_projectdeployer().create_deployment("SQLP-on-staging", "SQLP", "staging", "v1")
    with pytest.raises(DataikuException, match="ERR_BUNDLE_ACTIVATE_MISSING_CONNECTION: Connection sql-dev is"):
        deployment.start_update().wait_for_result()

    _set_deployment_remapping(deployment, [("sql-dev", "sql-missing")])
    with pytest.raises(DataikuException, match=r"Connection sql-missing \(remapped from sql-dev\) is required"):
        deployment.start_update().wait_for_result()
    _set_deployment_remapping(deployment, [("sql-dev", "files")])
    with pytest.raises(DataikuException, match=r"BAD_CONNECTION_TYPE: Connection files \(remapped from sql-dev\)"):
        deployment.start_update().wait_for_result()

    _set_deployment_remapping(deployment, [("sql-dev", "sql prod")])
    deployment.start_update().wait_for_result()
    assert active_bundle(staging, "SQLP") == "v1"
    assert "Connection sql-dev is remapped to sql prod" in "\n".join(
        design._perform_json("GET", "/project-deployer/deployments/SQLP-on-staging/last-update")["logs"]["lines"])
    with pytest.raises(DataikuException, match="remapping.connections must be a list of"):
        _set_deployment_remapping(deployment, [("sql-dev", "")])


def test_infra_remapping_survives_saving_and_applies_unless_the_deployment_overrides_it(dss):
    design, staging = dss.client("design"), dss.client("staging")
    design.create_connection("sql-dev", "PostgreSQL")
    staging.create_connection("sql-prod", "PostgreSQL")
    staging.create_connection("sql-other", "PostgreSQL")
    export_and_publish(_sql_project(design), "v1")
    infra = design.get_projectdeployer().get_infra("staging")
    settings = infra.get_settings()
    settings.get_raw()["bundleContainerSettings"] = {
        "remapping": {"connections": [{"source": "sql-dev", "target": "sql-prod"}], "codeEnvs": []}}
    settings.save()
    settings = infra.get_settings()
    settings.get_raw()["stage"] = "Test"
    settings.save()  # a later save of other fields keeps the remapping
    assert infra.get_settings().get_raw()["bundleContainerSettings"]["remapping"]["connections"] == [
        {"source": "sql-dev", "target": "sql-prod"}]

    deployment = deploy(design, "SQLP", "v1")
    assert active_bundle(staging, "SQLP") == "v1"
    staging.get_connection("sql-prod").delete()
    _set_deployment_remapping(deployment, [("sql-dev", "sql-other")])  # the deployment's own remapping wins
    deployment.start_update().wait_for_result()
    assert deployment.get_status().get_health() == "HEALTHY"


def test_every_connection_problem_of_an_activation_is_named_under_the_code_of_the_first(dss):
    design, staging = dss.client("design"), dss.client("staging")
    design.create_connection("sql-dev", "PostgreSQL")
    design.create_connection("warehouse", "PostgreSQL")
    staging.create_connection("warehouse", "MySql")
    project = _sql_project(design)
    project.create_dataset("stock", "PostgreSQL", params={"connection": "warehouse", "table": "stock"})
    project.export_bundle("v1")
    with project.get_exported_bundle_archive_stream("v1") as stream:
        staging.create_project_from_bundle_archive(io.BytesIO(stream.content))
    automation = staging.get_project("SQLP")

    preload = automation.preload_bundle("v1")
    assert [m["code"] for m in preload["messages"]] == ["WARN_BUNDLE_PRELOAD_MISSING_CONNECTION",
                                                         "WARN_BUNDLE_PRELOAD_BAD_CONNECTION_TYPE"]
    with pytest.raises(DataikuException) as raised:
        automation.activate_bundle("v1")
    assert str(raised.value) == (
        "com.dataiku.dip.exceptions.CodedException: ERR_BUNDLE_ACTIVATE_MISSING_CONNECTION: Connection sql-dev is "
        "required by dataset(s) orders of bundle v1 but does not exist on node staging; Connection warehouse used by "
        "dataset(s) stock is of type MySql on node staging, but bundle v1 needs a PostgreSQL connection")
    assert active_bundle(staging, "SQLP") is None
