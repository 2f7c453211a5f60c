"""Project routes: list, create, delete, summary, metadata, settings, variables, tags, permissions."""
from __future__ import annotations

import json

from ..core.context import RequestContext
from ..core.evidence import client
from ..core.exceptions import InvalidArgument
from ..core.routing import Raw, RouteTable
from . import file_shapes, layout
from .models import LOCAL_VARIABLES

routes = RouteTable()


@routes.route("GET", "/projects", access="any-key",
              evidence=client("dssclient.py", "DSSClient.list_projects", "EV-P04"))
def list_projects(ctx: RequestContext):
    """The projects the key can read; items are pre-serialised per project so 5,000 projects list fast."""
    backend = ctx.instance.projects
    tags = set(ctx.query.getlist("tags"))
    items = []
    for project in backend.list():
        if not ctx.key.can(project.key, "read"):
            continue
        if tags and not tags & set(project.params.get("tags", [])):
            continue
        extras = ctx.instance.project_list_extras(project)
        items.append(json.dumps(dict(project.list_item(), **extras)) if extras else project.list_item_json())
    return Raw(("[" + ",".join(items) + "]").encode(), "application/json")


@routes.route("POST", "/projects", access="global-admin",
              evidence=client("dssclient.py", "DSSClient.create_project", "EV-P01", "EV-P06"))
def create_project(ctx: RequestContext):
    body = ctx.json_object(file_shapes.NEW_PROJECT)
    key = ctx.instance.projects.check_new_key(body.get("projectKey"))
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidArgument(f"Invalid project name: {name!r}", "name must be a non-empty string")
    owner = body.get("owner") or "admin"
    settings = body.get("settings") or {}
    commit_mode = settings.get("gitCommitMode", "AUTO") if isinstance(settings, dict) else "AUTO"
    if commit_mode not in ("AUTO", "EXPLICIT"):
        raise InvalidArgument(f"Invalid gitCommitMode: {commit_mode!r}", "settings.gitCommitMode is AUTO or EXPLICIT")
    params = layout.new_params(name, owner, description=body.get("description") or "",
                               short_desc=body.get("shortDesc") or "", tags=body.get("tags") or [],
                               settings=settings, commit_mode=commit_mode)
    params["permissions"] = body.get("permissions") or []
    ctx.instance.projects.create(key, params, author=owner, message=f"Created project {key}")
    return {"projectKey": key}


@routes.route("GET", "/projects/{pk}", access="read",
              evidence=client("dss/project.py", "DSSProject.get_summary", "EV-P04"))
def get_summary(ctx: RequestContext, pk: str):
    project = ctx.instance.projects.get(pk)
    item = project.list_item()
    item.update(ctx.instance.project_list_extras(project))
    return item


@routes.route("DELETE", "/projects/{pk}", access="admin", evidence=client("dss/project.py", "DSSProject.delete"))
def delete_project(ctx: RequestContext, pk: str):
    ctx.instance.projects.delete(pk)
    return {}


@routes.route("GET", "/projects/{pk}/metadata", access="read",
              evidence=client("dss/project.py", "DSSProject.get_metadata"))
def get_metadata(ctx: RequestContext, pk: str):
    p = ctx.instance.projects.get(pk).params
    return {
        "label": p.get("name", pk),
        "description": p.get("description", ""),
        "shortDesc": p.get("shortDesc", ""),
        "tags": list(p.get("tags", [])),
        "custom": {"kv": dict(p.get("customFields", {}))},
        "checklists": p.get("checklists", {"checklists": []}),
    }


@routes.route("PUT", "/projects/{pk}/metadata", access="write",
              evidence=client("dss/project.py", "DSSProject.set_metadata"))
def set_metadata(ctx: RequestContext, pk: str):
    body = ctx.json_object(file_shapes.METADATA)
    project = ctx.instance.projects.get(pk)
    params = dict(project.params)
    for wire, stored in (("label", "name"), ("description", "description"), ("shortDesc", "shortDesc"),
                         ("tags", "tags"), ("checklists", "checklists")):
        if wire in body:
            params[stored] = body[wire]
    if "custom" in body:
        params["customFields"] = (body["custom"] or {}).get("kv", {})
    project.write("params.json", params, f"Updated metadata of project {pk}", ctx.login)


def _settings_view(params: dict) -> dict:
    return {"settings": params.get("settings", {}), "exposedObjects": params.get("exposedObjects", {"objects": []}),
            "bundleExporterSettings": params.get("bundleExporterSettings", {}),
            "permissions": params.get("permissions", []), "name": params.get("name"),
            "owner": params.get("owner")}


@routes.route("GET", "/projects/{pk}/settings", access="read",
              evidence=client("dss/project.py", "DSSProject.get_settings", "EV-P01"))
def get_settings(ctx: RequestContext, pk: str):
    return _settings_view(ctx.instance.projects.get(pk).params)


@routes.route("PUT", "/projects/{pk}/settings", access="write",
              evidence=client("dss/project.py", "DSSProjectSettings.save", "EV-P01"))
def save_settings(ctx: RequestContext, pk: str):
    body = ctx.json_object(file_shapes.PROJECT_SETTINGS)
    project = ctx.instance.projects.get(pk)
    params = dict(project.params)
    for key in ("settings", "exposedObjects", "bundleExporterSettings", "permissions"):
        if key in body:
            params[key] = body[key]
    mode = params.get("settings", {}).get("gitCommitMode", "AUTO")
    if mode not in ("AUTO", "EXPLICIT"):
        raise InvalidArgument(f"Invalid gitCommitMode: {mode!r}", "settings.gitCommitMode is AUTO or EXPLICIT")
    project.write("params.json", params, f"Updated settings of project {pk}")


@routes.route("GET", "/projects/{pk}/tags", access="read", evidence=client("dss/project.py", "DSSProject.get_tags"))
def get_tags(ctx: RequestContext, pk: str):
    return {"tags": {t: {} for t in ctx.instance.projects.get(pk).params.get("tags", [])}}


@routes.route("PUT", "/projects/{pk}/tags", access="write", evidence=client("dss/project.py", "DSSProject.set_tags"))
def set_tags(ctx: RequestContext, pk: str):
    body = ctx.json_object(file_shapes.PROJECT_TAGS)
    project = ctx.instance.projects.get(pk)
    params = dict(project.params, tags=sorted((body.get("tags") or {}).keys()))
    project.write("params.json", params, f"Updated tags of project {pk}")


@routes.route("GET", "/projects/{pk}/permissions", access="read",
              evidence=client("dss/project.py", "DSSProject.get_permissions"))
def get_permissions(ctx: RequestContext, pk: str):
    p = ctx.instance.projects.get(pk).params
    return {"owner": p.get("owner"), "permissions": p.get("permissions", [])}


@routes.route("PUT", "/projects/{pk}/permissions", access="admin",
              evidence=client("dss/project.py", "DSSProject.set_permissions"))
def set_permissions(ctx: RequestContext, pk: str):
    body = ctx.json_object()
    project = ctx.instance.projects.get(pk)
    params = dict(project.params, permissions=body.get("permissions", []), owner=body.get("owner") or
                  project.params.get("owner"))
    project.write("params.json", params, f"Updated permissions of project {pk}")


@routes.route("GET", "/projects/{pk}/variables", access="read",
              evidence=client("dss/project.py", "DSSProject.get_variables"))
def get_variables(ctx: RequestContext, pk: str):
    project = ctx.instance.projects.get(pk)
    return {"standard": project.read("variables.json") or {}, "local": project.read_state(LOCAL_VARIABLES, {})}


@routes.route("PUT", "/projects/{pk}/variables", access="write",
              evidence=client("dss/project.py", "DSSProject.set_variables"))
def set_variables(ctx: RequestContext, pk: str):
    body = ctx.json_object()
    for part in ("standard", "local"):
        if not isinstance(body.get(part), dict):
            raise InvalidArgument(f"Invalid variables: {part} must be an object", f"got {body.get(part)!r}")
    project = ctx.instance.projects.get(pk)
    project.write_state(LOCAL_VARIABLES, body["local"])
    project.write("variables.json", body["standard"], f"Updated variables of project {pk}")
