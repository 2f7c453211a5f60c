"""Dataset, recipe and project-folder routes of a design node (thin: parse, delegate)."""
from __future__ import annotations

from ..core.context import RequestContext
from ..core.evidence import client, inferred
from ..core.routing import RouteTable, Text

routes = RouteTable()


# --- datasets ------------------------------------------------------------------------------------------------
@routes.route("GET", "/projects/{pk}/datasets", access="read",
              evidence=client("dss/project.py", "DSSProject.list_datasets"))
def list_datasets(ctx: RequestContext, pk: str):
    return ctx.instance.datasets.list(pk, set(ctx.query.getlist("tags")))


@routes.route("POST", "/projects/{pk}/datasets", access="write",
              evidence=client("dss/project.py", "DSSProject.create_dataset", "EV-D01", "EV-D02", "EV-D03"))
def create_dataset(ctx: RequestContext, pk: str):
    name = ctx.instance.datasets.create(pk, ctx.json_object(), ctx.login)
    return {"name": name, "projectKey": pk}


@routes.route("POST", "/projects/{pk}/datasets/managed", access="write",
              evidence=client("dss/dataset.py", "DSSManagedDatasetCreationHelper.create", "EV-D06"))
def create_managed_dataset(ctx: RequestContext, pk: str):
    name = ctx.instance.datasets.create_managed(pk, ctx.json_object(), ctx.login)
    return {"name": name, "projectKey": pk}


@routes.route("GET", "/projects/{pk}/datasets/{name}", access="read",
              evidence=client("dss/dataset.py", "DSSDataset.get_settings"))
def get_dataset(ctx: RequestContext, pk: str, name: str):
    return ctx.instance.datasets.settings(pk, name)


@routes.route("PUT", "/projects/{pk}/datasets/{name}", access="write",
              evidence=client("dss/dataset.py", "DSSDatasetSettings.save"))
def save_dataset(ctx: RequestContext, pk: str, name: str):
    ctx.instance.datasets.save(pk, name, ctx.json_object(), ctx.login)


@routes.route("DELETE", "/projects/{pk}/datasets/{name}", access="write",
              evidence=client("dss/dataset.py", "DSSDataset.delete"))
def delete_dataset(ctx: RequestContext, pk: str, name: str):
    ctx.instance.datasets.delete(pk, name, ctx.flag("dropData"), ctx.login)


@routes.route("GET", "/projects/{pk}/datasets/{name}/schema", access="read",
              evidence=client("dss/dataset.py", "DSSDataset.get_schema"))
def get_schema(ctx: RequestContext, pk: str, name: str):
    schema = ctx.instance.datasets.settings(pk, name).get("schema") or {}
    return {"columns": schema.get("columns", []), "userModified": bool(schema.get("userModified"))}


@routes.route("PUT", "/projects/{pk}/datasets/{name}/schema", access="write",
              evidence=client("dss/dataset.py", "DSSDataset.set_schema"))
def set_schema(ctx: RequestContext, pk: str, name: str):
    ctx.instance.datasets.set_schema(pk, name, ctx.json_object(), ctx.login)


@routes.route("GET", "/projects/{pk}/datasets/{name}/metadata", access="read",
              evidence=client("dss/dataset.py", "DSSDataset.get_metadata"))
def get_dataset_metadata(ctx: RequestContext, pk: str, name: str):
    return ctx.instance.datasets.metadata(pk, name)


@routes.route("PUT", "/projects/{pk}/datasets/{name}/metadata", access="write",
              evidence=client("dss/dataset.py", "DSSDataset.set_metadata"))
def set_dataset_metadata(ctx: RequestContext, pk: str, name: str):
    ctx.instance.datasets.set_metadata(pk, name, ctx.json_object(), ctx.login)


@routes.route("GET", "/projects/{pk}/datasets/{name}/info", access="read",
              evidence=client("dss/dataset.py", "DSSDataset.get_info"))
def get_dataset_info(ctx: RequestContext, pk: str, name: str):
    return ctx.instance.datasets.info(pk, name)


@routes.route("POST", "/projects/{pk}/datasets/{name}/uploaded/files", access="write",
              evidence=client("dss/dataset.py", "DSSDataset.uploaded_add_file", "EV-D01", "EV-D05"))
def upload_file(ctx: RequestContext, pk: str, name: str):
    upload = ctx.file()
    ctx.instance.datasets.upload(pk, name, upload.filename, upload.content, ctx.login)


@routes.route("GET", "/projects/{pk}/datasets/{name}/uploaded/files", access="read",
              evidence=client("dss/dataset.py", "DSSDataset.uploaded_list_files"))
def list_uploaded_files(ctx: RequestContext, pk: str, name: str):
    return ctx.instance.datasets.uploaded_files(pk, name)


@routes.route("GET", "/projects/{pk}/datasets/{name}/data", access="read",
              evidence=client("dss/dataset.py", "DSSDataset.iter_rows"))
def read_data(ctx: RequestContext, pk: str, name: str):
    """What ``dataset.iter_rows()`` streams (format ``tsv-excel-noheader``, optional ``columns``)."""
    columns = [c for value in ctx.query.getlist("columns") for c in value.split(",") if c]
    return Text(ctx.instance.datasets.data_tsv(pk, name, columns or None))


@routes.route("GET", "/projects/{pk}/datasets/{name}/finish-streaming", access="read",
              evidence=client("utils.py", "DataikuStreamedHttpUTF8CSVReader.iter_rows"))
def finish_streaming(ctx: RequestContext, pk: str, name: str):
    """Nothing to release: ``data`` answers the whole dataset in one response."""


# --- recipes -------------------------------------------------------------------------------------------------
@routes.route("GET", "/projects/{pk}/recipes", access="read",
              evidence=client("dss/project.py", "DSSProject.list_recipes"))
def list_recipes(ctx: RequestContext, pk: str):
    return ctx.instance.objects.list_recipes(pk)


@routes.route("POST", "/projects/{pk}/recipes", access="write",
              evidence=client("dss/project.py", "DSSProject.create_recipe"))
def create_recipe(ctx: RequestContext, pk: str):
    return {"name": ctx.instance.objects.create_recipe(pk, ctx.json_object(), ctx.login)}


@routes.route("GET", "/projects/{pk}/recipes/{name}", access="read",
              evidence=client("dss/recipe.py", "DSSRecipe.get_definition_and_payload", "EV-P05"))
def get_recipe(ctx: RequestContext, pk: str, name: str):
    return ctx.instance.objects.recipe(pk, name)


@routes.route("PUT", "/projects/{pk}/recipes/{name}", access="write",
              evidence=client("dss/recipe.py", "DSSRecipeSettings.save", "EV-P05"))
def save_recipe(ctx: RequestContext, pk: str, name: str):
    ctx.instance.objects.save_recipe(pk, name, ctx.json_object(), ctx.login)


@routes.route("DELETE", "/projects/{pk}/recipes/{name}", access="write",
              evidence=client("dss/recipe.py", "DSSRecipe.delete"))
def delete_recipe(ctx: RequestContext, pk: str, name: str):
    ctx.instance.objects.delete_recipe(pk, name, ctx.login)


# --- project folders -----------------------------------------------------------------------------------------
@routes.route("GET", "/project-folders", access="any-key",
              evidence=inferred("the client reads the root folder as /project-folders/ROOT "
                               "(DSSClient.get_root_project_folder); the bare path answers the same"))
def get_root_folder(ctx: RequestContext):
    return ctx.instance.objects.folder("ROOT", ctx.key)


@routes.route("GET", "/project-folders/{folder_id}", access="any-key",
              evidence=client("dssclient.py", "DSSClient.get_project_folder"))
def get_folder(ctx: RequestContext, folder_id: str):
    return ctx.instance.objects.folder(folder_id, ctx.key)


@routes.route("GET", "/project-folders/{folder_id}/settings", access="any-key",
              evidence=client("dss/projectfolder.py", "DSSProjectFolder.get_settings",
                              unverified="the folder settings' shape"))
def get_folder_settings(ctx: RequestContext, folder_id: str):
    ctx.instance.objects.folder(folder_id, ctx.key)
    return {"name": folder_id, "owner": "admin", "permissions": []}


@routes.route("GET", "/project-folders/locate-project/{pk}", access="read",
              evidence=client("dss/project.py", "DSSProject.get_project_folder"))
def locate_project(ctx: RequestContext, pk: str):
    return ctx.instance.objects.locate_project(pk, ctx.key)
