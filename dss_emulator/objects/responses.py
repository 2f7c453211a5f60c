"""Dataset, recipe, scenario and project-folder routes of a design node (thin: parse, check access, delegate)."""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.routing import RouteTable, Text

routes = RouteTable()


# --- datasets ------------------------------------------------------------------------------------------------
@routes.route("GET", "/projects/{pk}/datasets")
def list_datasets(ctx: RequestContext, pk: str):
    ctx.require_project(pk)
    return ctx.instance.datasets.list(pk, set(ctx.query.getlist("tags")))


@routes.route("POST", "/projects/{pk}/datasets")
def create_dataset(ctx: RequestContext, pk: str):
    ctx.require_project(pk, "write")
    name = ctx.instance.datasets.create(pk, ctx.json_object(), ctx.login)
    return {"name": name, "projectKey": pk}


@routes.route("POST", "/projects/{pk}/datasets/managed")
def create_managed_dataset(ctx: RequestContext, pk: str):
    ctx.require_project(pk, "write")
    name = ctx.instance.datasets.create_managed(pk, ctx.json_object(), ctx.login)
    return {"name": name, "projectKey": pk}


@routes.route("GET", "/projects/{pk}/datasets/{name}")
def get_dataset(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk)
    return ctx.instance.datasets.settings(pk, name)


@routes.route("PUT", "/projects/{pk}/datasets/{name}")
def save_dataset(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk, "write")
    ctx.instance.datasets.save(pk, name, ctx.json_object(), ctx.login)


@routes.route("DELETE", "/projects/{pk}/datasets/{name}")
def delete_dataset(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk, "write")
    ctx.instance.datasets.delete(pk, name, ctx.flag("dropData"), ctx.login)


@routes.route("GET", "/projects/{pk}/datasets/{name}/schema")
def get_schema(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk)
    schema = ctx.instance.datasets.settings(pk, name).get("schema") or {}
    return {"columns": schema.get("columns", []), "userModified": bool(schema.get("userModified"))}


@routes.route("PUT", "/projects/{pk}/datasets/{name}/schema")
def set_schema(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk, "write")
    ctx.instance.datasets.set_schema(pk, name, ctx.json_object(), ctx.login)


@routes.route("GET", "/projects/{pk}/datasets/{name}/metadata")
def get_dataset_metadata(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk)
    return ctx.instance.datasets.metadata(pk, name)


@routes.route("PUT", "/projects/{pk}/datasets/{name}/metadata")
def set_dataset_metadata(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk, "write")
    ctx.instance.datasets.set_metadata(pk, name, ctx.json_object(), ctx.login)


@routes.route("GET", "/projects/{pk}/datasets/{name}/info")
def get_dataset_info(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk)
    return ctx.instance.datasets.info(pk, name)


@routes.route("POST", "/projects/{pk}/datasets/{name}/uploaded/files")
def upload_file(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk, "write")
    upload = ctx.file()
    ctx.instance.datasets.upload(pk, name, upload.filename, upload.content, ctx.login)


@routes.route("GET", "/projects/{pk}/datasets/{name}/uploaded/files")
def list_uploaded_files(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk)
    return ctx.instance.datasets.uploaded_files(pk, name)


@routes.route("GET", "/projects/{pk}/datasets/{name}/data")
def read_data(ctx: RequestContext, pk: str, name: str):
    """What ``dataset.iter_rows()`` streams (format ``tsv-excel-noheader``, optional ``columns``)."""
    ctx.require_project(pk)
    columns = [c for value in ctx.query.getlist("columns") for c in value.split(",") if c]
    return Text(ctx.instance.datasets.data_tsv(pk, name, columns or None))


@routes.route("GET", "/projects/{pk}/datasets/{name}/finish-streaming")
def finish_streaming(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk)


# --- recipes -------------------------------------------------------------------------------------------------
@routes.route("GET", "/projects/{pk}/recipes")
def list_recipes(ctx: RequestContext, pk: str):
    ctx.require_project(pk)
    return ctx.instance.objects.list_recipes(pk)


@routes.route("POST", "/projects/{pk}/recipes")
def create_recipe(ctx: RequestContext, pk: str):
    ctx.require_project(pk, "write")
    return {"name": ctx.instance.objects.create_recipe(pk, ctx.json_object(), ctx.login)}


@routes.route("GET", "/projects/{pk}/recipes/{name}")
def get_recipe(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk)
    return ctx.instance.objects.recipe(pk, name)


@routes.route("PUT", "/projects/{pk}/recipes/{name}")
def save_recipe(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk, "write")
    ctx.instance.objects.save_recipe(pk, name, ctx.json_object(), ctx.login)


@routes.route("DELETE", "/projects/{pk}/recipes/{name}")
def delete_recipe(ctx: RequestContext, pk: str, name: str):
    ctx.require_project(pk, "write")
    ctx.instance.objects.delete_recipe(pk, name, ctx.login)


# --- scenarios (definitions; runs are served by the scenarios area) ------------------------------------------
@routes.route("GET", "/projects/{pk}/scenarios")
def list_scenarios(ctx: RequestContext, pk: str):
    ctx.require_project(pk)
    return ctx.instance.objects.list_scenarios(pk)


@routes.route("POST", "/projects/{pk}/scenarios")
def create_scenario(ctx: RequestContext, pk: str):
    ctx.require_project(pk, "write")
    return {"id": ctx.instance.objects.create_scenario(pk, ctx.json_object(), ctx.login)}


@routes.route("GET", "/projects/{pk}/scenarios/{sid}")
def get_scenario(ctx: RequestContext, pk: str, sid: str):
    ctx.require_project(pk)
    return ctx.instance.objects.scenario(pk, sid)


@routes.route("PUT", "/projects/{pk}/scenarios/{sid}")
def save_scenario(ctx: RequestContext, pk: str, sid: str):
    ctx.require_project(pk, "write")
    ctx.instance.objects.save_scenario(pk, sid, ctx.json_object(), ctx.login)


@routes.route("DELETE", "/projects/{pk}/scenarios/{sid}")
def delete_scenario(ctx: RequestContext, pk: str, sid: str):
    ctx.require_project(pk, "write")
    ctx.instance.objects.delete_scenario(pk, sid, ctx.login)


@routes.route("GET", "/projects/{pk}/scenarios/{sid}/payload")
def get_scenario_payload(ctx: RequestContext, pk: str, sid: str):
    ctx.require_project(pk)
    return ctx.instance.objects.scenario_script(pk, sid)


@routes.route("PUT", "/projects/{pk}/scenarios/{sid}/payload")
def save_scenario_payload(ctx: RequestContext, pk: str, sid: str):
    ctx.require_project(pk, "write")
    ctx.instance.objects.save_scenario_script(pk, sid, ctx.json_object().get("script"), ctx.login)


# --- project folders -----------------------------------------------------------------------------------------
@routes.route("GET", "/project-folders")
def get_root_folder(ctx: RequestContext):
    return ctx.instance.objects.folder("ROOT", ctx.key)


@routes.route("GET", "/project-folders/{folder_id}")
def get_folder(ctx: RequestContext, folder_id: str):
    return ctx.instance.objects.folder(folder_id, ctx.key)


@routes.route("GET", "/project-folders/{folder_id}/settings")
def get_folder_settings(ctx: RequestContext, folder_id: str):
    ctx.instance.objects.folder(folder_id, ctx.key)
    return {"name": folder_id, "owner": "admin", "permissions": []}


@routes.route("GET", "/project-folders/locate-project/{pk}")
def locate_project(ctx: RequestContext, pk: str):
    ctx.require_project(pk)
    return ctx.instance.objects.locate_project(pk, ctx.key)
