"""Helpers for bundle and deployer tests: a small design project, export + publish, deploy and wait."""
from __future__ import annotations

import io
import zipfile

RAW_CSV = "id,name\n1,alpha\n2,beta\n"


def make_project(client, key: str = "SHOP", commit_mode: str = "AUTO", extra_connection: str | None = None):
    """A design project with uploaded dataset ``raw`` (its data travels in bundles) and managed ``clean``.

    ``extra_connection`` adds a dataset ``remote`` stored in that connection.
    """
    project = client.create_project(key, key.title(), "admin", settings={"gitCommitMode": commit_mode})
    raw = project.create_upload_dataset("raw", connection="filesystem_managed")
    raw.uploaded_add_file(io.BytesIO(RAW_CSV.encode()), "raw.csv")
    project.create_dataset("clean", "Filesystem", params={"connection": "filesystem_managed",
                                                          "path": "${projectKey}/clean"})
    if extra_connection:
        project.create_dataset("remote", "Filesystem", params={"connection": extra_connection, "path": "remote"})
    settings = project.get_settings()
    settings.get_raw()["bundleExporterSettings"]["exportOptions"]["includedDatasetsData"] = [
        {"name": "raw", "type": "UploadedFiles"}]
    settings.save()
    if commit_mode == "EXPLICIT":
        project.get_project_git().commit("initial content")
    return project


def head(project) -> str:
    return project.get_project_git().log(count=1)["entries"][0]["commit"]


def archive_members(project, bundle_id: str) -> dict[str, bytes]:
    with project.get_exported_bundle_archive_stream(bundle_id) as stream:
        content = stream.content
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return {name: zf.read(name) for name in zf.namelist() if not name.endswith("/")}


def export_and_publish(project, bundle_id: str) -> None:
    project.export_bundle(bundle_id)
    project.publish_bundle(bundle_id)


def deploy(client, project_key: str, bundle_id: str, infra: str = "staging", deployment_id: str | None = None):
    """Create (or point) the deployment at ``bundle_id`` and run an update to completion; return the deployment."""
    deployer = client.get_projectdeployer()
    deployment_id = deployment_id or f"{project_key}-on-{infra}"
    if deployment_id in [d.id for d in deployer.list_deployments()]:
        deployment = deployer.get_deployment(deployment_id)
        settings = deployment.get_settings()
        settings.bundle_id = bundle_id
        settings.save()
    else:
        deployment = deployer.create_deployment(deployment_id, project_key, infra, bundle_id)
    deployment.start_update().wait_for_result()
    return deployment


def active_bundle(client, project_key: str) -> str | None:
    """The bundle id active for ``project_key`` on a node, read from the project list as deploy scripts do."""
    item = next((p for p in client.list_projects() if p["projectKey"] == project_key), None)
    return None if item is None else (item.get("activeBundleState") or {}).get("bundleId")
