"""Project Deployer routes (``/project-deployer/...``), served by design nodes.

Reads are scoped like project routes (inferred: the emulator maps a published project to the design project of the
same key): a published project, its bundles and its deployments need read access to that project key, and lists
show only what the key may read. Writes need an admin key.
"""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.evidence import client
from ..core.messages import info_messages, message
from ..core.routing import Raw, RouteTable
from .models import DeployerBackend
from .testing import testing_status

routes = RouteTable(prefix="/dip/publicapi/project-deployer")


def _deployer(ctx: RequestContext) -> DeployerBackend:
    """The node's deployer (writes need an admin key: their routes declare ``global-admin``)."""
    ctx.instance.deployer.require_design()
    return ctx.instance.deployer


def _published(ctx: RequestContext, key: str) -> DeployerBackend:
    """The deployer, once the caller may read published project ``key`` (403 otherwise)."""
    deployer = _deployer(ctx)
    ctx.require_project(key)
    return deployer


def _deployment(ctx: RequestContext, dep_id: str) -> dict:
    """The deployment, once the caller may read its published project (404 when unknown, then 403)."""
    dep = _deployer(ctx).deployments.get(dep_id)
    ctx.require_project(dep["settings"]["publishedProjectKey"])
    return dep


def _deployment_backend(ctx: RequestContext, dep_id: str):
    """The deployments, once the caller may read deployment ``dep_id``."""
    _deployment(ctx, dep_id)
    return ctx.instance.deployer.deployments


def _visible(ctx: RequestContext, deployments: list[dict]) -> list[dict]:
    return [d for d in deployments if ctx.key.can(d["settings"]["publishedProjectKey"], "read")]


def _basic(dep: dict) -> dict:
    s = dep["settings"]
    return {"id": s["id"], "infraId": s["infraId"], "tags": s.get("tags", []), "publishedProjectKey":
            s["publishedProjectKey"], "bundleId": s["bundleId"], "deployedProjectKey": s["deployedProjectKey"],
            "projectFolderId": s.get("projectFolderId"), "createdByDisplayName": dep["createdBy"],
            "lastModifiedByDisplayName": dep["lastModifiedBy"]}


# --- infras -----------------------------------------------------------------------------------------------
def _infra_status(ctx: RequestContext, infra_id: str) -> dict:
    deployer = ctx.instance.deployer
    return {"isAdmin": ctx.key.admin, "canDeploy": ctx.key.admin,
            "infraBasicInfo": deployer.infras.basic_info(infra_id),
            "deployments": [_basic(d) for d in _visible(ctx, deployer.deployments.where(infraId=infra_id))]}


@routes.route("GET", "/infras", access="any-key",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployer.list_infras", "EV-X01"))
def list_infras(ctx: RequestContext):
    return [_infra_status(ctx, i) for i in _deployer(ctx).infras.ids()]


@routes.route("POST", "/infras", access="global-admin",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployer.create_infra", "EV-X01"))
def create_infra(ctx: RequestContext):
    body = ctx.json_object()
    _deployer(ctx).infras.create(body.get("id"), body.get("stage"), body.get("governCheckPolicy"))
    return {"id": body.get("id")}


@routes.route("GET", "/infras/{infra_id}", access="any-key",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerInfra.get_status", "EV-X01"))
def get_infra_status(ctx: RequestContext, infra_id: str):
    _deployer(ctx)
    return _infra_status(ctx, infra_id)


@routes.route("GET", "/infras/{infra_id}/settings", access="any-key",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerInfra.get_settings", "EV-X02"))
def get_infra_settings(ctx: RequestContext, infra_id: str):
    return _deployer(ctx).infras.settings(infra_id)


@routes.route("PUT", "/infras/{infra_id}/settings", access="global-admin",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerInfraSettings.save", "EV-X02", "EV-C02"))
def save_infra_settings(ctx: RequestContext, infra_id: str):
    _deployer(ctx).infras.save_settings(infra_id, ctx.json_object())


@routes.route("DELETE", "/infras/{infra_id}", access="global-admin",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerInfra.delete"))
def delete_infra(ctx: RequestContext, infra_id: str):
    _deployer(ctx).delete_infra(infra_id)


@routes.route("GET", "/stages", access="any-key",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployer.list_stages", "EV-X01"))
def list_stages(ctx: RequestContext):
    return _deployer(ctx).infras.stages()


# --- published projects -----------------------------------------------------------------------------------
def _project_status(ctx: RequestContext, key: str) -> dict:
    deployer = ctx.instance.deployer
    project = deployer.projects.get(key)
    return {"projectBasicInfo": {"id": key, "name": project["name"]}, "isAdmin": ctx.key.admin,
            "canDeploy": ctx.key.admin, "canWrite": ctx.key.admin, "packages": project["packages"],
            "deployments": [_basic(d) for d in deployer.deployments.where(publishedProjectKey=key)],
            "infras": [deployer.infras.basic_info(i) for i in deployer.infras.ids()]}


@routes.route("GET", "/projects", access="any-key",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployer.list_projects", "EV-B11"))
def list_published_projects(ctx: RequestContext):
    return [_project_status(ctx, key) for key in _deployer(ctx).projects.keys() if ctx.key.can(key, "read")]


@routes.route("POST", "/projects", access="global-admin",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployer.create_project"))
def create_published_project(ctx: RequestContext):
    project = _deployer(ctx).projects.create(ctx.json_object().get("publishedProjectKey"),
                                                         ctx.login)
    return {"id": project["id"]}


@routes.route("POST", "/projects/bundles", access="global-admin",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployer.upload_bundle", "EV-B09"))
def upload_bundle(ctx: RequestContext):
    projects = _deployer(ctx).projects
    projects.add_bundle(ctx.arg("projectKey"), ctx.file().content, ctx.login, {})


@routes.route("GET", "/projects/{key}", access="object-read",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerProject.get_status", "EV-B11"))
def get_published_project_status(ctx: RequestContext, key: str):
    _published(ctx, key)
    return _project_status(ctx, key)


@routes.route("GET", "/projects/{key}/settings", access="object-read",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerProject.get_settings"))
def get_published_project_settings(ctx: RequestContext, key: str):
    return _published(ctx, key).projects.settings(key)


@routes.route("PUT", "/projects/{key}/settings", access="global-admin",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerProjectSettings.save"))
def save_published_project_settings(ctx: RequestContext, key: str):
    _deployer(ctx).projects.save_settings(key, ctx.json_object())


@routes.route("DELETE", "/projects/{key}", access="global-admin",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerProject.delete", "EV-X07"))
def delete_published_project(ctx: RequestContext, key: str):
    _deployer(ctx).delete_project(key)


@routes.route("GET", "/projects/{key}/bundles/{bid}", access="object-read",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerProject.get_bundle_stream", "EV-B10"))
def download_published_bundle(ctx: RequestContext, key: str, bid: str):
    return Raw(_published(ctx, key).projects.archive_path(key, bid).read_bytes(), "application/zip")


@routes.route("DELETE", "/projects/{key}/bundles/{bid}", access="global-admin",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerProject.delete_bundle"))
def delete_published_bundle(ctx: RequestContext, key: str, bid: str):
    _deployer(ctx).delete_bundle(key, bid)


@routes.route("GET", "/projects/{key}/bundles/{bid}/project-standards-report", access="object-read",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerProject.get_project_standards_report"))
def get_standards_report(ctx: RequestContext, key: str, bid: str):
    """Project Standards are not evaluated by the emulator: no report, as DSS answers for a skipped evaluation."""
    _published(ctx, key).projects.package(key, bid)
    return Raw(b"null", "application/json")


# --- deployments ------------------------------------------------------------------------------------------
@routes.route("GET", "/deployments", access="any-key",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployer.list_deployments", "EV-X05"))
def list_deployments(ctx: RequestContext):
    deployer = _deployer(ctx)
    return [_light_status(deployer, dep["settings"]["id"])
            for dep in _visible(ctx, [deployer.deployments.get(dep_id) for dep_id in deployer.deployments.ids()])]


@routes.route("POST", "/deployments", access="global-admin",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployer.create_deployment", "EV-X03", "EV-X06"))
def create_deployment(ctx: RequestContext):
    dep = _deployer(ctx).deployments.create(ctx.json_object(), ctx.login)
    return {"id": dep["settings"]["id"]}


def _light_status(deployer: DeployerBackend, dep_id: str) -> dict:
    dep = deployer.deployments.get(dep_id)
    s = dep["settings"]
    project = deployer.projects.get(s["publishedProjectKey"])
    return {"deploymentBasicInfo": _basic(dep), "infraBasicInfo": deployer.infras.basic_info(s["infraId"]),
            "projectBasicInfo": {"id": project["id"], "name": project["name"]}, "packages": project["packages"],
            "neverEverDeployed": not any(u["status"] == "SUCCESS" for u in dep["updates"])}


@routes.route("GET", "/deployments/{dep_id}", access="object-read",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerDeployment.get_status", "EV-X05"))
def get_deployment_light_status(ctx: RequestContext, dep_id: str):
    _deployment(ctx, dep_id)
    return _light_status(ctx.instance.deployer, dep_id)


@routes.route("GET", "/deployments/{dep_id}/status", access="object-read",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerDeployment.get_status",
                              "EV-X05", "EV-X06", "EV-X10", "EV-T07",
                              unverified="the health of a never-updated deployment (EV-X10)"))
def get_deployment_heavy_status(ctx: RequestContext, dep_id: str):
    _deployment(ctx, dep_id)
    health, messages, monitoring = ctx.instance.deployer.deployments.health(dep_id)
    return {"deploymentId": dep_id, "health": health, "healthMessages": info_messages(messages),
            "monitoring": monitoring}


@routes.route("GET", "/deployments/{dep_id}/settings", access="object-read",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerDeployment.get_settings", "EV-C06"))
def get_deployment_settings(ctx: RequestContext, dep_id: str):
    return _deployment(ctx, dep_id)["settings"]


@routes.route("PUT", "/deployments/{dep_id}/settings", access="global-admin",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerDeploymentSettings.save",
                              "EV-C06", "EV-X04", "EV-X09"))
def save_deployment_settings(ctx: RequestContext, dep_id: str):
    _deployer(ctx).deployments.save_settings(dep_id, ctx.json_object(), ctx.login)


@routes.route("DELETE", "/deployments/{dep_id}", access="global-admin",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerDeployment.delete", "EV-X07"))
def delete_deployment(ctx: RequestContext, dep_id: str):
    _deployer(ctx).deployments.delete(dep_id)


@routes.route("POST", "/deployments/{dep_id}/actions/update", access="global-admin",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerDeployment.start_update",
                              "EV-X03", "EV-X04", "EV-F03", "EV-C02", "EV-C03", "EV-C05", "EV-S08",
                              unverified="what disableAutomaticTriggers turns off: each scenario's active flag, "
                                         "automation-local scenarios included (EV-X04 names the option only)"))
def start_update(ctx: RequestContext, dep_id: str):
    return ctx.instance.futures.answer(_deployer(ctx).deployments.start_update(dep_id, ctx.login))


@routes.route("GET", "/deployments/{dep_id}/update", access="object-read",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerDeployment.list_updates",
                              "EV-X08", "EV-X10",
                              unverified="the update records (EV-X10)"))
def list_updates(ctx: RequestContext, dep_id: str):
    return [{k: u[k] for k in ("startTimestamp", "endTimestamp", "type", "status", "bundleId", "requester")}
            for u in _deployment_backend(ctx, dep_id).updates(dep_id)]


@routes.route("GET", "/deployments/{dep_id}/last-update", access="object-read",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerDeployment.get_update", "EV-X08", "EV-X10",
                              unverified="the update records (EV-X10)"))
def get_last_update(ctx: RequestContext, dep_id: str):
    return _deployment_backend(ctx, dep_id).update(dep_id)


@routes.route("GET", "/deployments/{dep_id}/update/{ts}", access="object-read",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerDeploymentUpdateListItem.get_full_update",
                              "EV-X08", "EV-X10",
                              unverified="the update records (EV-X10)"))
def get_update(ctx: RequestContext, dep_id: str, ts: str):
    return _deployment_backend(ctx, dep_id).update(dep_id, ts)


@routes.route("GET", "/deployments/{dep_id}/governance-status", access="object-read",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerDeployment.get_governance_status",
                              "EV-X08", "EV-X09"))
def get_governance_status(ctx: RequestContext, dep_id: str):
    """No Govern node is emulated: say so as an info message; nothing blocks the deployment."""
    dep = _deployment(ctx, dep_id)
    bundle_id = ctx.arg("bundleId") or dep["settings"]["bundleId"]
    return info_messages([message("INFO", "INFO_GOVERN_NOT_EMULATED", "No Govern node",
                                  f"No Govern sign-off is checked for bundle {bundle_id}: the emulator has no "
                                  f"Govern node")])


@routes.route("GET", "/deployments/{dep_id}/testing-status", access="object-read",
              evidence=client("dss/projectdeployer.py", "DSSProjectDeployerDeployment.get_testing_status",
                              "EV-S02", "EV-S03"))
def get_testing_status(ctx: RequestContext, dep_id: str):
    """Test scenario outcomes of the deployed project on the infra's automation node (see ``testing.py``)."""
    settings = _deployment(ctx, dep_id)["settings"]
    return testing_status(ctx.instance.deployer.infras.target(settings["infraId"]), settings["deployedProjectKey"],
                          ctx.arg("bundleId"))
