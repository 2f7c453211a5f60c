"""Project Deployer reads and futures are scoped like project routes: a key scoped to SHOP sees SHOP's published
project, bundles, deployments and futures, and nothing of SECRET (403 in DSS's error shape, lists filtered)."""
import pytest
import requests
from dataikuapi.utils import DataikuException

from ..emulator.deploy_helpers import export_and_publish, make_project


@pytest.fixture
def world(dss):
    """SHOP and SECRET published and deployed on staging, each with an update future that never finishes."""
    admin = dss.client()
    for key in ("SHOP", "SECRET"):
        export_and_publish(make_project(admin, key), "v1")
        admin.get_projectdeployer().create_deployment(f"{key}-on-staging", key, "staging", "v1")
    dss.control("design", "POST", "faults/futures", {"count": 2})
    futures = {key: admin.get_projectdeployer().get_deployment(f"{key}-on-staging").start_update().job_id
               for key in ("SHOP", "SECRET")}
    key = dss.create_api_key("design", label="shop-ci", projects={"SHOP": "write"})
    return {"dss": dss, "scoped": dss.client(api_key=key), "key": key, "futures": futures}


def _denied(call, access: str = "read") -> None:
    with pytest.raises(DataikuException, match=f"UnauthorizedException: The API key does not have {access} access "
                                               "to project SECRET"):
        call()


def test_published_projects_and_bundle_archives_are_scoped(world):
    deployer = world["scoped"].get_projectdeployer()
    assert [p.id for p in deployer.list_projects()] == ["SHOP"]
    assert deployer.get_project("SHOP").get_status().get_raw()["projectBasicInfo"]["id"] == "SHOP"
    with deployer.get_project("SHOP").get_bundle_stream("v1") as stream:
        assert stream.content[:2] == b"PK"
    secret = deployer.get_project("SECRET")
    _denied(secret.get_status)
    _denied(secret.get_settings)
    _denied(lambda: secret.get_bundle_stream("v1"))
    _denied(lambda: secret.get_project_standards_report("v1"))


def test_deployments_are_scoped(world):
    deployer = world["scoped"].get_projectdeployer()
    assert [d.id for d in deployer.list_deployments()] == ["SHOP-on-staging"]
    infra = deployer.get_infra("staging").get_status().get_raw()
    assert [d["id"] for d in infra["deployments"]] == ["SHOP-on-staging"]
    assert [i["deploymentBasicInfo"]["id"] for i in deployer.list_deployments(as_objects=False)] == \
        ["SHOP-on-staging"]
    secret = deployer.get_deployment("SECRET-on-staging")
    for call in (secret.get_status, secret.get_settings, secret.get_governance_status, secret.get_testing_status,
                 lambda: secret.get_status().get_heavy()):
        _denied(call)
    with pytest.raises(DataikuException, match="NotFoundException"):
        deployer.get_deployment("NOPE-on-staging").get_settings()


def test_futures_are_scoped(world):
    scoped, futures = world["scoped"], world["futures"]
    assert [f["jobId"] for f in scoped.list_futures()] == [futures["SHOP"]]
    assert sorted(f["jobId"] for f in world["dss"].client().list_futures()) == sorted(futures.values())
    assert scoped.get_future(futures["SHOP"]).get_state()["jobId"] == futures["SHOP"]
    _denied(lambda: scoped.get_future(futures["SECRET"]).get_state())
    _denied(lambda: scoped.get_future(futures["SECRET"]).abort(), "write")
    assert world["dss"].client().get_future(futures["SECRET"]).get_state()["aborted"] is False


def test_a_read_only_key_cannot_abort_and_the_answer_is_dss_shaped(world):
    dss = world["dss"]
    reader = dss.create_api_key("design", label="viewer", projects={"SHOP": "read"})
    resp = requests.delete(f"{dss.url()}/dip/publicapi/futures/{world['futures']['SHOP']}", auth=(reader, ""),
                           timeout=30)
    assert resp.status_code == 403
    assert set(resp.json()) == {"errorType", "message", "detailedMessage"}
    assert "write access to project SHOP" in resp.json()["detailedMessage"]
    assert dss.client().get_future(world["futures"]["SHOP"]).get_state()["aborted"] is False


def test_an_archive_path_cannot_reach_into_the_data_directory(dss):
    """importFromArchive reads a server path: it may not read another project's bundle from the emulator's data."""
    admin = dss.client()
    export_and_publish(make_project(admin, "SHOP"), "v1")
    archive = dss.server.instances["design"].root / "bundles" / "exported" / "SHOP" / "v1.zip"
    assert archive.is_file()
    staging = dss.client("staging")
    staging.create_project("MINE", "Mine", "admin")
    key = dss.create_api_key("staging", label="mine-admin", projects={"MINE": "admin"})
    mine = dss.client("staging", api_key=key).get_project("MINE")
    with pytest.raises(DataikuException, match="lies inside the emulator's data directory"):
        mine.import_bundle_from_archive(str(archive))
    assert staging.get_project("MINE").list_imported_bundles()["bundles"] == []
