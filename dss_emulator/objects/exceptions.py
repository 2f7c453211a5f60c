"""Errors of the objects area (datasets, recipes, project folders): each class carries its DSS-shaped message."""
from __future__ import annotations

from ..core.exceptions import AlreadyExists, InvalidInput, NotFound


class DatasetAlreadyExists(AlreadyExists):
    def __init__(self, project_key: str, name: str):
        super().__init__(f"Dataset {project_key}.{name} already exists")


class RecipeAlreadyExists(AlreadyExists):
    def __init__(self, project_key: str, name: str):
        super().__init__(f"Recipe {project_key}.{name} already exists")


class RecipeDatasetMissing(InvalidInput):
    """A recipe input or output (``role``) names no dataset of the project."""

    def __init__(self, project_key: str, role: str, ref: str):
        super().__init__(f"Invalid recipe {role}: dataset {project_key}.{ref} does not exist",
                         f"{role} {ref!r} is not a dataset of project {project_key}")


class NotAnUploadedDataset(InvalidInput):
    def __init__(self, project_key: str, name: str, kind: object):
        super().__init__(f"Dataset {project_key}.{name} is not an uploaded files dataset",
                         f"dataset {name} has type {kind}, files can only be added to UploadedFiles datasets")


class UnknownColumns(InvalidInput):
    def __init__(self, project_key: str, name: str, columns: list[str]):
        super().__init__(f"Unknown column(s) in dataset {project_key}.{name}: {', '.join(columns)}")


class ProjectFolderNotFound(NotFound):
    def __init__(self, folder_id: str, root: str):
        super().__init__(f"Project folder not found: {folder_id}",
                         f"No project folder {folder_id} (the emulator has only the root folder, id {root})")
