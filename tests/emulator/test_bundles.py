"""Bundles through the real dataikuapi client: export on the design node, import and activate on automation."""
import io
import json
import zipfile

import pytest
import requests
from dataikuapi.utils import DataikuException

from .deploy_helpers import RAW_CSV, active_bundle, archive_members, head, make_project


def _archive(project, bundle_id: str) -> bytes:
    with project.get_exported_bundle_archive_stream(bundle_id) as stream:
        return stream.content


# --- design node --------------------------------------------------------------------------------------------
def _bundle_tags(project) -> dict[str, tuple[str, list[str]]]:
    """``{tag: (commit, annotations)}`` of the project's ``dss-bundle-`` tags, read with ``list_tags()``."""
    return {t["shortName"]: (t["commit"], t["annotations"]) for t in project.get_project_git().list_tags()
            if t["shortName"].startswith("dss-bundle-")}


def test_export_lists_the_bundle_and_tags_its_commit(dss):
    project = make_project(dss.client())
    first_head = head(project)
    item = project.export_bundle("v1", release_notes="first cut")
    assert item["bundleId"] == "v1"

    [listed] = project.list_exported_bundles()["bundles"]
    assert listed["bundleId"] == "v1" and listed["state"] == "BUILT"
    manifest = listed["exportManifest"]
    assert manifest["exportUserInfo"]["exportedBy"] == "admin"
    assert manifest["exportUserInfo"]["releaseNotes"] == "first cut"
    assert isinstance(manifest["exportUserInfo"]["exportedOn"], int)
    assert manifest["designNodeId"] == "design" and manifest["generatedWithDSSVersion"]
    assert manifest["originalProjectKey"] == "SHOP"
    assert manifest["requiredConnections"] == [{"name": "filesystem_managed", "type": "Filesystem",
                                                "usedBy": ["clean", "raw"]}]
    assert "publishedBundleState" not in listed
    assert not {"gitCommit", "changes"} & set(listed) and "gitCommit" not in manifest
    assert _bundle_tags(project) == {"dss-bundle-SHOP-v1": (first_head, ["Created Bundle for project SHOP: v1"])}

    project.set_variables({"standard": {"threshold": 3}, "local": {}})
    second_head = head(project)
    project.export_bundle("v2")
    assert _bundle_tags(project) == {"dss-bundle-SHOP-v1": (first_head, ["Created Bundle for project SHOP: v1"]),
                                     "dss-bundle-SHOP-v2": (second_head, ["Created Bundle for project SHOP: v2"])}
    assert second_head != first_head and head(project) == second_head  # tagging adds no commit


def test_bundle_tags_can_be_turned_off_like_the_dss_option(dss):
    project = make_project(dss.client())
    dss.control("design", "POST", "faults/bundle-tags", {"enabled": False})
    project.export_bundle("v1")
    assert _bundle_tags(project) == {}
    dss.control("design", "POST", "faults/bundle-tags", {"enabled": True})
    project.export_bundle("v2")
    assert list(_bundle_tags(project)) == ["dss-bundle-SHOP-v2"]


def test_duplicate_and_invalid_bundle_ids_are_refused(dss):
    project = make_project(dss.client())
    project.export_bundle("v1")
    with pytest.raises(DataikuException, match="AlreadyExistsException: .*v1 was already exported"):
        project.export_bundle("v1")
    with pytest.raises(DataikuException, match="bundleId must be .* got '-v2'"):
        project.export_bundle("-v2")
    assert [b["bundleId"] for b in project.list_exported_bundles()["bundles"]] == ["v1"]


def test_bundle_holds_committed_content_and_included_dataset_data(dss):
    project = make_project(dss.client(), commit_mode="EXPLICIT")
    project.create_dataset("draft", "Filesystem", params={"connection": "filesystem_managed", "path": "draft"})
    project.export_bundle("v1")  # the new dataset is not committed yet
    members = archive_members(project, "v1")
    assert "project_config/datasets/raw.json" in members
    assert "project_config/datasets/draft.json" not in members
    assert members["datasets_data/raw/data.csv"].decode() == RAW_CSV
    assert "datasets_data/clean/data.csv" not in members  # not listed in includedDatasetsData
    manifest = json.loads(members["export-manifest.json"])
    assert "gitCommit" not in manifest
    assert manifest["includedDatasetsData"] == [{"name": "raw", "type": "UploadedFiles"}]

    project.get_project_git().commit("add draft")
    project.export_bundle("v2")
    assert "project_config/datasets/draft.json" in archive_members(project, "v2")


def test_a_dataset_listed_for_data_must_be_committed(dss):
    project = make_project(dss.client())
    settings = project.get_settings()
    settings.get_raw()["bundleExporterSettings"]["exportOptions"]["includedDatasetsData"].append(
        {"name": "ghost", "type": "Filesystem"})
    settings.save()
    with pytest.raises(DataikuException, match="includedDatasetsData lists 'ghost'"):
        project.export_bundle("v1")
    assert project.list_exported_bundles()["bundles"] == []


def test_download_to_file_and_delete(dss, tmp_path):
    project = make_project(dss.client())
    project.export_bundle("v1")
    target = tmp_path / "v1.zip"
    project.download_exported_bundle_archive_to_file("v1", str(target))
    assert target.read_bytes()[:2] == b"PK"
    project.delete_exported_bundle("v1")
    assert project.list_exported_bundles()["bundles"] == []
    with pytest.raises(DataikuException, match="NotFoundException: Project SHOP has no exported bundle v1"):
        _archive(project, "v1")


def test_publish_creates_the_published_project_once(dss):
    client = dss.client()
    project = make_project(client)
    project.export_bundle("v1")
    state = project.publish_bundle("v1")
    assert state["publishedProjectKey"] == "SHOP" and state["publishedBy"] == "admin"
    listed = project.list_exported_bundles()["bundles"][0]
    assert listed["publishedBundleState"]["publishedOn"] == state["publishedOn"]
    status = client.get_projectdeployer().get_project("SHOP").get_status()
    [package] = status.get_bundles()
    assert package["id"] == "v1" and package["designNodeInfo"]["projectKey"] == "SHOP"
    with pytest.raises(DataikuException, match="Bundle v1 was already published to project SHOP"):
        project.publish_bundle("v1")
    project.publish_bundle("v1", published_project_key="SHOP_COPY")
    assert [p.id for p in client.get_projectdeployer().list_projects()] == ["SHOP", "SHOP_COPY"]


def test_bundles_are_exported_on_design_and_imported_on_automation_only(dss):
    design, staging = dss.client(), dss.client("staging")
    staging.create_project("AUTO", "Auto", "admin")
    with pytest.raises(DataikuException, match="exported on a design node; staging is an automation node"):
        staging.get_project("AUTO").export_bundle("v1")
    make_project(design)
    with pytest.raises(DataikuException, match="imported on an automation node; design is a design node"):
        design.get_project("SHOP").list_imported_bundles()


# --- automation node ----------------------------------------------------------------------------------------
def test_create_from_bundle_then_preload_and_activate(dss):
    project = make_project(dss.client())
    project.export_bundle("v1")
    staging = dss.client("staging")
    answer = staging.create_project_from_bundle_archive(io.BytesIO(_archive(project, "v1")))
    assert answer["projectKey"] == "SHOP"
    deployed = staging.get_project("SHOP")
    [imported] = deployed.list_imported_bundles()["bundles"]
    assert imported["bundleId"] == "v1" and isinstance(imported["importState"]["importedOn"], int)
    assert active_bundle(staging, "SHOP") is None  # imported, not active yet

    assert deployed.preload_bundle("v1")["anyMessage"] is False
    report = deployed.activate_bundle("v1")
    assert report["success"] and not report["error"]
    assert active_bundle(staging, "SHOP") == "v1"
    assert sorted(d["name"] for d in deployed.list_datasets()) == ["clean", "raw"]
    rows = list(deployed.get_dataset("raw").iter_rows())
    assert [list(r) for r in rows] == [[1, "alpha"], [2, "beta"]]
    assert deployed.get_project_git().log()["entries"][0]["message"] == "Activated bundle v1"


def test_activating_an_older_bundle_rolls_the_content_back_and_keeps_local_variables(dss):
    project = make_project(dss.client())
    project.export_bundle("v1")
    project.create_dataset("extra", "Filesystem", params={"connection": "filesystem_managed", "path": "extra"})
    project.export_bundle("v2")
    staging = dss.client("staging")
    staging.create_project_from_bundle_archive(io.BytesIO(_archive(project, "v1")))
    deployed = staging.get_project("SHOP")
    deployed.import_bundle_from_stream(io.BytesIO(_archive(project, "v2")))
    assert [b["bundleId"] for b in deployed.list_imported_bundles()["bundles"]] == ["v1", "v2"]
    deployed.activate_bundle("v2")
    deployed.set_variables({"standard": deployed.get_variables()["standard"], "local": {"env": "staging"}})
    assert "extra" in [d["name"] for d in deployed.list_datasets()]

    deployed.activate_bundle("v1")
    assert active_bundle(staging, "SHOP") == "v1"
    assert "extra" not in [d["name"] for d in deployed.list_datasets()]
    assert deployed.get_variables()["local"] == {"env": "staging"}


def test_import_from_a_path_on_the_node(dss, tmp_path):
    project = make_project(dss.client())
    project.export_bundle("v1")
    project.export_bundle("v2")
    for bundle_id in ("v1", "v2"):
        project.download_exported_bundle_archive_to_file(bundle_id, str(tmp_path / f"{bundle_id}.zip"))
    staging = dss.client("staging")
    assert staging.create_project_from_bundle_local_archive(str(tmp_path / "v1.zip"))["projectKey"] == "SHOP"
    deployed = staging.get_project("SHOP")
    assert deployed.import_bundle_from_archive(str(tmp_path / "v2.zip"))["bundleId"] == "v2"
    with pytest.raises(DataikuException, match="is not an existing file on the file system of node staging"):
        deployed.import_bundle_from_archive(str(tmp_path / "missing.zip"))
    with pytest.raises(DataikuException, match="ERR_PROJECT_INVALID_PROJECT_KEY: .*a project with key SHOP already"):
        staging.create_project_from_bundle_local_archive(str(tmp_path / "v1.zip"))


def test_a_bundle_whose_project_key_is_used_is_err_project_invalid_project_key(dss):
    """EV-P06: importing a bundle into a key already used on the node; the existing project is left as it was."""
    project = make_project(dss.client())
    project.export_bundle("v1")
    project.export_bundle("v2")
    staging = dss.client("staging")
    staging.create_project_from_bundle_archive(io.BytesIO(_archive(project, "v1")))
    before = staging.get_project("SHOP").list_imported_bundles()
    with pytest.raises(DataikuException, match=r"CodedException: ERR_PROJECT_INVALID_PROJECT_KEY: Cannot create "
                       r"project SHOP from bundle v2 on node staging: a project with key SHOP already exists \("
                       r"import the bundle into the existing project, or delete that project first\)"):
        staging.create_project_from_bundle_archive(io.BytesIO(_archive(project, "v2")))
    assert staging.get_project("SHOP").list_imported_bundles() == before
    resp = requests.post(f"{dss.url('staging')}/dip/publicapi/projectsFromBundle/", timeout=30,
                         auth=(dss.admin_key("staging"), ""), files={"file": io.BytesIO(_archive(project, "v2"))})
    assert (resp.status_code, resp.json()["code"]) == (400, "ERR_PROJECT_INVALID_PROJECT_KEY")


def test_a_bundle_with_an_invalid_project_key_is_err_project_invalid_project_key(dss):
    project = make_project(dss.client())
    project.export_bundle("v1")
    members = archive_members(project, "v1")
    manifest = json.loads(members["export-manifest.json"])
    members["export-manifest.json"] = json.dumps(dict(manifest, originalProjectKey="shop-1")).encode()
    staging = dss.client("staging")
    with pytest.raises(DataikuException, match="ERR_PROJECT_INVALID_PROJECT_KEY: Cannot create project shop-1 from "
                                               "bundle v1 on node staging: 'shop-1' is not a project key"):
        staging.create_project_from_bundle_archive(_zip(members))
    assert staging.list_project_keys() == []


def test_imported_bundle_rules(dss):
    project = make_project(dss.client())
    project.export_bundle("v1")
    project.export_bundle("v2")
    staging = dss.client("staging")
    staging.create_project_from_bundle_archive(io.BytesIO(_archive(project, "v1")))
    deployed = staging.get_project("SHOP")
    with pytest.raises(DataikuException, match="Project SHOP already has an imported bundle v1"):
        deployed.import_bundle_from_stream(io.BytesIO(_archive(project, "v1")))
    with pytest.raises(DataikuException, match="No bundle v9 was imported in project SHOP"):
        deployed.activate_bundle("v9")
    deployed.import_bundle_from_stream(io.BytesIO(_archive(project, "v2")))
    deployed.activate_bundle("v1")
    with pytest.raises(DataikuException, match="active bundle of project SHOP; activate another bundle first"):
        deployed.delete_imported_bundle("v1")
    deployed.delete_imported_bundle("v2")
    assert [b["bundleId"] for b in deployed.list_imported_bundles()["bundles"]] == ["v1"]


def test_an_archive_that_is_not_a_bundle_is_refused(dss):
    staging = dss.client("staging")
    with pytest.raises(DataikuException, match="Not a bundle archive: uploaded file 'file' is not a zip file"):
        staging.create_project_from_bundle_archive(io.BytesIO(b"not a zip"))
    assert staging.list_project_keys() == []


def _zip(members: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("members, problem", [
    ({"project_config/params.json": b"{}"}, "Not a bundle archive: uploaded file 'file' has no export-manifest.json"),
    ({"export-manifest.json": b"{"},
     "Invalid bundle archive: export-manifest.json of uploaded file 'file' is not JSON: "),
    ({"export-manifest.json": b'{"bundleId": "-v1", "originalProjectKey": "SHOP"}'},
     "Invalid bundle archive: export-manifest.json of uploaded file 'file' has an invalid bundleId '-v1'"),
    ({"export-manifest.json": b'{"bundleId": "v1"}'},
     "Invalid bundle archive: export-manifest.json of uploaded file 'file' has no originalProjectKey"),
    ({"export-manifest.json": b'{"bundleId": "v1", "originalProjectKey": "SHOP"}'},
     "Invalid bundle archive: uploaded file 'file' has no project_config/params.json"),
])
def test_a_malformed_bundle_archive_is_refused_naming_the_archive_and_the_problem(dss, members, problem):
    staging = dss.client("staging")
    with pytest.raises(DataikuException) as raised:
        staging.create_project_from_bundle_archive(_zip(members))
    assert str(raised.value).startswith(f"java.lang.IllegalArgumentException: {problem}")
    assert staging.list_project_keys() == []
