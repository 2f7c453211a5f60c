"""Dataset data files (outside git) as jobs see them, the stamps smart builds compare, and the last builds."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from ..projects.models import LAST_BUILDS, Project
from .flow import FlowRecipe

BUILD_STATE = "build-state"  # project state: {recipe: {"fingerprint": ..., "inputs": {dataset: stamp}}}


def has_data(project: Project, dataset: str) -> bool:
    return project.dataset_data_file(dataset).is_file()


def stamp(project: Project, dataset: str) -> str | None:
    """A digest of the dataset's data (None when it has none)."""
    path = project.dataset_data_file(dataset)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def fingerprint(project: Project, recipe: FlowRecipe) -> str:
    """A digest of the recipe's definition and code: a change makes its outputs stale."""
    digest = hashlib.sha256()
    for path in sorted((project.tree / "recipes").glob(f"{recipe.name}.*")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def is_stale(project: Project, recipe: FlowRecipe) -> bool:
    """Whether the recipe must run in a smart build: an output lacks data, or code or inputs changed since."""
    if any(not has_data(project, o) for o in recipe.outputs):
        return True
    recorded = project.read_state(BUILD_STATE, {}).get(recipe.name)
    if not recorded or recorded.get("fingerprint") != fingerprint(project, recipe):
        return True
    return recorded.get("inputs") != {i: stamp(project, i) for i in recipe.inputs}


def record_build(project: Project, recipe: FlowRecipe, job_id: str, start: int, end: int) -> None:
    """Remember a successful run: what smart builds compare, and each output's last build."""
    state = project.read_state(BUILD_STATE, {})
    state[recipe.name] = {"fingerprint": fingerprint(project, recipe),
                          "inputs": {i: stamp(project, i) for i in recipe.inputs}}
    project.write_state(BUILD_STATE, state)
    builds = project.read_state(LAST_BUILDS, {})
    for output in recipe.outputs:
        builds[output] = {"jobId": job_id, "jobProjectKey": project.key, "buildStartTime": start,
                          "buildEndTime": end, "buildSuccess": True}
    project.write_state(LAST_BUILDS, builds)


def install(project: Project, dataset: str, staged: Path) -> None:
    """Make a staged data file the dataset's data (atomic replace)."""
    target = project.dataset_data_file(dataset)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(".data.csv.installing")
    shutil.copyfile(staged, tmp)
    os.replace(tmp, target)
