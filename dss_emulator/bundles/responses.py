"""Bundle routes: export / list / download / publish on a design node; import / activate on automation nodes."""
from __future__ import annotations

from pathlib import Path

from ..core.context import RequestContext
from ..core.exceptions import InvalidArgument
from ..core.routing import Raw, RouteTable

routes = RouteTable()


# --- design node ------------------------------------------------------------------------------------------
@routes.route("GET", "/projects/{pk}/bundles/exported")
def list_exported(ctx: RequestContext, pk: str):
    ctx.require_project(pk)
    return {"bundles": ctx.instance.bundles.exported.list(ctx.instance.projects.get(pk))}


@routes.route("PUT", "/projects/{pk}/bundles/exported/{bid}")
def export_bundle(ctx: RequestContext, pk: str, bid: str):
    ctx.require_project(pk, "write")
    project = ctx.instance.projects.get(pk)
    return ctx.instance.bundles.exported.export(project, bid, ctx.login, ctx.arg("releaseNotes"),
                                                ctx.flag("evaluateProjectStandardsChecks", True))


@routes.route("DELETE", "/projects/{pk}/bundles/exported/{bid}")
def delete_exported(ctx: RequestContext, pk: str, bid: str):
    ctx.require_project(pk, "write")
    ctx.instance.bundles.exported.delete(ctx.instance.projects.get(pk), bid)


@routes.route("GET", "/projects/{pk}/bundles/exported/{bid}/archive")
def download_exported(ctx: RequestContext, pk: str, bid: str):
    ctx.require_project(pk)
    path = ctx.instance.bundles.exported.archive_path(ctx.instance.projects.get(pk), bid)
    return Raw(path.read_bytes(), "application/zip")


@routes.route("POST", "/projects/{pk}/bundles/{bid}/publish")
def publish_bundle(ctx: RequestContext, pk: str, bid: str):
    ctx.require_project(pk, "write")
    return ctx.instance.bundles.exported.publish(ctx.instance.projects.get(pk), bid, ctx.login,
                                                 ctx.arg("publishedProjectKey"))


# --- automation node --------------------------------------------------------------------------------------
def _archive_from_path(ctx: RequestContext) -> tuple[bytes, str]:
    raw = ctx.arg("archivePath")
    if not raw:
        raise InvalidArgument("Missing query parameter archivePath (the path of a bundle zip on the node)")
    path = Path(raw)
    if path.is_absolute() and ctx.instance.remote_policy.in_data_dir(path):  # e.g. another project's bundles
        raise InvalidArgument(f"Invalid archivePath: {raw!r}",
                              f"archivePath {raw!r} lies inside the emulator's data directory")
    if not path.is_absolute() or not path.is_file():
        raise InvalidArgument(f"Invalid archivePath: {raw!r}",
                              f"archivePath {raw!r} is not an existing file on the file system of node "
                              f"{ctx.instance.name}")
    return path.read_bytes(), str(path)


@routes.route("GET", "/projects/{pk}/bundles/imported")
def list_imported(ctx: RequestContext, pk: str):
    ctx.require_project(pk)
    return {"bundles": ctx.instance.bundles.imported.list(ctx.instance.projects.get(pk))}


@routes.route("POST", "/projects/{pk}/bundles/imported/actions/importFromArchive")
def import_from_archive(ctx: RequestContext, pk: str):
    ctx.require_project(pk, "admin")
    project = ctx.instance.projects.get(pk)
    content, source = _archive_from_path(ctx)
    record = ctx.instance.bundles.imported.import_bundle(project, content, ctx.login, source)
    return {"projectKey": pk, "bundleId": record["bundleId"]}


@routes.route("POST", "/projects/{pk}/bundles/imported/actions/importFromStream")
def import_from_stream(ctx: RequestContext, pk: str):
    ctx.require_project(pk, "admin")
    project = ctx.instance.projects.get(pk)
    upload = ctx.file()
    record = ctx.instance.bundles.imported.import_bundle(project, upload.content, ctx.login,
                                                         f"uploaded file {upload.filename!r}")
    return {"projectKey": pk, "bundleId": record["bundleId"]}


@routes.route("POST", "/projects/{pk}/bundles/imported/{bid}/actions/preload")
def preload(ctx: RequestContext, pk: str, bid: str):
    ctx.require_project(pk, "admin")
    return ctx.instance.bundles.imported.preload(ctx.instance.projects.get(pk), bid)


@routes.route("POST", "/projects/{pk}/bundles/imported/{bid}/actions/activate")
def activate(ctx: RequestContext, pk: str, bid: str):
    ctx.require_project(pk, "admin")
    body = ctx.json_object()
    return ctx.instance.bundles.imported.activate(ctx.instance.projects.get(pk), bid, ctx.login,
                                                  body.get("scenariosActiveOnActivation"))


@routes.route("DELETE", "/projects/{pk}/bundles/imported/{bid}")
def delete_imported(ctx: RequestContext, pk: str, bid: str):
    ctx.require_project(pk, "admin")
    ctx.instance.bundles.imported.delete(ctx.instance.projects.get(pk), bid)


@routes.route("POST", "/projectsFromBundle/fromArchive")
def project_from_local_archive(ctx: RequestContext):
    ctx.require_admin()
    content, source = _archive_from_path(ctx)
    project = ctx.instance.bundles.imported.create_project(content, ctx.login, source,
                                                           ctx.arg("permissionsPropagationPolicy"))
    return {"projectKey": project.key}


@routes.route("POST", "/projectsFromBundle")
def project_from_uploaded_archive(ctx: RequestContext):
    ctx.require_admin()
    upload = ctx.file()
    project = ctx.instance.bundles.imported.create_project(upload.content, ctx.login,
                                                           f"uploaded file {upload.filename!r}",
                                                           ctx.arg("permissionsPropagationPolicy"))
    return {"projectKey": project.key}
