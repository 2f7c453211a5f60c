"""Bundle routes: export / list / download / publish on a design node; import / activate on automation nodes."""
from __future__ import annotations

from pathlib import Path

from ..core.context import RequestContext
from ..core.evidence import client
from ..core.routing import Raw, RouteTable
from .exceptions import ArchivePathInDataDir, ArchivePathNotAFile, MissingArchivePath

routes = RouteTable()


# --- design node ------------------------------------------------------------------------------------------
@routes.route("GET", "/projects/{pk}/bundles/exported", access="read",
              evidence=client("dss/project.py", "DSSProject.list_exported_bundles", "EV-B07"))
def list_exported(ctx: RequestContext, pk: str):
    return {"bundles": ctx.instance.bundles.exported.list(ctx.instance.projects.get(pk))}


@routes.route("PUT", "/projects/{pk}/bundles/exported/{bid}", access="write",
              evidence=client("dss/project.py", "DSSProject.export_bundle",
                              "EV-B01", "EV-B02", "EV-B03", "EV-B04", "EV-B05",
                              unverified="the tag's name and message (inferred from the archive name, EV-B05), the "
                                         "exportedOn format, the zip layout and export-manifest fields (EV-B12)"))
def export_bundle(ctx: RequestContext, pk: str, bid: str):
    project = ctx.instance.projects.get(pk)
    return ctx.instance.bundles.exported.export(project, bid, ctx.login, ctx.arg("releaseNotes"),
                                                ctx.flag("evaluateProjectStandardsChecks", True))


@routes.route("DELETE", "/projects/{pk}/bundles/exported/{bid}", access="write",
              evidence=client("dss/project.py", "DSSProject.delete_exported_bundle", "EV-B10"))
def delete_exported(ctx: RequestContext, pk: str, bid: str):
    ctx.instance.bundles.exported.delete(ctx.instance.projects.get(pk), bid)


@routes.route("GET", "/projects/{pk}/bundles/exported/{bid}/archive", access="read",
              evidence=client("dss/project.py", "DSSProject.get_exported_bundle_archive_stream", "EV-B05", "EV-B12",
                              unverified="the zip layout (EV-B12)"))
def download_exported(ctx: RequestContext, pk: str, bid: str):
    path = ctx.instance.bundles.exported.archive_path(ctx.instance.projects.get(pk), bid)
    return Raw(path.read_bytes(), "application/zip")


@routes.route("POST", "/projects/{pk}/bundles/{bid}/publish", access="write",
              evidence=client("dss/project.py", "DSSProject.publish_bundle", "EV-B09", "EV-B11"))
def publish_bundle(ctx: RequestContext, pk: str, bid: str):
    return ctx.instance.bundles.exported.publish(ctx.instance.projects.get(pk), bid, ctx.login,
                                                 ctx.arg("publishedProjectKey"))


# --- automation node --------------------------------------------------------------------------------------
def _archive_from_path(ctx: RequestContext) -> tuple[bytes, str]:
    raw = ctx.arg("archivePath")
    if not raw:
        raise MissingArchivePath()
    path = Path(raw)
    if path.is_absolute() and ctx.instance.remote_policy.in_data_dir(path):  # e.g. another project's bundles
        raise ArchivePathInDataDir(raw)
    if not path.is_absolute() or not path.is_file():
        raise ArchivePathNotAFile(raw, ctx.instance.name)
    return path.read_bytes(), str(path)


@routes.route("GET", "/projects/{pk}/bundles/imported", access="read",
              evidence=client("dss/project.py", "DSSProject.list_imported_bundles", "EV-B07"))
def list_imported(ctx: RequestContext, pk: str):
    return {"bundles": ctx.instance.bundles.imported.list(ctx.instance.projects.get(pk))}


@routes.route("POST", "/projects/{pk}/bundles/imported/actions/importFromArchive", access="admin",
              evidence=client("dss/project.py", "DSSProject.import_bundle_from_archive", "EV-B04", "EV-B08"))
def import_from_archive(ctx: RequestContext, pk: str):
    project = ctx.instance.projects.get(pk)
    content, source = _archive_from_path(ctx)
    record = ctx.instance.bundles.imported.import_bundle(project, content, ctx.login, source)
    return {"projectKey": pk, "bundleId": record["bundleId"]}


@routes.route("POST", "/projects/{pk}/bundles/imported/actions/importFromStream", access="admin",
              evidence=client("dss/project.py", "DSSProject.import_bundle_from_stream", "EV-B04", "EV-B08"))
def import_from_stream(ctx: RequestContext, pk: str):
    project = ctx.instance.projects.get(pk)
    upload = ctx.file()
    record = ctx.instance.bundles.imported.import_bundle(project, upload.content, ctx.login,
                                                         f"uploaded file {upload.filename!r}")
    return {"projectKey": pk, "bundleId": record["bundleId"]}


@routes.route("POST", "/projects/{pk}/bundles/imported/{bid}/actions/preload", access="admin",
              evidence=client("dss/project.py", "DSSProject.preload_bundle", "EV-B08", "EV-C04", "EV-L06",
                              unverified="the wording of the preload report"))
def preload(ctx: RequestContext, pk: str, bid: str):
    """Body key ``remapping`` is invented: the emulated Deployer's channel for its connection remapping (real DSS
    passes it through its internal deployer protocol); dataikuapi's ``preload_bundle`` sends no body."""
    return ctx.instance.bundles.imported.preload(ctx.instance.projects.get(pk), bid,
                                                 ctx.json_object().get("remapping"))


@routes.route("POST", "/projects/{pk}/bundles/imported/{bid}/actions/activate", access="admin",
              evidence=client("dss/project.py", "DSSProject.activate_bundle",
                              "EV-B08", "EV-C01", "EV-C04", "EV-C05", "EV-S08",
                              unverified="the wording of the activation report (only the ERR_ codes are documented)"))
def activate(ctx: RequestContext, pk: str, bid: str):
    """``scenariosActiveOnActivation`` as dataikuapi sends it; ``remapping`` as for :func:`preload` (invented)."""
    body = ctx.json_object()
    return ctx.instance.bundles.imported.activate(ctx.instance.projects.get(pk), bid, ctx.login,
                                                  body.get("scenariosActiveOnActivation"), body.get("remapping"))


@routes.route("DELETE", "/projects/{pk}/bundles/imported/{bid}", access="admin",
              evidence=client("dss/project.py", "DSSProject.delete_imported_bundle", "EV-B10"))
def delete_imported(ctx: RequestContext, pk: str, bid: str):
    ctx.instance.bundles.imported.delete(ctx.instance.projects.get(pk), bid)


KEY_REFUSED = ("a key invalid or already used is ERR_PROJECT_INVALID_PROJECT_KEY (EV-P06): its HTTP status (400) and "
               "message are the emulator's")


@routes.route("POST", "/projectsFromBundle/fromArchive", access="global-admin",
              evidence=client("dssclient.py", "DSSClient.create_project_from_bundle_local_archive",
                              "EV-B04", "EV-P06", unverified=KEY_REFUSED))
def project_from_local_archive(ctx: RequestContext):
    content, source = _archive_from_path(ctx)
    project = ctx.instance.bundles.imported.create_project(content, ctx.login, source,
                                                           ctx.arg("permissionsPropagationPolicy"))
    return {"projectKey": project.key}


@routes.route("POST", "/projectsFromBundle", access="global-admin",
              evidence=client("dssclient.py", "DSSClient.create_project_from_bundle_archive", "EV-B08", "EV-P06",
                              unverified=KEY_REFUSED))
def project_from_uploaded_archive(ctx: RequestContext):
    upload = ctx.file()
    project = ctx.instance.bundles.imported.create_project(upload.content, ctx.login,
                                                           f"uploaded file {upload.filename!r}",
                                                           ctx.arg("permissionsPropagationPolicy"))
    return {"projectKey": project.key}
