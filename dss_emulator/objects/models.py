"""Recipes and project folders of a design node. Datasets are in :mod:`.datasets`; scenarios in the scenarios area.

A recipe is ``recipes/<name>.json`` plus its payload file (``recipes/<name>.py`` for Python, an empty
``recipes/<name>.sync`` for sync). Saves commit in the project's AUTO mode with DSS's messages and stay uncommitted in
EXPLICIT mode (see :meth:`dss_emulator.projects.models.Project.save_files`).
"""
from __future__ import annotations

from ..core.auth import ApiKey
from ..core.exceptions import invalid
from ..projects.models import Project, ProjectsBackend
from . import shapes
from .datasets import check_dict, check_name
from .exceptions import ProjectFolderNotFound, RecipeAlreadyExists, RecipeDatasetMissing

ROOT_FOLDER = "ROOT"
_WIRE_ONLY = ("name", "projectKey")


class ObjectsBackend:
    """Recipes of every project of an instance, plus its (flat) project folder tree."""

    def __init__(self, projects: ProjectsBackend):
        self.projects = projects

    def _project(self, pk: str) -> Project:
        return self.projects.get(pk)

    # --- recipes ---------------------------------------------------------------------------------------------
    def list_recipes(self, pk: str) -> list[dict]:
        return [dict(data, name=name, projectKey=pk) for name, data in self._project(pk).objects("recipes")]

    def recipe(self, pk: str, name: str) -> dict:
        """``{recipe, payload}`` as ``recipe.get_settings()`` reads it (payload: code, "" for sync)."""
        project = self._project(pk)
        data = project.get_object("recipes", name)
        payload = project.read_text(shapes.payload_path(name, data.get("type", "")))
        return {"recipe": dict(data, name=name, projectKey=pk), "payload": payload}

    def save_recipe(self, pk: str, name: str, body: dict, login: str) -> None:
        """``PUT /recipes/{name}`` with ``{recipe, payload}``: definition and code saved as one commit."""
        project = self._project(pk)
        definition = check_dict("recipe", body.get("recipe"), required=True)
        payload = body.get("payload")
        if payload is not None and not isinstance(payload, str):
            raise invalid(f"Invalid payload: expected a string, got {type(payload).__name__}")
        if definition.get("name") not in (None, name):
            raise invalid(f"Invalid recipe.name: {definition['name']!r}",
                          f"settings of recipe {name} cannot rename it")
        for role in ("inputs", "outputs"):
            check_dict(f"recipe.{role}", definition.get(role))
        with project.lock:
            old = project.get_object("recipes", name)
            if definition.get("type") != old.get("type"):
                raise invalid(f"Invalid recipe.type: {definition.get('type')!r}",
                              f"recipe {name} has type {old.get('type')!r}, which cannot change")
            new = {k: v for k, v in definition.items() if k not in _WIRE_ONLY}
            changes: dict = {}
            if not shapes.same_content(old, new):
                changes[f"recipes/{name}.json"] = shapes.bump_version(old, new, login)
            code_path = shapes.payload_path(name, old["type"])
            if payload is not None and payload != project.read_text(code_path):
                changes[code_path] = payload
            if changes:
                project.save_files(changes, f"Saved recipe: {pk}.{name}", login)

    def create_recipe(self, pk: str, body: dict, login: str) -> str:
        """``POST /recipes`` with ``{recipePrototype, creationSettings}`` (the client's recipe creators)."""
        project = self._project(pk)
        proto = check_dict("recipePrototype", body.get("recipePrototype"), required=True)
        settings = check_dict("creationSettings", body.get("creationSettings"))
        kind = proto.get("type")
        if not isinstance(kind, str) or not kind:
            raise invalid(f"Invalid recipePrototype.type: {kind!r}", "type must be a non-empty string")
        inputs = check_dict("recipePrototype.inputs", proto.get("inputs"))
        outputs = check_dict("recipePrototype.outputs", proto.get("outputs"))
        out_refs = shapes.role_refs(outputs)
        name = proto.get("name") or (f"compute_{out_refs[0]}" if out_refs else None)
        check_name("recipe", name)
        payload = settings.get("script") if kind in shapes.CODE_RECIPE_TYPES else settings.get("rawPayload")
        if payload is not None and not isinstance(payload, str):
            raise invalid(f"Invalid creationSettings.script: expected a string, got {payload!r}")
        if payload is None:
            payload = shapes.DEFAULT_PYTHON_CODE if kind == "python" else ""
        with project.lock:
            if name in project.object_names("recipes"):
                raise RecipeAlreadyExists(pk, name)
            if not settings.get("rawCreation"):
                self._check_refs(project, shapes.role_refs(inputs), "input")
                self._create_outputs(project, out_refs, settings, login)
            data = shapes.recipe(kind, login, inputs, outputs, check_dict("recipePrototype.params",
                                                                          proto.get("params")))
            project.save_files({f"recipes/{name}.json": data, shapes.payload_path(name, kind): payload},
                               f"Created recipe {pk}.{name}", login)
        return name

    def _check_refs(self, project: Project, refs: list[str], role: str) -> None:
        existing = set(project.object_names("datasets"))
        for ref in refs:
            if "." not in ref and ref not in existing:
                raise RecipeDatasetMissing(project.key, role, ref)

    def _create_outputs(self, project: Project, refs: list[str], settings: dict, login: str) -> None:
        """Outputs must exist, unless the creation settings ask for new managed datasets."""
        missing = [r for r in refs if r not in set(project.object_names("datasets"))]
        if not missing:
            return
        connection = (settings.get("outputDatasetSettings") or {}).get("connectionId")
        if not settings.get("createOutputDataset") or not connection:
            self._check_refs(project, missing, "output")
        for ref in missing:
            check_name("dataset", ref)
            project.save_files({f"datasets/{ref}.json": shapes.managed_dataset(ref, login, connection)},
                               f"Created dataset {project.key}.{ref}", login)

    def delete_recipe(self, pk: str, name: str, login: str) -> None:
        project = self._project(pk)
        with project.lock:
            data = project.get_object("recipes", name)
            project.save_files({f"recipes/{name}.json": None, shapes.payload_path(name, data.get("type", "")): None},
                               f"Deleted recipe {pk}.{name}", login)

    # --- project folders (one flat root) ---------------------------------------------------------------------
    def folder(self, folder_id: str, key: ApiKey) -> dict:
        """The root folder holds every project the key can read; there are no sub-folders."""
        if folder_id != ROOT_FOLDER:
            raise ProjectFolderNotFound(folder_id, ROOT_FOLDER)
        return {"id": ROOT_FOLDER, "name": None, "parentId": None, "childrenIds": [],
                "projectKeys": [k for k in self.projects.keys() if key.can(k, "read")]}

    def locate_project(self, pk: str, key: ApiKey) -> dict:
        self._project(pk)
        return self.folder(ROOT_FOLDER, key)
